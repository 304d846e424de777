import { createOdooAdapter } from '../../../adapters/odoo';
import { OdooConnectionSchema } from '../../../adapters/odoo/config.schema';
import {
  ADMIN_UID,
  BILLING_UID,
  createOdooDatabase,
  type OdooDatabase,
  type OdooVersion,
} from '../../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';
import { XmlRpcOdooRpc } from '../../../adapters/odoo/transport/xmlrpc-rpc';
import { dispatchActions } from '../../../connector/outbox/dispatch';
import { performLedgerActions } from '../../../connector/outbox/ledger-actions';
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
 * What a controller must see in Odoo: the task asking them to approve an escalation. The
 * integration user has only the Invoicing/Billing rights (it may not read ir.model), and the
 * activities go to the responsible controller (the administrator here), as on a real server:
 * the task arrives with the To-Do type, assigned to them, readable back — and when the
 * integration user has no e-mail address, the row fails once as a configuration problem that
 * says what to set, instead of being retried.
 */

const CONNECTION = 'odoo-approval';
type Activity = {
  id: number;
  res_id: number;
  summary: string;
  user_id: [number, string] | false;
  activity_type_id: [number, string] | false;
  create_uid: [number, string] | false;
};

describe.each(['16.0', '17.0', '18.0'] as OdooVersion[])('Odoo %s: the approval activity', (version) => {
  let sim: OdooSimulator;
  let db: OdooDatabase;

  beforeEach(async () => {
    db = createOdooDatabase({ version, invoices: 60, seed: 11 });
    sim = await new OdooSimulator({ db, version }).start();
  });
  afterEach(() => sim.stop());

  /** Sync, then walk the ladder ten days at a time until a case waits for approval and its activity rows were performed. */
  async function ladderToApproval(): Promise<{
    store: Store;
    adapter: ErpAdapter;
    clock: Clock;
    lines: () => string[];
  }> {
    let now = new Date('2026-11-23T06:00:00Z');
    const clock: Clock = { now: () => new Date(now) };
    const { logger, lines } = memoryLogger('info', ['recouvra-api-key']);
    const store = await openSqliteStore(':memory:');
    await store.migrate();
    const config = OdooConnectionSchema.parse({
      id: CONNECTION,
      type: 'odoo',
      url: sim.url,
      database: 'demo',
      login: 'recouvra',
      apiKey: 'recouvra-api-key',
      writeBack: { activityUserId: ADMIN_UID },
    });
    const adapter = createOdooAdapter(config, { clock, logger });
    expect(
      (await syncConnection({ store, adapter, connection: CONNECTION, clock, logger, mode: 'auto' })).error,
    ).toBeUndefined();
    const runtime = loadRuntime(undefined);
    const sent = async () => ({ summary: 'sent (test)' });
    let day = '2026-11-23';
    for (let i = 0; i < 14 && (await store.cases.listCases({ stage: 'awaiting_approval' })).length === 0; i++) {
      day = addDays(day, 10);
      now = new Date(`${day}T08:00:00Z`);
      const snapshots = [];
      for await (const s of store.cases.streamCaseSnapshots()) snapshots.push(s);
      for (const s of snapshots)
        await decide(
          store,
          s,
          policyFor(s, runtime.policies, runtime.config.dunning.defaultPolicy),
          day,
          clock.now(),
          runtime.context,
        );
      await performLedgerActions({ store, adapters: new Map([[CONNECTION, adapter]]), clock, logger });
      await dispatchActions({
        store,
        clock,
        logger,
        performers: { email: sent, sms: sent, letter: sent, registered_letter: sent },
      });
    }
    expect((await store.cases.listCases({ stage: 'awaiting_approval' })).length).toBeGreaterThan(0);
    return { store, adapter, clock, lines };
  }

  const admin = () =>
    new XmlRpcOdooRpc({
      baseUrl: sim.url,
      database: 'demo',
      login: 'admin',
      apiKey: 'admin-api-key',
      timeoutMs: 5_000,
    });
  const activities = () =>
    admin().call<Activity[]>(
      'mail.activity',
      'search_read',
      {
        domain: [
          ['res_model', '=', 'account.move'],
          ['summary', 'ilike', 'approuver'],
        ],
        fields: ['res_id', 'summary', 'user_id', 'activity_type_id', 'create_uid'],
      },
      { isWrite: false },
    );

  it('an Invoicing-only integration user with an e-mail address assigns a To-Do to the responsible controller', async () => {
    // The integration user cannot read ir.model: the adapter must not need to.
    await expect(
      new XmlRpcOdooRpc({
        baseUrl: sim.url,
        database: 'demo',
        login: 'recouvra',
        apiKey: 'recouvra-api-key',
        timeoutMs: 5_000,
      }).call(
        'ir.model',
        'search_read',
        { domain: [['model', '=', 'account.move']], fields: ['id'] },
        { isWrite: false },
      ),
    ).rejects.toMatchObject({ code: 'ODOO_ACCESS_ERROR' });
    const { store } = await ladderToApproval();
    const rows = await store.outbox.listActions({ kind: 'ledger_activity' });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((a) => a.status === 'done' && a.attempts === 1)).toBe(true);
    const found = await activities();
    expect(found.length).toBeGreaterThan(0);
    for (const a of found) {
      expect(a.activity_type_id && a.activity_type_id[1]).toBe('To-Do');
      expect(a.user_id && a.user_id[0]).toBe(ADMIN_UID);
      expect(a.create_uid && a.create_uid[0]).toBe(BILLING_UID);
      expect(a.summary).toMatch(/^Recouvra : approuver/);
    }
    await store.close();
  });

  it('without an e-mail address, each activity row fails once as a configuration problem saying what to set', async () => {
    const [me] = db.call('res.users', 'read', [[BILLING_UID]], { fields: ['partner_id'] }) as {
      partner_id: [number, string];
    }[];
    db.call('res.partner', 'write', [[me!.partner_id[0]], { email: false }]);
    const { store, lines } = await ladderToApproval();
    const rows = await store.outbox.listActions({ kind: 'ledger_activity' });
    expect(rows.length).toBeGreaterThan(0);
    for (const a of rows) {
      expect(a).toMatchObject({ status: 'failed', attempts: 1 });
      expect(a.lastError).toMatch(
        /^ODOO_SENDER_EMAIL_MISSING: .*no e-mail address.*Settings › Users & Companies › Users › Email/,
      );
      const failed = (await store.cases.readJournal(a.caseId)).filter(
        (j) => j.type === 'action_failed' && (j.data as { actionId?: string }).actionId === a.id,
      );
      expect(failed).toHaveLength(1);
    }
    expect(await activities()).toEqual([]);
    // Reminder notes still reach Odoo: only activities need the sender address.
    expect((await store.outbox.listActions({ kind: 'ledger_note', status: 'done' })).length).toBeGreaterThan(0);
    expect(lines().join('\n')).not.toContain('recouvra-api-key');
    await store.close();
  });
});
