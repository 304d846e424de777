import type { FastifyInstance } from 'fastify';
import type { ApiContext, LawFirmPolling } from './api-context';
import { WEBHOOK_ROUTE } from './webhook-routes';

/**
 * GET /lawfirm: the link to the law-firm partner as the health screen shows it. How its events
 * arrive (the signed webhook, when configured, and the polling that catches what a lost webhook
 * did not bring), when the last poll read the feed without error and the error of a failed one
 * (in memory: since the daemon started), when the last event was received by either path, and
 * where its dossiers stand (from the store). Never a key, a secret or an address.
 */

export type LawFirmAnswer =
  | { configured: false }
  | {
      configured: true;
      id: string;
      webhook: { configured: boolean; path: string | null };
      /** null when the API was not told (it runs without the daemon's schedules). */
      polling: LawFirmPolling | null;
      /** Since the daemon started (this process's polls). */
      lastPollAt: string | null;
      lastPollError: { code: string; message: string; at: string } | null;
      /** When the last event applied to one of its dossiers was received, from the store. */
      lastEventAt: string | null;
      dossiers: {
        /** Sent, the firm's answer not known yet (tried again with the same bytes). */
        awaitingAnswer: number;
        /** Submitted or accepted: the firm works the file. */
        open: number;
        refused: number;
        /** Withdrawn or closed. */
        ended: number;
      };
      /** Outbox rows of kind dossier (submissions, payment reports, withdrawals): not performed yet, and given up. */
      outbox: { waiting: number; failed: number };
    };

export function registerLawFirmRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/lawfirm', async (): Promise<LawFirmAnswer> => {
    const lawfirm = ctx.lawfirm;
    if (!lawfirm) return { configured: false };
    const { link, polling } = lawfirm;
    const counts = await ctx.store.dossiers.countPartnerDossiers(link.id);
    const n = (status: keyof typeof counts.byStatus) => counts.byStatus[status] ?? 0;
    const { lastSuccessAt, lastError } = link.pollState;
    const webhook = link.options.webhook !== undefined;
    return {
      configured: true,
      id: link.id,
      webhook: { configured: webhook, path: webhook ? WEBHOOK_ROUTE : null },
      polling,
      lastPollAt: lastSuccessAt,
      lastPollError: lastError,
      lastEventAt: counts.lastEventAt,
      dossiers: {
        awaitingAnswer: n('prepared'),
        open: n('submitted') + n('accepted'),
        refused: n('rejected'),
        ended: n('withdrawn') + n('closed'),
      },
      outbox: { waiting: counts.outbox.pending, failed: counts.outbox.failed },
    };
  });
}
