import { runLawFirmCrashScenario } from './lawfirm-crash-scenario';

/**
 * The whole loop's crash test through the file drop (dossier folders out, status files in), in a
 * reduced size (the full one: `npm run test:crash`). Needs the built CLI (`npm test` builds first).
 */
const DATA_PROBLEM = /SMS_NO_NUMBER|LETTER_NO_ADDRESS|has no e-mail address/;
const REFUSED_FOR_GOOD = /EMAIL_RECIPIENT_REJECTED/;

describe('crash test to the law firm by file drop: SIGKILL and faults through hand-off, status files and notes', () => {
  it('one dossier folder per approved case, none unknown; every status event applied and noted once, even damaged, duplicated or out of order', async () => {
    const report = await runLawFirmCrashScenario({ invoices: 80, kills: 4, minUpMs: 700, maxUpMs: 2_500, seed: 7, daysPerSecond: 0.5, days: 50, faults: true, transport: 'file-drop' });
    expect(report.kills).toBeGreaterThanOrEqual(3);
    expect(report.faults.some((f) => f.includes('truncated status files'))).toBe(true);
    expect(report.actions.failures.filter((f) => !DATA_PROBLEM.test(f) && !REFUSED_FOR_GOOD.test(f))).toEqual([]);
    expect(report.actions.pending).toBe(0);
    expect(report.email).toMatchObject({ missing: 0, unknown: 0 });
    expect(report.sms).toMatchObject({ duplicates: 0, missing: 0 });
    expect(report.notes.duplicates).toBe(0);
    expect(report.journalsAgree).toBe(true);
    expect(report.firm.files).toBeGreaterThan(0);
    expect(report.firm.events).toBeGreaterThan(0);
    expect(report.firm).toMatchObject({ unknownFiles: 0, casesWithSeveralFiles: 0, dossiersWithoutTheirFile: 0, approvedNotHandedOver: 0, eventsMissing: 0, eventsAppliedTwice: 0, statesOutOfOrder: 0, notesMismatched: 0 });
    expect(report.firm.notesChecked).toBeGreaterThan(0);
  }, 420_000);
});
