import { cloudEventsPayload, legacyPayload, webhookSignature } from '../../../adapters/quickbooks/simulator/webhooks';
import { coalesce, MAX_WEBHOOK_BYTES, readWebhook, signatureOf } from '../../../adapters/quickbooks/webhook';

/**
 * QuickBooks webhook deliveries (erp-apis.md §2.7): the signature over the raw bytes, both payload
 * formats, and what is refused (unsigned, wrongly signed, malformed, oversized), never echoing the body.
 */

const TOKEN = 'verifier-token-not-the-client-secret';
const legacy = {
  eventNotifications: [
    {
      realmId: '310687',
      dataChangeEvent: {
        entities: [
          { id: '1234', operation: 'Update', name: 'Invoice', lastUpdated: '2026-12-05T08:52:31.657Z' },
          { id: '77', operation: 'Create', name: 'Payment', lastUpdated: '2026-12-05T08:52:32.000Z' },
        ],
      },
    },
  ],
};
const cloud = [
  {
    specversion: '1.0',
    id: '88cd52a1',
    source: 'intuit.dsnBgbs',
    type: 'qbo.invoice.updated.v1',
    datacontenttype: 'application/json',
    time: '2026-12-05T08:52:31.179851517Z',
    intuitentityid: '1234',
    intuitaccountid: '310687',
    data: {},
  },
  {
    specversion: '1.0',
    id: '88cd52a2',
    source: 'intuit.dsnBgbs',
    type: 'qbo.creditmemo.voided.v1',
    time: '2026-12-05T08:53:00Z',
    intuitentityid: '9',
    intuitaccountid: '9130350000000001',
    data: {},
  },
];
const signed = (body: unknown) => {
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, signature: signatureOf(raw, TOKEN) };
};

describe('QuickBooks webhook deliveries', () => {
  it('reads the legacy payload', () => {
    const { raw, signature } = signed(legacy);
    expect(readWebhook(raw, signature, TOKEN)).toEqual({
      ok: true,
      format: 'legacy',
      changes: [
        {
          realmId: '310687',
          entity: 'Invoice',
          id: '1234',
          operation: 'Update',
          occurredAt: '2026-12-05T08:52:31.657Z',
        },
        { realmId: '310687', entity: 'Payment', id: '77', operation: 'Create', occurredAt: '2026-12-05T08:52:32.000Z' },
      ],
    });
  });

  it('reads a CloudEvents array carrying two companies', () => {
    const { raw, signature } = signed(cloud);
    const verdict = readWebhook(raw, signature, TOKEN);
    expect(verdict).toMatchObject({ ok: true, format: 'cloudevents' });
    expect(verdict.ok && verdict.changes).toEqual([
      {
        realmId: '310687',
        entity: 'Invoice',
        id: '1234',
        operation: 'Update',
        occurredAt: '2026-12-05T08:52:31.179851517Z',
      },
      {
        realmId: '9130350000000001',
        entity: 'CreditMemo',
        id: '9',
        operation: 'Void',
        occurredAt: '2026-12-05T08:53:00Z',
      },
    ]);
  });

  it('refuses an unsigned delivery, a wrong signature, and a body altered after signing, with 401', () => {
    const { raw, signature } = signed(legacy);
    expect(readWebhook(raw, undefined, TOKEN)).toEqual({
      ok: false,
      status: 401,
      reason: 'no intuit-signature header',
    });
    expect(readWebhook(raw, signatureOf(raw, 'another-token'), TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(readWebhook(raw, 'not base64 at all!', TOKEN)).toMatchObject({ ok: false, status: 401 });
    const altered = Buffer.from(raw.toString().replace('1234', '1235'));
    expect(readWebhook(altered, signature, TOKEN)).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a signed body that is not a delivery with 400, naming the part, never quoting it', () => {
    const notJson = Buffer.from('{"eventNotifications": [');
    expect(readWebhook(notJson, signatureOf(notJson, TOKEN), TOKEN)).toEqual({
      ok: false,
      status: 400,
      reason: 'the body is not JSON',
    });
    const broken = signed({
      eventNotifications: [{ realmId: '310687', dataChangeEvent: { entities: [{ id: '1' }] } }],
    });
    const verdict = readWebhook(broken.raw, broken.signature, TOKEN);
    expect(verdict).toMatchObject({ ok: false, status: 400 });
    expect(!verdict.ok && verdict.reason).toContain('eventNotifications[0].dataChangeEvent.entities[0]');
    const other = signed({ hello: 'world' });
    expect(readWebhook(other.raw, other.signature, TOKEN)).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses an oversized body with 413 before checking anything else', () => {
    const raw = Buffer.alloc(MAX_WEBHOOK_BYTES + 1, 32);
    expect(readWebhook(raw, undefined, TOKEN)).toMatchObject({ ok: false, status: 413 });
  });

  it('coalesces changes to one read per company, entity and id, keeping the latest', () => {
    const changes = [
      { realmId: '1', entity: 'Invoice', id: '5', operation: 'Update', occurredAt: '2026-12-05T08:00:00Z' },
      { realmId: '1', entity: 'Invoice', id: '5', operation: 'Void', occurredAt: '2026-12-05T08:01:00Z' },
      { realmId: '2', entity: 'Invoice', id: '5', operation: 'Update', occurredAt: '2026-12-05T08:00:00Z' },
      { realmId: '1', entity: 'Payment', id: '5', operation: 'Create', occurredAt: '2026-12-05T08:00:00Z' },
    ];
    expect(coalesce(changes).map((c) => `${c.realmId}/${c.entity}/${c.id}/${c.operation}`)).toEqual([
      '1/Invoice/5/Void',
      '2/Invoice/5/Update',
      '1/Payment/5/Create',
    ]);
  });

  it('accepts what the simulator sends, in both formats (two implementations of Intuit’s side checked against each other)', () => {
    const events = [
      {
        realmId: '9130350000000001',
        entity: 'Invoice',
        id: '42',
        operation: 'Void',
        atMs: Date.parse('2026-12-05T09:00:00Z'),
      },
      {
        realmId: '9130350000000002',
        entity: 'Payment',
        id: '7',
        operation: 'Create',
        atMs: Date.parse('2026-12-05T09:00:01Z'),
      },
    ] as Parameters<typeof legacyPayload>[0];
    for (const [format, payload] of [
      ['legacy', legacyPayload(events)],
      ['cloudevents', cloudEventsPayload(events)],
    ] as const) {
      const raw = JSON.stringify(payload);
      const verdict = readWebhook(Buffer.from(raw), webhookSignature(raw, TOKEN), TOKEN);
      expect(verdict).toMatchObject({ ok: true, format });
      expect(verdict.ok && verdict.changes.map((c) => `${c.realmId}/${c.entity}/${c.id}/${c.operation}`)).toEqual([
        '9130350000000001/Invoice/42/Void',
        '9130350000000002/Payment/7/Create',
      ]);
    }
  });
});
