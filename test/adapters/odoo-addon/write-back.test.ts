import { createOdooAdapter } from '../../../adapters/odoo';
import { OdooConnectionSchema } from '../../../adapters/odoo/config.schema';
import { createOdooDatabase, type OdooDatabase, type OdooVersion } from '../../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';
import {
  firstLine,
  invoiceStatusValues,
  LAST_EVENT_MAX_CHARS,
  partnerRecovery,
  toMajorUnits,
  type StatusAddon,
} from '../../../adapters/odoo/status-addon';
import { XmlRpcOdooRpc } from '../../../adapters/odoo/transport/xmlrpc-rpc';
import { odooIds } from '../../../mappings/odoo/to-canonical';
import type { Clock } from '../../../connector/time/clock';
import type { ErpAdapter, WriteBackRequest } from '../../../connector/ports/erp';
import { AdapterError } from '../../../connector/ports/adapter-error';
import { adapterFailure } from '../../helpers/failure';
import { memoryLogger } from '../../helpers/logger';

/**
 * The connector writes the recouvra_status addon's fields when Odoo has them, through the adapter
 * and the simulator's real loopback server (XML-RPC before 19.0, JSON-2 on 19.0); without the addon
 * it writes notes exactly as before.
 */

const CONNECTION = 'odoo';
const STEP_NOTE = [
  'Recouvra — Relance (r1) décidée le 23/11/2026 (e-mail).',
  'Le dossier couvre 2 pièce(s) : 1 200,00 € ouverts, dont 1 200,00 € échus.',
].join('\n');
const PROCEDURE_NOTE = 'Recouvra — procédure judiciaire : acte signifié (le 01/12/2026).';

type Row = Record<string, unknown> & { id: number };

let now = new Date('2026-11-23T06:00:00Z');
const clock: Clock = { now: () => new Date(now) };

async function simulator(
  version: OdooVersion,
  recouvraStatus: boolean,
): Promise<{ db: OdooDatabase; sim: OdooSimulator }> {
  const db = createOdooDatabase({ version, invoices: 80, seed: 5, recouvraStatus });
  return { db, sim: await new OdooSimulator({ db, version }).start() };
}

function adapterFor(url: string): ErpAdapter {
  const config = OdooConnectionSchema.parse({
    id: CONNECTION,
    type: 'odoo',
    url,
    database: 'demo',
    login: 'recouvra',
    apiKey: 'recouvra-api-key',
  });
  return createOdooAdapter(config, { clock, logger: memoryLogger('error').logger });
}

/** Two open invoices of one customer in one currency: the invoices of one case. */
function invoicesOfOneCase(db: OdooDatabase): { ids: number[]; partner: number; currency: [number, string] } {
  const open = db.call(
    'account.move',
    'search_read',
    [
      [
        ['move_type', '=', 'out_invoice'],
        ['state', '=', 'posted'],
        ['amount_residual', '>', 0],
      ],
    ],
    { fields: ['commercial_partner_id', 'currency_id', 'amount_residual'], order: 'id asc' },
  ) as (Row & { commercial_partner_id: [number, string]; currency_id: [number, string] })[];
  const groups = new Map<string, typeof open>();
  for (const r of open) {
    const key = `${r.commercial_partner_id[0]}/${r.currency_id[0]}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const [first] = [...groups.values()].filter((g) => g.length >= 2);
  if (!first) throw new Error('the seeded database has no customer with two open invoices in one currency');
  const pair = first.slice(0, 2);
  return { ids: pair.map((r) => r.id), partner: pair[0]!.commercial_partner_id[0], currency: pair[0]!.currency_id };
}

const rid = (id: number) => odooIds.move(CONNECTION, id);
const read = (db: OdooDatabase, model: string, ids: number[], fields: string[]) =>
  db.call(model, 'read', [ids], { fields }) as Row[];
const writes = (sim: OdooSimulator, model: string) =>
  sim.controls.requests.filter((r) => r.rpcMethod === 'write' && r.model === model).length;

function note(ids: number[], over: Partial<WriteBackRequest> = {}): WriteBackRequest {
  return {
    key: 'case_1/reminder-1',
    receivableIds: ids.map(rid),
    kind: 'note',
    text: STEP_NOTE,
    stage: 'reminding',
    ...over,
  };
}

const MOVE_STATUS = [
  'recouvra_stage',
  'recouvra_procedure_state',
  'recouvra_last_event',
  'recouvra_last_event_date',
  'recouvra_next_deadline',
];
const PARTNER_STATUS = ['recouvra_stage', 'recouvra_amount', 'recouvra_currency_id'];

describe.each(['16.0', '18.0', '19.0'] as OdooVersion[])('Odoo %s with the recouvra_status addon', (version) => {
  let sim: OdooSimulator;
  let db: OdooDatabase;
  let adapter: ErpAdapter;
  let invoices: ReturnType<typeof invoicesOfOneCase>;
  beforeAll(async () => {
    ({ db, sim } = await simulator(version, true));
    adapter = adapterFor(sim.url);
    invoices = invoicesOfOneCase(db);
    now = new Date('2026-11-23T06:00:00Z');
  });
  afterAll(() => sim.stop());

  it('check finds the addon', async () => {
    expect((await adapter.check()).capabilities).toMatchObject({ 'addon.recouvra_status': true });
  });

  it('a note sets the stage and the last event on each invoice, and the customer’s stage and amount in recovery', async () => {
    const result = await adapter.writeBack(note(invoices.ids));
    expect(result.items.map((i) => i.status)).toEqual(['written', 'written']);
    expect(read(db, 'account.move', invoices.ids, MOVE_STATUS)).toEqual(
      invoices.ids.map((id) => ({
        id,
        recouvra_stage: 'reminding',
        recouvra_procedure_state: false,
        recouvra_last_event: 'Recouvra — Relance (r1) décidée le 23/11/2026 (e-mail).',
        recouvra_last_event_date: '2026-11-23 06:00:00',
        recouvra_next_deadline: false,
      })),
    );
    // What the customer owes on its invoices in recovery: these two, summed in cents, not in floats.
    const residuals = read(db, 'account.move', invoices.ids, ['amount_residual']).map(
      (r) => r['amount_residual'] as number,
    );
    const cents = residuals.reduce((sum, a) => sum + Math.round(a * 100), 0);
    expect(read(db, 'res.partner', [invoices.partner], PARTNER_STATUS)).toEqual([
      {
        id: invoices.partner,
        recouvra_stage: 'reminding',
        recouvra_amount: cents / 100,
        recouvra_currency_id: invoices.currency,
      },
    ]);
  });

  it('the same note again writes nothing: the event keeps the date it was first recorded with', async () => {
    const before = { moves: writes(sim, 'account.move'), partners: writes(sim, 'res.partner') };
    now = new Date('2026-11-23T09:30:00Z');
    expect((await adapter.writeBack(note(invoices.ids))).items.map((i) => i.status)).toEqual([
      'already_written',
      'already_written',
    ]);
    expect({ moves: writes(sim, 'account.move'), partners: writes(sim, 'res.partner') }).toEqual(before);
    expect(read(db, 'account.move', invoices.ids, ['recouvra_last_event_date'])[0]).toMatchObject({
      recouvra_last_event_date: '2026-11-23 06:00:00',
    });
  });

  it('a procedure event moves the stage, the procedure state and the last event; the fields write then finds them there', async () => {
    now = new Date('2026-12-01T10:15:00Z');
    const event = note(invoices.ids, {
      key: 'case_1/procedure/note/ev1',
      text: PROCEDURE_NOTE,
      stage: 'in_procedure',
      procedureState: 'served',
    });
    await adapter.writeBack(event);
    expect(read(db, 'account.move', [invoices.ids[0]!], MOVE_STATUS)[0]).toMatchObject({
      recouvra_stage: 'in_procedure',
      recouvra_procedure_state: 'served',
      recouvra_last_event: PROCEDURE_NOTE,
      recouvra_last_event_date: '2026-12-01 10:15:00',
    });
    expect(read(db, 'res.partner', [invoices.partner], ['recouvra_stage'])[0]!['recouvra_stage']).toBe('in_procedure');
    const fields = { ...event, key: `${event.key}/fields`, kind: 'fields' as const, text: '' };
    // Without the x_ fields nothing is reported missing: the addon shows the status.
    expect((await adapter.writeBack(fields)).items).toEqual(
      invoices.ids.map((id) => ({ receivableId: rid(id), status: 'already_written' })),
    );
    expect(
      (await adapter.writeBack({ ...fields, procedureState: 'enforceable_title' })).items.map((i) => i.status),
    ).toEqual(['written', 'written']);
    expect(
      read(db, 'account.move', invoices.ids, ['recouvra_procedure_state']).map((r) => r['recouvra_procedure_state']),
    ).toEqual(['enforceable_title', 'enforceable_title']);
  });

  it('the firm’s file, the event’s own time and the next deadline fill their fields', async () => {
    now = new Date('2026-12-06T08:00:00Z');
    await adapter.writeBack(
      note(invoices.ids, {
        key: 'case_1/procedure/note/ev2',
        text: 'Recouvra — procédure judiciaire : titre exécutoire (le 04/12/2026).',
        stage: 'in_procedure',
        procedureState: 'enforceable_title',
        recovery: { dossierRef: 'CAB-2026-0042', eventAt: '2026-12-04T15:30:00+01:00', nextDeadline: '2027-02-04' },
      }),
    );
    expect(read(db, 'account.move', invoices.ids, MOVE_STATUS.concat('recouvra_dossier_ref'))).toEqual(
      invoices.ids.map((id) => ({
        id,
        recouvra_stage: 'in_procedure',
        recouvra_procedure_state: 'enforceable_title',
        recouvra_last_event: 'Recouvra — procédure judiciaire : titre exécutoire (le 04/12/2026).',
        // When the event happened, in UTC as Odoo stores datetimes, not when the note was written.
        recouvra_last_event_date: '2026-12-04 14:30:00',
        recouvra_next_deadline: '2027-02-04',
        recouvra_dossier_ref: 'CAB-2026-0042',
      })),
    );
  });
});

describe.each(['16.0', '18.0', '19.0'] as OdooVersion[])('Odoo %s without the addon', (version) => {
  let sim: OdooSimulator;
  let db: OdooDatabase;
  let adapter: ErpAdapter;
  beforeAll(async () => {
    ({ db, sim } = await simulator(version, false));
    adapter = adapterFor(sim.url);
  });
  afterAll(() => sim.stop());

  it('notes are written as before, and nothing else', async () => {
    const { ids } = invoicesOfOneCase(db);
    expect((await adapter.check()).capabilities).toMatchObject({ 'addon.recouvra_status': false });
    const result = await adapter.writeBack(note(ids));
    expect(result.items.map((i) => i.status)).toEqual(['written', 'written']);
    const messages = db.call(
      'mail.message',
      'search_read',
      [
        [
          ['model', '=', 'account.move'],
          ['res_id', 'in', ids],
        ],
      ],
      {
        fields: ['body'],
      },
    ) as Row[];
    expect(messages).toHaveLength(2);
    expect(writes(sim, 'account.move') + writes(sim, 'res.partner')).toBe(0);
    expect(
      sim.controls.requests.filter((r) => r.rpcMethod === 'search_read' && r.model === 'account.move'),
    ).toHaveLength(0);
    const fields = await adapter.writeBack({ ...note(ids), key: 'case_1/reminder-1/fields', kind: 'fields' });
    expect(fields.items[0]).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/no field x_recovery_stage.*install the recouvra_status addon/),
    });
  });

  it('Odoo refuses a write of an addon field as it refuses any unknown field', async () => {
    const [id] = invoicesOfOneCase(db).ids;
    const rpc = new XmlRpcOdooRpc({
      baseUrl: sim.url,
      database: 'demo',
      login: 'admin',
      apiKey: 'admin-api-key',
      timeoutMs: 5_000,
    });
    await rpc.authenticate();
    const e = await adapterFailure(
      rpc.call('account.move', 'write', { ids: [id!], vals: { recouvra_stage: 'reminding' } }, { isWrite: true }),
    );
    expect(e).toMatchObject({ code: 'ODOO_INVALID_FIELD', kind: 'config' });
    expect(e.userMessage).toContain("Invalid field 'recouvra_stage' on model 'account.move'");
  });
});

describe('the addon installed or removed while the connector runs', () => {
  let sim: OdooSimulator;
  let db: OdooDatabase;
  beforeEach(async () => ({ db, sim } = await simulator('18.0', true)));
  afterEach(() => sim.stop());

  it('removed: the write fails as transient, and the next attempt connects again and writes the note only', async () => {
    const adapter = adapterFor(sim.url);
    const { ids } = invoicesOfOneCase(db);
    await adapter.writeBack(note(ids, { key: 'case_2/reminder-1' }));
    db.setRecouvraStatus(false);
    const e = await adapterFailure(adapter.writeBack(note(ids, { key: 'case_2/reminder-2' })));
    expect(e).toMatchObject({ code: 'ODOO_FIELDS_CHANGED', kind: 'transient' });
    expect((e.cause as AdapterError).code).toBe('ODOO_INVALID_FIELD');
    const before = writes(sim, 'account.move');
    // The note went in before the addon's fields failed: the retry finds it by its marker.
    const again = await adapter.writeBack(note(ids, { key: 'case_2/reminder-2' }));
    expect(again.items.map((i) => i.status)).toEqual(['already_written', 'already_written']);
    expect(writes(sim, 'account.move')).toBe(before);
    // Detected again on the new connection.
    expect(
      sim.controls.requests.filter((r) => r.rpcMethod === 'fields_get' && r.model === 'account.move'),
    ).toHaveLength(2);
  });

  it('installed: found when the session connects again, an hour later', async () => {
    db.setRecouvraStatus(false);
    const adapter = adapterFor(sim.url);
    const { ids } = invoicesOfOneCase(db);
    await adapter.writeBack(note(ids, { key: 'case_3/reminder-1' }));
    db.setRecouvraStatus(true);
    await adapter.writeBack(note(ids, { key: 'case_3/reminder-2' }));
    expect(writes(sim, 'account.move')).toBe(0);
    const start = performance.now();
    const later = jest.spyOn(performance, 'now').mockReturnValue(start + 3_600_001);
    try {
      await adapter.writeBack(note(ids, { key: 'case_3/reminder-3' }));
    } finally {
      later.mockRestore();
    }
    expect(read(db, 'account.move', ids, ['recouvra_stage']).map((r) => r['recouvra_stage'])).toEqual([
      'reminding',
      'reminding',
    ]);
  });
});

describe('the addon’s values', () => {
  const addon: StatusAddon = {
    moveFields: new Set([
      'recouvra_stage',
      'recouvra_procedure_state',
      'recouvra_last_event',
      'recouvra_last_event_date',
    ]),
    stages: new Set(['open', 'reminding', 'closed']),
    procedureStates: new Set(['served']),
  };

  it('leave out a value an older addon does not know, and a field it does not have', () => {
    expect(
      invoiceStatusValues(addon, {
        stage: 'awaiting_approval',
        procedureState: 'served',
        lastEvent: { text: '\n  Relance 2  \nsuite', at: new Date('2026-11-23T23:30:05.900Z') },
      }),
    ).toEqual({
      vals: {
        recouvra_procedure_state: 'served',
        recouvra_last_event: 'Relance 2',
        recouvra_last_event_date: '2026-11-23 23:30:05',
      },
      refused: ['the installed recouvra_status has no stage "awaiting_approval": upgrade it'],
    });
    expect(firstLine('x'.repeat(500))).toHaveLength(LAST_EVENT_MAX_CHARS);
  });

  it('sum a customer’s amounts in minor units of the case’s currency, and take its most advanced stage', () => {
    const eur = (amount: unknown, stage: string) => ({
      amount_residual: amount,
      currency_id: [1, 'EUR'],
      recouvra_stage: stage,
    });
    expect(
      partnerRecovery(
        [eur(0.1, 'reminding'), eur(0.2, 'formal_notice'), { ...eur(5, 'in_procedure'), currency_id: [2, 'USD'] }],
        'EUR',
      ),
    ).toEqual({ stage: 'in_procedure', amount: 30 });
    expect(partnerRecovery([eur(0.105, 'reminding')], 'EUR').amount).toMatch(/more decimals than EUR allows/);
    expect(partnerRecovery([], 'EUR')).toEqual({ stage: undefined, amount: 0 });
    expect([toMajorUnits(30, 'EUR'), toMajorUnits(1500, 'JPY'), toMajorUnits(1234, 'KWD')]).toEqual([0.3, 1500, 1.234]);
  });
});
