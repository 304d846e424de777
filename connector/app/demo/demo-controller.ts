import { CaseOperations } from '../../cases';
import type { Logger } from '../../log/logger';
import type { Action } from '../../model/action.schema';
import type { Store } from '../../store/store';
import { addDays, type IsoDate } from '../../time/calendar-date';
import { businessDate, type Clock } from '../../time/clock';

/**
 * Demo only: a controller who approves every step waiting for approval (formal notices, hand-offs
 * to the law firm) once it has waited a demo day, through the same operation as the API's
 * POST /cases/:id/approve — so a person watching sees files reach the firm without typing.
 * With `approve: false` (`recouvra demo --manual-approval`) it approves nothing: those steps wait
 * for a person (`recouvra approve CASE`, POST /cases/:id/approve).
 *
 * It also writes one line per demo day saying what went out that day, in place of the routine
 * lines of every tick (which the demo logs at debug level).
 */
export function startDemoController(options: {
  store: Store;
  clock: Clock;
  timeZone: string;
  logger: Logger;
  realPollMs?: number;
  /** Default true: the simulated controller approves after a demo day. */
  approve?: boolean;
  /** Payments the simulated customers made since the last call (the demo's Odoo). */
  takePayments?: () => number;
}): { stop(): void } {
  const { store, clock, timeZone, logger } = options;
  const approve = options.approve ?? true;
  const ops = new CaseOperations({ store, clock, timeZone });
  let approved = 0;
  const diary = demoDiary({
    store,
    logger,
    takeApprovals: () => {
      const n = approved;
      approved = 0;
      return n;
    },
    ...(options.takePayments ? { takePayments: options.takePayments } : {}),
  });
  let day = businessDate(clock, timeZone);
  let running = false;
  const poll = async () => {
    if (running) return;
    running = true;
    try {
      const today = businessDate(clock, timeZone);
      if (today !== day) {
        await diary.close(day);
        day = today;
      }
      if (!approve) return;
      for (const c of await store.cases.listCases({ stage: 'awaiting_approval', limit: 100 })) {
        if (!c.pendingApproval || addDays(c.pendingApproval.on, 1) > today) continue;
        await ops.approve(c.id, 'demo:controller').then(
          () => {
            approved++;
            logger.debug(`demo controller approved ${c.pendingApproval!.stepId} on case ${c.id}`, { caseId: c.id });
          },
          // Someone else (the API) acted first, or the case moved on: nothing to do.
          () => undefined,
        );
      }
    } catch (e) {
      logger.warn(`demo controller: ${(e as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void poll(), options.realPollMs ?? 500);
  return { stop: () => clearInterval(timer) };
}

/** What the day summary counts, in the order it says it. */
const COUNTED: readonly { kinds: readonly Action['kind'][]; one: string; many: string }[] = [
  { kinds: ['email'], one: 'e-mail', many: 'e-mails' },
  { kinds: ['sms'], one: 'SMS', many: 'SMS' },
  { kinds: ['letter'], one: 'letter', many: 'letters' },
  { kinds: ['registered_letter'], one: 'registered letter', many: 'registered letters' },
  { kinds: ['phone_task'], one: 'phone task', many: 'phone tasks' },
  { kinds: ['dossier'], one: 'dossier', many: 'dossiers' },
  { kinds: ['ledger_note', 'ledger_activity'], one: 'ledger note', many: 'ledger notes' },
];

/**
 * One line per demo day: the outbox rows done since the last line, by kind, the customers'
 * payments, the approvals, and the cases waiting for approval. Rows are counted once, by id.
 */
export function demoDiary(options: {
  store: Store;
  logger: Logger;
  takePayments?: () => number;
  takeApprovals?: () => number;
}): { close(day: IsoDate): Promise<string> } {
  const counted = new Set<string>();
  return {
    close: async (day) => {
      const fresh = (await options.store.outbox.listActions({ status: 'done' })).filter((a) => !counted.has(a.id));
      for (const a of fresh) counted.add(a.id);
      const parts = COUNTED.map(({ kinds, one, many }) => {
        const n = fresh.filter((a) => kinds.includes(a.kind)).length;
        return n === 0 ? '' : `${n} ${n === 1 ? one : many}`;
      }).filter((p) => p !== '');
      const payments = options.takePayments?.() ?? 0;
      if (payments > 0) parts.push(`${payments} payment${payments === 1 ? '' : 's'}`);
      const approvals = options.takeApprovals?.() ?? 0;
      if (approvals > 0) parts.push(`${approvals} approved by the simulated controller`);
      const waiting = (await options.store.cases.listCases({ stage: 'awaiting_approval' })).length;
      if (waiting > 0) parts.push(`${waiting} waiting for approval`);
      const line = `demo day ${day}: ${parts.length ? parts.join(', ') : 'nothing went out'}`;
      options.logger.info(line);
      return line;
    },
  };
}
