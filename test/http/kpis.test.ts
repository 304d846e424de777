import { DebtorSchema } from '../../connector/model/debtor.schema';
import { PaymentSchema } from '../../connector/model/payment.schema';
import { saveReceivables } from '../../connector/cases/case-lifecycle';
import { caseIdOf } from '../../connector/model/case.schema';
import type { PortfolioOverview } from '../../connector/kpis/overview';
import { kpiPortfolio } from '../store/store.contract';
import { openHarness, type Harness } from './api-harness';

/** GET /api/kpis and the KPI gauges of GET /metrics, on the store contract's hand-worked portfolio. */
describe('KPIs over HTTP', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await openHarness();
    await saveReceivables(h.store, kpiPortfolio(), '2026-12-05T09:00:00Z');
    const c = (await h.store.cases.getCase(caseIdOf('d1', 'co1', 'EUR')))!;
    await h.store.cases.saveCase({ ...c, stage: 'reminding' });
    // 23:30 UTC on Saturday 5 December 2026 is 00:30 on the 6th in Paris: the business date is the 6th.
    h.clock.set('2026-12-05T23:30:00Z');
  });
  afterEach(() => h.close());

  it('answers the overview as of a date asked, each KPI with its formula', async () => {
    const res = await h.call('GET', '/api/kpis?asOf=2026-12-05');
    expect(res.statusCode).toBe(200);
    const body = res.json<PortfolioOverview>();
    expect(body.asOf).toBe('2026-12-05');
    const eur = body.currencies.find((c) => c.currency === 'EUR')!;
    expect(eur.receivables).toBe(17900);
    expect(eur.dso.standard).toEqual({
      value: 67.1,
      formula: { fr: 'encours ÷ ventes des 90 derniers jours × 90', en: 'open ÷ sales of the last 90 days × 90' },
    });
    expect(eur.dso.countback.value).toBe(39);
    // A KPI without a value says so in the JSON: null, and why.
    expect(body.currencies.find((c) => c.currency === 'USD')!.dso.standard).toMatchObject({
      value: null,
      unavailable: 'no sales in the last 90 days',
    });
  });

  it('takes the company’s business date when no date is asked', async () => {
    const body = (await h.call('GET', '/api/kpis')).json<PortfolioOverview>();
    expect(body.asOf).toBe('2026-12-06');
    expect(body.window).toEqual({ from: '2026-09-08', to: '2026-12-06', days: 90 });
    // k7, issued on the 6th, is now a sale of the window.
    expect(body.currencies[0]!.dso.windowSales).toBe(24900);
  });

  it('refuses a date that is not one, naming the parameter, and a caller without the token', async () => {
    const bad = await h.call('GET', '/api/kpis?asOf=2026-02-30');
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json<{ error: { problems: unknown } }>().error.problems)).toContain('asOf');
    const unknown = await h.call('GET', '/api/kpis?from=2026-01-01');
    expect(unknown.statusCode).toBe(400);
    expect((await h.call('GET', '/api/kpis', { token: null })).statusCode).toBe(401);
  });

  it('exposes the overview as Prometheus gauges, with no DSO sample where there were no sales', async () => {
    const eurCase = caseIdOf('d1', 'co1', 'EUR');
    await h.store.transaction((tx) =>
      tx.kpis.tallyRecoveries([{ caseId: eurCase, currency: 'EUR', amount: 2500 }], '2026-12-05T10:00:00Z'),
    );
    const body = (await h.call('GET', '/metrics')).body;
    // The EUR case went to reminders on the 5th, and the ledger took 25.00 off one of its invoices since.
    expect(body).toContain('recouvra_recovery_funnel_cases{currency="EUR",step="reminded"} 1');
    expect(body).toContain('recouvra_recovery_funnel_cases{currency="EUR",step="recovered"} 0');
    expect(body).toContain('recouvra_recovered_minor{currency="EUR",channel="reminders"} 2500');
    expect(body).toContain('recouvra_recovered_minor{currency="EUR",channel="law_firm"} 0');
    expect(body).toContain('recouvra_receivables_open_minor{currency="EUR"} 17900');
    expect(body).toContain('recouvra_receivables_overdue_minor{currency="USD"} 4000');
    expect(body).toContain('recouvra_receivables_aging_minor{currency="EUR",bucket="over_90"} 3000');
    expect(body).toContain('recouvra_cases{currency="EUR",stage="reminding"} 1');
    expect(body).toMatch(/recouvra_dso_days\{currency="EUR",method="standard"\} \d/);
    expect(body).not.toContain('recouvra_dso_days{currency="USD",method="standard"}');
    expect(body).toContain('recouvra_dso_days{currency="USD",method="countback"}');
  });

  describe('GET /api/worklist', () => {
    type Page = import('../../connector/kpis/worklist').WorklistPage;
    const EUR_CASE = caseIdOf('d1', 'co1', 'EUR');
    const USD_CASE = caseIdOf('d2', 'co1', 'USD');

    it('lists the cases with something open, riskiest first, each with its overdue amount, days and the reasons of its score', async () => {
      const res = await h.call('GET', '/api/worklist');
      expect(res.statusCode).toBe(200);
      const page = res.json<Page>();
      expect(page).toMatchObject({ asOf: '2026-12-06', sort: 'risk', order: 'desc', next: null });
      expect(page.items.map((i) => i.caseId)).toEqual([EUR_CASE, USD_CASE]);
      expect(page.items[0]).toMatchObject({
        debtor: { id: 'd1' },
        stage: 'reminding',
        currency: 'EUR',
        open: 18900,
        overdue: 8000,
        itemCount: 4,
        oldestDueDate: '2026-08-01',
        daysOverdue: 127,
        paused: false,
        pendingApproval: false,
        // 127 days → 38.1 points; 189 € → round(10 × log10(1.89)) = 3.
        risk: { score: 41, level: 'medium' },
      });
      expect(page.items[0]!.risk.reasons.map((r) => r.code)).toEqual(['DAYS_OVERDUE', 'AMOUNT']);
    });

    it('filters, sorts and pages with a cursor that only fits its own order', async () => {
      const first = (await h.call('GET', '/api/worklist?sort=open&order=asc&limit=1')).json<Page>();
      expect(first.items.map((i) => i.open)).toEqual([4000]);
      expect(first.next).not.toBeNull();
      const second = (
        await h.call('GET', `/api/worklist?sort=open&order=asc&limit=1&cursor=${first.next!}`)
      ).json<Page>();
      expect(second.items.map((i) => i.open)).toEqual([18900]);
      expect(second.next).toBeNull();
      const wrong = await h.call('GET', `/api/worklist?sort=risk&limit=1&cursor=${first.next!}`);
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json<{ error: { problems: { path: string; message: string }[] } }>().error.problems).toEqual([
        {
          path: 'query.cursor',
          message: 'cursor belongs to the order open asc, not risk desc: start again from the first page',
        },
      ]);
      const forged = await h.call('GET', '/api/worklist?cursor=bm90IGpzb24');
      expect(forged.statusCode).toBe(400);
      const usd = (await h.call('GET', '/api/worklist?currency=USD')).json<Page>();
      expect(usd.items.map((i) => i.caseId)).toEqual([USD_CASE]);
      const late = (await h.call('GET', '/api/worklist?minDaysOverdue=100')).json<Page>();
      expect(late.items.map((i) => i.caseId)).toEqual([EUR_CASE]);
      const reminding = (await h.call('GET', '/api/worklist?stage=reminding&minOpen=10000&maxOpen=20000')).json<Page>();
      expect(reminding.items.map((i) => i.caseId)).toEqual([EUR_CASE]);
    });

    it('refuses a bad filter naming each problem, and a caller without the token', async () => {
      const bad = await h.call('GET', '/api/worklist?stage=lost&minOpen=5&maxOpen=2&sort=size&limit=500');
      expect(bad.statusCode).toBe(400);
      const paths = bad
        .json<{ error: { problems: { path: string }[] } }>()
        .error.problems.map((p) => p.path)
        .sort();
      expect(paths).toEqual(['query.limit', 'query.sort', 'query.stage']);
      const bounds = await h.call('GET', '/api/worklist?minOpen=5&maxOpen=2');
      expect(bounds.json<{ error: { problems: unknown } }>().error.problems).toEqual([
        { path: 'query.maxOpen', message: 'must not be below minOpen' },
      ]);
      expect((await h.call('GET', '/api/worklist', { token: null })).statusCode).toBe(401);
    });
  });

  describe('GET /api/debtors/:id/profile', () => {
    it('reads the debtor’s invoices, payments and promises from the store, and answers 404 for an unknown debtor', async () => {
      await h.store.sync.upsertDebtors([
        DebtorSchema.parse({
          id: 'd1',
          source: { system: 'odoo', connection: 'odoo-main', id: 'partner-d1' },
          name: 'Garage Lemoine SARL',
          kind: 'company',
        }),
      ]);
      // k5 (total 7,000, due 2026-12-02) was paid on 2026-12-04: two days late.
      await h.store.sync.upsertPayments([
        PaymentSchema.parse({
          id: 'p1',
          source: { system: 'odoo', connection: 'odoo-main', id: 'pay-1' },
          debtorId: 'd1',
          companyId: 'co1',
          date: '2026-12-04',
          currency: 'EUR',
          amount: 7000,
          allocations: [{ receivableId: 'k5', amount: 7000 }],
        }),
      ]);
      const promised = await h.call('POST', `/api/items/k2/promise`, { body: { date: '2026-12-20' } });
      expect(promised.statusCode).toBe(200);
      const res = await h.call('GET', '/api/debtors/d1/profile');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        debtorId: 'd1',
        asOf: '2026-12-06',
        paidInvoices: 1,
        averageDaysToPay: 32,
        paidLateShare: 100,
        promises: { kept: 0, broken: 0, pending: 1 },
        disputes: 1,
      });
      const unknown = await h.call('GET', '/api/debtors/nobody/profile');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ error: { code: 'DEBTOR_NOT_FOUND', message: 'no debtor nobody' } });
    });
  });
});
