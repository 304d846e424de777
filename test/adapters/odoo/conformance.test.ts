import { createOdooAdapter } from '../../../adapters/odoo';
import { OdooConnectionSchema } from '../../../adapters/odoo/config.schema';
import { createOdooDatabase, type OdooDatabase, type OdooVersion } from '../../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';
import { compareCursors, OPEN_RECEIVABLES_DOMAIN, type OdooCursor } from '../../../adapters/odoo/sync-plan';
import { memoryLogger } from '../../helpers/logger';
import { fixedClock } from '../../../connector/time/clock';
import { describeAdapterConformance, type ConformanceHarness, type ConformanceSource } from '../conformance.contract';

/** The Odoo simulator behind the adapter conformance suite, on each protocol family. */

const clock = fixedClock('2026-11-23T06:00:00Z');
const { logger } = memoryLogger('error');
const CONNECTION = 'odoo-conf';

type Move = { id: number; amount_residual: number };

function harness(version: OdooVersion): ConformanceHarness {
  return {
    clock,
    async start({ invoices }) {
      const db = createOdooDatabase({ version, invoices, seed: 7 });
      const sim = await new OdooSimulator({ db, version }).start();
      const canonical = (id: number) => `${CONNECTION}:account.move:${id}`;
      const openMoves = (): Move[] =>
        db.call('account.move', 'search_read', [[...OPEN_RECEIVABLES_DOMAIN, ['amount_residual', '!=', 0]]], {
          fields: ['amount_residual'],
          order: 'id asc',
        }) as Move[];
      // Never the same invoice twice in a scenario (a late transaction's change is not visible yet).
      const used = new Set<number>();
      const take = (n: number): Move[] => {
        const picked = openMoves()
          .filter((m) => m.amount_residual > 0 && !used.has(m.id))
          .slice(-n);
        for (const m of picked) used.add(m.id);
        return picked;
      };
      const source: ConformanceSource = {
        connection: CONNECTION,
        adapter: (options = {}) =>
          createOdooAdapter(
            OdooConnectionSchema.parse({
              id: CONNECTION,
              type: 'odoo',
              url: sim.url,
              database: 'demo',
              login: 'recouvra',
              apiKey: options.badCredentials ? 'not-the-key' : 'recouvra-api-key',
              pageSize: options.pageSize ?? 25,
            }),
            { clock, logger },
          ),
        openIds: async () => new Set(openMoves().map((m) => canonical(m.id))),
        pay: async (n) =>
          take(n).map((m) => {
            db.payInvoice(m.id, m.amount_residual);
            return canonical(m.id);
          }),
        cancel: async (n) =>
          take(n).map((m) => {
            db.cancelInvoice(m.id);
            return canonical(m.id);
          }),
        remove: async (n) =>
          take(n).map((m) => {
            db.deleteInvoice(m.id);
            return canonical(m.id);
          }),
        touchInOneTransaction: async (n) => {
          const moves = take(n);
          const tx = db.beginLateTransaction();
          for (const m of moves) tx.payInvoice(m.id, 1);
          tx.commit();
          return moves.map((m) => canonical(m.id));
        },
        payLate: () => {
          const [m] = take(1);
          const tx = db.beginLateTransaction();
          tx.payInvoice(m!.id, m!.amount_residual);
          return { id: canonical(m!.id), commit: async () => tx.commit() };
        },
        advance: (seconds) => db.advanceClock(seconds),
        failNext: (count, status, retryAfter) =>
          sim.controls.failNext(count, status, retryAfter === undefined ? undefined : String(retryAfter)),
        addBadRecord: async () => addBadInvoice(db),
        compareCursors: (_stream, a, b) => compareCursors(a as unknown as OdooCursor, b as unknown as OdooCursor),
        stop: () => sim.stop(),
      };
      return source;
    },
  };
}

/** A posted invoice due before it was issued: Odoo accepts it, the canonical model does not. */
async function addBadInvoice(
  db: OdooDatabase,
): Promise<{ sourceId: string; canonicalId: string; reasonMentions: RegExp }> {
  const [partner] = db.call(
    'res.partner',
    'search_read',
    [
      [
        ['customer_rank', '>', 0],
        ['is_company', '=', true],
      ],
    ],
    { fields: ['id'], limit: 1 },
  ) as { id: number }[];
  const id = db.call('account.move', 'create', [
    {
      move_type: 'out_invoice',
      partner_id: partner!.id,
      invoice_date: '2026-11-10',
      invoice_date_due: '2026-11-01',
      invoice_line_ids: [[0, 0, { name: 'Prestation', quantity: 1, price_unit: 1200 }]],
    },
  ]) as number | number[];
  const moveId = Array.isArray(id) ? id[0]! : id;
  db.postInvoice(moveId);
  return {
    sourceId: String(moveId),
    canonicalId: `${CONNECTION}:account.move:${moveId}`,
    reasonMentions: /due date is before the issue date/,
  };
}

describeAdapterConformance('Odoo 16.0 over XML-RPC', harness('16.0'));
describeAdapterConformance('Odoo 18.0 over XML-RPC', harness('18.0'));
describeAdapterConformance('Odoo 19.0 over JSON-2', harness('19.0'));
