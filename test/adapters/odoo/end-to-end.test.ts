import { createOdooAdapter } from '../../../adapters/odoo';
import { OdooConnectionSchema } from '../../../adapters/odoo/config.schema';
import { createOdooDatabase, type OdooVersion } from '../../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';
import { XmlRpcOdooRpc } from '../../../adapters/odoo/transport/xmlrpc-rpc';
import { writeBackMarker } from '../../../mappings/odoo/write-back';
import { performLedgerActions } from '../../../connector/outbox/ledger-actions';
import { dispatchActions } from '../../../connector/outbox/dispatch';
import { decide, policyFor } from '../../../connector/policy/decide';
import { loadRuntime } from '../../../connector/app/runtime';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import type { ErpAdapter } from '../../../connector/ports/erp';
import { syncConnection } from '../../../connector/sync/sync-connection';
import { addDays } from '../../../connector/time/calendar-date';
import type { Clock } from '../../../connector/time/clock';
import { memoryLogger } from '../../helpers/logger';

/**
 * End to end against the simulator: sync → cases → policy decisions → notes and activities
 * written back into Odoo → read back over Odoo's own API, once each, even when a completion
 * is lost as in a crash.
 */

const CONNECTION = 'odoo-e2e';
type Message = { id: number; res_id: number; body: string };

describe.each(['16.0', '18.0'] as OdooVersion[])('Odoo %s end to end', (version) => {
  let sim: OdooSimulator;
  let store: Store;
  let adapter: ErpAdapter;
  let now = new Date('2026-11-23T06:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const { logger, lines } = memoryLogger('info', ['recouvra-api-key']);
  const runtime = loadRuntime(undefined);

  beforeAll(async () => {
    sim = await new OdooSimulator({ db: createOdooDatabase({ version, invoices: 150, seed: 3 }), version }).start();
    store = await openSqliteStore(':memory:');
    await store.migrate();
    adapter = createOdooAdapter(
      OdooConnectionSchema.parse({
        id: CONNECTION,
        type: 'odoo',
        url: sim.url,
        database: 'demo',
        login: 'recouvra',
        apiKey: 'recouvra-api-key',
      }),
      { clock, logger },
    );
  });

  afterAll(async () => {
    await store.close();
    await sim.stop();
  });

  const odoo = () =>
    new XmlRpcOdooRpc({
      baseUrl: sim.url,
      database: 'demo',
      login: 'admin',
      apiKey: 'admin-api-key',
      timeoutMs: 5_000,
    });
  const messages = async (): Promise<Message[]> =>
    odoo().call<Message[]>(
      'mail.message',
      'search_read',
      { domain: [['model', '=', 'account.move']], fields: ['res_id', 'body'], order: 'id asc' },
      { isWrite: false },
    );

  async function decideAll(asOf: string): Promise<number> {
    const snapshots = [];
    for await (const s of store.cases.streamCaseSnapshots()) snapshots.push(s);
    let recorded = 0;
    for (const s of snapshots) {
      const policy = policyFor(s, runtime.policies, runtime.config.dunning.defaultPolicy);
      if ((await decide(store, s, policy, asOf, clock.now(), runtime.context)).recorded) recorded++;
    }
    return recorded;
  }

  it('sync builds cases; each decision becomes one note per invoice, readable in Odoo', async () => {
    const summary = await syncConnection({ store, adapter, connection: CONNECTION, clock, logger, mode: 'auto' });
    expect(summary.error).toBeUndefined();
    expect(summary.new).toBeGreaterThan(50);
    const recorded = await decideAll('2026-11-23');
    expect(recorded).toBeGreaterThan(5);
    const pendingNotes = await store.outbox.listActions({ status: 'pending', kind: 'ledger_note' });
    const result = await performLedgerActions({ store, adapters: new Map([[CONNECTION, adapter]]), clock, logger });
    expect(result).toEqual({ done: pendingNotes.length, retried: 0, failed: 0 });

    const written = await messages();
    const decisionItems = new Map<string, string[]>();
    for (const a of pendingNotes) {
      const d = (await store.outbox.listDecisions(a.caseId)).find((x) => x.id === a.decisionId)!;
      decisionItems.set(a.idempotencyKey, (d.evaluation as { itemIds: string[] }).itemIds);
    }
    const expectedNotes = [...decisionItems.values()].reduce((n, ids) => n + ids.length, 0);
    expect(written).toHaveLength(expectedNotes);
    // Each note sits on the right invoice, in French, with the marker of its outbox row.
    const [key, itemIds] = [...decisionItems][0]!;
    const onFirst = written.filter((m) => `${CONNECTION}:account.move:${m.res_id}` === itemIds[0]);
    expect(onFirst).toHaveLength(1);
    expect(onFirst[0]!.body).toContain(writeBackMarker(key));
    expect(onFirst[0]!.body).toMatch(/Recouvra — (Relance|Mise en demeure)/);
    expect(onFirst[0]!.body).toMatch(/\d,\d{2}\s\S+ ouverts, dont/);
    // The journal says what was written.
    const journal = await store.cases.readJournal(pendingNotes[0]!.caseId);
    expect(journal.find((j) => j.type === 'action_performed')?.summary).toMatch(
      /note written in the ledger on \d+ item/,
    );
  });

  it('nothing is written twice: a second run, and a run after a lost completion, add no note', async () => {
    const before = (await messages()).length;
    expect(await performLedgerActions({ store, adapters: new Map([[CONNECTION, adapter]]), clock, logger })).toEqual({
      done: 0,
      retried: 0,
      failed: 0,
    });
    // As after a crash between the write and its record: the row is pending again.
    const [done] = await store.outbox.listActions({ status: 'done', kind: 'ledger_note', limit: 1 });
    await store.outbox.completeAction({
      id: done!.id,
      status: 'pending',
      attempts: done!.attempts,
      lastError: null,
      at: clock.now().toISOString(),
      notBefore: clock.now().toISOString(),
    });
    const fresh = createOdooAdapter(
      OdooConnectionSchema.parse({
        id: CONNECTION,
        type: 'odoo',
        url: sim.url,
        database: 'demo',
        login: 'recouvra',
        apiKey: 'recouvra-api-key',
      }),
      { clock, logger },
    );
    expect(await performLedgerActions({ store, adapters: new Map([[CONNECTION, fresh]]), clock, logger })).toEqual({
      done: 1,
      retried: 0,
      failed: 0,
    });
    expect((await messages()).length).toBe(before);
    const journal = await store.cases.readJournal(done!.caseId);
    expect(journal[journal.length - 1]!.summary).toMatch(/already there on \d+/);
  });

  it('the ladder reaches escalation: the controller gets an activity in Odoo to approve it', async () => {
    let day = '2026-11-23';
    for (let i = 0; i < 12; i++) {
      day = addDays(day, 10);
      now = new Date(`${day}T08:00:00Z`);
      await decideAll(day);
      await performLedgerActions({ store, adapters: new Map([[CONNECTION, adapter]]), clock, logger });
      // The messages to the debtor are "sent" too: the escalation gate counts from the formal notice actually sent.
      const sent = async () => ({ summary: 'sent (test)' });
      await dispatchActions({
        store,
        clock,
        logger,
        performers: { email: sent, sms: sent, letter: sent, registered_letter: sent },
      });
    }
    const waiting = await store.cases.listCases({ stage: 'awaiting_approval' });
    expect(waiting.length).toBeGreaterThan(0);
    const activities = await odoo().call<{ res_id: number; summary: string; user_id: [number, string] | false }[]>(
      'mail.activity',
      'search_read',
      { domain: [['res_model', '=', 'account.move']], fields: ['res_id', 'summary', 'user_id'] },
      { isWrite: false },
    );
    expect(activities.length).toBeGreaterThan(0);
    expect(activities[0]!.summary).toMatch(/^Recouvra : approuver/);
    const uid = await new XmlRpcOdooRpc({
      baseUrl: sim.url,
      database: 'demo',
      login: 'recouvra',
      apiKey: 'recouvra-api-key',
      timeoutMs: 5_000,
    }).authenticate();
    expect(activities[0]!.user_id && activities[0]!.user_id[0]).toBe(uid);
    // A formal notice was decided on the way, and noted on the invoices.
    expect((await messages()).some((m) => /Mise en demeure/.test(m.body))).toBe(true);
    expect(lines().join('\n')).not.toContain('recouvra-api-key');
  });
});
