import { runLawFirmCrashScenario } from './lawfirm-crash-scenario';
import { expectTheLoopHeld } from './lawfirm-expectations';

/**
 * The whole loop's crash test in a reduced size (the full one: `npm run test:crash`). Needs the
 * built CLI (`npm test` builds first).
 */
describe('crash test to the law firm: SIGKILL and faults through escalation, hand-off, events and notes', () => {
  it('one file per approved case, none unknown; every event applied and noted once; nothing sent twice; nothing temporary failed for good', async () => {
    const report = await runLawFirmCrashScenario({
      invoices: 80,
      kills: 4,
      minUpMs: 700,
      maxUpMs: 2_500,
      seed: 5,
      daysPerSecond: 0.5,
      days: 50,
      faults: true,
    });
    // SMTP 451, Odoo 503, the firm down, 429 and 500, a lost answer: all temporary, none failed a row for good.
    expect(report.faults.length).toBeGreaterThanOrEqual(5);
    expectTheLoopHeld(report);
  }, 420_000);
});
