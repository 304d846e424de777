import type { ConnectionWriteBack } from '../ports/erp';
import type { LawFirmPartner, PartnerEvent, WebhookVerifier } from '../ports/lawfirm';
import type { Logger } from '../log/logger';
import type { ProcedureState } from '../model/procedure-event.schema';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import { applyPartnerEvents, type ApplyEventsResult } from './procedure-events';
import { saveSyncPage } from '../sync/save-page';

/**
 * The connector's side of one law-firm partner: events in from either path — pushed (the signed
 * webhook) or pulled (`poll`, from the cursor saved in the store) — go through the same
 * `receive`, which applies each once. An event naming no dossier of ours is quarantined with
 * the reason (visible in GET /quarantine), never dropped.
 */

export interface LawFirmLinkOptions {
  /** The partner's id in the configuration: the journal's actor, the namespace of its event ids. */
  id: string;
  partner: LawFirmPartner;
  /** The procedure state a firm's word stands for (mappings/lawfirm/status-words.ts). */
  stateOf: (type: string) => ProcedureState;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Events pushed by the firm (POST /webhooks/lawfirm): how they are checked; absent, the route is not served. */
  webhook?: {
    verifier: WebhookVerifier;
    /**
     * The clock a signature's freshness is judged by: real time (default), not the business
     * clock — a replay window is a fact of transport, and the demo's business clock runs faster.
     */
    transportClock?: Clock;
  };
  onApplied?: (state: ProcedureState) => void;
  /** What each connection's ledger takes: no ledger row is recorded for an event that its ledgers cannot perform. */
  ledgerWriteBack?: ConnectionWriteBack;
  /** After events were applied: their ledger rows are due now (the daemon enqueues an outbox run). */
  afterApplied?: () => Promise<unknown>;
}

const CURSOR_STREAM = 'procedure-events';
/** Pages read per poll at most: a backlog is drained over several polls rather than in one long job. */
const MAX_PAGES_PER_POLL = 20;

export class LawFirmLink {
  constructor(readonly options: LawFirmLinkOptions) {}

  get id(): string {
    return this.options.id;
  }

  async receive(events: readonly PartnerEvent[]): Promise<ApplyEventsResult> {
    const { store, clock, logger } = this.options;
    const result = await applyPartnerEvents(
      {
        store,
        clock,
        logger,
        partner: this.id,
        stateOf: this.options.stateOf,
        ...(this.options.onApplied ? { onApplied: this.options.onApplied } : {}),
        ...(this.options.ledgerWriteBack ? { ledgerWriteBack: this.options.ledgerWriteBack } : {}),
      },
      events,
    );
    if (result.applied.length > 0 && this.options.afterApplied) {
      // The events are stored: failing to hasten their notes only leaves them to the next scheduled run.
      await this.options
        .afterApplied()
        .catch((e: unknown) =>
          logger.warn(
            `law firm ${this.id}: could not enqueue the outbox after ${result.applied.length} event(s): ${(e as Error).message}`,
          ),
        );
    }
    if (result.refused.length > 0) {
      const at = clock.now().toISOString();
      await saveSyncPage(store, {
        connection: this.id,
        stream: CURSOR_STREAM,
        at,
        quarantined: result.refused.map((r) => ({
          sourceId: r.id,
          reason: r.reason,
          raw: events.find((e) => e.id === r.id) ?? null,
          at,
        })),
      });
    }
    return result;
  }

  /** Reads the events after the saved cursor and applies them; the cursor moves only past applied pages. */
  async poll(): Promise<{ pages: number; applied: number; duplicates: number; refused: number }> {
    const { store, partner } = this.options;
    const saved = await store.sync.getCursor(this.id, CURSOR_STREAM);
    let cursor = typeof saved?.value['next'] === 'string' ? saved.value['next'] : undefined;
    const total = { pages: 0, applied: 0, duplicates: 0, refused: 0 };
    for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
      const { events, next } = await partner.events(cursor);
      total.pages++;
      if (events.length > 0) {
        const result = await this.receive(events);
        total.applied += result.applied.length;
        total.duplicates += result.duplicates;
        total.refused += result.refused.length;
      }
      if (next !== cursor)
        await saveSyncPage(store, {
          connection: this.id,
          stream: CURSOR_STREAM,
          cursor: { next },
          at: this.options.clock.now().toISOString(),
        });
      if (events.length === 0 || next === cursor) break;
      cursor = next;
    }
    return total;
  }
}
