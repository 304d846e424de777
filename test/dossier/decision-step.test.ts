import { decisionStep } from '../../connector/dossier/formal-notice';
import type { Decision } from '../../connector/store/store';

const decision = (evaluation: Record<string, unknown>): Decision => ({
  id: 'dec-1',
  idempotencyKey: 'case_1/formal-notice/2025-02-01',
  caseId: 'case_1',
  stepId: 'formal-notice',
  stepIndex: 2,
  policyId: 'p',
  policyVersion: 1,
  asOf: '2025-03-18',
  decidedAt: '2025-03-18T08:00:00.000Z',
  requiresApproval: false,
  evaluation,
});

describe('the step the evidence states of a recorded decision', () => {
  it('reads every field the decision recorded', () => {
    const step = { id: 'mise-en-demeure', kind: 'formal_notice', deadlineDays: 8, template: 'formal-notice' };
    expect(decisionStep(decision({ step }))).toEqual(step);
  });

  it.each([
    ['no step', {}],
    ['a step that is not an object', { step: 'formal-notice' }],
    ['fields of the wrong type', { step: { id: 3, kind: null, deadlineDays: '8', template: false } }],
  ])('with %s, falls back field by field instead of refusing the dossier', (_name, evaluation) => {
    expect(decisionStep(decision(evaluation))).toEqual({
      id: 'formal-notice',
      kind: 'unknown',
      deadlineDays: null,
      template: null,
    });
  });

  it('a deadline of zero days states none', () => {
    expect(decisionStep(decision({ step: { deadlineDays: 0 } })).deadlineDays).toBeNull();
  });
});
