import { compareStreamCursors } from '../../../adapters/quickbooks/sync-plan';
import { SimulatedClock, fixedClock, type Clock } from '../../../connector/time/clock';
import { INVOICE_OPEN } from '../../../adapters/quickbooks/simulator/columns';
import { describeAdapterConformance, type ConformanceHarness, type ConformanceSource } from '../conformance.contract';
import { startQboSource } from './reader-fixture';

/**
 * The QuickBooks Online simulator behind the adapter conformance suite, run twice: once for each
 * way the reader reads changes (sync-plan.ts, cdcPlan).
 *
 * - Query read: the connector's clock runs 60 days after the simulator's, so every saved cursor is
 *   older than the 30 days of CDC (erp-apis.md §2.6) and every run reads by query, whose pages,
 *   ties and resumes the scenarios are about.
 * - CDC read: the connector and the simulator share one clock, as in life, starting an hour after
 *   the data's last change. A first run (or one resuming an unfinished first read) still reads by
 *   query; every later run of a scenario finds its cursor inside the 30 days and reads the changes
 *   through CDC. A test after the suite checks that the scenarios with such a run did call CDC and
 *   used its answers (a run that gives CDC up still passes them, by query).
 *
 * CDC reports deletions (§2.6, `status: "Deleted"`): the CDC run declares
 * `incrementalReadSeesDeletions`, and the suite's deletion scenario then expects the deleted invoice
 * closed at the incremental run, where the query read leaves it to the full reconciliation.
 */

const START = Date.parse('2026-05-01T10:00:00Z');
const CONNECTION = 'qbo-conf';

type ReadMode = 'query' | 'cdc';

/** The API requests of each scenario of the CDC run, by the scenario's full name. */
const requestsByScenario = new Map<string, string[]>();

function harness(mode: ReadMode): ConformanceHarness {
  // The CDC run's connector reads the clock of the scenario's simulator, created in start().
  let shared: SimulatedClock | undefined;
  const clock: Clock =
    mode === 'query'
      ? fixedClock(new Date(START + 60 * 86_400_000))
      : {
          now: () => {
            if (!shared) throw new Error('the CDC harness clock is read before a scenario started');
            return shared.now();
          },
        };
  return {
    clock,
    incrementalReadSeesDeletions: mode === 'cdc',
    async start({ invoices }) {
      const simClock = new SimulatedClock(START, 0);
      if (mode === 'cdc') shared = simClock;
      const source = await startQboSource({
        connection: CONNECTION,
        clock,
        simulator: { seed: 11, invoices, clock: simClock },
      });
      // The simulated data was last changed at START: runs start an hour later.
      if (mode === 'cdc') simClock.advance(3_600_000);
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
          // A cent paid on each (a change of what the connector keeps: a note alone is not one, see to-canonical.ts).
          take(n).map((i) => {
            sim.controls.addPayment(realm, { invoiceId: String(i.id), amount: 1 });
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
        stop: async () => {
          if (mode === 'cdc') requestsByScenario.set(expect.getState().currentTestName ?? '', [...source.requests]);
          await source.stop();
        },
      };
      return c;
    },
  };
}

describeAdapterConformance('QuickBooks Online (query read)', harness('query'));

describe('QuickBooks Online conformance through CDC', () => {
  const cdc = harness('cdc');
  describeAdapterConformance('QuickBooks Online (CDC read)', cdc);

  // Runs after the scenarios above (jest runs a block's tests in the order they are declared).
  it('the scenarios whose later runs start from a finished first read read them through CDC, not by query', () => {
    const ran = (scenario: string) => {
      const found = [...requestsByScenario].find(([name]) => name.includes(`(CDC read) ${scenario}`));
      expect(found).toBeDefined();
      return found![1];
    };
    // Runs after the first read: two in the monotonic and late-commit scenarios, one in the ties'.
    for (const [scenario, laterRuns] of [
      ['cursor monotonic', 2],
      ['same-second ties', 1],
      ['late-committing', 2],
    ] as const) {
      const requests = ran(scenario);
      // One CDC call per stream and run; the receivables stream asks for both its entities …
      const cdcCalls = requests.filter((r) => r.startsWith('GET /cdc'));
      expect(cdcCalls).toHaveLength(3 * laterRuns);
      expect(cdcCalls.filter((r) => r.startsWith('GET /cdc?entities=Invoice,CreditMemo&'))).toHaveLength(laterRuns);
      // … and each answer was used: a run that gives CDC up reads the same stream by query at once.
      requests.forEach((r, i) => {
        if (r.startsWith('GET /cdc')) expect(requests[i + 1] ?? '').not.toMatch(/MetaData\.LastUpdatedTime >=/);
      });
    }
    // The failing server is met on the CDC call of the run after the first.
    expect(ran('a server that keeps failing').filter((r) => r.startsWith('GET /cdc'))).not.toHaveLength(0);
    // A first read is never CDC: no stream has a finished read to go on from.
    expect(ran('pagination end').filter((r) => r.startsWith('GET /cdc'))).toEqual([]);
  });
});
