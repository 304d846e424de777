import { Screen } from './screen';

export class Health extends Screen {
  static override template = 'recouvra.Health';
}
