import type { FastifyInstance } from 'fastify';
import { WebhookPayloadWireSchema } from '../../adapters/lawfirm/wire.schema';
import { verifyWebhook } from '../../adapters/lawfirm/webhook-signature';
import type { PartnerEvent } from '../../adapters/lawfirm/partner';
import type { LawFirmLink } from '../lawfirm/link';
import type { Logger } from '../log/logger';
import type { ApiContext } from './api';
import { sendError } from './send-error';

/**
 * POST /webhooks/lawfirm: the firm pushes procedure events (adapters/lawfirm/openapi.yaml,
 * `webhooks.procedureEvents`). No bearer token: the HMAC signature over the timestamp and the raw
 * body is the authentication. Refused (401) when unsigned, wrongly signed, or outside the
 * tolerance window (a replay); each event is applied once by id, so a batch sent again is a no-op.
 */

export const WEBHOOK_ROUTE = '/webhooks/lawfirm';
/** A batch of events with their document references; far above a real one. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export function registerWebhookRoutes(app: FastifyInstance, ctx: ApiContext, link: LawFirmLink, logger: Logger): void {
  const webhook = link.options.webhook;
  if (!webhook) return;
  void app.register(async (scope) => {
    // The signature is over the exact bytes: this route keeps them.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.post(WEBHOOK_ROUTE, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verdict = verifyWebhook({ secrets: webhook.secrets, headers: request.headers, rawBody: raw, now: ctx.clock.now(), toleranceSeconds: webhook.toleranceSeconds });
      if (!verdict.ok) {
        ctx.metrics.observeError(`WEBHOOK_${verdict.reason.toUpperCase()}`);
        logger.warn(`law firm ${link.id}: webhook refused (${verdict.reason}): ${verdict.message}`);
        return sendError(reply, 401, 'WEBHOOK_REFUSED', `${verdict.reason}: ${verdict.message}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendError(reply, 400, 'WEBHOOK_NOT_JSON', 'the body is not JSON');
      }
      const parsed = WebhookPayloadWireSchema.safeParse(json);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        return sendError(reply, 400, 'WEBHOOK_INVALID', `the body is not a batch of events: ${problems.map((p) => `${p.path || '(body)'}: ${p.message}`).join('; ')}`, { problems });
      }
      const events = parsed.data.events.map((e): PartnerEvent => ({
        id: e.id,
        fileId: e.fileId,
        dossierId: e.dossierId,
        type: e.type,
        occurredAt: e.occurredAt,
        ...(e.label !== undefined ? { label: e.label } : {}),
        ...(e.amount !== undefined ? { amount: { amount: e.amount.amount, currency: e.amount.currency } } : {}),
        ...(e.documents !== undefined ? { documents: e.documents.map((d) => ({ name: d.name, sha256: d.sha256 })) } : {}),
        ...(e.note !== undefined ? { note: e.note } : {}),
      }));
      const result = await link.receive(events);
      return { applied: result.applied.length, duplicates: result.duplicates, quarantined: result.refused };
    });
  });
}
