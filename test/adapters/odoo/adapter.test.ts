import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { createOdooAdapter } from '../../../adapters/odoo';
import { OdooConnectionSchema } from '../../../adapters/odoo/config.schema';
import {
  ADMIN_UID,
  BILLING_UID,
  createOdooDatabase,
  PORTAL_UID,
  type OdooDatabase,
  type OdooVersion,
} from '../../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';
import { writeBackMarker } from '../../../mappings/odoo/write-back';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { ErpAdapter } from '../../../connector/ports/erp';
import { syncConnection } from '../../../connector/sync/sync-connection';
import { fixedClock } from '../../../connector/time/clock';
import { adapterFailure } from '../../helpers/failure';
import { memoryLogger } from '../../helpers/logger';

/** What the Odoo adapter itself promises, beyond the shared conformance suite. */

const clock = fixedClock('2026-11-23T06:00:00Z');

async function simulator(
  version: OdooVersion,
  options: Parameters<typeof createOdooDatabase>[0] = {},
): Promise<{ db: OdooDatabase; sim: OdooSimulator }> {
  const db = createOdooDatabase({ version, invoices: 80, seed: 5, ...options });
  return { db, sim: await new OdooSimulator({ db, version }).start() };
}

function adapterFor(
  url: string,
  over: Record<string, unknown> = {},
  logger = memoryLogger('error').logger,
): ErpAdapter {
  const config = OdooConnectionSchema.parse({
    id: 'odoo',
    type: 'odoo',
    url,
    database: 'demo',
    login: 'recouvra',
    apiKey: 'recouvra-api-key',
    ...over,
  });
  return createOdooAdapter(config, { clock, logger });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('Odoo adapter: check', () => {
  let sim: OdooSimulator;
  let db: OdooDatabase;
  beforeEach(async () => ({ db, sim } = await simulator('18.0')));
  afterEach(() => sim.stop());

  it('reports the version and the optional fields it found, custom x_ fields included', async () => {
    db.addCustomField('account.move', 'x_recovery_stage', 'char');
    const result = await adapterFor(sim.url).check();
    expect(result).toMatchObject({ ok: true, serverVersion: '18.0', problems: [] });
    expect(result.capabilities).toMatchObject({
      json2: false,
      body_is_html: true,
      'account.move.x_recovery_stage': true,
      'account.move.x_recovery_procedure': false,
      'res.partner.company_registry': true,
    });
  });

  it.each([
    [
      'an unreachable server',
      async () => ({ url: `http://127.0.0.1:${await freePort()}` }),
      /ODOO_UNREACHABLE: cannot reach Odoo/,
    ],
    ['a wrong database', async () => ({ database: 'nope' }), /ODOO_DATABASE_NOT_FOUND: .*database/],
    ['a wrong API key', async () => ({ apiKey: 'wrong-key' }), /ODOO_ACCESS_DENIED: .*API key/],
  ])('says what to fix for %s', async (_what, over, expected) => {
    const result = await adapterFor(sim.url, await over()).check();
    expect(result.ok).toBe(false);
    expect(result.problems.join('\n')).toMatch(expected);
    expect(result.problems.join('\n')).not.toContain('wrong-key');
  });

  it('says which rights are missing when the user cannot read invoices', async () => {
    db.setAccess(BILLING_UID, 'account.move', []);
    const result = await adapterFor(sim.url).check();
    expect(result.ok).toBe(false);
    // The operation, the model and the groups that would allow it: Odoo's last line alone says none of them.
    expect(result.problems.join('\n')).toMatch(
      /ODOO_ACCESS_ERROR: the Odoo user may not read 'Journal Entry' \(account\.move\) records, .*groups "[^"]+"/,
    );
  });

  it('checks the activity set-up: the responsible user exists and is active, and the integration user has an e-mail to notify them', async () => {
    const responsibleAdmin = { writeBack: { activityUserId: ADMIN_UID } };
    expect(await adapterFor(sim.url, responsibleAdmin).check()).toMatchObject({ ok: true, problems: [] });
    // The integration user's e-mail is its partner's (res.users.email is related to it).
    const [me] = db.call('res.users', 'read', [[BILLING_UID]], { fields: ['partner_id'] }) as {
      partner_id: [number, string];
    }[];
    db.call('res.partner', 'write', [[me!.partner_id[0]], { email: false }]);
    const noEmail = await adapterFor(sim.url, responsibleAdmin).check();
    expect(noEmail.ok).toBe(false);
    expect(noEmail.problems).toEqual([
      expect.stringMatching(
        /^ODOO_SENDER_EMAIL_MISSING: activities are assigned to user 2 \("Mitchell Admin"\).*"recouvra", who has no e-mail address.*Set an e-mail address on "recouvra".*or remove `writeBack\.activityUserId: 2`/,
      ),
    ]);
    // Assigned to itself, the integration user needs no e-mail (v18-52).
    expect(await adapterFor(sim.url).check()).toMatchObject({ ok: true, problems: [] });
    expect((await adapterFor(sim.url, { writeBack: { activityUserId: 999 } }).check()).problems.join('\n')).toMatch(
      /ODOO_ACTIVITY_USER_NOT_FOUND: `writeBack\.activityUserId: 999` names no Odoo user/,
    );
    db.call('res.users', 'write', [[PORTAL_UID], { active: false }]);
    expect(
      (await adapterFor(sim.url, { writeBack: { activityUserId: PORTAL_UID } }).check()).problems.join('\n'),
    ).toMatch(/ODOO_ACTIVITY_USER_ARCHIVED: .*archived user "Portail Client"/);
  });

  it('lists every model it cannot read at once, each with the groups that would allow it', async () => {
    db.setAccess(BILLING_UID, 'mail.activity', []);
    db.setAccess(BILLING_UID, 'ir.attachment', []);
    const result = await adapterFor(sim.url).check();
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.stringMatching(/ODOO_ACCESS_ERROR: .*\(mail\.activity\)/),
      expect.stringMatching(/ODOO_ACCESS_ERROR: .*\(ir\.attachment\)/),
    ]);
  });

  it('refuses JSON-2 on a server older than 19.0 with the setting to change', async () => {
    const result = await adapterFor(sim.url, { protocol: 'json2' }).check();
    expect(result.problems.join('\n')).toMatch(/ODOO_JSON2_UNAVAILABLE: .*protocol: xmlrpc/);
  });
});

describe('Odoo adapter: reading', () => {
  it('groups by commercial entity, keeps each company and currency apart, and maps partner details', async () => {
    const { db, sim } = await simulator('17.0', { invoices: 200 });
    try {
      const store = await openSqliteStore(':memory:');
      await store.migrate();
      await syncConnection({
        store,
        adapter: adapterFor(sim.url),
        connection: 'odoo',
        clock,
        logger: memoryLogger('error').logger,
        mode: 'incremental',
      });
      const open = db.call(
        'account.move',
        'search_read',
        [
          [
            ['move_type', 'in', ['out_invoice', 'out_refund']],
            ['state', '=', 'posted'],
            ['payment_state', 'not in', ['paid', 'reversed', 'in_payment']],
          ],
        ],
        { fields: ['commercial_partner_id', 'company_id', 'currency_id', 'amount_residual'] },
      ) as {
        id: number;
        commercial_partner_id: [number, string];
        company_id: [number, string];
        currency_id: [number, string];
        amount_residual: number;
      }[];
      const expectedCases = new Set(
        open
          .filter((m) => m.amount_residual !== 0)
          .map((m) => `${m.commercial_partner_id[0]}/${m.company_id[0]}/${m.currency_id[1]}`),
      );
      const cases = await store.cases.listCases();
      const withOpen = [];
      for (const c of cases)
        if ((await store.sync.listReceivablesOfCase(c.id)).some((r) => r.open > 0)) withOpen.push(c);
      expect(withOpen).toHaveLength(expectedCases.size);
      expect(new Set(cases.map((c) => c.currency)).size).toBeGreaterThan(1);
      expect(new Set(cases.map((c) => c.companyId)).size).toBeGreaterThan(1);
      // Every case's debtor is a commercial entity, with what Odoo knows of it.
      const debtor = (await store.sync.getDebtor(cases[0]!.debtorId))!;
      const [partner] = db.call('res.partner', 'read', [[Number(debtor.source.id)]], {
        fields: ['name', 'parent_id', 'commercial_partner_id', 'lang'],
      }) as { id: number; name: string; parent_id: unknown; commercial_partner_id: [number, string]; lang: string }[];
      expect(partner!.commercial_partner_id[0]).toBe(partner!.id);
      expect(debtor.name).toBe(partner!.name);
      expect(debtor.language).toBe(partner!.lang.slice(0, 2));
      const companies = (await Promise.all(cases.map((c) => store.sync.getDebtor(c.debtorId)))).filter(
        (d) => d?.kind === 'company',
      );
      expect(companies.some((d) => d!.registration.siren && d!.addresses.length > 0 && d!.emails.length > 0)).toBe(
        true,
      );
      await store.close();
    } finally {
      await sim.stop();
    }
  });

  it('companyIds limits the read to those companies', async () => {
    const { sim } = await simulator('18.0', { invoices: 200 });
    try {
      const store = await openSqliteStore(':memory:');
      await store.migrate();
      await syncConnection({
        store,
        adapter: adapterFor(sim.url, { companyIds: [1] }),
        connection: 'odoo',
        clock,
        logger: memoryLogger('error').logger,
        mode: 'incremental',
      });
      const cases = await store.cases.listCases();
      expect(cases.length).toBeGreaterThan(0);
      expect(new Set(cases.map((c) => c.companyId))).toEqual(new Set(['odoo:res.company:1']));
      await store.close();
    } finally {
      await sim.stop();
    }
  });

  it('ids beyond 2^31-1: XML-RPC stops with a clear error, JSON-2 reads them', async () => {
    const xml = await simulator('18.0', { idOffset: 2 ** 31 });
    const json = await simulator('19.0', { idOffset: 2 ** 31 });
    try {
      const e = await adapterFailure(adapterFor(xml.sim.url).read('receivables', { saved: undefined }));
      expect(e.code).toBe('ODOO_INT_OVERFLOW');
      expect(e.userMessage).toMatch(/json2/);
      const page = await adapterFor(json.sim.url).read('receivables', { saved: undefined });
      expect(page.receivables.length).toBeGreaterThan(0);
      expect(Number(page.receivables[0]!.source.id)).toBeGreaterThan(2 ** 31);
    } finally {
      await xml.sim.stop();
      await json.sim.stop();
    }
  });

  it('one serial reader per connection: concurrent reads never overlap on the wire', async () => {
    const { sim } = await simulator('18.0');
    try {
      const adapter = adapterFor(sim.url, { pageSize: 10 });
      await adapter.check();
      sim.controls.latencyMs = 40;
      const started = Date.now();
      await Promise.all([
        adapter.read('receivables', { saved: undefined }),
        adapter.listOpenReceivableIds(),
        adapter.read('debtors', { saved: undefined }),
      ]);
      // At least five calls (three reads, partners, countries) of 40 ms each, one after the other.
      expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 40);
    } finally {
      await sim.stop();
    }
  });
});

describe('Odoo adapter: write-back', () => {
  it.each(['16.0', '17.0', '19.0'] as OdooVersion[])(
    '%s: an internal note, HTML on every version, once per key',
    async (version) => {
      const { db, sim } = await simulator(version);
      try {
        const adapter = adapterFor(sim.url);
        const [move] = db.call(
          'account.move',
          'search_read',
          [
            [
              ['move_type', '=', 'out_invoice'],
              ['state', '=', 'posted'],
            ],
          ],
          { fields: ['id'], limit: 1 },
        ) as { id: number }[];
        const rid = `odoo:account.move:${move!.id}`;
        const request = {
          key: 'case_1/reminder-1/2026-11-01/ledger_note',
          receivableIds: [rid],
          kind: 'note' as const,
          text: 'Relance <1>\nenvoyée & notée',
        };
        expect((await adapter.writeBack(request)).items).toMatchObject([{ receivableId: rid, status: 'written' }]);
        expect((await adapter.writeBack(request)).items).toMatchObject([
          { receivableId: rid, status: 'already_written' },
        ]);
        const messages = db.call(
          'mail.message',
          'search_read',
          [
            [
              ['model', '=', 'account.move'],
              ['res_id', '=', move!.id],
            ],
          ],
          { fields: ['body', 'subtype_id', 'message_type'] },
        ) as { body: string; subtype_id: [number, string]; message_type: string }[];
        expect(messages).toHaveLength(1);
        // Our escaping, not Odoo's: tags stay tags on 17+ (body_is_html), text stays text.
        expect(messages[0]!.body).toBe(
          `<p>Relance &lt;1&gt;<br>envoyée &amp; notée</p><p><small>Réf. ${writeBackMarker(request.key)}</small></p>`,
        );
        expect(messages[0]!.subtype_id[1]).toBe('Note');
        expect(messages[0]!.message_type).toBe('comment');
      } finally {
        await sim.stop();
      }
    },
  );

  it('a write whose answer is lost ("cannot marshal None") is not repeated; the next attempt finds it', async () => {
    const { db, sim } = await simulator('18.0');
    try {
      db.returnNone('account.move', 'message_post');
      const adapter = adapterFor(sim.url);
      const [move] = db.call(
        'account.move',
        'search_read',
        [
          [
            ['move_type', '=', 'out_invoice'],
            ['state', '=', 'posted'],
          ],
        ],
        { fields: ['id'], limit: 1 },
      ) as { id: number }[];
      const request = {
        key: 'k-none',
        receivableIds: [`odoo:account.move:${move!.id}`],
        kind: 'note' as const,
        text: 'Mise en demeure',
      };
      const before = sim.controls.requests.filter((r) => r.rpcMethod === 'message_post').length;
      const e = await adapterFailure(adapter.writeBack(request));
      expect(e.outcomeUnknown).toBe(true);
      expect(sim.controls.requests.filter((r) => r.rpcMethod === 'message_post').length - before).toBe(1);
      db.returnNone('account.move', 'message_post', false);
      expect((await adapter.writeBack(request)).items[0]!.status).toBe('already_written');
      expect(
        db.call('mail.message', 'search_count', [
          [
            ['model', '=', 'account.move'],
            ['res_id', '=', move!.id],
          ],
        ]),
      ).toBe(1);
    } finally {
      await sim.stop();
    }
  });

  it('x_ fields are written only where they exist', async () => {
    const { db, sim } = await simulator('18.0');
    try {
      const [move] = db.call(
        'account.move',
        'search_read',
        [
          [
            ['move_type', '=', 'out_invoice'],
            ['state', '=', 'posted'],
          ],
        ],
        { fields: ['id'], limit: 1 },
      ) as { id: number }[];
      const rid = `odoo:account.move:${move!.id}`;
      const without = await adapterFor(sim.url).writeBack({
        key: 'f1',
        receivableIds: [rid],
        kind: 'fields',
        stage: 'formal_notice',
        text: '',
      });
      expect(without.items[0]).toMatchObject({
        status: 'skipped',
        reason: expect.stringMatching(/no field x_recovery_stage/),
      });
      db.addCustomField('account.move', 'x_recovery_stage', 'char');
      const withField = await adapterFor(sim.url).writeBack({
        key: 'f2',
        receivableIds: [rid],
        kind: 'fields',
        stage: 'formal_notice',
        text: '',
      });
      expect(withField.items[0]!.status).toBe('written');
      expect(
        (
          db.call('account.move', 'read', [[move!.id]], { fields: ['x_recovery_stage'] }) as {
            x_recovery_stage: string;
          }[]
        )[0]!.x_recovery_stage,
      ).toBe('formal_notice');
    } finally {
      await sim.stop();
    }
  });
});

describe('Odoo adapter: writing x_ fields moves write_date, so only what changed is written', () => {
  it('a stage written again is not written, and the next incremental sync sees no change', async () => {
    const { db, sim } = await simulator('18.0', { invoices: 60 });
    try {
      db.addCustomField('account.move', 'x_recovery_stage', 'char');
      const store = await openSqliteStore(':memory:');
      await store.migrate();
      const adapter = adapterFor(sim.url);
      const sync = () =>
        syncConnection({
          store,
          adapter,
          connection: 'odoo',
          clock,
          logger: memoryLogger('error').logger,
          mode: 'incremental',
        });
      expect((await sync()).error).toBeUndefined();
      const ids = (await store.sync.listOpenReceivableIds('odoo')).slice(0, 5);
      expect(ids).toHaveLength(5);
      const writes = () =>
        sim.controls.requests.filter((r) => r.model === 'account.move' && r.rpcMethod === 'write').length;
      // Odoo stamps write_date with the second of the write (v18-42/44): later than the sync's reads.
      db.advanceClock(30);
      const first = await adapter.writeBack({
        key: 'stage-1',
        receivableIds: ids,
        kind: 'fields',
        stage: 'reminder',
        text: '',
      });
      expect(first.items.map((i) => i.status)).toEqual(Array(5).fill('written'));
      expect(writes()).toBe(1);
      expect(await sync()).toMatchObject({ changed: 5, new: 0 });
      db.advanceClock(30);
      // The same stage again (the next note of the same stage): nothing is written, write_date stays.
      const again = await adapter.writeBack({
        key: 'stage-2',
        receivableIds: ids,
        kind: 'fields',
        stage: 'reminder',
        text: '',
      });
      expect(again.items.map((i) => i.status)).toEqual(Array(5).fill('already_written'));
      expect(writes()).toBe(1);
      expect(await sync()).toMatchObject({ changed: 0, new: 0 });
      // One invoice changed by hand in Odoo: only that one is written back.
      const [one] = ids;
      db.call('account.move', 'write', [[Number(one!.split(':').pop())], { x_recovery_stage: 'manual' }]);
      const mixed = await adapter.writeBack({
        key: 'stage-3',
        receivableIds: ids,
        kind: 'fields',
        stage: 'reminder',
        text: '',
      });
      expect(mixed.items.filter((i) => i.status === 'written').map((i) => i.receivableId)).toEqual([one]);
      expect(writes()).toBe(2);
      await store.close();
    } finally {
      await sim.stop();
    }
  });
});

describe('Odoo adapter: a rights problem stops a sync before it saves anything', () => {
  it('a user who may read partners but not invoices gets the error, and no debtor is saved', async () => {
    const { db, sim } = await simulator('18.0');
    try {
      db.setAccess(BILLING_UID, 'account.move', []);
      const store = await openSqliteStore(':memory:');
      await store.migrate();
      const summary = await syncConnection({
        store,
        adapter: adapterFor(sim.url),
        connection: 'odoo',
        clock,
        logger: memoryLogger('error').logger,
        mode: 'auto',
      });
      expect(summary.error).toMatchObject({
        code: 'ODOO_ACCESS_ERROR',
        kind: 'config',
        message: expect.stringMatching(/may not read 'Journal Entry' \(account\.move\)/),
      });
      expect(summary).toMatchObject({ debtors: 0, pages: 0 });
      expect(await store.sync.getCursor('odoo', 'debtors')).toBeUndefined();
      // The partners were read (their first page proves nothing about invoices), but none was kept.
      expect(sim.controls.requests.some((r) => r.model === 'res.partner' && r.rpcMethod === 'search_read')).toBe(true);
      expect(await store.cases.listCases()).toEqual([]);
      await store.close();
    } finally {
      await sim.stop();
    }
  });
});

describe('Odoo adapter: invoice PDFs', () => {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const postedInvoices = (db: OdooDatabase) =>
    db.call(
      'account.move',
      'search_read',
      [
        [
          ['move_type', '=', 'out_invoice'],
          ['state', '=', 'posted'],
        ],
      ],
      { fields: ['id', 'name'], order: 'id asc' },
    ) as { id: number; name: string }[];

  it.each(['18.0', '19.0'] as OdooVersion[])(
    '%s: the PDF attachment of a printed invoice, nothing for the others',
    async (version) => {
      const { db, sim } = await simulator(version);
      try {
        const adapter = adapterFor(sim.url);
        const invoices = postedInvoices(db);
        const printed = invoices.find((m) => m.id % 2 === 0)!;
        const unprinted = invoices.find((m) => m.id % 2 === 1)!;
        const pdf = await adapter.invoicePdf!(`odoo:account.move:${printed.id}`);
        expect(pdf?.name).toBe(`${printed.name.replace(/\//g, '_')}.pdf`);
        expect(pdf!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(pdf!.content.toString('latin1')).toContain(`Facture ${printed.name}`);
        // The same invoice gives the same bytes: read again, and from a fresh database of the same seed.
        expect(sha((await adapter.invoicePdf!(`odoo:account.move:${printed.id}`))!.content)).toBe(sha(pdf!.content));
        const again = await simulator(version);
        try {
          expect(sha((await adapterFor(again.sim.url).invoicePdf!(`odoo:account.move:${printed.id}`))!.content)).toBe(
            sha(pdf!.content),
          );
        } finally {
          await again.sim.stop();
        }
        expect(await adapter.invoicePdf!(`odoo:account.move:${unprinted.id}`)).toBeUndefined();
        expect(await adapter.invoicePdf!('odoo:account.move:999999')).toBeUndefined();
        expect(await adapter.invoicePdf!(`other:account.move:${printed.id}`)).toBeUndefined();
      } finally {
        await sim.stop();
      }
    },
  );

  it('takes the newest PDF attachment, and treats one that is not a PDF as absent', async () => {
    const { db, sim } = await simulator('17.0');
    try {
      const adapter = adapterFor(sim.url);
      const unprinted = postedInvoices(db).find((m) => m.id % 2 === 1)!;
      const rid = `odoo:account.move:${unprinted.id}`;
      const attach = (content: Buffer) =>
        db.call('ir.attachment', 'create', [
          {
            name: 'facture.pdf',
            res_model: 'account.move',
            res_id: unprinted.id,
            mimetype: 'application/pdf',
            datas: content.toString('base64'),
          },
        ]);
      attach(Buffer.from('%PDF-1.4\nfirst'));
      attach(Buffer.from('%PDF-1.4\nsecond'));
      expect((await adapter.invoicePdf!(rid))!.content.toString()).toBe('%PDF-1.4\nsecond');
      attach(Buffer.from('<html>not a pdf</html>'));
      expect(await adapter.invoicePdf!(rid)).toBeUndefined();
    } finally {
      await sim.stop();
    }
  });

  it('a user who may not read attachments gets an error, not a silent "no PDF"', async () => {
    const { db, sim } = await simulator('18.0');
    try {
      db.setAccess(BILLING_UID, 'ir.attachment', []);
      const printed = postedInvoices(db).find((m) => m.id % 2 === 0)!;
      await expect(adapterFor(sim.url).invoicePdf!(`odoo:account.move:${printed.id}`)).rejects.toThrow(/access/i);
    } finally {
      await sim.stop();
    }
  });
});
