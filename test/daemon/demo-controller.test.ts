import { startDemoController } from '../../connector/app/demo/demo-controller';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { CASE_ID, caseAwaitingFormalNotice, handClock, TIME_ZONE } from '../cases/case-fixtures';
import { memoryLogger } from '../helpers/logger';

/**
 * The demo's simulated controller: it approves a step that has waited a demo day, unless the demo
 * runs with --manual-approval; and it writes one summary line per demo day.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the demo controller', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    await caseAwaitingFormalNotice(store);
  });
  afterEach(() => store.close());

  it('approves a step that has waited a demo day', async () => {
    const clock = handClock('2025-03-24T10:00:00.000Z');
    const { logger } = memoryLogger();
    const controller = startDemoController({ store, clock, timeZone: TIME_ZONE, logger, realPollMs: 10 });
    try {
      for (let i = 0; i < 100 && (await store.cases.getCase(CASE_ID))!.stage === 'awaiting_approval'; i++)
        await sleep(20);
      expect((await store.cases.getCase(CASE_ID))!.stage).toBe('formal_notice');
      expect((await store.cases.readJournal(CASE_ID)).find((j) => j.type === 'approved')?.actor).toMatchObject({
        id: 'demo:controller',
      });
    } finally {
      controller.stop();
    }
  });

  it('with --manual-approval approves nothing: the step waits for a person', async () => {
    const clock = handClock('2025-03-24T10:00:00.000Z');
    const { logger } = memoryLogger();
    const controller = startDemoController({
      store,
      clock,
      timeZone: TIME_ZONE,
      logger,
      realPollMs: 10,
      approve: false,
    });
    try {
      await sleep(300);
      clock.set('2025-04-30T10:00:00.000Z');
      await sleep(300);
      expect((await store.cases.getCase(CASE_ID))!).toMatchObject({
        stage: 'awaiting_approval',
        pendingApproval: { stepId: 'formal-notice' },
      });
      expect((await store.cases.readJournal(CASE_ID)).some((j) => j.type === 'approved')).toBe(false);
    } finally {
      controller.stop();
    }
  });

  it('writes one line per demo day with what went out, the payments and what waits', async () => {
    const clock = handClock('2025-03-24T10:00:00.000Z');
    const { logger, lines } = memoryLogger('info');
    let payments = 3;
    const takePayments = () => {
      const n = payments;
      payments = 0;
      return n;
    };
    const controller = startDemoController({
      store,
      clock,
      timeZone: TIME_ZONE,
      logger,
      realPollMs: 10,
      approve: false,
      takePayments,
    });
    const days = () =>
      lines()
        .map((l) => JSON.parse(l) as { message: string })
        .map((l) => l.message)
        .filter((m) => m.startsWith('demo day '));
    try {
      await sleep(100);
      expect(days()).toEqual([]);
      clock.set('2025-03-25T10:00:00.000Z');
      for (let i = 0; i < 100 && days().length < 1; i++) await sleep(10);
      // The reminder's e-mail and ledger note were decided but never performed here: nothing went out.
      expect(days()).toEqual(['demo day 2025-03-24: 3 payments, 1 waiting for approval']);
      const rows = await store.outbox.listActions({ status: 'pending' });
      for (const a of rows)
        await store.outbox.completeAction({
          id: a.id,
          status: 'done',
          attempts: 1,
          lastError: null,
          at: '2025-03-25T11:00:00.000Z',
          journal: [],
        });
      clock.set('2025-03-26T10:00:00.000Z');
      for (let i = 0; i < 100 && days().length < 2; i++) await sleep(10);
      // reminder-1's e-mail and note, and the activity asking for the formal notice's approval.
      expect(rows.map((a) => a.kind).sort()).toEqual(['email', 'ledger_activity', 'ledger_note']);
      expect(days()[1]).toBe('demo day 2025-03-25: 1 e-mail, 2 ledger notes, 1 waiting for approval');
      // Counted once: the next day says nothing went out.
      clock.set('2025-03-27T10:00:00.000Z');
      for (let i = 0; i < 100 && days().length < 3; i++) await sleep(10);
      expect(days()[2]).toBe('demo day 2025-03-26: 1 waiting for approval');
    } finally {
      controller.stop();
    }
  });
});
