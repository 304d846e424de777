import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of the firm's webhooks (openapi.yaml, `webhooks.procedureEvents`):
 * `Recouvra-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>` with
 * `Recouvra-Timestamp: <unix seconds>`. Signing the timestamp with the body lets a receiver
 * refuse a replayed request once it is older than the tolerance; comparing in constant time
 * keeps the expected signature from leaking one byte at a time. No HTTP framework here: the
 * route that mounts the webhook hands over the headers and the raw bytes it received.
 */

export const TIMESTAMP_HEADER = 'Recouvra-Timestamp';
export const SIGNATURE_HEADER = 'Recouvra-Signature';
/** Five minutes, as Stripe and Svix: room for clock skew and a slow proxy, short for a replay. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SCHEME = 'v1';
const HEX_SIGNATURE = /^[0-9a-f]{64}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

import type { WebhookRefusalReason } from '../../connector/ports/lawfirm';

export type { WebhookRefusalReason };

export type WebhookVerification =
  | {
      ok: true;
      /** The signed timestamp (unix seconds). */ timestamp: number;
      /** Which of the secrets given matched (0 = the first). */ secretIndex: number;
    }
  | {
      ok: false;
      reason: WebhookRefusalReason;
      /** Says what is wrong, never a secret or a signature. */ message: string;
    };

/** Headers as Node and Fastify give them (lower-cased names), or any casing: lookup ignores case. */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export type WebhookSecrets = { secret: string } | { secrets: readonly string[] };

export type VerifyWebhookInput = WebhookSecrets & {
  headers: WebhookHeaders;
  /** The body exactly as received; a string is taken as its UTF-8 bytes. */
  rawBody: Buffer | string;
  /** The receiver's clock. */
  now: Date | number;
  /** Largest distance between the signed timestamp and `now`, either way (seconds). Default 300. */
  toleranceSeconds?: number;
};

/** The hex HMAC of one request, without the `v1=` prefix. */
export function webhookDigest(secret: string, timestamp: number | string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
}

/** The `Recouvra-Signature` value for one request: `v1=<hex>`. */
export function signWebhook(secret: string, timestamp: number, rawBody: Buffer | string): string {
  assertSecret(secret);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new RangeError(`a webhook timestamp is whole unix seconds, got ${timestamp}`);
  return `${SCHEME}=${webhookDigest(secret, timestamp, rawBody)}`;
}

/** Both headers of a signed request; several secrets give several signatures (the sender's side of a rotation). */
export function webhookHeaders(
  secrets: string | readonly string[],
  timestamp: number,
  rawBody: Buffer | string,
): Record<string, string> {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (list.length === 0) throw new Error('sign a webhook with at least one secret');
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: list.map((s) => signWebhook(s, timestamp, rawBody)).join(','),
  };
}

/**
 * Checks one received webhook. The signature is checked before the timestamp, so "stale" and
 * "future" are only said of requests that are genuine (a replay, or a clock off), and a forger
 * learns nothing from the answer.
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
  const secrets = 'secrets' in input ? input.secrets : [input.secret];
  if (secrets.length === 0) throw new Error('verifyWebhook needs at least one secret');
  secrets.forEach(assertSecret);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new RangeError(`toleranceSeconds must be a non-negative number, got ${tolerance}`);

  const signatureHeader = headerValue(input.headers, SIGNATURE_HEADER);
  if (signatureHeader === undefined || signatureHeader.trim() === '')
    return refuse('missing_signature', `no ${SIGNATURE_HEADER} header`);
  const timestampHeader = headerValue(input.headers, TIMESTAMP_HEADER);
  if (timestampHeader === undefined || timestampHeader.trim() === '')
    return refuse('malformed_signature', `${SIGNATURE_HEADER} without a ${TIMESTAMP_HEADER} header`);
  const timestampText = timestampHeader.trim();
  if (!TIMESTAMP.test(timestampText))
    return refuse('malformed_signature', `${TIMESTAMP_HEADER} must be unix seconds (digits only)`);

  const candidates: Buffer[] = [];
  for (const part of signatureHeader.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0)
      return refuse(
        'malformed_signature',
        `${SIGNATURE_HEADER} must be "v1=<64 hex digits>", several separated by commas`,
      );
    const scheme = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    // Other schemes are a later version's: skipped, so that a sender can add one before receivers know it.
    if (scheme !== SCHEME) continue;
    if (!HEX_SIGNATURE.test(value))
      return refuse('malformed_signature', `a ${SCHEME} signature is 64 lowercase hex digits`);
    candidates.push(Buffer.from(value, 'hex'));
  }
  if (candidates.length === 0)
    return refuse('malformed_signature', `${SIGNATURE_HEADER} carries no ${SCHEME} signature`);

  const body = typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody;
  let secretIndex = -1;
  // Every secret against every candidate, without stopping early: the time taken does not say which matched.
  secrets.forEach((secret, i) => {
    const expected = Buffer.from(webhookDigest(secret, timestampText, body), 'hex');
    for (const candidate of candidates) if (timingSafeEqual(expected, candidate) && secretIndex < 0) secretIndex = i;
  });
  if (secretIndex < 0)
    return refuse('bad_signature', `${SIGNATURE_HEADER} does not match the body with any configured webhook secret`);

  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((typeof input.now === 'number' ? input.now : input.now.getTime()) / 1000);
  if (nowSeconds - timestamp > tolerance)
    return refuse('stale', `signed ${nowSeconds - timestamp} s ago, more than the ${tolerance} s tolerated`);
  if (timestamp - nowSeconds > tolerance)
    return refuse(
      'future',
      `signed ${timestamp - nowSeconds} s in the future, more than the ${tolerance} s tolerated: check the clocks`,
    );
  return { ok: true, timestamp, secretIndex };
}

function refuse(reason: WebhookRefusalReason, message: string): WebhookVerification {
  return { ok: false, reason, message };
}

function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    // A header repeated by a proxy arrives as an array: its values are one comma-separated list.
    return typeof value === 'string' ? value : value.join(',');
  }
  return undefined;
}

function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0) throw new Error('a webhook secret must not be empty');
}
