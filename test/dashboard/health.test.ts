import { buildToTemp, openPage, sessionOf, type ApiCall, type Built, type FakeAnswer, type Page } from './page-harness';

/** The health screen, run from the built bundle: connections with the reconnect command, quarantine, failed jobs, legal rates. */

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

const COMMAND = 'recouvra connections connect qbo-fr --config /etc/recouvra/config.yaml';

function api(over: (call: ApiCall) => FakeAnswer | undefined = () => undefined) {
  return (call: ApiCall): FakeAnswer | undefined => {
    const answer = over(call);
    if (answer) return answer;
    switch (call.path) {
      case '/api/session':
        return { status: 200, body: sessionOf('viewer') };
      case '/api/connections':
        return {
          status: 200,
          body: {
            connections: [
              {
                id: 'odoo-main',
                type: 'odoo',
                authorization: null,
                sync: {
                  lastSuccessAt: '2026-12-06T08:00:00Z',
                  lagSeconds: 1_260,
                  lastError: {
                    code: 'ODOO_TIMEOUT',
                    message: 'Odoo did not answer in 30 s',
                    at: '2026-12-06T08:15:00Z',
                  },
                  calls: { reads: 1_234, writes: 56, throttled: 2 },
                },
              },
              {
                id: 'qbo-fr',
                type: 'quickbooks',
                authorization: {
                  state: 'reconnect',
                  refusedAt: '2026-12-01T08:00:00Z',
                  message: `connection qbo-fr: the provider refused the stored authorization on 2026-12-01 (invalid_grant); nothing is read or written until the company is reconnected: run \`${COMMAND}\``,
                },
              },
            ],
          },
        };
      case '/api/quarantine':
        return {
          status: 200,
          body: {
            records: [
              {
                connection: 'odoo-main',
                stream: 'invoices',
                sourceId: '4711',
                reason: 'due date before the issue date',
                raw: {},
                at: '2026-12-05T10:00:00Z',
              },
            ],
          },
        };
      case '/api/jobs/failed':
        return { status: 503, body: { error: { code: 'NO_QUEUE', message: 'this API runs without a job queue' } } };
      case '/api/legal/status':
        return {
          status: 200,
          body: {
            asOf: '2026-12-06',
            known: [{ semester: '2026-H1' }, { semester: '2026-H2' }],
            missing: [{ semester: '2027-H1', startsOn: '2027-01-01', state: 'upcoming', where: [] }],
            warnings: ['the rates of 2027-H1 are not known yet; add them under legal.rates before 2027-01-01'],
          },
        };
      default:
        return undefined;
    }
  };
}

describe('health', () => {
  it('shows each connection’s state and the command that reconnects a company', async () => {
    page = await openPage(built, { lang: 'en', hash: '#/health', api: api() });
    await page.waitFor('[data-connection=qbo-fr]');
    const odoo = page.cells('[data-connection=odoo-main]');
    expect(odoo.slice(0, 3)).toEqual(['odoo-main', 'odoo', 'Access in the configuration']);
    // The last sync without error, how long ago, the error since, and the ERP calls counted.
    expect(page.text('[data-connection=odoo-main] [data-testid=last-sync]')).toMatch(
      /\(21 min ago\)Last sync stopped: Odoo did not answer in 30 s \(ODOO_TIMEOUT\)ERP calls since the start: 1,234 reads, 56 writes, 2 refused for their rate$/,
    );
    expect(page.text('[data-connection=qbo-fr] [data-testid=last-sync]')).toBe('Not yet since the daemon started');
    expect(page.cells('[data-connection=qbo-fr]').slice(0, 3)).toEqual([
      'qbo-fr',
      'quickbooks',
      'Reconnect this company',
    ]);
    expect(page.text('[data-connection=qbo-fr] [data-testid=reconnect-command]')).toBe(COMMAND);
  });

  it('lists the quarantine with its reasons, warns about legal rates, and says when the daemon has no job queue', async () => {
    page = await openPage(built, { lang: 'fr', hash: '#/health', api: api() });
    await page.waitFor('[data-testid=quarantine] tbody tr');
    expect(page.cells('[data-testid=quarantine] tbody tr').slice(0, 4)).toEqual([
      '4711',
      'odoo-main',
      'invoices',
      'due date before the issue date',
    ]);
    expect(page.text('[data-testid=legal-warnings]')).toBe(
      'the rates of 2027-H1 are not known yet; add them under legal.rates before 2027-01-01',
    );
    expect(page.$('[data-testid=legal-warnings]')?.getAttribute('role')).toBe('alert');
    expect(page.text('[data-testid=legal] .note')).toBe('Semestres connus : 2026-H1, 2026-H2');
    expect(page.text('[data-testid=failed-jobs] .error')).toBe('this API runs without a job queue');
  });

  it('lists failed jobs when there is a queue', async () => {
    page = await openPage(built, {
      lang: 'en',
      hash: '#/health',
      api: api((call) =>
        call.path === '/api/jobs/failed'
          ? {
              status: 200,
              body: {
                jobs: [
                  {
                    id: 'sync/manual/qbo-fr/1',
                    name: 'sync',
                    data: {},
                    status: 'failed',
                    attemptsMade: 5,
                    error: 'QBO_AUTH_REFUSED',
                    createdAt: '2026-12-05T10:00:00Z',
                    finishedAt: '2026-12-05T10:05:00Z',
                  },
                ],
              },
            }
          : undefined,
      ),
    });
    await page.waitFor('[data-testid=failed-jobs] tbody tr');
    expect(page.cells('[data-testid=failed-jobs] tbody tr').slice(0, 4)).toEqual([
      'sync/manual/qbo-fr/1',
      'sync',
      '5',
      'QBO_AUTH_REFUSED',
    ]);
    expect(page.errors).toEqual([]);
  });
});
