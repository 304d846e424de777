import { createOdooAdapter } from '../../../adapters/odoo';
import { OdooConnectionSchema } from '../../../adapters/odoo/config.schema';
import { createOdooDatabase, type OdooDatabase, type OdooVersion } from '../../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';
import { odooMoveId } from '../../../adapters/odoo/reader';
import { loadRuntime } from '../../../connector/app/runtime';
import { performLedgerActions } from '../../../connector/outbox/ledger-actions';
import { decide, policyFor } from '../../../connector/policy/decide';
import type { ErpAdapter } from '../../../connector/ports/erp';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { syncConnection } from '../../../connector/sync/sync-connection';
import type { Clock } from '../../../connector/time/clock';
import { memoryLogger } from '../../helpers/logger';

/**
 * From the sync to the ledger, with and without the recouvra_status addon: the same decisions write
 * the same notes; with the addon, each invoice noted also shows its case's stage and the note's
 * first line, and its customer the stage and amount in recovery.
 */

const CONNECTION = 'odoo-addon-e2e';
const clock: Clock = { now: () => new Date('2026-11-23T06:00:00Z') };
const runtime = loadRuntime(undefined);

type Row = Record<string, unknown> & { id: number };

async function run(version: OdooVersion, recouvraStatus: boolean) {
  const db: OdooDatabase = createOdooDatabase({ version, invoices: 150, seed: 3, recouvraStatus });
  const sim = await new OdooSimulator({ db, version }).start();
  const store: Store = await openSqliteStore(':memory:');
  try {
    await store.migrate();
    const { logger } = memoryLogger('error');
    const adapter: ErpAdapter = createOdooAdapter(
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
    const summary = await syncConnection({ store, adapter, connection: CONNECTION, clock, logger, mode: 'auto' });
    expect(summary.error).toBeUndefined();
    const snapshots = [];
    for await (const s of store.cases.streamCaseSnapshots()) snapshots.push(s);
    for (const s of snapshots) {
      const policy = policyFor(s, runtime.policies, runtime.config.dunning.defaultPolicy);
      await decide(store, s, policy, '2026-11-23', clock.now(), runtime.context);
    }
    const performed = await performLedgerActions({ store, adapters: new Map([[CONNECTION, adapter]]), clock, logger });
    expect(performed.failed).toBe(0);
    const messages = db.call('mail.message', 'search_read', [[['model', '=', 'account.move']]], {
      fields: ['res_id', 'body'],
      order: 'id asc',
    }) as (Row & { res_id: number; body: string })[];
    const noted = [...new Set(messages.map((m) => m.res_id))];
    // The stage each noted invoice's case is at, from the store.
    const stageOf = new Map<number, string>();
    for (const a of await store.outbox.listActions({ kind: 'ledger_note', status: 'done' })) {
      const c = await store.cases.getCase(a.caseId);
      for (const r of await store.sync.listReceivablesOfCase(a.caseId)) {
        const id = odooMoveId(r.id, CONNECTION);
        if (id !== undefined && c) stageOf.set(id, c.stage);
      }
    }
    const writes = sim.controls.requests.filter((r) => r.rpcMethod === 'write').map((r) => r.model);
    return { db, messages, noted, stageOf, writes };
  } finally {
    await store.close();
    await sim.stop();
  }
}

describe.each(['18.0', '19.0'] as OdooVersion[])('Odoo %s, sync to ledger', (version) => {
  it('writes the same notes with or without the addon, and the addon’s fields only where it is installed', async () => {
    const without = await run(version, false);
    const withAddon = await run(version, true);
    expect(without.messages.length).toBeGreaterThan(5);
    // The outbox performs rows on parallel lanes: the same notes, not necessarily in the same order.
    const notes = (r: typeof without) => r.messages.map((m) => `${m.res_id} ${m.body}`).sort();
    expect(notes(withAddon)).toEqual(notes(without));
    expect(without.writes).toEqual([]);
    expect(new Set(withAddon.writes)).toEqual(new Set(['account.move', 'res.partner']));

    const invoices = withAddon.db.call('account.move', 'read', [withAddon.noted], {
      fields: ['recouvra_stage', 'recouvra_last_event', 'recouvra_last_event_date', 'commercial_partner_id'],
    }) as (Row & { commercial_partner_id: [number, string]; recouvra_last_event: string })[];
    for (const invoice of invoices) {
      expect(invoice['recouvra_stage']).toBe(withAddon.stageOf.get(invoice.id));
      expect(invoice.recouvra_last_event).toMatch(/^Recouvra — (Relance|Mise en demeure)/);
      expect(invoice['recouvra_last_event_date']).toBe('2026-11-23 06:00:00');
      const body = withAddon.messages.find((m) => m.res_id === invoice.id)!.body;
      expect(body.replace(/&amp;/g, '&')).toContain(invoice.recouvra_last_event);
    }
    const partners = withAddon.db.call(
      'res.partner',
      'read',
      [[...new Set(invoices.map((i) => i.commercial_partner_id[0]))]],
      { fields: ['recouvra_stage', 'recouvra_amount', 'recouvra_currency_id'] },
    ) as Row[];
    for (const partner of partners) {
      expect(partner['recouvra_stage']).toEqual(expect.any(String));
      expect(partner['recouvra_amount']).toBeGreaterThan(0);
      expect(partner['recouvra_currency_id']).toEqual([expect.any(Number), expect.stringMatching(/^[A-Z]{3}$/)]);
    }
  });
});
