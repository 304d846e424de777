import type { FastifyInstance } from 'fastify';
import type { LawFirmLink } from '../../lawfirm/link';
import type { Logger } from '../../log/logger';
import type { ApiContext } from './api-context';
import { sendError } from './send-error';
import { systemClock } from '../../time/clock';

/**
 * POST /webhooks/lawfirm: the firm pushes procedure events (adapters/lawfirm/openapi.yaml,
 * `webhooks.procedureEvents`). No bearer token: the HMAC signature over the timestamp and the raw
 * body is the authentication. Refused (401) when unsigned, wrongly signed, or outside the
 * tolerance window (a replay); each event is applied once by id, so a batch sent again is a no-op.
 * A batch of more than MAX_WEBHOOK_EVENTS events is refused (400 WEBHOOK_BATCH_TOO_LARGE) whole.
 */

export const WEBHOOK_ROUTE = '/webhooks/lawfirm';
/** A batch of events with their document references; far above a real one. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/**
 * Most events in one request: adapters/lawfirm/openapi.yaml, `WebhookPayload.events.maxItems`.
 * A larger batch is refused whole with 400, the status the contract gives a body that is not a
 * batch of events, and none of its events is applied: the firm sends them again in smaller
 * batches, and the feed (`GET /v1/events`) holds them meanwhile.
 */
export const MAX_WEBHOOK_EVENTS = 100;

export function registerWebhookRoutes(app: FastifyInstance, ctx: ApiContext, link: LawFirmLink, logger: Logger): void {
  const webhook = link.options.webhook;
  if (!webhook) return;
  void app.register(async (scope) => {
    // The signature is over the exact bytes: this route keeps them.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    scope.post(WEBHOOK_ROUTE, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verdict = webhook.verifier.authenticate({
        headers: request.headers,
        rawBody: raw,
        now: (webhook.transportClock ?? systemClock).now(),
      });
      if (!verdict.ok) {
        ctx.metrics.observeError(`WEBHOOK_${verdict.reason.toUpperCase()}`);
        logger.warn(`law firm ${link.id}: webhook refused (${verdict.reason}): ${verdict.message}`);
        return sendError(reply, 401, 'WEBHOOK_REFUSED', `${verdict.reason}: ${verdict.message}`);
      }
      const payload = webhook.verifier.parse(raw);
      if (!payload.ok) return sendError(reply, 400, 'WEBHOOK_INVALID', payload.problem);
      const events = payload.events;
      if (events.length > MAX_WEBHOOK_EVENTS) {
        ctx.metrics.observeError('WEBHOOK_BATCH_TOO_LARGE');
        logger.warn(
          `law firm ${link.id}: webhook refused: a batch of ${events.length} events, above the contract's ${MAX_WEBHOOK_EVENTS}; none applied`,
        );
        return sendError(
          reply,
          400,
          'WEBHOOK_BATCH_TOO_LARGE',
          `the batch holds ${events.length} events, more than the ${MAX_WEBHOOK_EVENTS} the contract allows in one request (WebhookPayload.events.maxItems): none was applied; send them in batches of at most ${MAX_WEBHOOK_EVENTS}`,
          { events: events.length, maxEvents: MAX_WEBHOOK_EVENTS },
        );
      }
      const result = await link.receive(events);
      return { applied: result.applied.length, duplicates: result.duplicates, quarantined: result.refused };
    });
  });
}
