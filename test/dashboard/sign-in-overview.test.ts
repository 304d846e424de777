import { NBSP, NNBSP, overviewAnswer, UNAUTHENTICATED } from './fixtures';
import { buildToTemp, openPage, sessionOf, type ApiCall, type Built, type FakeAnswer, type Page } from './page-harness';

/** Sign-in and the overview, run from the built bundles against a fake API. */

let built: Built;
beforeAll(async () => {
  built = await buildToTemp();
});
afterAll(() => built.remove());

let page: Page | undefined;
afterEach(() => {
  page?.close();
  page = undefined;
});

describe('sign-in', () => {
  function api(signIn: (call: ApiCall) => FakeAnswer) {
    let signedIn = false;
    return (call: ApiCall): FakeAnswer | undefined => {
      if (call.path === '/api/session' && call.method === 'GET')
        return signedIn ? { status: 200, body: sessionOf('controller') } : UNAUTHENTICATED;
      if (call.path === '/api/session' && call.method === 'POST') {
        const answer = signIn(call);
        signedIn = answer.status === 200;
        return answer;
      }
      if (call.path === '/api/session' && call.method === 'DELETE') {
        signedIn = false;
        return { status: 204 };
      }
      if (call.path === '/api/kpis') return signedIn ? { status: 200, body: overviewAnswer() } : UNAUTHENTICATED;
      return undefined;
    };
  }

  it('signs in with the form, then shows the route the person was going to, and signs out with the CSRF token', async () => {
    page = await openPage(built, {
      lang: 'en',
      hash: '#/health',
      api: api(() => ({ status: 200, body: sessionOf('controller') })),
    });
    await page.waitFor('[data-testid=sign-in]');
    expect(page.$('label[for=sign-in-username]')?.textContent).toBe('User name');
    page.fill('[data-testid=sign-in-username]', '  camille ');
    page.fill('[data-testid=sign-in-password]', 's3cret pass');
    page.submit('[data-testid=sign-in] form');
    await page.waitFor('[data-testid=health]');
    const post = page.calls.find((c) => c.method === 'POST')!;
    expect(post.url).toBe('/api/session');
    expect(post.body).toEqual({ username: 'camille', password: 's3cret pass' });
    expect(post.headers['content-type']).toBe('application/json');
    expect(page.window.location.hash).toBe('#/health');
    expect(page.text('[data-testid=user]')).toBe('Camille controller (controller)');
    expect(page.$('[data-testid=nav-health]')?.getAttribute('aria-current')).toBe('page');
    expect(page.$('[data-testid=nav-overview]')?.hasAttribute('aria-current')).toBe(false);

    page.click('[data-testid=sign-out]');
    await page.waitFor('[data-testid=sign-in]');
    const del = page.calls.find((c) => c.method === 'DELETE')!;
    expect(del.url).toBe('/api/session');
    expect(del.headers['x-csrf-token']).toBe('csrf-controller');
  });

  it('announces a refused password with the server’s words, and asks for both fields before calling', async () => {
    page = await openPage(built, {
      lang: 'fr',
      api: api(() => ({
        status: 401,
        body: { error: { code: 'SIGN_IN_FAILED', message: 'identifiant ou mot de passe inconnu' } },
      })),
    });
    await page.waitFor('[data-testid=sign-in]');
    const alert = page.$('[data-testid=sign-in-error]')!;
    expect(alert.getAttribute('role')).toBe('alert');
    page.submit('[data-testid=sign-in] form');
    await page.waitUntil(() => page!.text('[data-testid=sign-in-error]') !== '', 'the missing-fields message');
    expect(page.text('[data-testid=sign-in-error]')).toBe('Saisissez votre identifiant et votre mot de passe.');
    expect(page.calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    page.fill('[data-testid=sign-in-username]', 'camille');
    page.fill('[data-testid=sign-in-password]', 'wrong');
    page.submit('[data-testid=sign-in] form');
    await page.waitUntil(() => page!.text('[data-testid=sign-in-error]').includes('inconnu'), 'the refusal');
    expect(page.text('[data-testid=sign-in-error]')).toBe('Connexion refusée : identifiant ou mot de passe inconnu');
    // Still on the sign-in: a refused password is not a lost session.
    expect(page.$('[data-testid=sign-in]')).not.toBeNull();
    expect(page.calls.filter((c) => c.path === '/api/kpis')).toHaveLength(0);
  });

  it('says how long to wait after too many attempts (429 with Retry-After)', async () => {
    page = await openPage(built, {
      lang: 'en',
      api: api(() => ({
        status: 429,
        headers: { 'retry-after': '60' },
        body: { error: { code: 'TOO_MANY_ATTEMPTS', message: 'too many sign-in attempts from this address' } },
      })),
    });
    await page.waitFor('[data-testid=sign-in]');
    page.fill('[data-testid=sign-in-username]', 'camille');
    page.fill('[data-testid=sign-in-password]', 'x');
    page.submit('[data-testid=sign-in] form');
    await page.waitUntil(() => page!.text('[data-testid=sign-in-error]') !== '', 'the 429 message');
    expect(page.text('[data-testid=sign-in-error]')).toBe(
      'Too many attempts. too many sign-in attempts from this address (Try again in seconds: 60)',
    );
  });
});

describe('overview', () => {
  const signedIn =
    (kpis: () => FakeAnswer) =>
    (call: ApiCall): FakeAnswer | undefined => {
      if (call.path === '/api/session') return { status: 200, body: sessionOf('viewer') };
      if (call.path === '/api/kpis') return kpis();
      return undefined;
    };

  it('shows each currency’s amounts in French format, with the minor digits of the currency', async () => {
    page = await openPage(built, {
      lang: 'fr',
      hash: '#/',
      api: signedIn(() => ({ status: 200, body: overviewAnswer() })),
    });
    await page.waitFor('[data-testid=currency-EUR]');
    expect(page.calls.map((c) => c.url)).toEqual(['/api/session', '/api/kpis']);
    expect(page.text('[data-testid=currency-EUR] [data-testid=kpi-open] .figure')).toBe(`1${NNBSP}234,56${NBSP}€`);
    expect(page.text('[data-testid=currency-EUR] [data-testid=kpi-overdue] .figure')).toBe(`1${NNBSP}000,00${NBSP}€`);
    expect(page.text('[data-testid=currency-JPY] [data-testid=kpi-open] .figure')).toBe(`123${NNBSP}456${NBSP}JPY`);
    expect(page.text('[data-testid=currency-EUR] [data-testid=kpi-overdue-ratio] .figure')).toBe(`81${NBSP}%`);
    expect(page.text('[data-testid=as-of]')).toContain('6 déc. 2026');
  });

  it('shows both DSO methods with their formula in the page’s language, and why a figure is missing', async () => {
    page = await openPage(built, {
      lang: 'fr',
      hash: '#/',
      api: signedIn(() => ({ status: 200, body: overviewAnswer() })),
    });
    await page.waitFor('[data-testid=currency-EUR]');
    expect(page.text('[data-testid=currency-EUR] [data-testid=kpi-dso-standard] dt')).toBe('DSO, méthode standard');
    expect(page.text('[data-testid=currency-EUR] [data-testid=kpi-dso-standard] .figure')).toBe('67,1 jours');
    expect(page.text('[data-testid=currency-EUR] [data-testid=kpi-dso-standard] .formula')).toBe(
      'encours ÷ ventes des 90 derniers jours × 90',
    );
    expect(page.text('[data-testid=currency-EUR] [data-testid=kpi-dso-countback] .figure')).toBe('39,0 jours');
    expect(page.text('[data-testid=currency-JPY] [data-testid=kpi-dso-standard] .figure')).toBe(
      'non disponible (no sales in the last 90 days)',
    );

    page.close();
    page = await openPage(built, {
      lang: 'en',
      hash: '#/',
      api: signedIn(() => ({ status: 200, body: overviewAnswer() })),
    });
    await page.waitFor('[data-testid=currency-EUR]');
    expect(page.text('[data-testid=currency-EUR] [data-testid=kpi-dso-standard] dt')).toBe('DSO, standard method');
    expect(page.text('[data-testid=currency-EUR] [data-testid=kpi-dso-standard] .formula')).toBe(
      'open ÷ sales of the last 90 days × 90',
    );
    expect(page.text('[data-testid=currency-EUR] [data-testid=kpi-open] .figure')).toBe('€1,234.56');
  });

  it('gives the aging and the stages as tables with header cells, the chart being a labelled picture of them', async () => {
    page = await openPage(built, {
      lang: 'en',
      hash: '#/',
      api: signedIn(() => ({ status: 200, body: overviewAnswer() })),
    });
    await page.waitFor('[data-testid=aging-EUR]');
    const rows = [1, 2, 3, 4, 5].map((n) => page!.cells(`[data-testid=aging-EUR] tbody tr:nth-child(${n})`));
    expect(rows).toEqual([
      ['Not due', '2', '€234.56'],
      ['1–30 days', '1', '€400.00'],
      ['31–60 days', '0', '€0.00'],
      ['61–90 days', '1', '€300.00'],
      ['Over 90 days', '3', '€300.00'],
    ]);
    expect(page.$$('[data-testid=aging-EUR] thead th').every((th) => th.getAttribute('scope') === 'col')).toBe(true);
    expect(page.$$('[data-testid=aging-EUR] tbody th').every((th) => th.getAttribute('scope') === 'row')).toBe(true);
    const canvas = page.$('[data-testid=currency-EUR] canvas')!;
    expect(canvas.getAttribute('role')).toBe('img');
    expect(canvas.getAttribute('aria-label')).toBe('Aging of open invoices by days past due (EUR)');
    const stage = page.$('[data-testid=stages-EUR] tbody tr:nth-child(2) a')!;
    expect(stage.textContent).toBe('Reminders');
    expect(stage.getAttribute('href')).toBe('#/worklist?stage=reminding&currency=EUR');
    expect(page.errors).toEqual([]);
  });

  it('shows the trend, CEI, funnel and recovered sections only when the API sends them', async () => {
    page = await openPage(built, {
      lang: 'en',
      hash: '#/',
      api: signedIn(() => ({ status: 200, body: overviewAnswer() })),
    });
    await page.waitFor('[data-testid=currency-EUR]');
    for (const id of ['trend', 'funnel-EUR', 'recovered-EUR', 'kpi-cei', 'counting-since'])
      expect(page.$(`[data-testid=${id}]`)).toBeNull();

    page.close();
    const share = (value: number | null) => ({
      value,
      formula: { fr: 'f', en: 'cases that reached the step ÷ cases reminded × 100' },
      ...(value === null ? { unavailable: 'nothing recovered in the period' } : {}),
    });
    page = await openPage(built, {
      lang: 'en',
      hash: '#/',
      api: signedIn(() => ({
        status: 200,
        body: {
          ...overviewAnswer({
            cei: {
              value: 79.6,
              formula: { fr: 'f', en: '(begin + sales − end) ÷ (begin + sales − current) × 100' },
              variant: { fr: 'v', en: 'sales of the whole period' },
            },
            trend: [{ period: '2026-11', dsoStandard: 70.2, dsoCountback: 41, overdue: 90000 }],
            funnel: {
              steps: [
                { step: 'reminded', cases: 40, share: share(100) },
                { step: 'formal_notice', cases: 12, share: share(30) },
                { step: 'law_firm', cases: 5, share: share(12.5) },
                { step: 'recovered', cases: 29, share: share(72.5) },
              ],
              recovered: { withoutFirm: 27, afterFirm: 2 },
              recoveryRate: { value: 72.5, formula: { fr: 'f', en: 'cases recovered ÷ cases reminded × 100' } },
            },
            recoveredBy: {
              channels: [
                { channel: 'reminders', amount: 250000, payments: 9, share: share(96.2) },
                { channel: 'law_firm', amount: 10000, payments: 1, share: share(3.8) },
              ],
              total: 260000,
              months: [{ period: '2026-11', amounts: { reminders: 250000, law_firm: 10000 } }],
            },
          }),
          recovery: {
            from: '2026-01-01',
            to: '2026-12-06',
            countingSince: '2026-03-02T08:00:00.000Z',
            partial: true,
            basis: { fr: 'b', en: 'Funnel: the cases first reminded in the period.' },
          },
        },
      })),
    });
    await page.waitFor('[data-testid=trend]');
    expect(page.text('[data-testid=kpi-cei] .figure')).toBe('79.6%');
    expect(page.text('[data-testid=kpi-cei] .note')).toBe('sales of the whole period');
    expect(page.cells('[data-testid=trend] tbody tr')).toEqual(['2026-11', '70.2', '41.0', '€900.00']);
    const shown = page;
    const funnel = ['reminded', 'formal_notice', 'law_firm', 'recovered'].map((step) =>
      shown.cells(`[data-testid=funnel-EUR] tr[data-step=${step}]`),
    );
    expect(funnel).toEqual([
      ['First reminder sent', '40', '100%'],
      ['Formal notice', '12', '30%'],
      ['Handed to the law firm', '5', '12.5%'],
      ['Recovered', '29', '72.5%'],
    ]);
    // Each share is also a meter, which a screen reader announces with its step.
    expect(page.$('[data-testid=funnel-EUR] tr[data-step=law_firm] meter')?.getAttribute('value')).toBe('12.5');
    expect(page.text('[data-testid=funnel-EUR] caption')).toBe(
      'Cases first reminded from 1 Jan 2026 to 6 Dec 2026, by the furthest step they reached',
    );
    expect(page.text('[data-testid=funnel-recovered]')).toBe(
      'Recovered without the law firm: 27; after it had the file: 2.',
    );
    expect(page.cells('[data-testid=recovered-EUR] tr[data-channel=law_firm]')).toEqual([
      'By the law firm',
      '€100.00',
      '3.8%',
      '1',
    ]);
    expect(page.cells('[data-testid=recovered-EUR] [data-testid=recovered-total]')).toEqual([
      'Total',
      '€2,600.00',
      '',
      '',
    ]);
    expect(page.$('[data-testid=recovered-EUR] canvas')?.getAttribute('aria-label')).toBe(
      'Amounts recovered each month, by who recovered them (EUR)',
    );
    expect(page.text('[data-testid=counting-since]')).toContain('Counted since 2 Mar 2026');
    // JPY sent no funnel (an older daemon, or nothing to show): no section, no error.
    expect(page.$('[data-testid=funnel-JPY]')).toBeNull();
    expect(page.errors).toEqual([]);
  });

  it('says why the figures did not load, in an alert, and a lost session goes to the sign-in', async () => {
    page = await openPage(built, {
      lang: 'en',
      hash: '#/',
      api: signedIn(() => ({
        status: 500,
        body: { error: { code: 'INTERNAL_ERROR', message: 'the request failed inside the daemon; its log says why' } },
      })),
    });
    await page.waitFor('[data-testid=overview] [data-testid=error]');
    expect(page.text('[data-testid=overview] [data-testid=error]')).toBe(
      'the request failed inside the daemon; its log says why',
    );
    expect(page.$('[data-testid=overview] [data-testid=error]')?.getAttribute('role')).toBe('alert');

    page.close();
    page = await openPage(built, { lang: 'en', hash: '#/', api: signedIn(() => UNAUTHENTICATED) });
    await page.waitFor('[data-testid=sign-in]');
    expect(page.window.location.hash).toBe('#/sign-in');
  });
});
