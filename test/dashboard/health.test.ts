import { buildToTemp, openPage, sessionOf, type ApiCall, type Built, type FakeAnswer, type Page } from './page-harness';

/**
 * The health screen, run from the built bundle: connections with the reconnect command and
 * QuickBooks' monthly reads, the law firm's link, quarantine, failed jobs, legal rates.
 */

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
      case '/api/lawfirm':
        return { status: 200, body: { configured: false } };
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

  it('says how much of the month’s QuickBooks reads is used, warns from 80 % and says reads are blocked at 100 %', async () => {
    const reads = (used: number) => ({
      period: '2026-12',
      used,
      allowance: 500_000,
      share: used / 500_000,
      resetsAt: '2027-01-01T00:00:00.000Z',
    });
    const qbo = (id: string, used: number) => ({ id, type: 'quickbooks', authorization: null, reads: reads(used) });
    const connections = {
      status: 200,
      body: { connections: [qbo('qbo-calm', 12_345), qbo('qbo-busy', 400_000), qbo('qbo-spent', 500_000)] },
    };
    page = await openPage(built, {
      lang: 'en',
      hash: '#/health',
      api: api((call) => (call.path === '/api/connections' ? connections : undefined)),
    });
    await page.waitFor('[data-connection=qbo-spent] [data-testid=monthly-reads]');
    const line = (id: string) => page!.$(`[data-connection=${id}] [data-testid=monthly-reads]`)!;
    expect(page.text('[data-connection=qbo-calm] [data-testid=monthly-reads]')).toBe(
      '12,345 of 500,000 reads this month (2.5%)',
    );
    expect(line('qbo-calm').getAttribute('role')).toBeNull();
    expect(line('qbo-calm').getAttribute('class')).toBe('hint');

    expect(page.text('[data-connection=qbo-busy] [data-testid=monthly-reads]')).toBe(
      '400,000 of 500,000 reads this month (80%): close to the allowance; beyond it Intuit blocks reads until next month.',
    );
    expect(line('qbo-busy').getAttribute('class')).toBe('warning');
    expect(line('qbo-busy').getAttribute('role')).toBe('alert');

    expect(page.text('[data-connection=qbo-spent] [data-testid=monthly-reads]')).toMatch(
      /^500,000 of 500,000 reads this month \(100%\): the allowance is spent, and Intuit blocks reads until next month \(.*2027.*\): nothing is synced from this company until then\.$/,
    );
    expect(line('qbo-spent').getAttribute('class')).toBe('error');
    expect(line('qbo-spent').getAttribute('role')).toBe('alert');
    expect(page.errors).toEqual([]);
  });

  it('in French, the same counts with French numbers', async () => {
    const connections = {
      status: 200,
      body: {
        connections: [
          {
            id: 'qbo-fr',
            type: 'quickbooks',
            authorization: null,
            reads: {
              period: '2026-12',
              used: 410_000,
              allowance: 500_000,
              share: 0.82,
              resetsAt: '2027-01-01T00:00:00Z',
            },
          },
        ],
      },
    };
    page = await openPage(built, {
      lang: 'fr',
      hash: '#/health',
      api: api((call) => (call.path === '/api/connections' ? connections : undefined)),
    });
    await page.waitFor('[data-testid=monthly-reads]');
    expect(page.text('[data-testid=monthly-reads]').replace(/\s/g, ' ')).toBe(
      '410 000 sur 500 000 lectures ce mois-ci (82 %) : proche du quota ; au-delà, Intuit bloque les lectures jusqu’au mois prochain.',
    );
  });

  it('says when no law firm is configured', async () => {
    page = await openPage(built, { lang: 'en', hash: '#/health', api: api() });
    await page.waitFor('[data-testid=lawfirm-none]');
    expect(page.text('[data-testid=lawfirm-none]')).toBe(
      'No law firm is configured: escalated cases are not handed to anyone.',
    );
  });

  it('shows the law firm’s link: how events arrive, the last poll and its error, the last event, the dossiers', async () => {
    const lawfirm = {
      configured: true,
      id: 'cabinet-durand',
      webhook: { configured: true, path: '/webhooks/lawfirm' },
      polling: { cron: '*/5 * * * *', timeZone: 'Europe/Paris' },
      lastPollAt: null,
      lastPollError: {
        code: 'LAWFIRM_UNREACHABLE',
        message: 'the firm did not answer GET https://firm.example/v1/events',
        at: '2026-12-06T08:05:00Z',
      },
      lastEventAt: '2026-12-06T07:00:00Z',
      dossiers: { awaitingAnswer: 1, open: 4, refused: 2, ended: 3 },
      outbox: { waiting: 5, failed: 1 },
    };
    page = await openPage(built, {
      lang: 'en',
      hash: '#/health',
      api: api((call) => (call.path === '/api/lawfirm' ? { status: 200, body: lawfirm } : undefined)),
    });
    await page.waitFor('[data-testid=lawfirm-dossiers]');
    expect(page.text('[data-testid=lawfirm-id]')).toBe('cabinet-durand');
    expect(page.text('[data-testid=lawfirm-arrival]').replace(/\s+/g, ' ').trim()).toBe(
      'By its webhook (/webhooks/lawfirm) and by polling: */5 * * * * (Europe/Paris)',
    );
    expect(page.text('[data-testid=lawfirm-last-poll]')).toBe('None since the daemon started');
    expect(page.text('[data-testid=lawfirm-last-event]')).toMatch(/2026/);
    expect(page.text('[data-testid=lawfirm-poll-error]')).toMatch(
      /^Last poll failed: the firm did not answer GET https:\/\/firm\.example\/v1\/events \(LAWFIRM_UNREACHABLE, .*2026.*\)$/,
    );
    expect(page.$('[data-testid=lawfirm-poll-error]')?.getAttribute('role')).toBe('alert');
    expect(page.cells('[data-testid=lawfirm-dossiers] tbody tr')).toEqual(['5', '1', '4', '2', '3', '1']);
    expect(page.errors).toEqual([]);
  });
});
