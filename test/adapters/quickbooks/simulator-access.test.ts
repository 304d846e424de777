import { LoopbackServer } from '../../../adapters/loopback-server';
import { THROTTLE_XML, webhookSignature } from '../../../adapters/quickbooks/simulator';
import { startSimulator, type Fault, type Running } from './simulator-fixture';

const COUNT = 'query?query=' + encodeURIComponent('SELECT count(*) FROM Invoice');

describe('QuickBooks simulator: errors, limits and metering', () => {
  let t: Running;
  beforeEach(async () => {
    t = await startSimulator({ invoices: 300, rateScale: 0.02 });
  });
  afterEach(() => t.sim.stop());

  it('answers 429 with the XML body of the reference once a realm passes its scaled per-minute limit, and meters reads', async () => {
    expect(t.sim.requestsPerMinute).toBe(10);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await t.call(t.fr, COUNT)).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429, 429]);
    const res = await t.call(t.fr, COUNT);
    expect(res.headers.get('content-type')).toBe('application/xml');
    const body = await res.text();
    expect(body).toContain(
      '<Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>',
    );
    expect(body).toBe(THROTTLE_XML.replace('TIME', /time="([^"]+)"/.exec(body)![1]!));
    expect((await t.call(t.us, COUNT)).status).toBe(200);
    expect(t.sim.controls.counters()[t.fr]).toMatchObject({ requests: 13, meteredReads: 10, throttled: 3 });
    expect(t.sim.controls.counters()[t.us]).toMatchObject({ requests: 1, meteredReads: 1 });
  });

  it('lets 10 requests per realm run at once and answers 429 to the rest', async () => {
    await t.sim.stop();
    t = await startSimulator({ invoices: 300 });
    t.sim.controls.latencyMs = 150;
    const statuses = await Promise.all(Array.from({ length: 13 }, () => t.call(t.fr, COUNT).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(t.sim.controls.counters()[t.fr]).toMatchObject({ maxInFlight: 10, inFlight: 0 });
  });

  it('answers 401 AuthenticationFault 3200 without a token, with an unknown or an expired one', async () => {
    for (const token of [null, 'nope']) {
      const res = await t.call(t.fr, COUNT, { token });
      expect(res.status).toBe(401);
      expect(((await res.json()) as Fault).Fault).toMatchObject({
        type: 'AuthenticationFault',
        Error: [{ code: '3200' }],
      });
    }
    t.clock.advance(3_600_000);
    const expired = await t.call(t.fr, COUNT);
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as Fault).Fault.Error[0]!.Detail).toBe('Token expired');
    const other = await t.call(t.fr, COUNT, { token: t.sim.controls.issueTokens(t.us).access_token });
    expect(other.status).toBe(403);
  });

  it('injects 500, a Fault inside HTTP 200, 429, 401 and a dropped connection into the next requests', async () => {
    t.sim.controls.injectFault('500');
    t.sim.controls.injectFault('fault200');
    t.sim.controls.injectFault('429');
    t.sim.controls.injectFault('401');
    t.sim.controls.injectFault('drop');
    const r500 = await t.call(t.fr, COUNT);
    expect([r500.status, ((await r500.json()) as Fault).Fault.type]).toEqual([500, 'SystemFault']);
    const r200 = await t.call(t.fr, COUNT);
    expect(r200.status).toBe(200);
    expect(((await r200.json()) as Fault).Fault).toMatchObject({
      type: 'SystemFault',
      Error: [{ code: expect.any(String) }],
    });
    expect((await t.call(t.fr, COUNT)).status).toBe(429);
    expect((await t.call(t.fr, COUNT)).status).toBe(401);
    await expect(t.call(t.fr, COUNT)).rejects.toThrow();
    expect((await t.call(t.fr, COUNT)).status).toBe(200);
  });

  it('serves the same controls over HTTP under /_simulator/', async () => {
    const control = (path: string, body?: unknown) =>
      fetch(
        `${t.sim.url}/_simulator/${path}`,
        body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
      );
    const tokens = (await (await control('tokens', { realmId: t.small })).json()) as { access_token: string };
    expect((await t.call(t.small, COUNT, { token: tokens.access_token })).status).toBe(200);
    const customer = t.sim.companies[2]!.customers[0]!;
    const created = (await (
      await control(`realms/${t.small}/invoices`, { customerId: String(customer.id), amount: 12_345 })
    ).json()) as { Id: string };
    const read = await t.json<{ Invoice: { TotalAmt: number; Balance: number } }>(t.small, `invoice/${created.Id}`, {
      token: tokens.access_token,
    });
    expect(read.Invoice).toMatchObject({ TotalAmt: 123.45, Balance: 123.45 });
    expect((await control(`realms/${t.small}/payments`, { invoiceId: created.Id, amount: 2_345 })).status).toBe(200);
    const paid = await t.json<{ Invoice: { Balance: number } }>(t.small, `invoice/${created.Id}`, {
      token: tokens.access_token,
    });
    expect(paid.Invoice.Balance).toBe(100);
    expect((await control(`realms/${t.small}/payments`, { invoiceId: created.Id, amount: 99_999 })).status).toBe(400);
    await control('faults', { kind: '500', count: 2 });
    expect((await t.call(t.small, COUNT, { token: tokens.access_token })).status).toBe(500);
    const counters = (await (await control('counters')).json()) as Record<string, { requests: number }>;
    expect(counters[t.small]!.requests).toBe(4);
    // Inspection: what a person checks the connector's notes with, without a token and unmetered.
    expect((await control(`realms/${t.small}/invoices/${created.Id}`, { privateNote: 'Rappel envoyé' })).status).toBe(
      200,
    );
    const noted = (await (await control(`realms/${t.small}/invoices?noted=1`)).json()) as {
      Invoice: { Id: string; PrivateNote?: string }[];
    };
    expect(noted.Invoice.find((i) => i.Id === created.Id)?.PrivateNote).toBe('Rappel envoyé');
    expect(noted.Invoice.every((i) => typeof i.PrivateNote === 'string')).toBe(true);
    const all = (await (await control(`realms/${t.small}/invoices`)).json()) as { Invoice: unknown[] };
    expect(all.Invoice.length).toBeGreaterThan(noted.Invoice.length);
    expect((await control('realms/0000000000/invoices')).status).toBe(404);
    const after = (await (await control('counters')).json()) as Record<string, { requests: number }>;
    expect(after[t.small]!.requests).toBe(4);
  });
});

describe('QuickBooks simulator: OAuth', () => {
  let t: Running;
  beforeEach(async () => {
    t = await startSimulator({ invoices: 100 });
  });
  afterEach(() => t.sim.stop());

  const basic = () => `Basic ${Buffer.from(`${t.sim.clientId}:${t.sim.clientSecret}`).toString('base64')}`;
  const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${t.sim.url}/oauth2/v1/tokens/bearer`, {
      method: 'POST',
      headers: {
        Authorization: basic(),
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
        ...headers,
      },
      body: new URLSearchParams(form).toString(),
    });

  it('consents at once, redirects with code, state and realmId, and exchanges the code once', async () => {
    const redirect = 'http://127.0.0.1:9/callback';
    const params = new URLSearchParams({
      client_id: t.sim.clientId,
      response_type: 'code',
      scope: 'com.intuit.quickbooks.accounting',
      redirect_uri: redirect,
      state: 'xyz',
      realmId: t.us,
    });
    const auth = await fetch(`${t.sim.url}/connect/oauth2?${params.toString()}`, { redirect: 'manual' });
    expect(auth.status).toBe(302);
    const location = new URL(auth.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirect);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('realmId')).toBe(t.us);
    const code = location.searchParams.get('code')!;
    const first = await token({ grant_type: 'authorization_code', code, redirect_uri: redirect });
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as Record<string, unknown>;
    expect(tokens).toEqual({
      token_type: 'bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3600,
      x_refresh_token_expires_in: 8_640_000,
    });
    expect((await t.call(t.us, COUNT, { token: tokens.access_token as string })).status).toBe(200);
    const again = await token({ grant_type: 'authorization_code', code, redirect_uri: redirect });
    expect([again.status, await again.json()]).toEqual([400, { error: 'invalid_grant' }]);
  });

  it('rotates the refresh token on each use; a used one answers invalid_grant; the hard expiry comes when asked', async () => {
    const issued = t.sim.controls.issueTokens(t.fr);
    t.clock.advance(3_600_000);
    expect((await t.call(t.fr, COUNT, { token: issued.access_token })).status).toBe(401);
    const res = await token(
      { grant_type: 'refresh_token', refresh_token: issued.refresh_token },
      { 'x-include-refresh-token-hard-expires-in': 'true' },
    );
    expect(res.status).toBe(200);
    const next = (await res.json()) as {
      access_token: string;
      refresh_token: string;
      x_refresh_token_hard_expires_in: number;
    };
    expect(next.refresh_token).not.toBe(issued.refresh_token);
    expect(next.x_refresh_token_hard_expires_in).toBe(5 * 365 * 86_400 - 3_600);
    expect((await t.call(t.fr, COUNT, { token: next.access_token })).status).toBe(200);
    const reused = await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token });
    expect([reused.status, await reused.json()]).toEqual([400, { error: 'invalid_grant' }]);
    const wrongClient = await fetch(`${t.sim.url}/oauth2/v1/tokens/bearer`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from('x:y').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: next.refresh_token }).toString(),
    });
    expect(wrongClient.status).toBe(401);
    t.sim.controls.expireAccessTokens();
    expect((await t.call(t.fr, COUNT, { token: next.access_token })).status).toBe(401);
  });
});

describe('QuickBooks simulator: webhooks', () => {
  it('POSTs signed legacy and CloudEvents deliveries, several realms in one', async () => {
    const received: { signature: string; body: string }[] = [];
    const receiver = new LoopbackServer('receiver', async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      received.push({
        signature: String(req.headers['intuit-signature']),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200).end();
    });
    await receiver.start();
    const verifierToken = 'verifier-0123456789';
    const t = await startSimulator({
      invoices: 200,
      webhook: { url: `${receiver.url}/qbo`, verifierToken, batchDelayMs: 10_000 },
    });
    try {
      t.sim.controls.updateCustomer(t.fr, '1', { displayName: 'Renamed' });
      const invoiceId = t.sim.controls.createInvoice(t.us, { customerId: '1', amount: 5_000 });
      await t.sim.controls.flushWebhooks();
      expect(received).toHaveLength(1);
      expect(received[0]!.signature).toBe(webhookSignature(received[0]!.body, verifierToken));
      expect(received[0]!.signature).not.toBe(webhookSignature(received[0]!.body, 'other'));
      expect(JSON.parse(received[0]!.body)).toEqual({
        eventNotifications: [
          {
            realmId: t.fr,
            dataChangeEvent: {
              entities: [{ id: '1', operation: 'Update', name: 'Customer', lastUpdated: '2026-05-01T10:00:00.000Z' }],
            },
          },
          {
            realmId: t.us,
            dataChangeEvent: {
              entities: [
                { id: invoiceId, operation: 'Create', name: 'Invoice', lastUpdated: '2026-05-01T10:00:00.000Z' },
              ],
            },
          },
        ],
      });
      t.sim.controls.webhookFormat = 'cloudevents';
      t.sim.controls.voidInvoice(t.us, invoiceId);
      await t.sim.controls.flushWebhooks();
      expect(received).toHaveLength(2);
      expect(received[1]!.signature).toBe(webhookSignature(received[1]!.body, verifierToken));
      expect(JSON.parse(received[1]!.body)).toEqual([
        {
          specversion: '1.0',
          id: expect.any(String),
          source: expect.any(String),
          type: 'qbo.invoice.voided.v1',
          datacontenttype: 'application/json',
          time: '2026-05-01T10:00:00.000Z',
          intuitentityid: invoiceId,
          intuitaccountid: t.us,
          data: {},
        },
      ]);
      expect(t.sim.controls.webhookDeliveries.map((d) => [d.format, d.status])).toEqual([
        ['legacy', 200],
        ['cloudevents', 200],
      ]);
    } finally {
      await t.sim.stop();
      await receiver.stop();
    }
  });
});
