import type { z } from 'zod';
import type { Debtor } from '../model/debtor.schema';
import type { Payment } from '../model/payment.schema';
import type { ProcedureState } from '../model/procedure-event.schema';
import type { Receivable } from '../model/receivable.schema';
import type { Clock } from '../time/clock';
import type { Logger } from '../log/logger';
import type { CredentialStore } from './credentials';
import type { RequestLimiterFactory } from './request-limiter';
import { AdapterError } from './adapter-error';

/**
 * The contract every ERP adapter implements (Odoo, QuickBooks Online, Sage). The core only
 * sees canonical records and typed errors; wire formats stay inside `adapters/<system>/`.
 * Shaped after the Airbyte protocol: check, discover the streams, read pages since a cursor.
 *
 * Every error an adapter's method rejects with is an AdapterError (adapter-error.ts) that says what
 * kind of failure it is; an adapter never sleeps and tries again. The outbox retries writes and
 * the job queue retries a sync, which resumes from the cursor saved with its last page.
 */

export type StreamName = 'debtors' | 'receivables' | 'payments';

export interface CheckResult {
  ok: boolean;
  serverVersion?: string;
  /** Optional fields or features found on the server (e.g. custom `x_` fields). */
  capabilities: Record<string, boolean>;
  /** Actionable messages when `ok` is false. */
  problems: string[];
}

/**
 * Where a read starts. `saved` is the cursor stored with the last page of an earlier run (or
 * undefined on the first run); `resume` is what the previous page of THIS run returned, so a
 * run that walks back an overlap window from `saved` can go on where it stopped.
 */
export interface ReadPosition {
  saved: Record<string, unknown> | undefined;
  resume?: Record<string, unknown> | undefined;
}

/** A receivable the source no longer holds open although it did not come back as a record. */
export interface Closure {
  /** Canonical receivable id. */
  id: string;
  /** Why, in words a controller understands: "cancelled in Odoo", "deleted in Odoo". */
  reason: string;
}

export interface ReadPage {
  debtors: Debtor[];
  receivables: Receivable[];
  payments: Payment[];
  /**
   * Receivables to close if the store knows them (cancelled, deleted, back to draft at the source).
   * Unknown ids are ignored: a draft cancelled before anyone saw it is nobody's business.
   */
  closed: Closure[];
  /** Records the mapping rejected, with the reason: quarantined, never dropped. */
  quarantined: { sourceId: string; reason: string; raw: unknown }[];
  /** Non-fatal problems (an invalid SIRET dropped, a field this server lacks): logged, not quarantined. */
  warnings: string[];
  /** Raw records read in this page, before mapping (the "read" count of a sync). */
  read: number;
  /**
   * The cursor to save with this page, in one transaction with its records. It never moves
   * behind `position.saved`: cursors are monotonic across runs.
   */
  cursor: Record<string, unknown> | undefined;
  /** Where the next page of this run starts; undefined when the stream is exhausted. */
  resume: Record<string, unknown> | undefined;
}

/** A page that holds nothing yet: adapters fill it as they read. */
export function emptyPage(): ReadPage {
  return {
    debtors: [],
    receivables: [],
    payments: [],
    closed: [],
    quarantined: [],
    warnings: [],
    read: 0,
    cursor: undefined,
    resume: undefined,
  };
}

/** What the core asks an adapter to write into the ledger; `key` makes the write idempotent. */
export interface WriteBackRequest {
  /** Unique per effect (the outbox row's idempotency key): the same key never writes twice. */
  key: string;
  /** Canonical receivable ids of this adapter's connection. */
  receivableIds: string[];
  /**
   * note: an internal note on each receivable (never e-mailed to the customer);
   * activity: a to-do for a person who must act (approve an escalation, call the debtor);
   * fields: the recovery stage/procedure state in custom fields, where the ledger has them.
   */
  kind: 'note' | 'activity' | 'fields';
  stage?: string;
  procedureState?: ProcedureState;
  /** Plain text, French by default; the adapter escapes it for the ledger. */
  text: string;
  /** activity: short title and deadline (YYYY-MM-DD). */
  summary?: string;
  deadline?: string;
  /**
   * What a ledger with recovery fields shows beside the note (the Odoo addon recouvra_status): the
   * law firm's file, when the recorded event happened (ISO 8601 instant), and the next date that
   * matters on the case (YYYY-MM-DD). A ledger without such fields ignores it.
   */
  recovery?: { dossierRef?: string; eventAt?: string; nextDeadline?: string };
}

/** What a ledger can receive from the connector: notes, activities (to-dos for a person), recovery fields. */
export type WriteBackKind = WriteBackRequest['kind'];

/** What the ledger of each configured connection can take; undefined for a connection not configured. */
export type ConnectionWriteBack = (connection: string) => readonly WriteBackKind[] | undefined;

export interface WriteBackResult {
  /** Per receivable: written now, found already written (by its marker), or skipped with a reason. */
  items: { receivableId: string; status: 'written' | 'already_written' | 'skipped'; ref?: string; reason?: string }[];
}

/**
 * The calls an adapter made to its ERP since it was created. QuickBooks Online meters reads
 * ("CorePlus" calls: 500,000 a month on the free tier, then blocked: erp-apis.md §2.9), so they are
 * counted per connection, shown by `sync --once` and exported as a metric.
 */
export interface AdapterUsage {
  /** Read calls (queries, change feeds, reads by id): the metered ones. */
  reads: number;
  writes: number;
  /** Calls the ERP refused for their rate (429). */
  throttled: number;
}

/** An invoice's PDF from the ledger: its file name there and its bytes (starting with `%PDF-`). */
export interface InvoicePdf {
  name: string;
  content: Buffer;
}

export interface ErpAdapter {
  /**
   * What this connection can write back into the ledger; empty for a read-only ledger. The core
   * records no outbox row, and asks no write, of a kind not listed here (connector/outbox/ledger-write-back.ts).
   */
  readonly writeBackKinds: readonly WriteBackKind[];
  check(): Promise<CheckResult>;
  /** The streams of this adapter, in the order a sync reads them. */
  streams(): StreamName[];
  read(stream: StreamName, position: ReadPosition): Promise<ReadPage>;
  /** How many records a run from `position` will read, for progress bars; may be approximate. */
  estimate?(stream: StreamName, position: ReadPosition): Promise<number | undefined>;
  /**
   * Full reconciliation, first half: the canonical ids of every receivable the source holds
   * open now. The engine compares them with the store's and asks `readByIds` about the difference.
   */
  listOpenReceivableIds(onProgress?: (listed: number) => void): Promise<Set<string>>;
  /** Reads receivables by canonical id; ids the source no longer has come back in `closed`. */
  readByIds(ids: readonly string[]): Promise<ReadPage>;
  /** Only for a kind listed in `writeBackKinds`. */
  writeBack(request: WriteBackRequest): Promise<WriteBackResult>;
  /**
   * The invoice's PDF as the ledger keeps it (Odoo: the attachment saved when the invoice was
   * printed or sent), for the dossier handed to the law firm. Resolves to undefined when the
   * ledger holds no PDF for this canonical receivable id (none printed, an id of another
   * connection, a file that is not a PDF); rejects only when the ledger could not be asked, so
   * that the hand-off is retried rather than sent without a document the ledger has.
   * Optional: adapters without it send dossiers without invoice PDFs.
   */
  invoicePdf?(receivableId: string): Promise<InvoicePdf | undefined>;
  /** The calls made so far (optional: adapters of unmetered ERPs need not count). */
  usage?(): AdapterUsage;
  close(): Promise<void>;
}

export interface AdapterDeps {
  /** Business time: due dates, change cursors, the dates written into the ledger. */
  clock: Clock;
  /**
   * Real time, for what a provider counts in real time whatever the business clock says: OAuth
   * token lifetimes and refresh leases (an access token lasts one real hour, also in a rehearsal
   * running 100 times faster). It differs from `clock` only under a simulated clock (the demo,
   * `daemon.simulatedClock`); absent, `clock`.
   */
  wallClock?: Clock;
  logger: Logger;
  /**
   * The connection's own credential store (OAuth tokens: QuickBooks Online, Sage), opened on first
   * call: an adapter that needs none never calls it, so a missing RECOUVRA_CREDENTIALS_KEY concerns
   * only the connections that store tokens. Absent where no store is open (`connections check`).
   */
  credentials?: () => CredentialStore;
  /**
   * Request limits shared by every worker of the deployment (Redis when queue.driver is redis);
   * absent, an adapter limits its requests within its own process.
   */
  limiters?: RequestLimiterFactory;
}

export interface AdapterDefinition<C extends { id: string; type: string } = { id: string; type: string }> {
  type: string;
  displayName: string;
  /** The strict schema of one entry of `connections:` for this adapter (includes `id` and `type`). */
  configSchema: z.ZodType<C>;
  /**
   * What a connection configured so can write back into the ledger, known without connecting (the
   * evaluation records no row the ledger cannot take); its adapter's `writeBackKinds` says the same.
   */
  writeBackKinds(config: C): readonly WriteBackKind[];
  create(config: C, deps: AdapterDeps): ErpAdapter;
  /**
   * Present when the provider meters read calls per calendar month and blocks them beyond an
   * allowance (QuickBooks Online: erp-apis.md §2.9): that allowance for this connection. The core
   * counts the adapter's `usage().reads` against it (connector/app/erp-read-meter.ts).
   */
  monthlyReadAllowance?(config: C): number;
  /**
   * Present when the connection works through an OAuth authorization that a person gives and that
   * ends (kept in its credential store): the core reports its state (connector/credentials/health.ts)
   * and tells the person this command to connect the company again.
   */
  authorization?: {
    /** The command line that (re)connects this connection; `configFile`: the configuration's path, when known. */
    reconnectCommand(config: C, configFile?: string): string;
  };
}

export type AdapterRegistry = Readonly<Record<string, AdapterDefinition>>;

/**
 * An adapter's definition as the registry holds it: whatever reaches `create` is first parsed
 * by the adapter's own schema, so each adapter keeps its precise configuration type; and every
 * error its adapters let out is an AdapterError (`withTypedErrors`).
 */
export function registryEntry<C extends { id: string; type: string }>(def: AdapterDefinition<C>): AdapterDefinition {
  return {
    type: def.type,
    displayName: def.displayName,
    configSchema: def.configSchema,
    writeBackKinds: (config) => def.writeBackKinds(def.configSchema.parse(config)),
    create: (config, deps) => {
      const parsed = def.configSchema.parse(config);
      return withTypedErrors(def.create(parsed, deps), { connection: parsed.id, displayName: def.displayName });
    },
    ...(def.monthlyReadAllowance
      ? { monthlyReadAllowance: (config) => def.monthlyReadAllowance!(def.configSchema.parse(config)) }
      : {}),
    ...(def.authorization
      ? {
          authorization: {
            reconnectCommand: (config, configFile) =>
              def.authorization!.reconnectCommand(def.configSchema.parse(config), configFile),
          },
        }
      : {}),
  };
}

/**
 * The adapter, with any error that is not an AdapterError — a defect of the adapter, never a
 * failure it recognised — turned into one: a permanent `system` error naming the connection and
 * the method, the original kept as its cause. The layers above then never meet an untyped error.
 */
export function withTypedErrors(adapter: ErpAdapter, where: { connection: string; displayName: string }): ErpAdapter {
  const typed = (method: string, e: unknown): AdapterError => {
    if (e instanceof AdapterError) return e;
    const message = e instanceof Error ? e.message : String(e);
    return new AdapterError({
      code: 'ADAPTER_UNEXPECTED_ERROR',
      kind: 'system',
      userMessage: `connection ${where.connection}: ${method} failed on an error the ${where.displayName} adapter does not recognise (${message}); report it with the log`,
      ...(e instanceof Error && e.stack ? { detail: e.stack } : {}),
      cause: e,
    });
  };
  const guard =
    <A extends unknown[], R>(method: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (e) {
        throw typed(method, e);
      }
    };
  return {
    writeBackKinds: adapter.writeBackKinds,
    ...(adapter.usage ? { usage: () => adapter.usage!() } : {}),
    check: guard('check', () => adapter.check()),
    streams: () => {
      try {
        return adapter.streams();
      } catch (e) {
        throw typed('streams', e);
      }
    },
    read: guard('read', (stream: StreamName, position: ReadPosition) => adapter.read(stream, position)),
    ...(adapter.estimate
      ? {
          estimate: guard('estimate', (stream: StreamName, position: ReadPosition) =>
            adapter.estimate!(stream, position),
          ),
        }
      : {}),
    listOpenReceivableIds: guard('listOpenReceivableIds', (onProgress?: (listed: number) => void) =>
      adapter.listOpenReceivableIds(onProgress),
    ),
    readByIds: guard('readByIds', (ids: readonly string[]) => adapter.readByIds(ids)),
    writeBack: guard('writeBack', (request: WriteBackRequest) => adapter.writeBack(request)),
    ...(adapter.invoicePdf
      ? { invoicePdf: guard('invoicePdf', (receivableId: string) => adapter.invoicePdf!(receivableId)) }
      : {}),
    close: guard('close', () => adapter.close()),
  };
}
