import { z } from 'zod';
import { ConnectionIdSchema } from '../model/common.schema';

/**
 * The settings every ERP connection has, whatever its system: the schema of each adapter's
 * `connections:` entry extends this one with its own keys (adapters/odoo/config.schema.ts), and
 * may narrow a key here to its system's limits (a smaller page, say). The keys keep their names
 * in the configuration file; README.md documents them under each adapter's connection.
 */
export const ErpConnectionBaseSchema = z.strictObject({
  /** Prefixes the id of everything read through the connection: never renamed. */
  id: ConnectionIdSchema,
  /** The adapter (`odoo`, …): each adapter's schema makes it a literal. */
  type: z.string().min(1),
  /**
   * Records per page read from the ERP. Each page is saved with its cursor in one transaction: a
   * smaller page is a smaller answer and less to read again after an interruption.
   */
  pageSize: z.number().int().min(1).max(5_000).default(500),
  /**
   * The sync engine runs a full reconciliation (every open receivable listed at the source, what
   * differs read again by id, catching deletions) at most every N hours; 0 = every run.
   */
  fullReconciliationHours: z
    .number()
    .min(0)
    .max(24 * 30)
    .default(24),
});
export type ErpConnectionBase = z.infer<typeof ErpConnectionBaseSchema>;

/** What the sync engine takes from a connection's parsed entry (`syncConnection`'s options). */
export function engineSettings(settings: Readonly<Record<string, unknown>>): { fullEveryHours?: number } {
  const hours = settings['fullReconciliationHours'];
  return typeof hours === 'number' ? { fullEveryHours: hours } : {};
}
