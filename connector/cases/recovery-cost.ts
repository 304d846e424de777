import { createHash } from 'node:crypto';
import { z } from 'zod';
import { IsoDateSchema } from '../model/common.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import { CurrencySchema, PositiveMinorUnitsSchema } from '../model/money.schema';
import type { IsoDate } from '../time/calendar-date';

/**
 * A cost of recovery the creditor paid beyond the 40 EUR (a commissaire de justice's act, a
 * collection agency's invoice…), entered by a controller with its receipt. Between professionals
 * the creditor may claim an "indemnisation complémentaire, sur justification" when its costs
 * exceed the fixed indemnity (C. com. L441-10 II): the receipt is the justification, so none is
 * recorded without one. Against a consumer, costs of recovery engaged without an enforceable
 * title stay with the creditor (CPCE L111-8 al. 2), so none is recorded at all.
 *
 * The cost is one journal line (`recovery_cost`) and its receipt one document of the case, in the
 * same transaction; the dossier reads both back (connector/dossier/additional-claims.ts).
 */

/** The largest receipt kept, in bytes: what the law-firm contract accepts for one document (adapters/lawfirm/README.md). */
export const MAX_RECEIPT_BYTES = 10 * 1024 * 1024;

/** Longest label, in characters once trimmed. */
export const MAX_COST_LABEL = 500;

export type ReceiptMediaType = 'application/pdf' | 'image/png' | 'image/jpeg';

/**
 * The media type read from the receipt's first bytes, never from what a client says it is: a
 * PDF, a PNG or a JPEG (a scan or a photo of the receipt); undefined for anything else.
 */
export function receiptMediaType(content: Buffer): ReceiptMediaType | undefined {
  if (content.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (content.length >= 3 && content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff) return 'image/jpeg';
  return undefined;
}

export const RECEIPT_EXTENSION: Readonly<Record<ReceiptMediaType, string>> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};

/**
 * The receipt's document id: `receipt:` + 32 hex digits of SHA-256(case id, idempotency key).
 * The same key on the same case always names the same document, so a cost entered twice is
 * stored once; the key itself is never stored.
 */
export function receiptDocumentId(caseId: string, idempotencyKey: string): string {
  return `receipt:${createHash('sha256').update(`${caseId}\u0000${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

/** The key of an entry that comes without one: the cost itself, so the same cost with the same receipt is recorded once. */
export function contentKey(cost: { date: IsoDate; amount: number; label: string }, sha256: string): string {
  return `cost/${cost.date}/${cost.amount}/${sha256}/${createHash('sha256').update(cost.label).digest('hex').slice(0, 16)}`;
}

/** The `data` of a `recovery_cost` journal line. */
export const RecoveryCostDataSchema = z.looseObject({
  documentId: z.string().min(1),
  /** The day the creditor paid or incurred the cost. */
  date: IsoDateSchema,
  label: z.string().min(1),
  amount: PositiveMinorUnitsSchema,
  currency: CurrencySchema,
  mediaType: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type RecoveryCostData = z.infer<typeof RecoveryCostDataSchema>;

export interface RecordedRecoveryCost extends RecoveryCostData {
  journalSeq: number | undefined;
  enteredBy: string;
  enteredAt: string;
}

/** The costs a case's journal records, in journal order. A line this version cannot read is skipped, never guessed. */
export function recordedRecoveryCosts(journal: readonly CaseJournalEntry[]): RecordedRecoveryCost[] {
  const costs: RecordedRecoveryCost[] = [];
  for (const entry of journal) {
    if (entry.type !== 'recovery_cost') continue;
    const data = RecoveryCostDataSchema.safeParse(entry.data);
    if (data.success)
      costs.push({ ...data.data, journalSeq: entry.seq, enteredBy: entry.actor.id, enteredAt: entry.at });
  }
  return costs;
}
