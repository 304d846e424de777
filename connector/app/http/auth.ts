import { createHash, timingSafeEqual } from 'node:crypto';
import { MIN_API_TOKEN_LENGTH } from './api-config.schema';

/**
 * Bearer-token check. Both sides are hashed first, so the comparison takes the same time
 * whatever the length or the content of what was sent, and the token is never compared (or
 * kept) in clear beyond this closure.
 */
export function bearerChecker(token: string): (authorization: string | undefined) => boolean {
  if (token.length < MIN_API_TOKEN_LENGTH)
    throw new RangeError(`the API token must be at least ${MIN_API_TOKEN_LENGTH} characters`);
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    // A missing token is still compared, so that a request without one takes as long as a wrong one.
    return timingSafeEqual(digest(match?.[1] ?? ''), expected) && match !== null;
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
