import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProblemsError } from '../../connector/config/problems';
import { loadPolicies, parsePolicy } from '../../connector/policy/load-policies';

describe('dunning policies', () => {
  it('the bundled fr-b2b and fr-b2c policies are valid', () => {
    const policies = loadPolicies();
    expect([...policies.keys()].sort()).toEqual(['fr-b2b', 'fr-b2c']);
    expect(policies.get('fr-b2b')!.steps.map((s) => s.id)).toEqual([
      'courtesy',
      'reminder-1',
      'reminder-2',
      'phone-call',
      'formal-notice',
      'escalation',
    ]);
  });

  it('lists every problem of a bad policy, located in the file', () => {
    const text = [
      'id: Bad Policy', //                                  1
      'version: 1',
      'description: broken on purpose',
      'appliesTo: { debtorKinds: [company] }',
      'steps:', //                                          5
      '  - id: reminder-1',
      '    timing: { after: due_date, days: 10 }',
      '    channels: [email, fax]', //                     8
      '    template: reminder-1',
      '  - id: reminder-1', //                              10
      '    timing: { after: due_date, days: 5 }',
      '    channels: [email]',
      '  - id: escalation',
      '    kind: escalation',
      '    timing: { after: previous_step, days: 3 }',
      '    channels: [email]',
      '    conditions: { openAmountAtLeast: { EUR: 10.5 } }',
      '',
    ].join('\n');
    const { policy, problems } = parsePolicy('bad.yaml', text);
    expect(policy).toBeUndefined();
    const lines = problems.map((p) => `${p.line}: ${p.path.join('.')}: ${p.message}`);
    // The channel and the decimal amount are schema errors; the rest are checked once the shape is right.
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^1: id: policy id must be lower-case/),
        expect.stringMatching(/^8: steps.0.channels.1: channel must be one of/),
        expect.stringMatching(/^17: steps.2.conditions.openAmountAtLeast.EUR: amounts are whole minor units/),
      ]),
    );
  });

  it('checks the ladder once the shape is right: duplicates, order, escalation rules', () => {
    const text = [
      'id: bad',
      'version: 1',
      'description: broken ladder',
      'appliesTo: { debtorKinds: [company] }',
      'steps:',
      '  - id: r1',
      '    timing: { after: due_date, days: 10 }',
      '    channels: [email]',
      '    template: r',
      '  - id: r1',
      '    timing: { after: due_date, days: 5 }',
      '    channels: [email]',
      '  - id: escalation',
      '    kind: escalation',
      '    timing: { after: previous_step, days: 3 }',
      '    channels: [email]',
      '',
    ].join('\n');
    const messages = parsePolicy('bad.yaml', text).problems.map((p) => `${p.path.join('.')}: ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'steps.1.id: duplicate step id "r1" (also steps[0])',
        'steps.1.template: a reminder step needs a template',
        'steps.1.timing.days: steps timed on the due date must be in increasing order (this one is at 5, an earlier one at 10)',
        'steps.2.channels: an escalation step has no channels: it hands a dossier to the law firm',
        'steps.2.kind: escalation needs a formal_notice step before it (the file escalates when the notice expired unanswered)',
      ]),
    );
    expect(messages).toHaveLength(5);
  });

  it('refuses an escalation timed before the formal notice deadline', () => {
    const text = `id: x\nversion: 1\ndescription: d\nappliesTo: { debtorKinds: [company] }\nsteps:\n  - id: fn\n    kind: formal_notice\n    timing: { after: due_date, days: 30 }\n    channels: [registered_letter]\n    template: fn\n    deadlineDays: 15\n  - id: esc\n    kind: escalation\n    timing: { after: previous_step, days: 10 }\n`;
    expect(parsePolicy('x.yaml', text).problems.map((p) => p.message)).toEqual([
      'escalation comes 10 days after the formal notice, before its 15-day deadline has expired',
    ]);
  });

  it('a folder with duplicate policy ids fails with both files named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policies-'));
    const text =
      'id: same\nversion: 1\ndescription: d\nappliesTo: { debtorKinds: [company] }\nsteps:\n  - id: r\n    timing: { after: due_date, days: 1 }\n    channels: [email]\n    template: r\n';
    writeFileSync(join(dir, 'a.yaml'), text);
    writeFileSync(join(dir, 'b.yaml'), text);
    expect(() => loadPolicies(dir)).toThrow(ProblemsError);
    expect(() => loadPolicies(dir)).toThrow(/policy id "same" is also used by .*a\.yaml/);
  });
});
