import { compareStreamCursors, parseStreamCursor } from '../../../adapters/sage-active/sync-plan';
import type { Clock } from '../../../connector/time/clock';
import { describeAdapterConformance, type ConformanceSource } from '../conformance.contract';
import { startSageSource, type SageTestSource } from './reader-fixture';

/**
 * The Sage Active simulator behind the adapter conformance suite. The connector and the simulator
 * share one clock, still unless a scenario moves it, so that changes made together share their
 * modificationDate (the same-second ties) and a late commit carries the instant its change began.
 *
 * Sage Active has no deletion feed (sage.md §2.4): a deleted invoice closes at the full
 * reconciliation's sweep, not at the incremental read. Cancelling is crediting: a credit note
 * settled against what was left on the invoice (the simulator's creditInvoice).
 */

let current: SageTestSource | undefined;
const clock: Clock = {
  now: () => {
    if (!current) throw new Error('the Sage Active harness clock is read before a scenario started');
    return current.clock.now();
  },
};

describeAdapterConformance('Sage Active', {
  clock,
  async start({ invoices }) {
    const source = await startSageSource({ connection: 'sage-conf', simulator: { invoices } });
    current = source;
    const { sim, org } = source;
    // The data's last changes are at the simulator's start: runs begin an hour later.
    source.clock.advance(3_600_000);
    const left = (id: string) =>
      sim.data.invoiceOf(org, id)!.openItems.reduce((n, i) => n + Math.max(0, i.amount - i.paid), 0);
    const c: ConformanceSource = {
      connection: source.connection,
      adapter: (options = {}) => source.adapter(options),
      openIds: () => Promise.resolve(source.openIds()),
      pay: async (n) =>
        source.take(n).map((i) => {
          sim.controls.pay(org, i.id, left(i.id));
          return source.canonical(i.id);
        }),
      cancel: async (n) =>
        source.take(n).map((i) => {
          sim.controls.creditInvoice(org, i.id);
          return source.canonical(i.id);
        }),
      remove: async (n) =>
        source.take(n).map((i) => {
          sim.controls.deleteInvoice(org, i.id);
          return source.canonical(i.id);
        }),
      // The simulator's clock stands still: a cent paid on each stamps them with one modificationDate.
      touchInOneTransaction: async (n) =>
        source.take(n).map((i) => {
          sim.controls.pay(org, i.id, 1);
          return source.canonical(i.id);
        }),
      // The payment is stamped with the instant its transaction began, and is visible only once committed.
      payLate: () => {
        const [i] = source.take(1);
        const began = sim.nowMs();
        return {
          id: source.canonical(i!.id),
          commit: async () => void sim.data.pay(org, i!.id, left(i!.id), began),
        };
      },
      advance: (seconds) => source.clock.advance(seconds * 1000),
      failNext: (count, status, retryAfter) => source.failNext(count, status, retryAfter),
      addBadRecord: async () => {
        const customer = sim.data.organization(org)!.customers[0]!;
        const id = sim.controls.createInvoice(org, { customerId: customer.id, amountCents: 120_000 });
        // An issued invoice without its number: what the mapping refuses (to-canonical.ts).
        sim.data.invoiceOf(org, id)!.operationalNumber = null;
        return {
          sourceId: `${org}:SalesInvoice:${id}`,
          canonicalId: source.canonical(id),
          reasonMentions: /operationalNumber/,
        };
      },
      compareCursors: (_stream, a, b) =>
        compareStreamCursors(parseStreamCursor(a, 'cursor a'), parseStreamCursor(b, 'cursor b')),
      stop: async () => {
        current = undefined;
        await source.stop();
      },
    };
    return c;
  },
});
