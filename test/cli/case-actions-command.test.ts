import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import {
  runApprovals,
  runApprove,
  runCallResult,
  runCaseJournal,
  runCaseShow,
  runItemMark,
  runPause,
  runPromise,
  runReject,
  runResume,
} from '../../connector/app/cli/case-actions-command';
import type { CommandResult } from '../../connector/app/cli/command-result';
import { buildProgram } from '../../connector/app/cli/main';
import { typedAmount, toMinorUnits } from '../../connector/app/cli/operation-arguments';
import { runFailedJobs, runQuarantine } from '../../connector/app/cli/ops-command';
import { cliUser } from '../../connector/app/cli/store-command';
import { buildApi } from '../../connector/app/http/api';
import { JOB_NAMES } from '../../connector/jobs/job-queue';
import { openJobQueue } from '../../connector/jobs/open-queue';
import { formatMoney } from '../../connector/model/money.schema';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { addDays, dateInZone } from '../../connector/time/calendar-date';
import type { Clock } from '../../connector/time/clock';
import { caseAwaitingFormalNotice, CASE_ID, CREDIT, handClock, phoneTask, R1, R2, seed } from '../cases/case-fixtures';
import { memoryLogger } from '../helpers/logger';
import { captureOutput } from './odoo-fixture';
import { saveSyncPage } from '../../connector/sync/save-page';
import { jobStoreOf } from '../../connector/store/job-store';

/**
 * The controller's commands on a real SQLite file store named by a configuration file, as
 * `recouvra` runs them: the journal names the OS user, refusals are one line and exit 1, and
 * `--json` prints what the HTTP API answers for the same operation.
 */

const ME = `cli:${userInfo().username}`;
/** The fixtures' world: the formal notice of the case was decided on 2025-03-22. */
const MONDAY = '2025-03-24T09:00:00.000Z';
const fr = (minor: number) => formatMoney(minor, 'EUR', 'fr-FR');

interface World {
  dir: string;
  path: string;
  config: string;
}

async function world(prepare: (store: Store) => Promise<unknown> = seed, configExtra = ''): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-cli-ops-'));
  const path = join(dir, 'store.sqlite');
  await inStore(path, async (store) => {
    await store.migrate();
    await prepare(store);
  });
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `version: 1\n${configExtra}store:\n  driver: sqlite\n  sqlite:\n    path: ${path}\n`);
  return { dir, path, config };
}

async function inStore<T>(path: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(path);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function refused(r: CommandResult, message: string): void {
  expect(r).toEqual({ exitCode: 1, stdout: '', stderr: `${message}\n` });
}

function ok(r: CommandResult): string {
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return r.stdout;
}

/** Today in the company's time zone by the system clock. */
function todayInParis(): string {
  return dateInZone(new Date(), 'Europe/Paris');
}

describe('the CLI actor', () => {
  it('is a user named cli:<OS user>, from the environment when the OS has no entry for the uid', () => {
    expect(cliUser()).toBe(ME);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the spy must patch the module object the code under test reads
    const info = jest.spyOn(require('node:os') as typeof import('node:os'), 'userInfo').mockImplementation(() => {
      throw new Error('no passwd entry');
    });
    try {
      expect(cliUser({ USER: 'claire' })).toBe('cli:claire');
      expect(cliUser({})).toBe('cli:unknown');
    } finally {
      info.mockRestore();
    }
  });
});

describe('amounts typed in major units', () => {
  it.each([
    ['12,50', 'EUR', 1250],
    ['12.5', 'EUR', 1250],
    ['12', 'EUR', 1200],
    ['0.29', 'EUR', 29],
    ['1 234,56', 'EUR', 123456],
    ['1\u202f234,56', 'EUR', 123456],
    ['012,05', 'EUR', 1205],
    ['12', 'JPY', 12],
    ['1.005', 'KWD', 1005],
    ['90071992547409.91', 'EUR', 9007199254740991],
  ])('%s %s is %d minor units', (typed, currency, minor) => {
    expect(toMinorUnits(typedAmount(typed)!, currency)).toBe(minor);
  });

  it.each([
    ['12.345', 'EUR', '--amount 12.345 has 3 decimals: EUR amounts have at most 2'],
    ['12.5', 'JPY', '--amount 12.5 has 1 decimals: JPY amounts have none'],
    ['90071992547409.93', 'EUR', '--amount 90071992547409.93 is too large'],
  ])('%s %s is refused', (typed, currency, message) => {
    expect(() => toMinorUnits(typedAmount(typed)!, currency)).toThrow(message);
  });

  it.each(['12.', ',5', '-12', '1e3', '12,5,0', '1.234,56', '12 34', 'douze', '0', '0,00'])(
    '"%s" is not an amount',
    (typed) => {
      expect(() => typedAmount(typed)).toThrow(/--amount must be/);
    },
  );
});

describe('recouvra approve, reject, cases pause|resume', () => {
  it('approve performs the pending step under the CLI user; a second approve is refused with exit 1 and the stage', async () => {
    const w = await world(caseAwaitingFormalNotice);
    // Read before and after: the command may straddle midnight.
    const before = todayInParis();
    const out = ok(await runApprove({ config: w.config, caseId: CASE_ID }));
    const days = [before, todayInParis()];
    expect(out).toBe(
      `Approved formal-notice on case ${CASE_ID} (Garage Lemoine SARL): registered_letter + email + ledger_note queued for the daemon; the case is now formal_notice.\n`,
    );
    const journalLength = await inStore(w.path, async (store) => {
      const c = (await store.cases.getCase(CASE_ID))!;
      expect(c).toMatchObject({ stage: 'formal_notice', pendingApproval: null, lastStep: { stepId: 'formal-notice' } });
      // The system clock, read in the company's time zone.
      expect(days).toContain(c.lastStep!.on);
      const approved = (await store.outbox.listActions({ caseId: CASE_ID })).filter((a) =>
        a.idempotencyKey.includes('/approved/'),
      );
      expect(approved.map((a) => a.kind).sort()).toEqual(['email', 'ledger_note', 'registered_letter']);
      const journal = await store.cases.readJournal(CASE_ID);
      expect(journal.at(-1)).toMatchObject({
        type: 'approved',
        actor: { kind: 'user', id: ME },
        summary: `formal-notice approved by ${ME}: registered_letter + email + ledger_note queued`,
      });
      return journal.length;
    });

    refused(
      await runApprove({ config: w.config, caseId: CASE_ID }),
      `case ${CASE_ID} is formal_notice, not awaiting approval (NOT_AWAITING_APPROVAL)`,
    );
    await inStore(w.path, async (store) => expect(await store.cases.readJournal(CASE_ID)).toHaveLength(journalLength));
  });

  it('approve of a case with nothing pending is refused, and nothing is queued', async () => {
    const w = await world(seed);
    refused(
      await runApprove({ config: w.config, caseId: CASE_ID }),
      `case ${CASE_ID} is open, not awaiting approval (NOT_AWAITING_APPROVAL)`,
    );
    await inStore(w.path, async (store) => {
      expect(await store.outbox.listActions({ caseId: CASE_ID })).toEqual([]);
      expect(await store.cases.readJournal(CASE_ID)).toEqual([]);
    });
  });

  it('reject journals the reason and puts the case back at the stage of its last step', async () => {
    const w = await world(caseAwaitingFormalNotice);
    const out = ok(await runReject({ config: w.config, caseId: CASE_ID, reason: '  negotiating a payment plan ' }));
    expect(out).toBe(
      `Rejected formal-notice on case ${CASE_ID} (Garage Lemoine SARL): negotiating a payment plan. The case is back at reminding.\n`,
    );
    await inStore(w.path, async (store) => {
      expect(await store.cases.getCase(CASE_ID)).toMatchObject({ stage: 'reminding', pendingApproval: null });
      expect((await store.cases.readJournal(CASE_ID)).at(-1)).toMatchObject({
        type: 'rejected',
        actor: { kind: 'user', id: ME },
        data: { reason: 'negotiating a payment plan' },
      });
    });
  });

  it('pause until a date, then resume: the case records both, the journal names the CLI user', async () => {
    const w = await world(seed);
    const until = addDays(todayInParis(), 30);
    expect(
      ok(await runPause({ config: w.config, caseId: CASE_ID, reason: 'the debtor called about a refund', until })),
    ).toBe(
      `Paused until ${until} included: the debtor called about a refund — case ${CASE_ID} (Garage Lemoine SARL).\n`,
    );
    await inStore(w.path, async (store) =>
      expect((await store.cases.getCase(CASE_ID))!.manualPause).toEqual({
        reason: 'the debtor called about a refund',
        until,
      }),
    );
    expect(ok(await runResume({ config: w.config, caseId: CASE_ID }))).toBe(
      `Resumed case ${CASE_ID} (Garage Lemoine SARL): dunning goes on from stage open.\n`,
    );
    await inStore(w.path, async (store) => {
      expect((await store.cases.getCase(CASE_ID))!.manualPause).toBeNull();
      expect((await store.cases.readJournal(CASE_ID)).map((e) => [e.type, e.actor.id])).toEqual([
        ['paused', ME],
        ['resumed', ME],
      ]);
    });
    refused(
      await runResume({ config: w.config, caseId: CASE_ID }),
      `case ${CASE_ID} is open and not paused (NOT_PAUSED)`,
    );
  });

  it('today is the business date of the company time zone: a pause until yesterday there is refused', async () => {
    // 2025-03-24 12:00 UTC is already 25 March on Kiritimati (UTC+14).
    const clock: Clock = handClock('2025-03-24T12:00:00.000Z');
    const paris = await world(seed);
    const kiritimati = await world(seed, 'company:\n  timezone: Pacific/Kiritimati\n');
    ok(await runPause({ config: paris.config, caseId: CASE_ID, reason: 'wait', until: '2025-03-24', clock }));
    refused(
      await runPause({ config: kiritimati.config, caseId: CASE_ID, reason: 'wait', until: '2025-03-24', clock }),
      'a pause until 2025-03-24 would already be over (today is 2025-03-25) (PAUSE_IN_THE_PAST)',
    );
  });
});

describe('recouvra items, promise, call-result', () => {
  const clock = handClock(MONDAY);

  it('dispute, undispute, exclude, include change the item in the store and journal each change', async () => {
    const w = await world(seed);
    expect(
      ok(await runItemMark({ config: w.config, mark: 'dispute', itemId: R1.id, reason: 'goods returned', clock })),
    ).toBe(
      `FAC-2025-0101 (invoice, ${fr(100_000)} open) is disputed: goods returned — case ${CASE_ID} (Garage Lemoine SARL).\n`,
    );
    await inStore(w.path, async (store) =>
      expect((await store.sync.getReceivable(R1.id))!.disputed).toEqual({
        reason: 'goods returned',
        since: '2025-03-24',
      }),
    );
    ok(await runItemMark({ config: w.config, mark: 'undispute', itemId: R1.id, clock }));
    ok(await runItemMark({ config: w.config, mark: 'exclude', itemId: R2.id, reason: 'paid by the insurer', clock }));
    await inStore(w.path, async (store) => {
      expect((await store.sync.getReceivable(R1.id))!.disputed).toBeNull();
      expect((await store.sync.getReceivable(R2.id))!.excluded).toEqual({
        reason: 'paid by the insurer',
        since: '2025-03-24',
      });
    });
    expect(ok(await runItemMark({ config: w.config, mark: 'include', itemId: R2.id, clock }))).toContain(
      `FAC-2025-0102 (invoice, ${fr(50_000)} open) is included in dunning again`,
    );
    refused(
      await runItemMark({ config: w.config, mark: 'include', itemId: R2.id, clock }),
      `item ${R2.id} is not excluded (NOT_EXCLUDED)`,
    );
    await inStore(w.path, async (store) => {
      expect((await store.sync.getReceivable(R2.id))!.excluded).toBeNull();
      expect(
        (await store.cases.readJournal(CASE_ID)).map((e) => `${e.type} ${e.actor.kind}:${e.actor.id} ${e.summary}`),
      ).toEqual([
        `item_disputed user:${ME} FAC-2025-0101 disputed by ${ME}: goods returned`,
        `item_disputed user:${ME} FAC-2025-0101: dispute lifted by ${ME}`,
        `item_excluded user:${ME} FAC-2025-0102 excluded by ${ME}: paid by the insurer`,
        `item_excluded user:${ME} FAC-2025-0102: exclusion lifted by ${ME}`,
      ]);
    });
  });

  it('promise --amount "12,50" is 1250 cents; "1 000,50" on the case covers the oldest invoice first', async () => {
    const w = await world(seed);
    expect(ok(await runPromise({ config: w.config, itemId: R2.id, date: '2025-04-05', amount: '12,50', clock }))).toBe(
      `Promise to pay recorded on case ${CASE_ID} (Garage Lemoine SARL):\n    FAC-2025-0102      ${fr(1250).padStart(14)} by 2025-04-05 of ${fr(50_000)} open  [${R2.id}]\n`,
    );
    await inStore(w.path, async (store) =>
      expect((await store.sync.getReceivable(R2.id))!.promiseToPay).toEqual({
        date: '2025-04-05',
        amount: 1250,
        recordedOn: '2025-03-24',
      }),
    );
    ok(await runPromise({ config: w.config, caseId: CASE_ID, date: '2025-04-10', amount: '1 000,50', clock }));
    await inStore(w.path, async (store) => {
      expect((await store.sync.getReceivable(R1.id))!.promiseToPay).toEqual({
        date: '2025-04-10',
        amount: 100_000,
        recordedOn: '2025-03-24',
      });
      expect((await store.sync.getReceivable(R2.id))!.promiseToPay).toEqual({
        date: '2025-04-10',
        amount: 50,
        recordedOn: '2025-03-24',
      });
      expect((await store.cases.readJournal(CASE_ID)).map((e) => [e.type, e.actor.id, e.data['amount']])).toEqual([
        ['promise_to_pay', ME, 1250],
        ['promise_to_pay', ME, 100_050],
      ]);
    });
  });

  it('promise --amount "12.345" in EUR is refused and changes nothing; so is a date already past', async () => {
    const w = await world(seed);
    refused(
      await runPromise({ config: w.config, itemId: R1.id, date: '2025-04-05', amount: '12.345', clock }),
      '--amount 12.345 has 3 decimals: EUR amounts have at most 2',
    );
    refused(
      await runPromise({ config: w.config, caseId: CASE_ID, date: '2025-03-23', clock }),
      'a promise to pay by 2025-03-23 is already due (today is 2025-03-24) (PROMISE_IN_THE_PAST)',
    );
    refused(
      await runPromise({ config: w.config, caseId: CASE_ID, date: '2025-04-05', amount: '1500,01', clock }),
      `${fr(150_001)} promised is more than the ${fr(150_000)} open (PROMISE_ABOVE_OPEN)`,
    );
    refused(
      await runPromise({ config: w.config, itemId: CREDIT.id, date: '2025-04-05', clock }),
      `item ${CREDIT.id} is a credit note: only an invoice can be promised (NOT_AN_INVOICE)`,
    );
    await inStore(w.path, async (store) => {
      expect((await store.sync.listReceivablesOfCase(CASE_ID)).map((r) => r.promiseToPay)).toEqual([null, null, null]);
      expect(await store.cases.readJournal(CASE_ID)).toEqual([]);
    });
  });

  it('call-result journals the call under the CLI user, and a promise made on the phone', async () => {
    const w = await world(async (store) => {
      await seed(store);
      await phoneTask(store);
    });
    expect(ok(await runCallResult({ config: w.config, actionId: 'act-phone', outcome: 'no_answer', clock }))).toBe(
      `Call result recorded on case ${CASE_ID} (Garage Lemoine SARL): no answer.\n`,
    );
    expect(
      ok(
        await runCallResult({
          config: w.config,
          actionId: 'act-phone',
          outcome: 'promise',
          note: 'will pay on Friday',
          date: '2025-03-28',
          amount: '300',
          clock,
        }),
      ),
    ).toBe(
      `Call result recorded on case ${CASE_ID} (Garage Lemoine SARL): promise (will pay on Friday). Promise to pay ${fr(30_000)} by 2025-03-28.\n`,
    );
    await inStore(w.path, async (store) => {
      expect((await store.cases.readJournal(CASE_ID)).map((e) => [e.type, e.actor.id, e.summary])).toEqual([
        ['note', ME, `phone call by ${ME}: no answer`],
        ['note', ME, `phone call by ${ME}: the debtor promised to pay (will pay on Friday)`],
        ['promise_to_pay', ME, `promise to pay ${fr(30_000)} by 2025-03-28, recorded by ${ME}`],
      ]);
      expect((await store.sync.getReceivable(R1.id))!.promiseToPay).toEqual({
        date: '2025-03-28',
        amount: 30_000,
        recordedOn: '2025-03-24',
      });
    });
    refused(
      await runCallResult({ config: w.config, actionId: 'act-mail', outcome: 'reached', clock }),
      'action act-mail is not a phone task (its kind is email) (NOT_A_PHONE_TASK)',
    );
  });
});

describe('unknown ids', () => {
  it('every command names the id it did not find, exit 1', async () => {
    const w = await world(seed);
    const config = w.config;
    const nope = 'case_000000000000000000000000';
    refused(
      await runCaseShow({ config, caseId: nope }),
      `no case ${nope}: searched case ids, item ids and invoice numbers (CASE_NOT_FOUND)`,
    );
    refused(
      await runCaseJournal({ config, caseId: nope }),
      `no case ${nope}: searched case ids, item ids and invoice numbers (CASE_NOT_FOUND)`,
    );
    refused(
      await runApprove({ config, caseId: nope }),
      `no case ${nope}: searched case ids, item ids and invoice numbers (CASE_NOT_FOUND)`,
    );
    refused(
      await runReject({ config, caseId: nope, reason: 'no' }),
      `no case ${nope}: searched case ids, item ids and invoice numbers (CASE_NOT_FOUND)`,
    );
    refused(
      await runPause({ config, caseId: nope, reason: 'no' }),
      `no case ${nope}: searched case ids, item ids and invoice numbers (CASE_NOT_FOUND)`,
    );
    refused(
      await runResume({ config, caseId: nope }),
      `no case ${nope}: searched case ids, item ids and invoice numbers (CASE_NOT_FOUND)`,
    );
    refused(
      await runItemMark({ config, mark: 'dispute', itemId: 'odoo:move:999', reason: 'x' }),
      'no item odoo:move:999: searched item ids and invoice numbers (ITEM_NOT_FOUND)',
    );
    refused(
      await runPromise({ config, caseId: nope, date: '2099-01-01', amount: '10' }),
      `no case ${nope}: searched case ids, item ids and invoice numbers (CASE_NOT_FOUND)`,
    );
    refused(
      await runPromise({ config, itemId: 'odoo:move:999', date: '2099-01-01' }),
      'no item odoo:move:999: searched item ids and invoice numbers (ITEM_NOT_FOUND)',
    );
    refused(
      await runCallResult({ config, actionId: 'act-none', outcome: 'reached' }),
      'no action act-none (ACTION_NOT_FOUND)',
    );
  });

  it('an operation on a configuration whose store does not exist says so and creates none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recouvra-cli-ops-'));
    const path = join(dir, 'nothing.sqlite');
    const config = join(dir, 'c.yaml');
    writeFileSync(config, `version: 1\nstore:\n  driver: sqlite\n  sqlite:\n    path: ${path}\n`);
    refused(
      await runApprove({ config, caseId: CASE_ID }),
      `there is no store at ${path} yet (run \`recouvra sync --once\` first)`,
    );
    expect(ok(await runApprovals({ config, json: true }))).toBe('{\n  "approvals": [],\n  "next": null\n}\n');
    expect(ok(await runQuarantine({ config }))).toBe(
      `No quarantined records: there is no store at ${path} yet (run \`recouvra sync --once\` first).\n`,
    );
    expect(existsSync(path)).toBe(false);
  });
});

describe('argument errors are refused before the store is opened', () => {
  // A store that does not exist: had a command opened it, it would say so instead.
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-cli-ops-'));
  const path = join(dir, 'untouched.sqlite');
  const config = join(dir, 'c.yaml');
  writeFileSync(config, `version: 1\nstore:\n  driver: sqlite\n  sqlite:\n    path: ${path}\n`);
  afterAll(() => expect(existsSync(path)).toBe(false));

  it.each<[string, () => Promise<CommandResult>, string]>([
    [
      'reject without a reason',
      () => runReject({ config, caseId: CASE_ID, reason: '   ' }),
      '--reason is required: say why the step is rejected',
    ],
    [
      'pause without a reason',
      () => runPause({ config, caseId: CASE_ID }),
      '--reason is required: say why dunning stops',
    ],
    [
      'pause until 30 February',
      () => runPause({ config, caseId: CASE_ID, reason: 'x', until: '2026-02-30' }),
      '--until must be a calendar date written YYYY-MM-DD, got "2026-02-30"',
    ],
    [
      'dispute without a reason',
      () => runItemMark({ config, mark: 'dispute', itemId: R1.id }),
      '--reason is required: say what the debtor disputes',
    ],
    [
      'undispute with a reason',
      () => runItemMark({ config, mark: 'undispute', itemId: R1.id, reason: 'x' }),
      'undispute takes no --reason: it lifts the mark',
    ],
    ['promise without a date', () => runPromise({ config, caseId: CASE_ID }), '--date is required (YYYY-MM-DD)'],
    [
      'promise with a French date',
      () => runPromise({ config, caseId: CASE_ID, date: '05/04/2025' }),
      '--date must be a calendar date written YYYY-MM-DD, got "05/04/2025"',
    ],
    [
      'promise of a negative amount',
      () => runPromise({ config, caseId: CASE_ID, date: '2099-01-01', amount: '-5' }),
      '--amount must be an amount in major units with a dot or a comma, such as 120.50 or 120,50, got "-5"',
    ],
    [
      'promise of nothing',
      () => runPromise({ config, caseId: CASE_ID, date: '2099-01-01', amount: '0,00' }),
      '--amount must be above 0, got "0,00"',
    ],
    [
      'promise of a case and an item',
      () => runPromise({ config, caseId: CASE_ID, itemId: R1.id, date: '2099-01-01' }),
      'say what is promised: --case CASE or --item ITEM (one of them)',
    ],
    [
      'promise of neither',
      () => runPromise({ config, date: '2099-01-01' }),
      'say what is promised: --case CASE or --item ITEM (one of them)',
    ],
    [
      'call-result with an unknown outcome',
      () => runCallResult({ config, actionId: 'act-phone', outcome: 'maybe' }),
      '--outcome must be one of reached, no_answer, promise, dispute, wrong_number, got "maybe"',
    ],
    [
      'call-result with a date but no promise',
      () => runCallResult({ config, actionId: 'act-phone', outcome: 'reached', date: '2099-01-01' }),
      '--date and --amount go only with --outcome promise, not "reached"',
    ],
    [
      'call-result with an amount and no date',
      () => runCallResult({ config, actionId: 'act-phone', outcome: 'promise', amount: '10' }),
      'a promised --amount needs the --date it is promised by',
    ],
    [
      'journal after -1',
      () => runCaseJournal({ config, caseId: CASE_ID, after: '-1' }),
      `--after must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got "-1"`,
    ],
    [
      'approvals --limit 0',
      () => runApprovals({ config, limit: '0' }),
      '--limit must be a whole number from 1 to 500, got "0"',
    ],
    [
      'jobs failed --name fetch',
      () => runFailedJobs({ config, name: 'fetch' }),
      `--name must be one of ${JOB_NAMES.join(', ')}, got "fetch"`,
    ],
  ])('%s', async (_what, run, message) => {
    refused(await run(), message);
  });
});

describe('recouvra cases show, cases journal, approvals: the text a controller reads', () => {
  const clock = handClock(MONDAY);
  let w: World;
  beforeAll(async () => {
    w = await world(caseAwaitingFormalNotice);
  });

  it('cases show: debtor, amounts in French, the step waiting with the commands to act on it, items, the journal', async () => {
    const out = ok(await runCaseShow({ config: w.config, caseId: CASE_ID, clock }));
    const lines = out.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      `Garage Lemoine SARL (company) · awaiting_approval · EUR  [${CASE_ID}]`,
      `  open on 2025-03-24: net ${fr(140_000)} = invoices ${fr(150_000)} − credit notes ${fr(10_000)} · overdue ${fr(150_000)}`,
      '  last step: reminder-1 on 2025-03-15 · last contact: 2025-03-15',
      `  waiting for approval: formal-notice (formal notice by registered_letter + email), decided on 2025-03-22: recouvra approve ${CASE_ID} | recouvra reject ${CASE_ID} --reason TEXT`,
      '  3 open item(s):',
    ]);
    expect(lines.find((l) => l.includes('AV-2025-0001'))!.split(/ {2,}/)).toEqual([
      '',
      'AV-2025-0001',
      'credit note',
      'due 2025-03-12',
      fr(-10_000),
      `[${CREDIT.id}]`,
    ]);
    const journal = await inStore(w.path, (store) => store.cases.readJournal(CASE_ID));
    expect(journal.length).toBeGreaterThan(0);
    expect(out).toContain(`system:policy:test-approvals@2`);
    expect(out).toContain(journal.at(-1)!.summary);
  });

  it('cases journal --after SEQ: the entries after it, --json as GET /cases/:id/journal', async () => {
    const all = await inStore(w.path, (store) => store.cases.readJournal(CASE_ID));
    const after = all[0]!.seq!;
    const json = JSON.parse(
      ok(await runCaseJournal({ config: w.config, caseId: CASE_ID, after: String(after), json: true })),
    ) as unknown;
    expect(json).toEqual({ entries: all.slice(1), next: null });
    const text = ok(await runCaseJournal({ config: w.config, caseId: CASE_ID }));
    expect(text.trimEnd().split('\n')).toHaveLength(all.length + 1);
    expect(text).toContain(`#${all[0]!.seq}`);
    expect(text.trimEnd().split('\n').pop()).toBe(`${all.length} journal entries.`);
  });

  it('approvals lists the case with the step and the amounts the decision saw (net of the credit note)', async () => {
    const text = ok(await runApprovals({ config: w.config }));
    expect(text).toBe(
      `Garage Lemoine SARL · formal-notice (formal notice by registered_letter + email) · decided on 2025-03-22 · open ${fr(140_000)} · overdue ${fr(140_000)}  [${CASE_ID}]\n1 case(s) waiting for approval.\n`,
    );
  });
});

describe('--json prints what the HTTP API answers for the same operation', () => {
  const TOKEN = 'rcv_7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c9e';
  /** Decisions and actions get random ids: two worlds built alike differ only there. */
  const sameIds = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value).replace(
        /\b(dec|act)_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g,
        '$1_<id>',
      ),
    ) as unknown;

  it('on twin stores, each command and its route give the same object', async () => {
    const clock = handClock(MONDAY);
    const prepare = async (store: Store) => {
      await caseAwaitingFormalNotice(store);
      await saveSyncPage(store, {
        connection: 'odoo-main',
        stream: 'invoices',
        quarantined: [
          { sourceId: '404', reason: 'amount_residual is negative', raw: { id: 404 }, at: '2025-03-24T08:00:00.000Z' },
        ],
        at: '2025-03-24T08:00:00.000Z',
      });
      const now = clock.now().getTime();
      await jobStoreOf(store).enqueueJob({
        job: {
          id: 'sync/odoo-main/tick-1',
          name: 'sync',
          data: { connection: 'odoo-main' },
          maxAttempts: 1,
          backoffMs: 1_000,
          runAt: now,
        },
        now,
        completedRetentionMs: 0,
      });
      await jobStoreOf(store).claimJob({ names: ['sync'], now, leaseMs: 10_000, lockedBy: 'worker-1' });
      await jobStoreOf(store).settleJob({
        id: 'sync/odoo-main/tick-1',
        lockedBy: 'worker-1',
        now,
        outcome: { status: 'failed', error: 'ODOO_AUTH: the API key was refused' },
      });
    };
    const cli = await world(prepare);
    const apiWorld = await world(prepare);
    const store = await openSqliteStore(apiWorld.path);
    const queue = openJobQueue({ driver: 'store' }, { store, now: () => clock.now().getTime() });
    const app = buildApi({
      store,
      queue,
      config: { token: TOKEN, host: '127.0.0.1', port: 0 },
      clock,
      logger: memoryLogger().logger,
      timeZone: 'Europe/Paris',
    });
    await app.ready();
    const api = async (method: InjectOptions['method'], url: string, body?: unknown) => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${TOKEN}`, 'x-recouvra-user': ME },
        ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
      });
      expect(res.statusCode).toBe(200);
      return res.json<unknown>();
    };
    const args = { config: cli.config, json: true, clock };
    const same = async (
      command: Promise<CommandResult>,
      method: InjectOptions['method'],
      url: string,
      body?: unknown,
    ) => {
      const fromCli = JSON.parse(ok(await command)) as unknown;
      expect(sameIds(fromCli)).toEqual(sameIds(await api(method, url, body)));
      return fromCli;
    };
    try {
      await same(runCaseShow({ ...args, caseId: CASE_ID }), 'GET', `/cases/${CASE_ID}`);
      await same(runCaseJournal({ ...args, caseId: CASE_ID, after: '1' }), 'GET', `/cases/${CASE_ID}/journal?after=1`);
      const approvals = await same(runApprovals(args), 'GET', '/approvals');
      expect(approvals).toMatchObject({ approvals: [{ caseId: CASE_ID, step: { id: 'formal-notice' } }], next: null });
      const approved = await same(runApprove({ ...args, caseId: CASE_ID }), 'POST', `/cases/${CASE_ID}/approve`);
      expect(approved).toMatchObject({
        case: { stage: 'formal_notice' },
        actions: [{ kind: 'registered_letter' }, { kind: 'email' }, { kind: 'ledger_note' }],
      });
      await same(
        runPause({ ...args, caseId: CASE_ID, reason: 'called', until: '2025-04-30' }),
        'POST',
        `/cases/${CASE_ID}/pause`,
        { reason: 'called', until: '2025-04-30' },
      );
      await same(runResume({ ...args, caseId: CASE_ID }), 'POST', `/cases/${CASE_ID}/resume`);
      await same(
        runItemMark({ ...args, mark: 'dispute', itemId: R1.id, reason: 'goods returned' }),
        'POST',
        `/items/${R1.id}/dispute`,
        { reason: 'goods returned' },
      );
      await same(runItemMark({ ...args, mark: 'undispute', itemId: R1.id }), 'DELETE', `/items/${R1.id}/dispute`);
      await same(
        runItemMark({ ...args, mark: 'exclude', itemId: R2.id, reason: 'insurer' }),
        'POST',
        `/items/${R2.id}/exclude`,
        { reason: 'insurer' },
      );
      await same(runItemMark({ ...args, mark: 'include', itemId: R2.id }), 'DELETE', `/items/${R2.id}/exclude`);
      await same(
        runPromise({ ...args, caseId: CASE_ID, date: '2025-04-05', amount: '1200,00' }),
        'POST',
        `/cases/${CASE_ID}/promise`,
        { date: '2025-04-05', amount: 120_000 },
      );
      await same(runPromise({ ...args, itemId: R2.id, date: '2025-04-15' }), 'POST', `/items/${R2.id}/promise`, {
        date: '2025-04-15',
      });
      await phoneTask(store);
      await inStore(cli.path, (s) => phoneTask(s));
      await same(
        runCallResult({
          ...args,
          actionId: 'act-phone',
          outcome: 'promise',
          note: 'Friday',
          date: '2025-03-28',
          amount: '300',
        }),
        'POST',
        '/actions/act-phone/call-result',
        { outcome: 'promise', note: 'Friday', date: '2025-03-28', amount: 30_000 },
      );
      await same(runCaseJournal({ ...args, caseId: CASE_ID }), 'GET', `/cases/${CASE_ID}/journal`);
      await same(runQuarantine({ ...args, connection: 'odoo-main' }), 'GET', '/quarantine?connection=odoo-main');
      const jobs = await same(runFailedJobs({ ...args, name: 'sync' }), 'GET', '/jobs/failed?name=sync');
      expect(jobs).toMatchObject({
        jobs: [{ id: 'sync/odoo-main/tick-1', status: 'failed', error: 'ODOO_AUTH: the API key was refused' }],
      });
    } finally {
      await app.close();
      await queue.close();
      await store.close();
    }
  });

  it('reject, too', async () => {
    const clock = handClock(MONDAY);
    const cli = await world(caseAwaitingFormalNotice);
    const apiWorld = await world(caseAwaitingFormalNotice);
    const store = await openSqliteStore(apiWorld.path);
    const app = buildApi({
      store,
      config: { token: TOKEN, host: '127.0.0.1', port: 0 },
      clock,
      logger: memoryLogger().logger,
      timeZone: 'Europe/Paris',
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: `/cases/${CASE_ID}/reject`,
        headers: { authorization: `Bearer ${TOKEN}`, 'x-recouvra-user': ME },
        payload: { reason: 'payment plan' },
      });
      expect(res.statusCode).toBe(200);
      const fromCli = JSON.parse(
        ok(await runReject({ config: cli.config, json: true, clock, caseId: CASE_ID, reason: 'payment plan' })),
      ) as unknown;
      expect(sameIds(fromCli)).toEqual(sameIds(res.json()));
    } finally {
      await app.close();
      await store.close();
    }
  });
});

describe('wired into the recouvra program', () => {
  const run = async (argv: string[]) => {
    const before = process.exitCode;
    try {
      const { stdout, stderr } = await captureOutput(() => buildProgram().parseAsync(['node', 'recouvra', ...argv]));
      return { exitCode: process.exitCode, stdout, stderr };
    } finally {
      process.exitCode = before;
    }
  };

  it('approve, items dispute, promise --item, cases show, jobs failed, quarantine parse their arguments and act on the configured store', async () => {
    const w = await world(caseAwaitingFormalNotice);
    const approved = await run(['approve', CASE_ID, '-c', w.config, '--json']);
    expect(approved).toMatchObject({ exitCode: 0, stderr: '' });
    expect(JSON.parse(approved.stdout)).toMatchObject({ case: { id: CASE_ID, stage: 'formal_notice' } });

    expect(await run(['approve', CASE_ID, '--config', w.config])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `case ${CASE_ID} is formal_notice, not awaiting approval (NOT_AWAITING_APPROVAL)\n`,
    });

    const disputed = await run(['items', 'dispute', R1.id, '--reason', 'goods returned', '-c', w.config]);
    expect(disputed).toMatchObject({ exitCode: 0, stderr: '' });
    expect(disputed.stdout).toContain(`FAC-2025-0101 (invoice, ${fr(100_000)} open) is disputed: goods returned`);

    const date = addDays(todayInParis(), 10);
    expect(await run(['promise', '--item', R2.id, '--date', date, '--amount', '12,50', '-c', w.config])).toMatchObject({
      exitCode: 0,
      stderr: '',
    });
    expect(await run(['promise', '--item', R2.id, '--date', date, '--amount', '12.345', '-c', w.config])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: '--amount 12.345 has 3 decimals: EUR amounts have at most 2\n',
    });
    expect(await run(['cases', 'pause', CASE_ID, '--reason', 'x', '--until', '2026-13-01', '-c', w.config])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: '--until must be a calendar date written YYYY-MM-DD, got "2026-13-01"\n',
    });

    await inStore(w.path, async (store) => {
      expect((await store.sync.getReceivable(R1.id))!.disputed).toMatchObject({ reason: 'goods returned' });
      expect((await store.sync.getReceivable(R2.id))!.promiseToPay).toMatchObject({ date, amount: 1250 });
      expect((await store.cases.readJournal(CASE_ID)).slice(-3).map((e) => [e.type, e.actor])).toEqual([
        ['approved', { kind: 'user', id: ME }],
        ['item_disputed', { kind: 'user', id: ME }],
        ['promise_to_pay', { kind: 'user', id: ME }],
      ]);
    });

    const shown = await run(['cases', 'show', CASE_ID, '-c', w.config]);
    expect(shown.stdout).toContain(`promised by ${date} (${fr(1250)})`);
    expect(shown.stdout).toContain(`disputed since`);
    expect(await run(['jobs', 'failed', '-c', w.config, '--json'])).toEqual({
      exitCode: 0,
      stdout: '{\n  "jobs": []\n}\n',
      stderr: '',
    });
    expect(await run(['quarantine', '-c', w.config])).toEqual({
      exitCode: 0,
      stdout: '0 quarantined record(s).\n',
      stderr: '',
    });
  });
});
