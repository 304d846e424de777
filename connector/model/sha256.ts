import * as crypto from 'node:crypto';

export type OneShotHash = (algorithm: string, data: string, outputEncoding: 'hex') => string;

/**
 * The SHA-256 of a UTF-8 text in lower-case hex, computed by `oneShot` when there is one.
 *
 * `crypto.hash` (Node 20.12 and 21.7 on) hashes a string in one call, about twice as fast as
 * `createHash().update().digest()` for the short texts the sync hashes per record (a content
 * version and a case id for every invoice of a page). Older Node 20 releases, which `engines`
 * still admits, use the streaming API; both give the same digest.
 */
export function sha256HexUsing(oneShot: OneShotHash | undefined): (text: string) => string {
  return typeof oneShot === 'function'
    ? (text) => oneShot('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

export const sha256Hex = sha256HexUsing((crypto as unknown as { hash?: OneShotHash }).hash);
