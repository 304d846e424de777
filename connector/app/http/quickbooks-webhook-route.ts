import type { FastifyInstance } from 'fastify';
import { coalesce, MAX_WEBHOOK_BYTES, readWebhook, type QboChange } from '../../../adapters/quickbooks/webhook';
import type { Logger } from '../../log/logger';
import type { ApiContext } from './api-context';
import { sendError } from './send-error';

/** Where Intuit posts a company's changes (configured in its developer portal, Webhooks). */
export const QUICKBOOKS_WEBHOOK_ROUTE = '/webhooks/quickbooks';

/** A QuickBooks connection that receives webhooks: its company and its app's verifier token. */
export interface QuickBooksWebhookTarget {
  connection: string;
  realmId: string;
  verifierToken: string;
}

/**
 * Deliveries of one connection within this many milliseconds make one sync: Intuit sends a
 * record's changes in quick succession, and resends a delivery it thinks failed (erp-apis.md §2.7).
 */
export const COALESCE_MS = 5_000;

/**
 * `POST /webhooks/quickbooks` (erp-apis.md §2.7): checked by its `intuit-signature` over the raw
 * bytes with the verifier token of the app (one per app, shared by the companies it connects),
 * never by the API token. Webhooks carry no field values: each company that changed gets an
 * incremental sync of its connection (the change feed, CDC, since its cursor), enqueued at once
 * and deduplicated, so the answer comes well within Intuit's 3 seconds. A change of a company no
 * connection of this app holds is ignored and logged (a 200 all the same: Intuit would resend it
 * forever). A refused delivery is logged with its reason, never its body.
 */
export function registerQuickBooksWebhookRoute(
  app: FastifyInstance,
  ctx: ApiContext,
  targets: readonly QuickBooksWebhookTarget[],
  logger: Logger,
): void {
  const tokens = [...new Set(targets.map((t) => t.verifierToken))];
  void app.register(async (scope) => {
    // The signature is over the exact bytes: this route keeps them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_WEBHOOK_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(QUICKBOOKS_WEBHOOK_ROUTE, { bodyLimit: MAX_WEBHOOK_BYTES }, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers['intuit-signature'];
      const signature = Array.isArray(header) ? header[0] : header;
      let accepted: { token: string; changes: QboChange[] } | undefined;
      let refusal: { status: number; reason: string } = { status: 401, reason: 'no verifier token matches' };
      for (const token of tokens) {
        const verdict = readWebhook(raw, signature, token);
        if (verdict.ok) {
          accepted = { token, changes: verdict.changes };
          break;
        }
        // A signature that matched but a body that is not a delivery is worse than a wrong token: keep it.
        if (refusal.status === 401 || verdict.status !== 401) refusal = verdict;
      }
      if (!accepted) {
        ctx.metrics.observeError(`QBO_WEBHOOK_${refusal.status}`);
        logger.warn(`QuickBooks webhook refused (${refusal.status}): ${refusal.reason}`);
        return sendError(
          reply,
          refusal.status,
          refusal.status === 401 ? 'WEBHOOK_REFUSED' : refusal.status === 413 ? 'WEBHOOK_TOO_LARGE' : 'WEBHOOK_INVALID',
          refusal.reason,
        );
      }
      const changes = coalesce(accepted.changes);
      const connections = new Set<string>();
      const unknown = new Set<string>();
      for (const change of changes) {
        const matching = targets.filter((t) => t.realmId === change.realmId && t.verifierToken === accepted.token);
        if (matching.length === 0) unknown.add(change.realmId);
        for (const t of matching) connections.add(t.connection);
      }
      if (unknown.size > 0)
        logger.warn(
          `QuickBooks webhook: changes of companies no connection of this app holds were ignored: ${[...unknown].join(', ')}`,
        );
      if (!ctx.enqueuer) return sendError(reply, 503, 'NO_QUEUE', 'this API runs without a job queue');
      // Coalesced over real seconds: what is spared is requests to Intuit, counted in real time.
      const bucket = Math.floor(ctx.wallClock.now().getTime() / COALESCE_MS);
      const syncs: { connection: string; jobId: string; added: boolean }[] = [];
      for (const connection of connections) {
        const key = `webhook/${connection}/${bucket}`;
        const { added } = await ctx.enqueuer.enqueue('sync', { connection }, key);
        syncs.push({ connection, jobId: `sync/${key}`, added });
      }
      return { changes: changes.length, ignoredCompanies: [...unknown], syncs };
    });
  });
}
