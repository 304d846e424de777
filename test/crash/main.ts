import { runCrashScenario, type CrashReport } from './crash-scenario';
import { startPrivatePostgres, startPrivateRedis } from './private-services';
import { runLawFirmCrashScenario, type LawFirmCrashReport } from './lawfirm-crash-scenario';

const DATA_PROBLEM = /SMS_NO_NUMBER|LETTER_NO_ADDRESS|has no e-mail address/;

/**
 * `npm run test:crash`: the full crash campaign, printed as JSON — the portfolio test (at least
 * 1,000 cases, 20 kills) and the whole loop to the law firm (20 kills through escalation,
 * hand-off, webhooks, polling and procedure notes, with faults: SMTP 451 then 550, Odoo 503s,
 * the firm down, 429, 500 and a lost answer, SMS and postal 503s), the same loop through the file
 * drop (damaged, duplicated and out-of-order status files), and two daemons on PostgreSQL and
 * BullMQ through a Redis restart and a PostgreSQL stop. `CRASH_ONLY=portfolio|lawfirm|file-drop|outages`
 * runs one.
 */
async function main(): Promise<void> {
  const only = process.env.CRASH_ONLY;
  const kills = Number(process.env.CRASH_KILLS ?? 20);
  let ok = true;
  const out: Record<string, unknown> = {};
  if (only === undefined || only === 'portfolio') {
    const report = await runCrashScenario({
      invoices: Number(process.env.CRASH_INVOICES ?? 5_600),
      kills,
      minUpMs: 1_000,
      maxUpMs: 4_000,
      seed: 3,
    });
    out['portfolio'] = report;
    ok &&= portfolioOk(report, 1_000);
  }
  if (only === undefined || only === 'lawfirm') {
    const report = await runLawFirmCrashScenario({
      invoices: Number(process.env.CRASH_LAWFIRM_INVOICES ?? 200),
      kills,
      minUpMs: 700,
      maxUpMs: 3_000,
      seed: 5,
      daysPerSecond: 0.5,
      days: Number(process.env.CRASH_DAYS ?? 70),
      faults: true,
    });
    out['lawfirm'] = report;
    ok &&= lawfirmOk(report, kills);
  }
  if (only === undefined || only === 'file-drop') {
    const report = await runLawFirmCrashScenario({
      invoices: Number(process.env.CRASH_LAWFIRM_INVOICES ?? 200),
      kills,
      minUpMs: 700,
      maxUpMs: 3_000,
      seed: 7,
      daysPerSecond: 0.5,
      days: Number(process.env.CRASH_DAYS ?? 70),
      faults: true,
      transport: 'file-drop',
    });
    out['fileDrop'] = report;
    ok &&= lawfirmOk(report, kills);
  }
  if (only === undefined || only === 'outages') {
    const outages = await outagesRun();
    out['outages'] = outages;
    ok &&= outages !== undefined && portfolioOk(outages.report, 1) && outages.report.email.resentAfterCrash === 0;
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  if (!ok) {
    process.stderr.write('crash test FAILED\n');
    process.exitCode = 1;
  }
}

function portfolioOk(report: CrashReport, minCases: number): boolean {
  return (
    report.cases >= minCases &&
    report.actions.pending === 0 &&
    report.actions.failures.every((f) => DATA_PROBLEM.test(f)) &&
    report.email.missing === 0 &&
    report.email.unknown === 0 &&
    report.sms.duplicates === 0 &&
    report.sms.missing === 0 &&
    report.notes.duplicates === 0 &&
    report.journalsAgree
  );
}

/**
 * Two daemons on a PostgreSQL store and BullMQ, both servers the campaign's own: Redis restarted
 * (down 3 s) while they work, then PostgreSQL stopped for 8 s — nothing lost, nothing twice,
 * nothing temporary failed for good. Undefined when PostgreSQL is not installed here.
 */
async function outagesRun(): Promise<{ report: CrashReport; outages: string[] } | undefined> {
  const redis = await startPrivateRedis();
  const postgres = await startPrivatePostgres();
  if (!postgres) {
    await redis.stop();
    return undefined;
  }
  const outages: string[] = [];
  const began = Date.now();
  const note = (what: string) => outages.push(`${Math.round((Date.now() - began) / 1000)} s: ${what}`);
  try {
    const report = await runCrashScenario({
      invoices: Number(process.env.CRASH_OUTAGE_INVOICES ?? 5_600),
      kills: 0,
      workers: 2,
      minUpMs: 1_000,
      maxUpMs: 2_000,
      seed: 29,
      scaledOut: { postgresUrl: postgres.url, schema: 'recouvra_outages', redisUrl: redis.url, redisPrefix: 'outages' },
      // Each while the outbox is sending: once the first e-mails arrived, then once more have.
      during: async (seen) => {
        const after = async (mails: number) => {
          while (seen.mailReceived() < mails) await sleep(100);
        };
        await after(1);
        note(
          `Redis stopped for 3 s, then started again (its append-only file kept), after ${seen.mailReceived()} e-mail(s)`,
        );
        await redis.restart(3_000);
        await after(seen.mailReceived() + 20);
        note(`PostgreSQL stopped for 8 s, then started again, after ${seen.mailReceived()} e-mail(s)`);
        await postgres.restart(8_000);
      },
    });
    return { report, outages };
  } finally {
    await redis.stop();
    await postgres.stop();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
