import { Screen } from './screen';

export class Approvals extends Screen {
  static override template = 'recouvra.Approvals';
}
