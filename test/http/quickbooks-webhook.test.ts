import { signatureOf } from '../../adapters/quickbooks/webhook';
import { openHarness, type Harness } from './api-harness';

/**
 * POST /webhooks/quickbooks (erp-apis.md §2.7): signed deliveries become one deduplicated sync per
 * connection whose company changed; unsigned, wrongly signed, malformed and oversized ones are
 * refused and logged without their body.
 */

const FR = '9130350000000001';
const OTHER = '4620816365000000000';
const TOKEN = 'verifier-token-of-the-app';

describe('QuickBooks webhook route', () => {
  let h: Harness;
  const post = (body: string, signature: string | null) =>
    h.app.inject({
      method: 'POST',
      url: '/webhooks/quickbooks',
      headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'intuit-signature': signature }) },
      payload: body,
    });
  const legacy = JSON.stringify({
    eventNotifications: [
      {
        realmId: FR,
        dataChangeEvent: {
          entities: [
            { id: '1234', operation: 'Update', name: 'Invoice', lastUpdated: '2025-03-24T08:59:00.000Z' },
            { id: '1234', operation: 'Void', name: 'Invoice', lastUpdated: '2025-03-24T08:59:30.000Z' },
            { id: '77', operation: 'Create', name: 'Payment', lastUpdated: '2025-03-24T08:59:31.000Z' },
          ],
        },
      },
    ],
  });

  beforeEach(async () => {
    h = await openHarness({
      quickbooksWebhooks: [{ connection: 'qbo-fr', realmId: FR, verifierToken: TOKEN }],
    });
  });
  afterEach(() => h.close());

  it('a signed delivery enqueues one sync of the connection, without the API token; a resent one adds nothing', async () => {
    const first = await post(legacy, signatureOf(legacy, TOKEN));
    expect(first.statusCode).toBe(200);
    const bucket = Math.floor(Date.parse('2025-03-24T09:00:00.000Z') / 5_000);
    expect(first.json()).toEqual({
      changes: 2,
      ignoredCompanies: [],
      syncs: [{ connection: 'qbo-fr', jobId: `sync/webhook/qbo-fr/${bucket}`, added: true }],
    });
    expect((await h.queue.getJob(`sync/webhook/qbo-fr/${bucket}`))?.data).toEqual({ connection: 'qbo-fr' });
    const again = await post(legacy, signatureOf(legacy, TOKEN));
    expect(again.json<{ syncs: unknown[] }>().syncs).toEqual([
      { connection: 'qbo-fr', jobId: `sync/webhook/qbo-fr/${bucket}`, added: false },
    ]);
  });

  it('changes of a company no connection holds are ignored, named, and still answered 200', async () => {
    const cloud = JSON.stringify([
      {
        specversion: '1.0',
        id: 'e1',
        type: 'qbo.invoice.updated.v1',
        time: '2025-03-24T08:59:00Z',
        intuitentityid: '5',
        intuitaccountid: OTHER,
        data: {},
      },
    ]);
    const answer = await post(cloud, signatureOf(cloud, TOKEN));
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ changes: 1, ignoredCompanies: [OTHER], syncs: [] });
    expect(h.lines().some((l) => l.includes(`no connection of this app holds were ignored: ${OTHER}`))).toBe(true);
  });

  it('refuses unsigned and wrongly signed deliveries with 401, a malformed one with 400, an oversized one with 413, logging no body', async () => {
    expect((await post(legacy, null)).statusCode).toBe(401);
    const wrong = await post(legacy, signatureOf(legacy, 'another-app'));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json<{ error: { code: string } }>().error.code).toBe('WEBHOOK_REFUSED');
    const malformed = '{"eventNotifications": [{"realmId": "1"}]}';
    const bad = await post(malformed, signatureOf(malformed, TOKEN));
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('WEBHOOK_INVALID');
    const huge = JSON.stringify({ eventNotifications: [], pad: 'x'.repeat(2 * 1024 * 1024) });
    expect((await post(huge, signatureOf(huge, TOKEN))).statusCode).toBe(413);
    const logged = h.lines().join('\n');
    expect(logged).toContain('QuickBooks webhook refused (401)');
    expect(logged).not.toContain('1234');
    expect(await h.queue.counts('sync')).toMatchObject({ waiting: 0 });
  });
});
