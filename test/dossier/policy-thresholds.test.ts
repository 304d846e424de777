import { parsePolicy } from '../../connector/policy/load-policies';
import { B2B, B2C } from './fixtures';

/** The policy's escalation thresholds: defaults, the bundled values, and what is refused. */

const base = [
  'id: x',
  'version: 1',
  'description: d',
  'appliesTo: { debtorKinds: [company] }',
  'steps:',
  '  - id: fn',
  '    kind: formal_notice',
  '    timing: { after: due_date, days: 30 }',
  '    channels: [registered_letter]',
  '    template: fn',
  '    deadlineDays: 8',
  '  - id: esc',
  '    kind: escalation',
  '    timing: { after: previous_step, days: 10 }',
];

describe('policy escalation thresholds', () => {
  it('default to no minimum and no cost test', () => {
    expect(parsePolicy('x.yaml', base.join('\n')).policy!.escalation).toEqual({
      minAmount: {},
      estimatedCost: {},
      costCoveragePercent: 100,
    });
  });

  it('the bundled policies set them per currency, in minor units', () => {
    expect(B2B.escalation).toEqual({
      minAmount: { EUR: 30_000, USD: 30_000, GBP: 30_000, CHF: 30_000 },
      estimatedCost: { EUR: 15_000, USD: 15_000, GBP: 15_000, CHF: 15_000 },
      costCoveragePercent: 200,
    });
    expect(B2C.escalation).toEqual({
      minAmount: { EUR: 15_000 },
      estimatedCost: { EUR: 7_500 },
      costCoveragePercent: 200,
    });
  });

  it('refuses decimals, a bad currency, a fractional percentage and unknown keys, all at once, located', () => {
    const text = [
      ...base,
      'escalation:',
      '  minAmount: { EUR: 300.5, eur: 1 }',
      '  costCoveragePercent: 150.5',
      '  budget: 3',
    ].join('\n');
    const { policy, problems } = parsePolicy('x.yaml', text);
    expect(policy).toBeUndefined();
    expect(problems.map((p) => `${p.line}: ${p.path.join('.')}: ${p.message}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^16: escalation\.minAmount\.EUR: amounts are whole minor units/),
        // zod 4 reports a bad record key as "Invalid key in record" (the schema's own message is lost).
        expect.stringMatching(/^16: escalation\.minAmount\.eur: /),
        expect.stringMatching(/^17: escalation\.costCoveragePercent: costCoveragePercent is a whole percentage/),
        '18: escalation.budget: unknown key "budget" (allowed here: costCoveragePercent, estimatedCost, minAmount)',
      ]),
    );
  });
});
