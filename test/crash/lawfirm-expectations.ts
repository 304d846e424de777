import type { LawFirmCrashReport } from './lawfirm-crash-scenario';

/** Failures that would happen without any crash or fault: a debtor without a mobile, an address or an e-mail. */
const DATA_PROBLEM = /SMS_NO_NUMBER|LETTER_NO_ADDRESS|has no e-mail address/;
/** The one permanent answer the faults inject: an e-mail refused for good (550). */
const REFUSED_FOR_GOOD = /EMAIL_RECIPIENT_REJECTED/;

/**
 * What the whole loop must hold after kills and faults, whatever the firm's transport: nothing
 * temporary failed for good, nothing left pending, nothing sent twice, the journals agree; the loop
 * reached the firm, one file per approved case and none unknown, every event applied and noted once.
 */
export function expectTheLoopHeld(report: LawFirmCrashReport): void {
  expect(report.kills).toBeGreaterThanOrEqual(3);
  expect(report.actions.failures.filter((f) => !DATA_PROBLEM.test(f) && !REFUSED_FOR_GOOD.test(f))).toEqual([]);
  expect(report.actions.failures.filter((f) => REFUSED_FOR_GOOD.test(f)).length).toBeLessThanOrEqual(1);
  expect(report.actions.pending).toBe(0);
  expect(report.email).toMatchObject({ missing: 0, unknown: 0 });
  // At most the one message whose resend the injected 550 refused after a kill.
  expect(report.email.deliveredThenRefused).toBeLessThanOrEqual(1);
  expect(report.sms).toMatchObject({ duplicates: 0, missing: 0 });
  expect(report.notes.duplicates).toBe(0);
  // Named, so that a failure says which: a bare toBe(true) prints only "Expected: true".
  expect({ journalsAgree: report.journalsAgree }).toEqual({ journalsAgree: true });
  expect(report.firm.files).toBeGreaterThan(0);
  expect(report.firm.events).toBeGreaterThan(0);
  expect(report.firm).toMatchObject({
    unknownFiles: 0,
    casesWithSeveralFiles: 0,
    dossiersWithoutTheirFile: 0,
    approvedNotHandedOver: 0,
    eventsMissing: 0,
    eventsAppliedTwice: 0,
    statesOutOfOrder: 0,
    notesMismatched: 0,
  });
  expect(report.firm.eventsApplied).toBe(report.firm.events);
  expect(report.firm.notesChecked).toBeGreaterThan(0);
}
