import { adapterRegistry } from '../../../adapters/registry';
import { connectionWriteBack } from '../../sync/connections';
import { readFile } from 'node:fs/promises';
import {
  ACTION_KIND_TEXT,
  CaseOperations,
  JOURNAL_PAGE_MAX,
  listApprovals,
  listNeedingAttention,
  NotFoundError,
  pendingDecision,
  readCaseDetail,
  readJournalPage,
  resolveCaseId,
  resolveItemId,
  type PromiseInput,
  type PromiseTarget,
  type RecordedStep,
} from '../../cases';
import type { Case } from '../../model/case.schema';
import type { Receivable } from '../../model/receivable.schema';
import type { Store } from '../../store/store';
import { businessDate } from '../../time/clock';
import {
  debtorName,
  describePause,
  journalLine,
  money,
  renderApprovals,
  renderAttention,
  renderCaseDetail,
  type TextView,
} from './case-text';
import { OutputClosed } from './cases-command';
import type { CommandResult } from './command-result';
import { APPROVALS_PAGE, CALL_OUTCOMES } from './definitions/option-values';
import {
  optionalDate,
  optionalText,
  referenceScope,
  requireDate,
  requireId,
  requireText,
  toMinorUnits,
  typedAmount,
  wholeNumber,
  type TypedAmount,
} from './operation-arguments';
import {
  ArgumentError,
  clockOf,
  cliUser,
  messageOf,
  runStoreCommand,
  toJson,
  withConfiguredStore,
  type ConfiguredStore,
  type StoreCommandArgs,
} from './store-command';

/**
 * The controller's commands, twins of the HTTP API's case routes (connector/app/http/case-routes.ts):
 * the same readers and the same CaseOperations, on the store the configuration names, with the
 * OS user as the journal's actor. `--json` prints the object the API answers.
 */

interface Session {
  store: Store;
  ops: CaseOperations;
  who: string;
  view: TextView;
  json: boolean;
}

function session({ config, store }: ConfiguredStore, args: StoreCommandArgs): Session {
  const timeZone = config.company.timezone;
  return {
    store,
    ops: new CaseOperations({
      store,
      clock: clockOf(args),
      timeZone,
      locale: config.company.locale,
      ledgerWriteBack: connectionWriteBack(config.connections, adapterRegistry),
    }),
    who: cliUser(args.env),
    view: { locale: config.company.locale, timeZone },
    json: args.json ?? false,
  };
}

async function caseLabel(s: Session, c: Case): Promise<string> {
  const debtor = await s.store.sync.getDebtor(c.debtorId);
  return `case ${c.id} (${debtorName(debtor ?? null, c)})`;
}

// ---------------------------------------------------------------- reading

export interface CaseArgs extends StoreCommandArgs {
  /** A case id, the case reference printed in letters and notes, an item id or an invoice number (`INV/2025/00137`). */
  caseId?: string;
  /** The connection an invoice number is looked up in, when it is in several. */
  connection?: string;
}

/** `recouvra cases show CASE`: GET /cases/:id, and in text the last lines of the journal. */
export async function runCaseShow(args: CaseArgs): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => ({ ref: requireId(args.caseId, 'case'), scope: referenceScope(args.connection) }),
    async (opened, { ref, scope }) => {
      const s = session(opened, args);
      const caseId = await resolveCaseId(s.store, ref, scope);
      const detail = await readCaseDetail(s.store, caseId, businessDate(clockOf(args), s.view.timeZone));
      if (!detail) throw new NotFoundError('CASE_NOT_FOUND', `no case ${caseId}`);
      if (s.json) return toJson(detail);
      const step = await pendingDecision(s.store, detail.case).then(
        (found): RecordedStep | null => found?.evaluation.step ?? null,
        () => null,
      );
      return renderCaseDetail(detail, step, await s.store.cases.readJournal(caseId), s.view);
    },
  );
}

export interface JournalArgs extends CaseArgs {
  after?: string;
  /** One page of this many entries, and where the next starts; absent: the whole journal, read page by page. */
  limit?: string;
  /** Receives the output as it is produced; default: collected into the result's stdout. */
  write?: (chunk: string) => void | Promise<void>;
}

/**
 * `recouvra cases journal CASE [--after SEQ] [--limit N]`: GET /cases/:id/journal. With
 * `--limit`, one page and the `--after` of the next (as the API's `next`); without, the whole
 * journal, read JOURNAL_PAGE_MAX entries at a time and written as it is read, so a journal of
 * any length never sits in memory at once.
 */
export async function runCaseJournal(args: JournalArgs): Promise<CommandResult> {
  let collected = '';
  const write = args.write ?? ((chunk: string) => void (collected += chunk));
  try {
    const ref = requireId(args.caseId, 'case');
    const scope = referenceScope(args.connection);
    const after = wholeNumber(args.after, '--after', 0, Number.MAX_SAFE_INTEGER);
    const limit = wholeNumber(args.limit, '--limit', 1, JOURNAL_PAGE_MAX);
    await withConfiguredStore(args, async (opened) => {
      const s = session(opened, args);
      const caseId = await resolveCaseId(s.store, ref, scope);
      if (!(await s.store.cases.getCase(caseId))) throw new NotFoundError('CASE_NOT_FOUND', `no case ${caseId}`);
      if (limit !== undefined) {
        const page = await readJournalPage(s.store, caseId, { limit, ...(after === undefined ? {} : { after }) });
        if (s.json) return write(toJson(page));
        await write(page.entries.map((e) => `${journalLine(e, s.view)}\n`).join(''));
        return write(
          `${page.entries.length} journal entr${page.entries.length === 1 ? 'y' : 'ies'}${page.next === null ? '' : `; the next page: --after ${page.next}`}.\n`,
        );
      }
      let count = 0;
      let from = after;
      if (s.json) await write('{\n  "entries": [');
      for (;;) {
        const page = await readJournalPage(s.store, caseId, {
          limit: JOURNAL_PAGE_MAX,
          ...(from === undefined ? {} : { after: from }),
        });
        for (const e of page.entries) {
          await write(
            s.json
              ? `${count === 0 ? '\n' : ',\n'}${indented(JSON.stringify(e, null, 2), '    ')}`
              : `${journalLine(e, s.view)}\n`,
          );
          count++;
        }
        if (page.next === null) break;
        from = page.next;
      }
      await write(
        s.json
          ? `${count === 0 ? '' : '\n  '}],\n  "next": null\n}\n`
          : `${count} journal entr${count === 1 ? 'y' : 'ies'}.\n`,
      );
    });
    return { exitCode: 0, stdout: collected, stderr: '' };
  } catch (e) {
    if (e instanceof OutputClosed) return { exitCode: 0, stdout: collected, stderr: '' };
    return { exitCode: 1, stdout: collected, stderr: `${messageOf(e)}\n` };
  }
}

function indented(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');
}

/** `recouvra approvals [--limit N] [--after CASE]`: GET /approvals. */
export async function runApprovals(
  args: StoreCommandArgs & { limit?: string; after?: string },
): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => ({
      limit: wholeNumber(args.limit, '--limit', 1, APPROVALS_PAGE.max) ?? APPROVALS_PAGE.default,
      after: args.after === undefined ? undefined : requireId(args.after, 'case to list after'),
    }),
    async (opened, page) => {
      const s = session(opened, args);
      const { approvals, next } = await listApprovals(s.store, {
        limit: page.limit,
        ...(page.after === undefined ? {} : { afterId: page.after }),
      });
      return s.json ? toJson({ approvals, next }) : renderApprovals(approvals, next, s.view);
    },
    (_page, missing) => (args.json ? toJson({ approvals: [], next: null }) : `No approvals: ${missing.message}.\n`),
  );
}

/** `recouvra cases attention`: GET /cases/attention. */
export async function runAttention(args: StoreCommandArgs): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => undefined,
    async (opened) => {
      const s = session(opened, args);
      const attention = await listNeedingAttention(s.store, { now: clockOf(args).now() });
      return s.json ? toJson({ attention }) : renderAttention(attention, s.view);
    },
    () => (args.json ? toJson({ attention: [] }) : 'No case needs attention: there is no store yet.\n'),
  );
}

/** `recouvra actions retry ACTION`: POST /actions/:id/retry. */
export async function runActionRetry(args: StoreCommandArgs & { actionId?: string }): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => requireId(args.actionId, 'action'),
    async (opened, actionId) => {
      const s = session(opened, args);
      const outcome = await s.ops.retryAction(actionId, s.who);
      if (s.json) return toJson(outcome);
      const c = await s.store.cases.getCase(outcome.action.caseId);
      return `The ${ACTION_KIND_TEXT[outcome.action.kind]} ${actionId} will be sent again by the daemon${c ? ` — ${await caseLabel(s, c)}` : ''}.\n`;
    },
  );
}

// ---------------------------------------------------------------- approve, reject, pause, resume

/** `recouvra approve CASE`: POST /cases/:id/approve. */
export async function runApprove(args: CaseArgs): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => ({ ref: requireId(args.caseId, 'case'), scope: referenceScope(args.connection) }),
    async (opened, { ref, scope }) => {
      const s = session(opened, args);
      const outcome = await s.ops.approve(await resolveCaseId(s.store, ref, scope), s.who);
      if (s.json) return toJson(outcome);
      return `Approved ${outcome.case.lastStep?.stepId ?? 'the pending step'} on ${await caseLabel(s, outcome.case)}: ${outcome.actions.map((a) => a.kind).join(' + ')} queued for the daemon; the case is now ${outcome.case.stage}.\n`;
    },
  );
}

/** `recouvra reject CASE --reason TEXT`: POST /cases/:id/reject. */
export async function runReject(args: CaseArgs & { reason?: string }): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => ({
      ref: requireId(args.caseId, 'case'),
      scope: referenceScope(args.connection),
      reason: requireText(args.reason, '--reason', 'say why the step is rejected'),
    }),
    async (opened, { ref, scope, reason }) => {
      const s = session(opened, args);
      const caseId = await resolveCaseId(s.store, ref, scope);
      // Read for the text only: the operation reads the case again in its transaction.
      const stepId = (await s.store.cases.getCase(caseId))?.pendingApproval?.stepId;
      const outcome = await s.ops.reject(caseId, s.who, reason);
      if (s.json) return toJson(outcome);
      return `Rejected ${stepId ?? 'the pending step'} on ${await caseLabel(s, outcome.case)}: ${reason}. The case is back at ${outcome.case.stage}.\n`;
    },
  );
}

/** `recouvra cases pause CASE --reason TEXT [--until YYYY-MM-DD]`: POST /cases/:id/pause. */
export async function runPause(args: CaseArgs & { reason?: string; until?: string }): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => ({
      ref: requireId(args.caseId, 'case'),
      scope: referenceScope(args.connection),
      reason: requireText(args.reason, '--reason', 'say why dunning stops'),
      until: optionalDate(args.until, '--until') ?? null,
    }),
    async (opened, { ref, scope, reason, until }) => {
      const s = session(opened, args);
      const caseId = await resolveCaseId(s.store, ref, scope);
      const outcome = await s.ops.pause(caseId, s.who, reason, until);
      if (s.json) return toJson(outcome);
      return `${capitalized(describePause(outcome.case.manualPause))} — ${await caseLabel(s, outcome.case)}.${until === null ? ` Resume with: recouvra cases resume ${caseId}` : ''}\n`;
    },
  );
}

/** `recouvra cases resume CASE`: POST /cases/:id/resume. */
export async function runResume(args: CaseArgs): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => ({ ref: requireId(args.caseId, 'case'), scope: referenceScope(args.connection) }),
    async (opened, { ref, scope }) => {
      const s = session(opened, args);
      const outcome = await s.ops.resume(await resolveCaseId(s.store, ref, scope), s.who);
      if (s.json) return toJson(outcome);
      return `Resumed ${await caseLabel(s, outcome.case)}: dunning goes on from stage ${outcome.case.stage}.\n`;
    },
  );
}

// ---------------------------------------------------------------- items

export type ItemMarkCommand = 'dispute' | 'undispute' | 'exclude' | 'include';

const MARK_OF: Readonly<Record<ItemMarkCommand, { key: 'disputed' | 'excluded'; set: boolean }>> = {
  dispute: { key: 'disputed', set: true },
  undispute: { key: 'disputed', set: false },
  exclude: { key: 'excluded', set: true },
  include: { key: 'excluded', set: false },
};

/**
 * `recouvra items dispute|exclude ITEM --reason TEXT` and `items undispute|include ITEM`:
 * POST and DELETE /items/:id/dispute|exclude.
 */
export async function runItemMark(
  args: StoreCommandArgs & { mark: ItemMarkCommand; itemId?: string; reason?: string; connection?: string },
): Promise<CommandResult> {
  const { key, set } = MARK_OF[args.mark];
  return runStoreCommand(
    args,
    () => {
      const itemId = requireId(args.itemId, 'item');
      const scope = referenceScope(args.connection);
      if (!set) {
        if (args.reason !== undefined) throw new ArgumentError(`${args.mark} takes no --reason: it lifts the mark`);
        return { itemId, scope, reason: null };
      }
      return {
        itemId,
        scope,
        reason: requireText(
          args.reason,
          '--reason',
          args.mark === 'dispute' ? 'say what the debtor disputes' : 'say why the item leaves dunning',
        ),
      };
    },
    async (opened, { itemId: ref, scope, reason }) => {
      const s = session(opened, args);
      const outcome = await s.ops.markItem(await resolveItemId(s.store, ref, scope), s.who, {
        [key]: reason === null ? null : { reason },
      });
      if (s.json) return toJson(outcome);
      const item = outcome.item;
      const what = `${item.number} (${item.kind === 'credit_note' ? 'credit note' : 'invoice'}, ${money(item.open, item.currency, s.view)} open)`;
      const done =
        reason === null
          ? key === 'disputed'
            ? 'is no longer disputed'
            : 'is included in dunning again'
          : key === 'disputed'
            ? `is disputed: ${reason}`
            : `is excluded from dunning: ${reason}`;
      return `${what} ${done} — ${await caseLabel(s, outcome.case)}.\n`;
    },
  );
}

// ---------------------------------------------------------------- promise, call result

export interface PromiseArgs extends StoreCommandArgs {
  caseId?: string;
  itemId?: string;
  connection?: string;
  date?: string;
  /** Major units, a dot or a comma before the decimals (`12,50`); absent: everything open. */
  amount?: string;
}

/** `recouvra promise (--case CASE | --item ITEM) --date YYYY-MM-DD [--amount 12,50]`: POST /cases/:id/promise or /items/:id/promise. */
export async function runPromise(args: PromiseArgs): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => {
      if ((args.caseId === undefined) === (args.itemId === undefined))
        throw new ArgumentError('say what is promised: --case CASE or --item ITEM (one of them)');
      const target: PromiseTarget =
        args.caseId !== undefined
          ? { caseId: requireId(args.caseId, 'case') }
          : { receivableId: requireId(args.itemId, 'item') };
      return {
        target,
        scope: referenceScope(args.connection),
        date: requireDate(args.date, '--date'),
        amount: typedAmount(args.amount),
      };
    },
    async (opened, { target: typed, scope, date, amount }) => {
      const s = session(opened, args);
      const target: PromiseTarget =
        'caseId' in typed
          ? { caseId: await resolveCaseId(s.store, typed.caseId, scope) }
          : { receivableId: await resolveItemId(s.store, typed.receivableId, scope) };
      const promise = await promiseOf(date, amount, () => currencyOfTarget(s.store, target));
      const outcome = await s.ops.promiseToPay(target, s.who, promise);
      if (s.json) return toJson(outcome);
      return `Promise to pay recorded on ${await caseLabel(s, outcome.case)}:\n${promisedLines(outcome.items, s.view)}`;
    },
  );
}

export interface CallResultArgs extends StoreCommandArgs {
  actionId?: string;
  outcome?: string;
  note?: string;
  date?: string;
  amount?: string;
}

/** `recouvra call-result ACTION --outcome OUTCOME [--note TEXT] [--date YYYY-MM-DD [--amount 12,50]]`: POST /actions/:id/call-result. */
export async function runCallResult(args: CallResultArgs): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => {
      const actionId = requireId(args.actionId, 'action');
      const outcome = CALL_OUTCOMES.find((o) => o === args.outcome);
      if (!outcome)
        throw new ArgumentError(
          `--outcome must be one of ${CALL_OUTCOMES.join(', ')}${args.outcome === undefined ? '' : `, got "${args.outcome}"`}`,
        );
      const date = optionalDate(args.date, '--date');
      const amount = typedAmount(args.amount);
      if (outcome !== 'promise' && (date !== undefined || amount !== undefined))
        throw new ArgumentError(`--date and --amount go only with --outcome promise, not "${outcome}"`);
      if (amount !== undefined && date === undefined)
        throw new ArgumentError('a promised --amount needs the --date it is promised by');
      return { actionId, outcome, note: optionalText(args.note, '--note'), date, amount };
    },
    async (opened, { actionId, outcome, note, date, amount }) => {
      const s = session(opened, args);
      const promise =
        date === undefined ? undefined : await promiseOf(date, amount, () => currencyOfAction(s.store, actionId));
      const result = await s.ops.recordCallResult(actionId, s.who, {
        outcome,
        ...(note === undefined ? {} : { note }),
        ...(promise === undefined ? {} : { promise }),
      });
      if (s.json) return toJson(result);
      const promised =
        promise === undefined
          ? ''
          : ` Promise to pay ${promise.amount === undefined ? 'everything open' : money(promise.amount, result.case.currency, s.view)} by ${promise.date}.`;
      return `Call result recorded on ${await caseLabel(s, result.case)}: ${outcome.replace('_', ' ')}${note === undefined ? '' : ` (${note})`}.${promised}\n`;
    },
  );
}

/** The amount typed becomes minor units of the currency of what is promised, read from the store. */
async function promiseOf(
  date: string,
  amount: TypedAmount | undefined,
  currency: () => Promise<string>,
): Promise<PromiseInput> {
  return { date, ...(amount === undefined ? {} : { amount: toMinorUnits(amount, await currency()) }) };
}

async function currencyOfTarget(store: Store, target: PromiseTarget): Promise<string> {
  if ('caseId' in target) {
    const c = await store.cases.getCase(target.caseId);
    if (!c) throw new NotFoundError('CASE_NOT_FOUND', `no case ${target.caseId}`);
    return c.currency;
  }
  const item = await store.sync.getReceivable(target.receivableId);
  if (!item) throw new NotFoundError('ITEM_NOT_FOUND', `no item ${target.receivableId}`);
  return item.currency;
}

async function currencyOfAction(store: Store, actionId: string): Promise<string> {
  const action = await store.outbox.getAction(actionId);
  if (!action) throw new NotFoundError('ACTION_NOT_FOUND', `no action ${actionId}`);
  const c = await store.cases.getCase(action.caseId);
  if (!c) throw new NotFoundError('CASE_NOT_FOUND', `no case ${action.caseId}`);
  return c.currency;
}

function promisedLines(items: readonly Receivable[], view: TextView): string {
  return items
    .map((r) => {
      const p = r.promiseToPay;
      const amount = p?.amount ?? r.open;
      return `    ${r.number.padEnd(18)} ${money(amount, r.currency, view).padStart(14)} by ${p?.date ?? '?'}${p?.amount === undefined ? ' (all that is open)' : ` of ${money(r.open, r.currency, view)} open`}  [${r.id}]\n`;
    })
    .join('');
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------- recovery costs

export interface CostArgs extends CaseArgs {
  /** Major units, a dot or a comma before the decimals (`120,50`). */
  amount?: string;
  on?: string;
  label?: string;
  /** Path of the receipt (PDF, PNG or JPEG). */
  receipt?: string;
  /** The same key records the cost once; default: the cost and its receipt. */
  key?: string;
}

/**
 * `recouvra cases cost CASE --amount 120.50 --on YYYY-MM-DD --label TEXT --receipt FILE [--key KEY]`:
 * POST /cases/:id/costs. The receipt's bytes are stored as a document of the case, never its path.
 */
export async function runCaseCost(args: CostArgs): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => {
      const caseId = requireId(args.caseId, 'case');
      const amount = typedAmount(args.amount);
      if (amount === undefined)
        throw new ArgumentError('--amount is required: what the cost came to, in major units (120.50)');
      const label = requireText(args.label, '--label', 'say what the cost is, as its receipt says');
      if (args.receipt === undefined || args.receipt.trim() === '')
        throw new ArgumentError(
          '--receipt is required: a recovery cost is claimed only on proof (C. com. L441-10 II); give the file of its receipt (PDF, PNG or JPEG)',
        );
      const key = args.key === undefined ? undefined : requireIdempotencyKey(args.key);
      return {
        ref: caseId,
        scope: referenceScope(args.connection),
        amount,
        date: requireDate(args.on, '--on'),
        label,
        receiptPath: args.receipt,
        key,
      };
    },
    async (opened, { ref, scope, amount, date, label, receiptPath, key }) => {
      const receipt = await readFile(receiptPath).catch((error: unknown) => {
        const e = error as NodeJS.ErrnoException;
        throw new ArgumentError(`--receipt ${receiptPath} cannot be read (${e.code ?? e.message})`);
      });
      const s = session(opened, args);
      const caseId = await resolveCaseId(s.store, ref, scope);
      const c = await s.store.cases.getCase(caseId);
      if (!c) throw new NotFoundError('CASE_NOT_FOUND', `no case ${caseId}`);
      const outcome = await s.ops.recordRecoveryCost(caseId, s.who, {
        date,
        amount: toMinorUnits(amount, c.currency),
        label,
        receipt,
        ...(key === undefined ? {} : { idempotencyKey: key }),
      });
      if (s.json) return toJson(outcome);
      const what = `${money(outcome.cost.amount, outcome.cost.currency, s.view)} on ${outcome.cost.date} (${outcome.cost.label})`;
      return outcome.replayed
        ? `Already recorded on ${await caseLabel(s, outcome.case)}: recovery cost of ${what}; nothing was added.\n`
        : `Recovery cost of ${what} recorded on ${await caseLabel(s, outcome.case)}, with its receipt (${outcome.cost.mediaType}, document ${outcome.cost.documentId}).\n`;
    },
  );
}

/** As the API's Idempotency-Key header: 1 to 255 printable ASCII characters, no spaces. */
function requireIdempotencyKey(value: string): string {
  if (!/^[!-~]{1,255}$/.test(value))
    throw new ArgumentError('--key must be 1 to 255 printable ASCII characters without spaces');
  return value;
}
