import type { ActionKind } from '../model/action.schema';
import { AdapterError } from '../ports/adapter-error';
import { permanentFailure, type RetryDecision } from '../sync/retry-policy';

/**
 * How long an outbox row keeps being tried after its first failure, per kind — in time, not in
 * attempts: five attempts within a minute failed every e-mail of a 150-second SMTP greylisting
 * (451) for good. A temporary failure stays temporary until the budget is spent; a permanent
 * answer (a 550, a refused request, a configuration error) fails at once.
 */
export interface RetryBudget {
  /** Retries go on this long after the row's first failure (minutes). */
  forMinutes: number;
  /** Longest wait between two attempts (minutes); the waits grow from 30 s, with jitter. */
  maxDelayMinutes: number;
}

/** E-mail, SMS and ledger writes for hours; letters for a day; a dossier for three days. Configurable (`daemon.retry`). */
export const DEFAULT_RETRY_BUDGETS: Readonly<Record<ActionKind, RetryBudget>> = {
  email: { forMinutes: 6 * 60, maxDelayMinutes: 30 },
  sms: { forMinutes: 6 * 60, maxDelayMinutes: 30 },
  letter: { forMinutes: 24 * 60, maxDelayMinutes: 60 },
  registered_letter: { forMinutes: 24 * 60, maxDelayMinutes: 60 },
  phone_task: { forMinutes: 12 * 60, maxDelayMinutes: 30 },
  ledger_note: { forMinutes: 12 * 60, maxDelayMinutes: 30 },
  ledger_activity: { forMinutes: 12 * 60, maxDelayMinutes: 30 },
  dossier: { forMinutes: 3 * 24 * 60, maxDelayMinutes: 120 },
};

const FIRST_DELAY_MS = 30_000;
const MINUTE = 60_000;

/**
 * `attempt`: the number of the attempt that just failed; `firstFailedAt`: when the row's current
 * run of failures began (now for the first failure). Exponential backoff with full jitter, a
 * `Retry-After` honoured, and a last attempt at the budget's end rather than none.
 */
export function decideBudgetedRetry(
  error: unknown,
  input: { attempt: number; firstFailedAt: Date; now: Date; budget: RetryBudget; random: () => number },
): RetryDecision {
  const permanent = permanentFailure(error);
  if (permanent !== undefined || !(error instanceof AdapterError))
    return { retry: false, reason: permanent ?? 'unexpected error' };
  const { attempt, firstFailedAt, now, budget } = input;
  const elapsed = now.getTime() - firstFailedAt.getTime();
  const left = budget.forMinutes * MINUTE - elapsed;
  if (left <= 0)
    return {
      retry: false,
      reason: `${error.code}: gave up after ${attempt} attempt(s) over ${describe(elapsed)} (retry budget ${describe(budget.forMinutes * MINUTE)})`,
    };
  const bound = Math.min(budget.maxDelayMinutes * MINUTE, FIRST_DELAY_MS * 2 ** Math.min(attempt - 1, 30));
  const jittered = Math.max(1_000, Math.floor(input.random() * bound));
  const wanted = error.retryAfterMs !== undefined ? Math.max(error.retryAfterMs, jittered) : jittered;
  const delayMs = Math.min(wanted, left);
  return {
    retry: true,
    delayMs,
    reason: `${error.code} (${error.kind}), attempt ${attempt}, trying again for ${describe(left)} more`,
  };
}

function describe(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}
