import {
  LedgerEvaluationSchema,
  readEvaluation,
  RecordedEvaluationSchema,
} from '../../connector/policy/recorded-evaluation.schema';
import type { Decision } from '../../connector/store/store';

const decision = (evaluation: Record<string, unknown>): Decision => ({
  id: 'dec-1',
  idempotencyKey: 'case_1/reminder-1/2025-03-01',
  caseId: 'case_1',
  stepId: 'reminder-1',
  stepIndex: 0,
  policyId: 'p',
  policyVersion: 1,
  asOf: '2025-03-18',
  decidedAt: '2025-03-18T08:00:00.000Z',
  requiresApproval: false,
  evaluation,
});

const step = {
  id: 'reminder-1',
  index: 0,
  kind: 'reminder',
  channels: ['email'],
  template: 'reminder-1',
  requiresApproval: false,
  deadlineDays: null,
};
const amounts = { currency: 'EUR', open: 12_000, overdue: 12_000, credit: 0 };

describe('a recorded evaluation read back', () => {
  it('keeps what the engine recorded, fields this version does not read included', () => {
    const evaluation = { status: 'due', step, amounts, itemIds: ['r1'], anchor: '2025-02-01', reasons: [] };
    const read = readEvaluation(decision(evaluation), RecordedEvaluationSchema);
    expect(read).toEqual({ ok: true, evaluation });
  });

  it.each([
    ['no step', { amounts }, RecordedEvaluationSchema, 'step: '],
    [
      'a step of an unknown kind',
      { step: { ...step, kind: 'lawsuit' }, amounts },
      RecordedEvaluationSchema,
      'step.kind',
    ],
    [
      'an amount that is not a number',
      { step, amounts: { ...amounts, open: '12000' } },
      LedgerEvaluationSchema,
      'amounts.open',
    ],
    ['no amounts, for the ledger', { step }, LedgerEvaluationSchema, 'amounts: '],
  ])('names the decision and the field when it records %s', (_name, evaluation, schema, field) => {
    const read = readEvaluation(decision(evaluation), schema);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.message).toMatch(/^decision dec-1 of case case_1 does not record its evaluation/);
    expect(!read.ok && read.message).toContain(field);
  });
});
