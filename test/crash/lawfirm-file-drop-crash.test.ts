import { runLawFirmCrashScenario } from './lawfirm-crash-scenario';
import { expectTheLoopHeld } from './lawfirm-expectations';

/**
 * The whole loop's crash test through the file drop (dossier folders out, status files in), in a
 * reduced size (the full one: `npm run test:crash`). Needs the built CLI (`npm test` builds first).
 */
describe('crash test to the law firm by file drop: SIGKILL and faults through hand-off, status files and notes', () => {
  it('one dossier folder per approved case, none unknown; every status event applied and noted once, even damaged, duplicated or out of order', async () => {
    const report = await runLawFirmCrashScenario({
      invoices: 80,
      kills: 4,
      minUpMs: 700,
      maxUpMs: 2_500,
      seed: 7,
      daysPerSecond: 0.5,
      days: 50,
      faults: true,
      transport: 'file-drop',
    });
    expect(report.faults).toEqual(expect.arrayContaining([expect.stringContaining('truncated status files')]));
    expectTheLoopHeld(report);
  }, 420_000);
});
