import { runCrashScenario } from './crash-scenario';

/** `npm run test:crash`: the full crash test (at least 1,000 cases, 20 kills); prints the report as JSON. */
async function main(): Promise<void> {
  const report = await runCrashScenario({ invoices: Number(process.env.CRASH_INVOICES ?? 5_600), kills: Number(process.env.CRASH_KILLS ?? 20), minUpMs: 1_000, maxUpMs: 4_000, seed: 3 });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const ok = report.cases >= 1_000 && report.actions.pending === 0 && report.actions.failures.every((f) => /SMS_NO_NUMBER|LETTER_NO_ADDRESS|has no e-mail address/.test(f)) && report.email.missing === 0 && report.email.unknown === 0 && report.sms.duplicates === 0 && report.sms.missing === 0 && report.notes.duplicates === 0 && report.journalsAgree;
  if (!ok) {
    process.stderr.write('crash test FAILED\n');
    process.exitCode = 1;
  }
}

void main();
