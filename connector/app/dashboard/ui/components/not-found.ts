import { Screen } from './screen';

export class NotFound extends Screen<{ path: string }> {
  static override template = 'recouvra.NotFound';
  static override props = { path: String };
}
