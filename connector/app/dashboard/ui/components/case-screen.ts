import { Screen } from './screen';

export class CaseScreen extends Screen<{ caseId: string }> {
  static override template = 'recouvra.CaseScreen';
}
