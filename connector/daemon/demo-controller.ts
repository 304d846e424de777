import { CaseOperations } from '../cases';
import type { Logger } from '../log/logger';
import type { Store } from '../store/store';
import { addDays } from '../time/calendar-date';
import { businessDate, type Clock } from '../time/clock';

/**
 * Demo only: a controller who approves every step waiting for approval (formal notices, hand-offs
 * to the law firm) once it has waited a demo day, through the same operation as the API's
 * POST /cases/:id/approve — so a person watching sees files reach the firm without typing.
 */
export function startDemoController(options: { store: Store; clock: Clock; timeZone: string; logger: Logger; realPollMs?: number }): { stop(): void } {
  const { store, clock, timeZone, logger } = options;
  const ops = new CaseOperations({ store, clock, timeZone });
  let running = false;
  const poll = async () => {
    if (running) return;
    running = true;
    try {
      const today = businessDate(clock, timeZone);
      for (const c of await store.listCases({ stage: 'awaiting_approval', limit: 100 })) {
        if (!c.pendingApproval || addDays(c.pendingApproval.on, 1) > today) continue;
        await ops.approve(c.id, 'demo:controller').then(
          () => logger.info(`demo controller approved ${c.pendingApproval!.stepId} on case ${c.id}`, { caseId: c.id }),
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
