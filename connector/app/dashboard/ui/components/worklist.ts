import { Screen } from './screen';

export class Worklist extends Screen<{ query: Record<string, string> }> {
  static override template = 'recouvra.Worklist';
}
