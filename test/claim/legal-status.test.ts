import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeClaim } from '../../connector/claim/compute-claim';
import { loadFrenchLegalData, withConfiguredRates, type LegalData } from '../../connector/claim/legal-data';
import { rateStatus } from '../../connector/claim/legal-status';
import { MissingRateError } from '../../connector/claim/rates';
import { runLegalStatus } from '../../connector/app/cli/legal-command';
import { runConfigCheck } from '../../connector/app/cli/config-command';
import { ActionSchema } from '../../connector/model/action.schema';
import { CaseSchema, caseIdOf } from '../../connector/model/case.schema';
import { dispatchActions } from '../../connector/outbox/dispatch';
import { requeueRowsWaitingForRates } from '../../connector/outbox/rate-retry';
import { openSqliteStore } from '../../connector/store/sqlite';
import { invoice } from '../helpers/builders';
import { memoryLogger } from '../helpers/logger';
import { openHarness } from '../http/api-harness';
import { claimInput, invoice as claimInvoice } from './fixtures';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

/**
 * The law as of today (4–5 December 2026): the bundled rates stop at 2026-H1, so the user adds
 * semesters in the configuration, is told which are missing and where to find them, and a row
 * that failed for want of a rate goes again by itself once it is there. The figures below are
 * TEST figures, not the published rates: this suite checks the mechanism, not the law.
 */

const TEST_2026_H2 = {
  semester: '2026-H2',
  ecbMroPercent: '2.00',
  legalRateOtherPercent: '3.00',
  legalRateIndividualCreditorPercent: '6.00',
  sources: ['test figures, not the published rates'],
};
const bundled = loadFrenchLegalData();
const withH2 = (): LegalData => withConfiguredRates(bundled, [TEST_2026_H2], (i) => `test.yaml legal.rates[${i}]`);

describe('rate status', () => {
  it('today: 2026-H2 is missing (claims refused), 2027-H1 starts within 30 days without its rates', () => {
    const status = rateStatus(bundled, '2026-12-05');
    expect(status.known.map((k) => k.semester)).toEqual([
      '2023-H1',
      '2023-H2',
      '2024-H1',
      '2024-H2',
      '2025-H1',
      '2025-H2',
      '2026-H1',
    ]);
    expect(status.known[6]).toMatchObject({
      semester: '2026-H1',
      ecbMroPercent: '2.15',
      legalRateOtherPercent: '2.62',
      origin: expect.stringMatching(/config\/legal\/fr\/rates\.yaml$/),
    });
    expect(status.missing.map((m) => [m.semester, m.startsOn, m.state])).toEqual([
      ['2026-H2', '2026-07-01', 'missing'],
      ['2027-H1', '2027-01-01', 'upcoming'],
    ]);
    expect(status.missing[1]!.where.join('\n')).toMatch(
      /in force on 1 January 2027[\s\S]*first semester of 2027, published in the Journal officiel in late December 2026/,
    );
    expect(status.warnings).toEqual([
      expect.stringMatching(/^LEGAL_RATES_MISSING: no rates for 2026-H2 \(from 2026-07-01\)/),
      expect.stringMatching(/^LEGAL_RATES_DUE: no rates yet for 2027-H1, which starts on 2027-01-01 \(in 27 days\)/),
    ]);
  });

  it('warns 30 days before a semester starts, not 31, and as soon as it has begun', () => {
    const h2 = withH2();
    expect(rateStatus(h2, '2026-12-01').warnings).toEqual([]);
    expect(rateStatus(h2, '2026-12-02').warnings).toEqual([
      expect.stringMatching(/^LEGAL_RATES_DUE: .*2027-H1.*\(in 30 days\)/),
    ]);
    expect(rateStatus(h2, '2027-01-01').warnings).toEqual([
      expect.stringMatching(/^LEGAL_RATES_MISSING: no rates for 2027-H1/),
    ]);
    // Half-year boundary: 2026-H2 starts on 1 July.
    expect(rateStatus(bundled, '2026-05-31').warnings).toEqual([]);
    expect(rateStatus(bundled, '2026-06-01').warnings).toEqual([
      expect.stringMatching(/LEGAL_RATES_DUE: no rates yet for 2026-H2, which starts on 2026-07-01 \(in 30 days\)/),
    ]);
  });

  it('a configured semester is known, from the configuration, and a replaced one too; a gap is named', () => {
    const replaced = withConfiguredRates(
      bundled,
      [TEST_2026_H2, { ...TEST_2026_H2, semester: '2024-H1', legalRateOtherPercent: '9.99' }],
      (i) => `cfg.yaml legal.rates[${i}]`,
    );
    const status = rateStatus(replaced, '2026-12-05');
    expect(status.known.find((k) => k.semester === '2026-H2')).toMatchObject({
      origin: 'cfg.yaml legal.rates[0]',
      legalRateOtherPercent: '3.00',
    });
    expect(status.known.find((k) => k.semester === '2024-H1')).toMatchObject({
      origin: 'cfg.yaml legal.rates[1]',
      legalRateOtherPercent: '9.99',
    });
    expect(status.missing.map((m) => m.semester)).toEqual(['2027-H1']);
    const gap = withConfiguredRates(bundled, [{ ...TEST_2026_H2, semester: '2027-H1' }], () => 'cfg');
    expect(rateStatus(gap, '2027-02-01').missing.map((m) => [m.semester, m.state])).toEqual([
      ['2026-H2', 'missing'],
      ['2027-H2', 'upcoming'],
    ]);
  });

  it('a claim that needed 2026-H2 is computed once the semester is configured', () => {
    const input = claimInput([claimInvoice('F1', 800_000, '2026-05-01', '2026-05-31')]);
    expect(() => computeClaim(input, '2026-12-04', bundled)).toThrow(MissingRateError);
    const claim = computeClaim(input, '2026-12-04', withH2());
    expect(claim.interest).toBeGreaterThan(0);
  });
});

describe('recouvra legal status and config check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-legal-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const rates = `version: 1\nlegal:\n  rates:\n    - semester: "2026-H2"\n      ecbMroPercent: "2.00"\n      legalRateOtherPercent: "3.00"\n      legalRateIndividualCreditorPercent: "6.00"\n      sources: ["test figures"]\n`;

  it('without configured rates: exit 1, 2026-H2 missing with where to find it', () => {
    const out = runLegalStatus({ asOf: '2026-12-05' });
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toMatch(/2026-H2 {2}from 2026-07-01: MISSING/);
    expect(out.stdout).toMatch(
      /arrêté fixing the taux de l'intérêt légal for the second semester of 2026, published in the Journal officiel in late June 2026/,
    );
  });

  it('with legal.rates: exit 0, the semester from the configuration file, JSON as documented', () => {
    const config = file('rates.yaml', rates);
    const out = runLegalStatus({ config, asOf: '2026-12-05', json: true });
    expect(out.exitCode).toBe(0);
    const status = JSON.parse(out.stdout) as ReturnType<typeof rateStatus>;
    expect(status.known.find((k) => k.semester === '2026-H2')?.origin).toBe(`${config} legal.rates[0]`);
    expect(status.missing.map((m) => m.state)).toEqual(['upcoming']);
  });

  it('config check lists every bad rate at once, and warns (exit 0) about a semester due soon', () => {
    const bad = file(
      'bad.yaml',
      `version: 1\nlegal:\n  rates:\n    - semester: "2026-H3"\n      ecbMroPercent: "two"\n      legalRateOtherPercent: "3.00"\n      legalRateIndividualCreditorPercent: "6.00"\n      sources: []\n`,
    );
    const failed = runConfigCheck(bad);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/legal\.rates\[0\]\.semester: semester must be written YYYY-H1/);
    expect(failed.stderr).toMatch(/legal\.rates\[0\]\.ecbMroPercent: rate must be a percentage/);
    expect(failed.stderr).toMatch(/legal\.rates\[0\]\.sources: give at least one source/);
    const ok = runConfigCheck(file('ok.yaml', rates), process.env, new Date('2026-12-05T10:00:00Z'));
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/legal rates: .*2026-H1, 2026-H2/);
    expect(ok.stdout).toMatch(
      /warning: LEGAL_RATES_DUE: no rates yet for 2027-H1, which starts on 2027-01-01 \(in 27 days\)/,
    );
  });
});

describe('a row that failed for want of a rate', () => {
  const AT = '2026-12-05T08:00:00.000Z';
  const caseId = caseIdOf('d1', 'co1', 'EUR');

  it('goes again by itself once the semester is configured, once, and other failures stay failed', async () => {
    const store = await openSqliteStore(':memory:');
    await store.migrate();
    await saveReceivables(store, [invoice({ id: 'r1', debtorId: 'd1', companyId: 'co1' })], AT);
    const row = (i: number) =>
      ActionSchema.parse({
        id: `act-${i}`,
        idempotencyKey: `${caseId}/step/${i}`,
        caseId,
        decisionId: 'dec-1',
        subject: { type: 'decision', decisionId: 'dec-1' },
        kind: 'dossier',
        template: null,
        status: 'pending',
        notBefore: AT,
        createdAt: AT,
        updatedAt: AT,
      });
    const c = (await store.cases.getCase(caseId))!;
    await store.outbox.recordDecision({
      decision: {
        id: 'dec-1',
        idempotencyKey: `${caseId}/step`,
        caseId,
        stepId: 'step',
        stepIndex: 0,
        policyId: 'p',
        policyVersion: 1,
        asOf: '2026-12-05',
        decidedAt: AT,
        requiresApproval: false,
        evaluation: {},
      },
      actions: [row(1), row(2)],
      journal: [],
      caseAfter: CaseSchema.parse({ ...c, stage: 'escalated' }),
    });
    const clock = { now: () => new Date(AT) };
    const { logger, lines } = memoryLogger('info');
    // The hand-off fails on the missing semester (as the dossier builder's claim does); the other row on something else.
    let ratesThere = false;
    const dossier = async (a: { id: string }) => {
      if (a.id === 'act-2') throw new Error('the firm refused the dossier');
      if (!ratesThere) throw new MissingRateError('2026-H2');
      return { summary: 'handed over' };
    };
    await dispatchActions({
      store,
      performers: { dossier },
      clock,
      logger,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, random: () => 0 },
    });
    expect(await store.outbox.getAction('act-1')).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^no rate configured for semester 2026-H2/),
    });
    // Still missing: nothing moves, and the log says which semester rows wait for.
    expect(await requeueRowsWaitingForRates({ store, legal: bundled, clock, logger })).toEqual({
      requeued: 0,
      stillMissing: ['2026-H2'],
    });
    expect(lines().join('\n')).toMatch(/rows wait for the rates of 2026-H2/);
    // Configured (the daemon restarted with legal.rates): the row is due again, once.
    expect(await requeueRowsWaitingForRates({ store, legal: withH2(), clock, logger })).toEqual({
      requeued: 1,
      stillMissing: [],
    });
    expect(await requeueRowsWaitingForRates({ store, legal: withH2(), clock, logger })).toEqual({
      requeued: 0,
      stillMissing: [],
    });
    expect(await store.outbox.getAction('act-1')).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await store.outbox.getAction('act-2')).toMatchObject({ status: 'failed' });
    expect((await store.cases.readJournal(caseId)).map((j) => j.summary)).toContain(
      'dossier retried: the rates of 2026-H2 it was waiting for are now configured (test.yaml legal.rates[0])',
    );
    ratesThere = true;
    expect(await dispatchActions({ store, performers: { dossier }, clock, logger })).toMatchObject({ done: 1 });
    expect(await store.outbox.getAction('act-1')).toMatchObject({ status: 'done', attempts: 1 });
    await store.close();
  });
});

describe('the API', () => {
  it('GET /ready stays 200 and says nothing of the rates (it answers without a token); GET /legal/status gives the status', async () => {
    const h = await openHarness({ legal: bundled });
    try {
      h.clock.set('2026-12-05T09:00:00Z');
      const ready = await h.call('GET', '/ready');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready' });
      const status = await h.call('GET', '/legal/status');
      expect(status.statusCode).toBe(200);
      expect(status.json<ReturnType<typeof rateStatus>>().missing.map((m) => m.semester)).toEqual([
        '2026-H2',
        '2027-H1',
      ]);
      expect((await h.call('GET', '/legal/status', { token: null })).statusCode).toBe(401);
    } finally {
      await h.close();
    }
  });
});
