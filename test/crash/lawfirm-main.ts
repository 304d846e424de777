import { runLawFirmCrashScenario } from './lawfirm-crash-scenario';

void (async () => {
  const report = await runLawFirmCrashScenario({ invoices: Number(process.env.CRASH_INVOICES ?? 200), kills: Number(process.env.CRASH_KILLS ?? 6), minUpMs: 1_000, maxUpMs: 4_000, seed: 5, daysPerSecond: Number(process.env.CRASH_DAYS_PER_SECOND ?? 1), days: Number(process.env.CRASH_DAYS ?? 50) });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
})();
