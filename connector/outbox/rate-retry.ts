import type { LegalData } from '../claim/legal-data';
import type { Logger } from '../log/logger';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import type { Semester } from '../time/calendar-date';

/**
 * An outbox row that failed because a semester had no interest rates (a hand-off or a formal
 * notice whose claim needs a day of it) is not a person's mistake to replay: once the rates are
 * configured (`legal.rates`, read at start), the row is made due again by itself, once, with a
 * journal line saying why. Rows failed for any other reason are left alone.
 */

/** The start of MissingRateError's message (connector/claim/rates.ts), as the outbox keeps it in `lastError`. */
const MISSING_RATE = /^no rate configured for semester (\d{4}-H[12])\b/;

export async function requeueRowsWaitingForRates(options: {
  store: Store;
  legal: LegalData;
  clock: Clock;
  logger: Logger;
}): Promise<{ requeued: number; stillMissing: Semester[] }> {
  const { store, legal, clock, logger } = options;
  const at = clock.now().toISOString();
  let requeued = 0;
  const stillMissing = new Set<Semester>();
  for (const action of await store.outbox.listActions({ status: 'failed' })) {
    const semester = MISSING_RATE.exec(action.lastError ?? '')?.[1] as Semester | undefined;
    if (!semester) continue;
    if (!legal.rates.has(semester)) {
      stillMissing.add(semester);
      continue;
    }
    const origin = legal.rates.get(semester)!.origin;
    const summary = `${action.kind} retried: the rates of ${semester} it was waiting for are now configured (${origin})`;
    const done = await store.outbox.requeueFailedAction({
      id: action.id,
      at,
      journal: [
        {
          caseId: action.caseId,
          at,
          actor: { kind: 'system', id: 'outbox' },
          type: 'note',
          summary,
          data: { actionId: action.id, idempotencyKey: action.idempotencyKey, semester },
        },
      ],
    });
    if (done) {
      requeued++;
      logger.info(`outbox ${action.kind} ${action.idempotencyKey}: ${summary}`, {
        actionId: action.id,
        caseId: action.caseId,
      });
    }
  }
  if (stillMissing.size)
    logger.warn(
      `outbox: rows wait for the rates of ${[...stillMissing].sort().join(', ')}: add them under legal.rates (recouvra legal status)`,
    );
  return { requeued, stillMissing: [...stillMissing].sort() };
}
