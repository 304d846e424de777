import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { saveReceivables } from '../../connector/cases/case-lifecycle';
import type { Receivable } from '../../connector/model/receivable.schema';
import { addDays } from '../../connector/time/calendar-date';
import { buildApi } from '../../connector/app/http/api';
import type { PortfolioOverview } from '../../connector/kpis/overview';
import type { WorklistPage } from '../../connector/kpis/worklist';
import type { KyselyStore } from '../../connector/store/kysely-store';
import { openSqliteStore } from '../../connector/store/sqlite';
import { fixedClock } from '../../connector/time/clock';
import { quietLogger } from './quiet-logger';

/**
 * The dashboard's overview on a portfolio of ~100,000 cases (generate.ts, one case per debtor),
 * copied, with 5 cases in 16 moved to the stages past `open` (reminding twice as often as the
 * others), whose open invoices the overview reads through their cases:
 * GET /api/kpis answered by the API in this process (fastify's inject: routing, validation, the
 * three aggregate reads, the formulas, the JSON), as of `asOf`. The first answer is a warm-up (the
 * page cache, the statement cache); then ROUNDS answers, median and worst against the target
 * (≤ 300 ms). Then GET /api/worklist pages (WORKLIST_QUERIES; the first page's target is ≤ 100 ms)
 * and the time a store upgraded to migration 0013 takes to compute every summary. Prints JSON. Usage: node kpi-bench.js <portfolio.sqlite> <asOf>
 */
const ROUNDS = 7;
const TARGETS = { overviewMs: 300, worklistFirstPageMs: 100 };
/**
 * Worklist pages asked, each ROUNDS times after a warm-up: the first page in the default order
 * (the target), the other orders, and filters from common to rare. `page2` follows the first
 * page's cursor.
 */
const WORKLIST_QUERIES: Record<string, string> = {
  firstPage: '',
  byOpen: 'sort=open',
  byDaysOverdue: 'sort=daysOverdue',
  byDebtor: 'sort=debtor',
  stageReminding: 'stage=reminding',
  stageAwaitingApproval: 'stage=awaiting_approval',
  over90Days: 'minDaysOverdue=90',
  amountRange: 'minOpen=100000&maxOpen=500000',
  search: 'q=debtor%2012',
  rareSearch: 'q=no%20such%20name',
};
const TOKEN = 'bench-token-0123456789abcdef0123456789';

async function main(portfolio: string, asOf: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-kpi-bench-'));
  try {
    const path = join(dir, 'portfolio.sqlite');
    copyFileSync(portfolio, path);
    await measure(path, asOf);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number): number => Math.round(n * 10) / 10;

async function measure(path: string, asOf: string): Promise<void> {
  const store = await openSqliteStore(path);
  await store.migrate();
  // Case ids are case_ and hex digits of a hash: their first digit spreads the stages evenly.
  await sql`update cases set stage = case substr(id, 6, 1)
      when '0' then 'reminding' when '1' then 'reminding' when '2' then 'formal_notice'
      when '3' then 'awaiting_approval' when '4' then 'in_procedure' else stage end`.execute(
    (store as KyselyStore).kysely,
  );
  // The funnel at its largest: every case first reminded inside the window (the trigger of
  // migration 0016 marked the moved ones; the rest are marked here), one in four given a formal
  // notice, one in sixteen handed to the firm, one in three recovered; and a year of recoveries.
  await sql`update cases set
      reminded_on = ${`${asOf.slice(0, 8)}01`},
      noticed_on = case when substr(id, 7, 1) in ('0', '1', '2', '3') then ${asOf} end,
      escalated_on = case when substr(id, 7, 1) = '4' then ${asOf} end,
      recovered_on = case when substr(id, 8, 1) in ('0', '1', '2', '3', '4') then ${asOf} end`.execute(
    (store as KyselyStore).kysely,
  );
  const months = Array.from({ length: 12 }, (_, m) => `${asOf.slice(0, 4)}-${String(m + 1).padStart(2, '0')}`);
  await (store as KyselyStore).kysely
    .insertInto('recoveries_monthly')
    .values(
      months.flatMap((period) =>
        ['reminding', 'formal_notice', 'in_procedure'].map((stage) => ({
          period,
          currency: 'EUR',
          stage,
          amount: 1_000_000,
          items: 40,
        })),
      ),
    )
    .execute();
  const { logger } = quietLogger();
  const app = buildApi({
    store,
    config: { token: TOKEN, host: '127.0.0.1', port: 0 },
    clock: fixedClock(`${asOf}T10:00:00Z`),
    logger,
  });
  await app.ready();
  const ask = async (): Promise<{ ms: number; body: PortfolioOverview; bytes: number }> => {
    const t = performance.now();
    const res = await app.inject({
      method: 'GET',
      url: `/api/kpis?asOf=${asOf}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const ms = performance.now() - t;
    if (res.statusCode !== 200) throw new Error(`GET /api/kpis answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    return { ms, body: res.json<PortfolioOverview>(), bytes: res.body.length };
  };
  const warm = await ask();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) times.push((await ask()).ms);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const cases = warm.body.currencies.reduce((a, c) => a + c.stages.reduce((b, s) => b + s.cases, 0), 0);
  const worked = warm.body.currencies.reduce(
    (a, c) => a + c.stages.filter((s) => s.stage !== 'open').reduce((b, s) => b + s.cases, 0),
    0,
  );
  const items = warm.body.currencies.reduce((a, c) => a + c.aging.reduce((b, s) => b + s.items, 0), 0);
  const worklist: Record<string, { medianMs: number; worstMs: number; items: number }> = {};
  const page = async (query: string) => {
    const t = performance.now();
    const res = await app.inject({
      method: 'GET',
      url: `/api/worklist${query ? `?${query}` : ''}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const ms = performance.now() - t;
    if (res.statusCode !== 200)
      throw new Error(`GET /api/worklist?${query} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    return { ms, body: res.json<WorklistPage>() };
  };
  const timed = async (name: string, query: () => string) => {
    const first = await page(query());
    const ms: number[] = [];
    for (let i = 0; i < ROUNDS; i++) ms.push((await page(query())).ms);
    ms.sort((a, b) => a - b);
    worklist[name] = {
      medianMs: round(ms[Math.floor(ms.length / 2)]!),
      worstMs: round(ms.at(-1)!),
      items: first.body.items.length,
    };
    return first.body;
  };
  for (const [name, query] of Object.entries(WORKLIST_QUERIES)) {
    const body = await timed(name, () => query);
    if (name === 'firstPage') await timed('page2', () => `cursor=${body.next ?? ''}`);
  }
  // A payer history for a third of the cases (one settled invoice each, paid in one payment up to
  // 60 days late), so that the summaries computed next read payments as a ledger with them has.
  const historyCases = await (store as KyselyStore).kysely
    .selectFrom('cases')
    .select(['id', 'debtor_id', 'company_id', 'currency'])
    .where(sql<boolean>`substr(id, 9, 1) in ('0', '1', '2', '3', '4')`)
    .execute();
  for (let i = 0; i < historyCases.length; i += 5_000) {
    const chunk = historyCases.slice(i, i + 5_000);
    const settled: Receivable[] = chunk.map((c, k) => ({
      id: `bench:settled:${i + k}`,
      source: { system: 'bench', connection: 'bench', id: `settled-${i + k}` },
      kind: 'invoice',
      number: `S-${i + k}`,
      debtorId: c.debtor_id,
      companyId: c.company_id,
      issueDate: '2025-09-01',
      dueDate: '2025-10-01',
      currency: c.currency,
      total: 10_000 + ((i + k) % 97) * 1_000,
      open: 0,
      disputed: null,
      excluded: null,
      promiseToPay: null,
      paymentPlan: null,
    }));
    await saveReceivables(store, settled, `${asOf}T09:00:00Z`);
    await store.sync.upsertPayments(
      settled.map((r, k) => ({
        id: `bench:payment:${i + k}`,
        source: { system: 'bench', connection: 'bench', id: `payment-${i + k}` },
        debtorId: r.debtorId,
        companyId: r.companyId,
        date: addDays('2025-10-01', (i + k) % 61),
        currency: r.currency,
        amount: r.total,
        allocations: [{ receivableId: r.id, amount: r.total }],
      })),
    );
  }
  // A store upgraded to 0018 computes every case's summary when it is first opened.
  await sql`update cases set summary_rev = 0`.execute((store as KyselyStore).kysely);
  const upgradeStart = performance.now();
  await store.migrate();
  const summariesOnUpgradeMs = round(performance.now() - upgradeStart);
  await app.close();
  await store.close();
  process.stdout.write(
    `${JSON.stringify({
      asOf,
      cases,
      casesPastOpen: worked,
      funnelCohort: warm.body.currencies.reduce((a, c) => a + (c.funnel.steps[0]?.cases ?? 0), 0),
      openInvoices: items,
      currencies: warm.body.currencies.map((c) => c.currency),
      firstAnswerMs: round(warm.ms),
      overviewMedianMs: round(median),
      overviewWorstMs: round(times.at(-1)!),
      answerBytes: warm.bytes,
      worklist,
      summariesOnUpgradeMs,
      casesWithPaymentHistory: historyCases.length,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      targets: TARGETS,
      pass: {
        overviewMs: median <= TARGETS.overviewMs,
        worklistFirstPageMs: worklist['firstPage']!.medianMs <= TARGETS.worklistFirstPageMs,
      },
    })}\n`,
  );
}

main(process.argv[2] ?? '', process.argv[3] ?? '2026-03-15').catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
