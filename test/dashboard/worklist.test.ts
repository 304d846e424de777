import { NBSP, NNBSP, UNAUTHENTICATED, worklistItem } from './fixtures';
import { buildToTemp, openPage, sessionOf, type ApiCall, type Built, type FakeAnswer, type Page } from './page-harness';

/** The worklist, run from the built bundle: filters and sorting sent as the API's query, pages followed with `next`. */

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

const worklistCalls = (p: Page) => p.calls.filter((c) => c.path === '/api/worklist');
const lastWorklistQuery = (p: Page) => Object.fromEntries(worklistCalls(p).at(-1)!.query);

function api(worklist: (call: ApiCall) => FakeAnswer) {
  return (call: ApiCall): FakeAnswer | undefined => {
    if (call.path === '/api/session') return { status: 200, body: sessionOf('controller') };
    if (call.path === '/api/worklist') return worklist(call);
    return undefined;
  };
}

/** Three pages of two cases each, chained by opaque cursors. */
function pagedWorklist(call: ApiCall): FakeAnswer {
  const cursor = call.query.get('cursor');
  const index = cursor === null ? 0 : Number(cursor.replace('opaque-', ''));
  return {
    status: 200,
    body: {
      asOf: '2026-12-06',
      items: [worklistItem(index * 2 + 1), worklistItem(index * 2 + 2)],
      next: index < 2 ? `opaque-${index + 1}` : null,
      riskRules: { fr: '0,3 point par jour de retard', en: '0.3 point a day late' },
      summariesPending: index === 0 ? 1200 : 0,
    },
  };
}

describe('worklist', () => {
  it('lists the cases of the first page, each row a link to its case, amounts in French', async () => {
    page = await openPage(built, { lang: 'fr', hash: '#/worklist', api: api(pagedWorklist) });
    await page.waitFor('[data-case-id=case_1]');
    expect(lastWorklistQuery(page)).toEqual({ sort: 'risk', order: 'desc', limit: '50' });
    const link = page.$('[data-case-id=case_1] a[data-testid=case-link]')!;
    expect(link.textContent).toBe('Debtor 1 SARL');
    expect(link.getAttribute('href')).toBe('#/cases/case_1');
    expect(page.cells('[data-case-id=case_1]').slice(0, 6)).toEqual([
      'Debtor 1 SARL',
      'Relances',
      `1${NNBSP}234,57${NBSP}€`,
      `1${NNBSP}000,00${NBSP}€`,
      '96',
      '1 sept. 2026',
    ]);
    // The risk says which facts raised it.
    expect(page.text('[data-case-id=case_1] .badge')).toBe('Élevé · 72');
    // How the points are counted, said once under the table; and a list still being sorted says so.
    expect(page.text('[data-testid=risk-rules]')).toBe('Score de risque : 0,3 point par jour de retard');
    expect(page.text('[data-testid=summaries-pending]')).toBe(
      `L’ordre de 1${NNBSP}200 dossier(s) est encore en cours de calcul après une synchronisation.`,
    );
    expect(page.text('[data-case-id=case_1] .badge + ul li')).toBe('Plus de 90 jours de retard');
    expect(page.text('[data-testid=status]')).toBe('Dossiers sur cette page : 2');
    expect(page.$('[data-testid=page-previous]')?.hasAttribute('disabled')).toBe(true);
  });

  it('sends every filter as a query parameter, amounts in minor units of the currency, and keeps them in the route', async () => {
    page = await openPage(built, { lang: 'en', hash: '#/worklist', api: api(pagedWorklist) });
    await page.waitFor('[data-case-id=case_1]');
    page.fill('[data-testid=filter-q]', 'acme');
    page.fill('[data-testid=filter-stage]', 'formal_notice');
    page.fill('[data-testid=filter-min-open]', '1500.50');
    page.fill('[data-testid=filter-max-open]', '20000');
    page.fill('[data-testid=filter-min-days]', '30');
    page.fill('[data-testid=filter-currency]', 'eur');
    page.fill('[data-testid=filter-connection]', 'odoo-main');
    page.fill('[data-testid=filter-company]', 'co1');
    page.submit('[data-testid=worklist-filters]');
    await page.waitUntil(() => worklistCalls(page!).length === 2, 'the filtered call');
    expect(lastWorklistQuery(page)).toEqual({
      q: 'acme',
      stage: 'formal_notice',
      currency: 'EUR',
      connection: 'odoo-main',
      company: 'co1',
      minOpen: '150050',
      maxOpen: '2000000',
      minDaysOverdue: '30',
      sort: 'risk',
      order: 'desc',
      limit: '50',
    });
    expect(page.window.location.hash).toBe(
      '#/worklist?q=acme&stage=formal_notice&currency=eur&connection=odoo-main&company=co1&minOpen=1500.50&maxOpen=20000&minDaysOverdue=30',
    );
  });

  it('restores the filters from the route alone, reading an amount in the currency’s minor digits (JPY has none)', async () => {
    page = await openPage(built, {
      lang: 'en',
      hash: '#/worklist?currency=JPY&minOpen=5000&stage=escalated',
      api: api(pagedWorklist),
    });
    await page.waitFor('[data-case-id=case_1]');
    expect(lastWorklistQuery(page)).toMatchObject({ currency: 'JPY', minOpen: '5000', stage: 'escalated' });
    expect(page.$('[data-testid=filter-stage]')?.value).toBe('escalated');
    expect(page.$('[data-testid=filter-min-open]')?.value).toBe('5000');
    expect(page.$('[data-testid=filter-currency]')?.value).toBe('JPY');
  });

  it('refuses a filter that is not a number before calling, and shows the API’s own problems on a 400', async () => {
    page = await openPage(built, {
      lang: 'en',
      hash: '#/worklist?minOpen=lots',
      api: api((call) =>
        call.query.get('company') === 'nope'
          ? {
              status: 400,
              body: {
                error: {
                  code: 'INVALID_REQUEST',
                  message: 'the request has 1 problem',
                  problems: [{ path: 'query.company', message: 'is not a company of the configuration' }],
                },
              },
            }
          : pagedWorklist(call),
      ),
    });
    await page.waitFor('[data-testid=error]');
    expect(worklistCalls(page)).toHaveLength(0);
    expect(page.text('[data-testid=error] p')).toBe('Some filters are not valid:');
    expect(page.text('[data-testid=error] li')).toBe('Open amount from: must be an amount, such as 1500 or 1500.50');
    page.navigate('#/worklist?company=nope');
    await page.waitUntil(() => page!.$('[data-testid=error]')?.textContent?.includes('company of') === true, 'the 400');
    expect(page.text('[data-testid=error] li')).toBe('Company: is not a company of the configuration');
    expect(page.$('[data-testid=error]')?.getAttribute('role')).toBe('alert');
  });

  it('follows the `next` cursor page by page, one page in memory, and goes back along the cursors seen', async () => {
    page = await openPage(built, { lang: 'en', hash: '#/worklist?stage=reminding', api: api(pagedWorklist) });
    await page.waitFor('[data-case-id=case_1]');
    page.click('[data-testid=page-next]');
    await page.waitFor('[data-case-id=case_3]');
    expect(lastWorklistQuery(page)).toEqual({
      stage: 'reminding',
      sort: 'risk',
      order: 'desc',
      limit: '50',
      cursor: 'opaque-1',
    });
    expect(page.$('[data-case-id=case_1]')).toBeNull();
    expect(page.text('[data-testid=page-number]')).toBe('Page 2');
    page.click('[data-testid=page-next]');
    await page.waitFor('[data-case-id=case_5]');
    expect(lastWorklistQuery(page)['cursor']).toBe('opaque-2');
    // The last page: its `next` is null.
    expect(page.$('[data-testid=page-next]')?.hasAttribute('disabled')).toBe(true);
    page.click('[data-testid=page-previous]');
    await page.waitFor('[data-case-id=case_3]');
    expect(lastWorklistQuery(page)['cursor']).toBe('opaque-1');
    page.click('[data-testid=page-previous]');
    await page.waitFor('[data-case-id=case_1]');
    expect(lastWorklistQuery(page)['cursor']).toBeUndefined();
    expect(page.text('[data-testid=page-number]')).toBe('Page 1');
    expect(worklistCalls(page)).toHaveLength(5);
  });

  it('sorts with header buttons that say their order in aria-sort, the same header reversing it', async () => {
    page = await openPage(built, { lang: 'en', hash: '#/worklist', api: api(pagedWorklist) });
    await page.waitFor('[data-case-id=case_1]');
    const sortOf = (id: string) => page!.$(`[data-testid=${id}]`)!;
    expect(sortOf('sort-risk').tagName).toBe('BUTTON');
    expect(page.$('th:has([data-testid=sort-risk])')?.getAttribute('aria-sort')).toBe('descending');
    expect(page.$('th:has([data-testid=sort-open])')?.getAttribute('aria-sort')).toBe('none');
    page.click('[data-testid=sort-debtor]');
    await page.waitUntil(() => worklistCalls(page!).length === 2, 'the sorted call');
    expect(lastWorklistQuery(page)).toMatchObject({ sort: 'debtor', order: 'asc' });
    const debtorSort = () => page!.$('th:has([data-testid=sort-debtor])')?.getAttribute('aria-sort');
    await page.waitUntil(() => debtorSort() === 'ascending', 'the debtor column sorted');
    expect(page.$('th:has([data-testid=sort-risk])')?.getAttribute('aria-sort')).toBe('none');
    page.click('[data-testid=sort-debtor]');
    await page.waitUntil(() => worklistCalls(page!).length === 3, 'the reversed call');
    expect(lastWorklistQuery(page)).toMatchObject({ sort: 'debtor', order: 'desc' });
    expect(page.window.location.hash).toBe('#/worklist?sort=debtor&order=desc');
  });

  it('goes to the sign-in on a 401 and comes back to the same filtered route after signing in', async () => {
    let signedIn = true;
    page = await openPage(built, {
      lang: 'en',
      hash: '#/worklist?stage=formal_notice',
      api: (call) => {
        if (call.path === '/api/session' && call.method === 'POST') {
          signedIn = true;
          return { status: 200, body: sessionOf('controller') };
        }
        if (call.path === '/api/session') return { status: 200, body: sessionOf('controller') };
        if (call.path === '/api/worklist') {
          if (!signedIn) return UNAUTHENTICATED;
          return pagedWorklist(call);
        }
        return undefined;
      },
    });
    await page.waitFor('[data-case-id=case_1]');
    signedIn = false;
    page.click('[data-testid=page-next]');
    await page.waitFor('[data-testid=sign-in]');
    expect(page.window.location.hash).toBe(`#/sign-in?next=${encodeURIComponent('/worklist?stage=formal_notice')}`);
    page.fill('[data-testid=sign-in-username]', 'camille');
    page.fill('[data-testid=sign-in-password]', 'pw');
    page.submit('[data-testid=sign-in] form');
    await page.waitFor('[data-case-id=case_1]');
    expect(page.window.location.hash).toBe('#/worklist?stage=formal_notice');
    expect(lastWorklistQuery(page)).toMatchObject({ stage: 'formal_notice' });
  });
});
