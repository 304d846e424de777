import type { z } from 'zod';
import type { Debtor } from '../model/debtor.schema';
import type { Payment } from '../model/payment.schema';
import type { ProcedureState } from '../model/procedure-event.schema';
import type { Receivable } from '../model/receivable.schema';
import type { Clock } from '../time/clock';
import type { Logger } from '../log/logger';

/**
 * The contract every ERP adapter implements (Odoo, QuickBooks Online, Sage). The core only
 * sees canonical records and typed errors; wire formats stay inside `adapters/<system>/`.
 * Shaped after the Airbyte protocol: check, discover the streams, read pages since a cursor.
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

export interface ReadPage {
  debtors: Debtor[];
  receivables: Receivable[];
  payments: Payment[];
  /** Records the mapping rejected, with the reason: quarantined, never dropped. */
  quarantined: { sourceId: string; reason: string; raw: unknown }[];
  /** The cursor to save with this page; undefined when the stream is exhausted. */
  next: Record<string, unknown> | undefined;
}

/** What the core asks an adapter to write into the ledger; `key` makes the write idempotent. */
export interface WriteBackRequest {
  key: string;
  receivableIds: string[];
  kind: 'note' | 'activity' | 'fields';
  stage?: string;
  procedureState?: ProcedureState;
  text: string;
}

export interface ErpAdapter {
  check(): Promise<CheckResult>;
  streams(): StreamName[];
  read(stream: StreamName, cursor: Record<string, unknown> | undefined): Promise<ReadPage>;
  writeBack(request: WriteBackRequest): Promise<{ status: 'written' | 'already_written' }>;
  close(): Promise<void>;
}

export interface AdapterDeps {
  clock: Clock;
  logger: Logger;
}

export interface AdapterDefinition<C extends { id: string; type: string } = { id: string; type: string }> {
  type: string;
  displayName: string;
  /** The strict schema of one entry of `connections:` for this adapter (includes `id` and `type`). */
  configSchema: z.ZodType<C>;
  create(config: C, deps: AdapterDeps): ErpAdapter;
}

export type AdapterRegistry = Readonly<Record<string, AdapterDefinition>>;
