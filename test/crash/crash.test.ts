import { runCrashScenario } from './crash-scenario';

/**
 * The crash test in a reduced size (the full one: `npm run test:crash`). Needs the built CLI
 * (`npm test` builds first).
 */
const DATA_PROBLEM = /SMS_NO_NUMBER|LETTER_NO_ADDRESS|has no e-mail address/;

describe('crash test: SIGKILL at random moments, then restart', () => {
  it('no e-mail, SMS or note twice; nothing decided is missing; the journals agree', async () => {
    const report = await runCrashScenario({ invoices: 120, kills: 6, minUpMs: 700, maxUpMs: 2_500, seed: 11 });
    expect(report.cases).toBeGreaterThan(20);
    expect(report.actions.done).toBeGreaterThan(20);
    // What fails is what would fail without any crash: a debtor without a mobile number, an address or an e-mail.
    expect(report.actions.failures.filter((f) => !DATA_PROBLEM.test(f))).toEqual([]);
    expect(report.actions.pending).toBe(0);
    // E-mail: the receiving side recognises a message resent after a crash by its Message-ID.
    expect(report.email).toMatchObject({ missing: 0, unknown: 0 });
    expect(report.email.distinctReceived).toBe(report.email.sent + report.email.deliveredThenRefused);
    expect(report.sms).toMatchObject({ duplicates: 0, missing: 0 });
    expect(report.sms.received).toBe(report.sms.sent);
    expect(report.notes.duplicates).toBe(0);
    expect(report.notes.inOdoo).toBeGreaterThanOrEqual(report.notes.written);
    expect(report.journalsAgree).toBe(true);
  }, 240_000);
});
