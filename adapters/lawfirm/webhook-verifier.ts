import type { WebhookVerifier } from '../../connector/ports/lawfirm';
import { verifyWebhook } from './webhook-signature';
import { parseWebhookPayload } from '../../mappings/lawfirm/wire.schema';

/**
 * The firm's webhook as openapi.yaml defines it: an HMAC signature over the timestamp and the raw
 * body (webhook-signature.ts; any of `secrets` may have signed it, for a rotation) within
 * `toleranceSeconds`, then a `WebhookPayload` body (wire.schema.ts).
 */
export function httpWebhookVerifier(options: {
  secrets: readonly string[];
  toleranceSeconds: number;
}): WebhookVerifier {
  return {
    authenticate: ({ headers, rawBody, now }) => {
      const verdict = verifyWebhook({
        secrets: options.secrets,
        headers,
        rawBody,
        now,
        toleranceSeconds: options.toleranceSeconds,
      });
      return verdict.ok ? { ok: true } : { ok: false, reason: verdict.reason, message: verdict.message };
    },
    parse: (rawBody) => parseWebhookPayload(rawBody),
  };
}
