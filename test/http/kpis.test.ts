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
    const body = (await h.call('GET', '/metrics')).body;
    expect(body).toContain('recouvra_receivables_open_minor{currency="EUR"} 17900');
    expect(body).toContain('recouvra_receivables_overdue_minor{currency="USD"} 4000');
    expect(body).toContain('recouvra_receivables_aging_minor{currency="EUR",bucket="over_90"} 3000');
    expect(body).toContain('recouvra_cases{currency="EUR",stage="reminding"} 1');
    expect(body).toMatch(/recouvra_dso_days\{currency="EUR",method="standard"\} \d/);
    expect(body).not.toContain('recouvra_dso_days{currency="USD",method="standard"}');
    expect(body).toContain('recouvra_dso_days{currency="USD",method="countback"}');
  });
});
