import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaseJournal } from '../../connector/app/cli/case-actions-command';
import { runEvaluate } from '../../connector/app/cli/evaluate-command';
import { formatMoney } from '../../connector/model/money.schema';
import { openSqliteStore } from '../../connector/store/sqlite';

/**
 * What a person reads never shows minor units ("net open 530000 EUR"): amounts are written in
 * `company.locale`. Here en-GB, so that the test tells the locale apart from the fr-FR default.
 */

/** An integer of three digits or more beside a currency code, or the words "minor units": what a person must never read. */
const MINOR_UNITS = /\b\d{3,} (?:EUR|USD|GBP|CHF)\b|minor units/;

describe('amounts in the texts a controller reads', () => {
  it('evaluate --record in en-GB: the report, the reasons and the decision journal lines are written as en-GB writes them, never minor units', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recouvra-amounts-'));
    const db = join(dir, 'store.sqlite');
    const config = join(dir, 'recouvra.yaml');
    writeFileSync(
      config,
      `version: 1\ncompany:\n  locale: en-GB\nstore:\n  driver: sqlite\n  sqlite:\n    path: ${db}\nlogging:\n  level: error\n`,
    );
    const r = await runEvaluate({ config, sample: true, record: true });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`net open ${formatMoney(530_000, 'EUR', 'en-GB')}`);
    expect(r.stdout).toContain('€5,300.00');
    expect(r.stdout).not.toMatch(MINOR_UNITS);

    const store = await openSqliteStore(db);
    try {
      const summaries: string[] = [];
      for (const c of await store.cases.listCases({ limit: 100 }))
        for (const e of await store.cases.readJournal(c.id)) summaries.push(e.summary);
      const decisions = summaries.filter((s) => s.includes(' decided ('));
      expect(decisions.length).toBeGreaterThan(3);
      for (const s of decisions) expect(s).toMatch(/net open -?(?:€|US\$)[\d,]+\.\d{2}$/);
      for (const s of summaries) expect(s).not.toMatch(MINOR_UNITS);
      const withDecision = (await store.cases.listCases({ limit: 100 })).find(
        (c) => c.lastStep !== null || c.pendingApproval !== null,
      )!;
      const journal = await runCaseJournal({ config, caseId: withDecision.id });
      expect(journal.stdout).toMatch(/net open €[\d,]+\.\d{2}/);
      expect(journal.stdout).not.toMatch(MINOR_UNITS);
    } finally {
      await store.close();
    }
  });
});
