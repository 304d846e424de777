import type { ConnectionWriteBack } from '../ports/erp';
import type { LawFirmPartner, PartnerEvent, WebhookVerifier } from '../ports/lawfirm';
import type { Logger } from '../log/logger';
import type { ProcedureState } from '../model/procedure-event.schema';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import { applyPartnerEvents, type ApplyEventsResult } from './procedure-events';
import { saveSyncPage } from '../sync/save-page';
import { AdapterError } from '../ports/adapter-error';

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

/**
 * What this process has seen of its polls since it started (GET /lawfirm): kept in memory, as the
 * syncs' states are; a restart forgets it until the next poll.
 */
export interface PollState {
  /** ISO instant of the last poll that read the feed to its end without error. */
  lastSuccessAt: string | null;
  /** The error of the last poll, when it failed: a stable code and a message without secrets. */
  lastError: { code: string; message: string; at: string } | null;
}

const CURSOR_STREAM = 'procedure-events';
/** Pages read per poll at most: a backlog is drained over several polls rather than in one long job. */
const MAX_PAGES_PER_POLL = 20;

export class LawFirmLink {
  private polled: PollState = { lastSuccessAt: null, lastError: null };

  constructor(readonly options: LawFirmLinkOptions) {}

  get pollState(): PollState {
    return { ...this.polled };
  }

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
    try {
      const total = await this.pollPages();
      this.polled = { lastSuccessAt: this.options.clock.now().toISOString(), lastError: null };
      return total;
    } catch (e) {
      this.polled = { ...this.polled, lastError: { ...pollErrorOf(e), at: this.options.clock.now().toISOString() } };
      throw e;
    }
  }

  private async pollPages(): Promise<{ pages: number; applied: number; duplicates: number; refused: number }> {
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

/** A failed poll as the health screen shows it: the adapter's code and user message, or a generic code. */
function pollErrorOf(e: unknown): { code: string; message: string } {
  if (e instanceof AdapterError) return { code: e.code, message: withoutUrlSecrets(e.userMessage) };
  return { code: 'LAWFIRM_POLL_FAILED', message: withoutUrlSecrets(e instanceof Error ? e.message : String(e)) };
}

/** Addresses in a message lose their user, password and query (where keys and tokens travel). */
export function withoutUrlSecrets(message: string): string {
  return message.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (address) => {
    try {
      const url = new URL(address);
      return `${url.protocol}//${url.host}${url.pathname === '/' && !address.endsWith('/') ? '' : url.pathname}`;
    } catch {
      return '(an address)';
    }
  });
}
