import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEvaluate } from '../../connector/app/cli/evaluate-command';
import { openSqliteStore } from '../../connector/store/sqlite';

interface JsonCase {
  debtor: string;
  status: string;
  step: string | null;
  dueOn: string | null;
  requiresApproval: boolean | null;
  reasons: { code: string }[];
  recorded: boolean;
}

function parse(stdout: string): { asOf: string; cases: JsonCase[] } {
  return JSON.parse(stdout) as { asOf: string; cases: JsonCase[] };
}

describe('recouvra evaluate', () => {
  it('--sample prints, per case, the step that is due and why', async () => {
    const r = await runEvaluate({ sample: true, json: true });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const { asOf, cases } = parse(r.stdout);
    expect(asOf).toBe('2026-06-15');
    const by = Object.fromEntries(cases.map((c) => [c.debtor, c]));
    expect(cases).toHaveLength(13);
    expect(by['Boulangerie Martin SARL']).toMatchObject({ status: 'due', step: 'courtesy', dueOn: '2026-06-15' });
    expect(by['Dupont Industrie SAS']).toMatchObject({ status: 'due', step: 'reminder-1', dueOn: '2026-05-25' });
    expect(by['Garage Leroy EURL']).toMatchObject({ status: 'due', step: 'reminder-2', dueOn: '2026-06-11' });
    expect(by['Transports Bernard SA']).toMatchObject({ status: 'due', step: 'formal-notice' });
    expect(by['Atelier Petit SARL']).toMatchObject({ status: 'due', step: 'escalation', requiresApproval: true });
    expect(by['Imprimerie Garnier SARL']).toMatchObject({ status: 'blocked', step: 'escalation' });
    expect(by['Imprimerie Garnier SARL']!.reasons.map((x) => x.code)).toContain('ALL_ITEMS_PRESCRIBED');
    expect(by['Cabinet Moreau SELARL']!.status).toBe('paused');
    expect(by['Menuiserie Roux SAS']!.reasons.map((x) => x.code)).toEqual(['INSOLVENCY']);
    expect(by['Épicerie Blanc']!.status).toBe('nothing_due');
    expect(by['Claire Fontaine']).toMatchObject({ status: 'due', step: 'reminder-1' });
  });

  it('the text report names the step, its channels and its reasons', async () => {
    const r = await runEvaluate({ sample: true });
    expect(r.stdout).toMatch(/Transports Bernard SA \(company\) · EUR · fr-b2b v1 · net open 5\s300,00\s€/);
    expect(r.stdout).toContain('→ DUE formal-notice (formal_notice by registered_letter + email) since 2026-06-08');
    expect(r.stdout).toMatch(/Summary: 8 due, 1 blocked, 3 paused, 1 nothing due\./);
  });

  it('--record decides once: a second run records nothing new, and the ladder moves on later', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recouvra-eval-'));
    const db = join(dir, 'store.sqlite');
    const config = join(dir, 'recouvra.yaml');
    writeFileSync(
      config,
      `version: 1\nstore:\n  driver: sqlite\n  sqlite:\n    path: ${db}\nlogging:\n  level: error\n`,
    );

    const first = parse((await runEvaluate({ config, sample: true, json: true, record: true })).stdout);
    // The two escalations of the sample are held by the escalation gate: the sample's cases hold no formal notice sent.
    expect(first.cases.filter((c) => c.recorded)).toHaveLength(6);
    const held = first.cases.filter((c) =>
      (c as unknown as { reasons: { code: string }[] }).reasons.some((r) => r.code === 'ESCALATION_CONDITION_FAILED'),
    );
    expect(held.map((c) => [c.debtor, c.status]).sort()).toEqual([
      ['Atelier Petit SARL', 'blocked'],
      ['Julien Mercier', 'blocked'],
    ]);
    const again = parse((await runEvaluate({ config, json: true, record: true, asOf: '2026-06-15' })).stdout);
    expect(again.cases.filter((c) => c.recorded)).toHaveLength(0);
    const byDebtor = Object.fromEntries(again.cases.map((c) => [c.debtor, c]));
    // The escalation is still held by its gate; reminder-1 was sent, reminder-2 comes 10 days later.
    expect(byDebtor['Atelier Petit SARL']!.status).toBe('blocked');
    expect(byDebtor['Dupont Industrie SAS']).toMatchObject({
      status: 'waiting',
      step: 'reminder-2',
      dueOn: '2026-06-25',
    });

    const store = await openSqliteStore(db);
    try {
      const cases = await store.cases.listCases();
      const dupont = cases.find((c) => c.debtorId === 'sample:partner:2')!;
      expect(dupont.lastStep).toEqual({ stepId: 'reminder-1', index: 1, on: '2026-06-15' });
      const actions = await store.outbox.listActions({ caseId: dupont.id });
      expect(actions.map((a) => a.kind).sort()).toEqual(['email', 'ledger_note']);
      const journal = await store.cases.readJournal(dupont.id);
      expect(journal.map((j) => j.type)).toContain('decision');
      // 8 messages to debtors (an SMS step leaves out the debtor with no French mobile, and says so in
      // the journal), and each of the 6 decisions tells the ledger (a note, or an activity when it waits for approval).
      const pending = await store.outbox.listActions({ status: 'pending' });
      expect(pending.filter((a) => !a.kind.startsWith('ledger_'))).toHaveLength(8);
      const skipped = (await Promise.all(cases.map((c) => store.cases.readJournal(c.id))))
        .flat()
        .filter((j) => j.type === 'note' && j.data['skipped'] === 'sms');
      expect(skipped).toHaveLength(1);
      expect(pending.filter((a) => a.kind.startsWith('ledger_'))).toHaveLength(6);
      expect(
        pending
          .filter((a) => a.kind === 'ledger_activity')
          .map((a) => a.caseId)
          .sort(),
      ).toEqual(
        cases
          .filter((c) => c.stage === 'awaiting_approval')
          .map((c) => c.id)
          .sort(),
      );
    } finally {
      await store.close();
    }
  });

  it('reports progress, ending with the number of cases evaluated', async () => {
    const calls: [number, boolean][] = [];
    await runEvaluate({ sample: true, json: true, onProgress: (n, done) => calls.push([n, done]) });
    expect(calls[calls.length - 1]).toEqual([13, true]);
  });

  it('a bad --as-of is refused with a clear message', async () => {
    const r = await runEvaluate({ sample: true, asOf: '2026-02-30' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('--as-of: "2026-02-30" is not a calendar date');
  });

  it('a portfolio with a bad record is refused, naming the record and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recouvra-eval-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify({ debtors: [], receivables: [{ id: 'x' }] }));
    const r = await runEvaluate({ portfolio: file, config: undefined });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('receivables[0].source');
  });
});
