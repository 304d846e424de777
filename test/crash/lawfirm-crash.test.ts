import { runLawFirmCrashScenario } from './lawfirm-crash-scenario';

/**
 * The whole loop's crash test in a reduced size (the full one: `npm run test:crash`). Needs the
 * built CLI (`npm test` builds first).
 */
const DATA_PROBLEM = /SMS_NO_NUMBER|LETTER_NO_ADDRESS|has no e-mail address/;
/** The one permanent answer the faults inject: an e-mail refused for good (550). */
const REFUSED_FOR_GOOD = /EMAIL_RECIPIENT_REJECTED/;

describe('crash test to the law firm: SIGKILL and faults through escalation, hand-off, events and notes', () => {
  it('one file per approved case, none unknown; every event applied and noted once; nothing sent twice; nothing temporary failed for good', async () => {
    const report = await runLawFirmCrashScenario({ invoices: 80, kills: 4, minUpMs: 700, maxUpMs: 2_500, seed: 5, daysPerSecond: 0.5, days: 50, faults: true });
    expect(report.kills).toBeGreaterThanOrEqual(3);
    // SMTP 451, Odoo 503, the firm down, 429 and 500, a lost answer: all temporary, none failed a row for good.
    expect(report.faults.length).toBeGreaterThanOrEqual(5);
    expect(report.actions.failures.filter((f) => !DATA_PROBLEM.test(f) && !REFUSED_FOR_GOOD.test(f))).toEqual([]);
    expect(report.actions.failures.filter((f) => REFUSED_FOR_GOOD.test(f)).length).toBeLessThanOrEqual(1);
    expect(report.actions.pending).toBe(0);
    expect(report.email).toMatchObject({ missing: 0, unknown: 0 });
    expect(report.sms).toMatchObject({ duplicates: 0, missing: 0 });
    expect(report.notes.duplicates).toBe(0);
    expect(report.journalsAgree).toBe(true);
    // The loop reached the firm, and the firm answered.
    expect(report.firm.files).toBeGreaterThan(0);
    expect(report.firm.events).toBeGreaterThan(0);
    expect(report.firm).toMatchObject({ unknownFiles: 0, casesWithSeveralFiles: 0, dossiersWithoutTheirFile: 0, approvedNotHandedOver: 0, eventsMissing: 0, eventsAppliedTwice: 0, statesOutOfOrder: 0, notesMismatched: 0 });
    expect(report.firm.eventsApplied).toBe(report.firm.events);
    expect(report.firm.notesChecked).toBeGreaterThan(0);
  }, 420_000);
});
