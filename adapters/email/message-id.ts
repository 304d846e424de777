import { createHash } from 'node:crypto';

/**
 * Message-IDs derived from the outbox idempotency key (RFC 5322 §3.6.4). A resend after a crash
 * carries the same Message-ID, which receiving systems and ticketing tools use to spot a
 * duplicate. The key itself may contain a case or debtor id, so only its SHA-256 leaves.
 */

/** Full SHA-256 of the key, hex: the value of the X-Recouvra-Key header. */
export function keyHash(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey, 'utf8').digest('hex');
}

/** `<32 hex digits@domain>`: 128 bits of the key's hash, unique enough for any mailbox. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${keyHash(idempotencyKey).slice(0, 32)}@${domain.toLowerCase()}>`;
}

/** The domain of an address (`a@Example.com` → `example.com`). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at >= 0 ? address.slice(at + 1) : address).toLowerCase();
}
