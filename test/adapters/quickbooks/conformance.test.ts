import { compareStreamCursors } from '../../../adapters/quickbooks/sync-plan';
import { SimulatedClock, fixedClock } from '../../../connector/time/clock';
import { INVOICE_OPEN } from '../../../adapters/quickbooks/simulator/columns';
import { describeAdapterConformance, type ConformanceHarness, type ConformanceSource } from '../conformance.contract';
import { startQboSource } from './reader-fixture';

/**
 * The QuickBooks Online simulator behind the adapter conformance suite.
 *
 * The connector's clock runs 60 days after the simulator's: every saved cursor is older than the
 * 30 days of CDC, so these scenarios exercise the query read, whose pages, ties and resumes they
 * are about. The suite's deletion scenario also describes a ledger whose incremental read cannot
 * see deletions (QBO's query read); CDC does see them, as reader-cdc.test.ts shows.
 */

const START = Date.parse('2026-05-01T10:00:00Z');
const clock = fixedClock(new Date(START + 60 * 86_400_000));
const CONNECTION = 'qbo-conf';

const harness: ConformanceHarness = {
  clock,
  async start({ invoices }) {
    const simClock = new SimulatedClock(START, 0);
    const source = await startQboSource({
      connection: CONNECTION,
      clock,
      simulator: { seed: 11, invoices, clock: simClock },
    });
    const { sim, realm } = source;
    const company = sim.companies[0]!;
    const canonical = (entity: string, id: number | string) => `${CONNECTION}:${realm}:${entity}:${id}`;
    const openInvoices = (): { id: number; balance: number }[] => {
      const inv = company.invoices;
      const out: { id: number; balance: number }[] = [];
      for (let row = 0; row < inv.length; row++)
        if (inv.state[row] === INVOICE_OPEN && inv.balance[row]! > 0)
          out.push({ id: inv.id[row]!, balance: inv.balance[row]! });
      return out;
    };
    // Never the same invoice twice in a scenario (a late payment is not visible yet).
    const used = new Set<number>();
    const take = (n: number) => {
      const picked = openInvoices()
        .filter((i) => !used.has(i.id))
        .slice(-n);
      for (const i of picked) used.add(i.id);
      return picked;
    };
    const c: ConformanceSource = {
      connection: CONNECTION,
      adapter: (options = {}) => source.adapter(options),
      openIds: async () => source.openIds(),
      pay: async (n) =>
        take(n).map((i) => {
          sim.controls.addPayment(realm, { invoiceId: String(i.id), amount: i.balance });
          return canonical('Invoice', i.id);
        }),
      // QuickBooks has no cancellation: an invoice is voided (its amounts zeroed, the note "Voided").
      cancel: async (n) =>
        take(n).map((i) => {
          sim.controls.voidInvoice(realm, String(i.id));
          return canonical('Invoice', i.id);
        }),
      remove: async (n) =>
        take(n).map((i) => {
          sim.controls.deleteInvoice(realm, String(i.id));
          return canonical('Invoice', i.id);
        }),
      // The simulator's clock stands still: changes made together share their LastUpdatedTime.
      touchInOneTransaction: async (n) =>
        take(n).map((i) => {
          sim.controls.updateInvoice(realm, String(i.id), { privateNote: 'Relancé par téléphone' });
          return canonical('Invoice', i.id);
        }),
      // QuickBooks has no transaction a reader could see begin: the payment exists when it is committed.
      payLate: () => {
        const [i] = take(1);
        return {
          id: canonical('Invoice', i!.id),
          commit: async () => void sim.controls.addPayment(realm, { invoiceId: String(i!.id), amount: i!.balance }),
        };
      },
      advance: (seconds) => simClock.advance(seconds * 1000),
      failNext: (count, status, retryAfter) =>
        source.failNext(
          count,
          status === 429 && retryAfter !== undefined
            ? { status: 429, retryAfterSeconds: retryAfter }
            : // A gateway that cannot reach QuickBooks: the connection is cut (the simulator's "drop").
              { simulator: status === 429 ? '429' : status === 502 || status === 504 ? 'drop' : '500' },
        ),
      addBadRecord: async () => {
        const customer = company.customers.find((k) => k.parent === undefined && k.active)!;
        const id = sim.controls.createInvoice(realm, {
          customerId: String(customer.id),
          amount: 120_000,
          dueInDays: -10,
        });
        return {
          sourceId: `${realm}:Invoice:${id}`,
          canonicalId: canonical('Invoice', id),
          reasonMentions: /due date is before the issue date/,
        };
      },
      compareCursors: (_stream, a, b) => compareStreamCursors(a, b),
      stop: () => source.stop(),
    };
    return c;
  },
};

describeAdapterConformance('QuickBooks Online (query read)', harness);
