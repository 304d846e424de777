import { runCrashScenario } from './crash-scenario';
import { runLawFirmCrashScenario, type LawFirmCrashReport } from './lawfirm-crash-scenario';

const DATA_PROBLEM = /SMS_NO_NUMBER|LETTER_NO_ADDRESS|has no e-mail address/;

/**
 * `npm run test:crash`: the full crash campaign, printed as JSON — the portfolio test (at least
 * 1,000 cases, 20 kills) and the whole loop to the law firm (20 kills through escalation,
 * hand-off, webhooks, polling and procedure notes, with faults: SMTP 451 then 550, Odoo 503s,
 * the firm down, 429, 500 and a lost answer, SMS and postal 503s). `CRASH_ONLY=portfolio|lawfirm|file-drop` runs one; the file-drop run is the law-firm loop through
 * the file drop, with damaged, duplicated and out-of-order status files.
 */
async function main(): Promise<void> {
  const only = process.env.CRASH_ONLY;
  const kills = Number(process.env.CRASH_KILLS ?? 20);
  let ok = true;
  const out: Record<string, unknown> = {};
  if (only === undefined || only === 'portfolio') {
    const report = await runCrashScenario({ invoices: Number(process.env.CRASH_INVOICES ?? 5_600), kills, minUpMs: 1_000, maxUpMs: 4_000, seed: 3 });
    out['portfolio'] = report;
    ok &&= report.cases >= 1_000 && report.actions.pending === 0 && report.actions.failures.every((f) => DATA_PROBLEM.test(f)) && report.email.missing === 0 && report.email.unknown === 0 && report.sms.duplicates === 0 && report.sms.missing === 0 && report.notes.duplicates === 0 && report.journalsAgree;
  }
  if (only === undefined || only === 'lawfirm') {
    const report = await runLawFirmCrashScenario({ invoices: Number(process.env.CRASH_LAWFIRM_INVOICES ?? 200), kills, minUpMs: 700, maxUpMs: 3_000, seed: 5, daysPerSecond: 0.5, days: Number(process.env.CRASH_DAYS ?? 70), faults: true });
    out['lawfirm'] = report;
    ok &&= lawfirmOk(report, kills);
  }
  if (only === undefined || only === 'file-drop') {
    const report = await runLawFirmCrashScenario({ invoices: Number(process.env.CRASH_LAWFIRM_INVOICES ?? 200), kills, minUpMs: 700, maxUpMs: 3_000, seed: 7, daysPerSecond: 0.5, days: Number(process.env.CRASH_DAYS ?? 70), faults: true, transport: 'file-drop' });
    out['fileDrop'] = report;
    ok &&= lawfirmOk(report, kills);
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  if (!ok) {
    process.stderr.write('crash test FAILED\n');
    process.exitCode = 1;
  }
}

function lawfirmOk(report: LawFirmCrashReport, kills: number): boolean {
  const f = report.firm;
  const failures = report.actions.failures;
  return (
    report.kills >= Math.min(kills, 20) &&
    report.actions.pending === 0 &&
    failures.every((x) => DATA_PROBLEM.test(x) || /EMAIL_RECIPIENT_REJECTED/.test(x)) &&
    failures.filter((x) => /EMAIL_RECIPIENT_REJECTED/.test(x)).length <= 1 &&
    report.email.missing === 0 &&
    report.sms.duplicates === 0 &&
    report.notes.duplicates === 0 &&
    report.journalsAgree &&
    f.files > 0 &&
    f.unknownFiles === 0 &&
    f.casesWithSeveralFiles === 0 &&
    f.dossiersWithoutTheirFile === 0 &&
    f.approvedNotHandedOver === 0 &&
    f.eventsMissing === 0 &&
    f.eventsAppliedTwice === 0 &&
    f.statesOutOfOrder === 0 &&
    f.notesMismatched === 0
  );
}

void main();
