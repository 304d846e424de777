import { createHash } from 'node:crypto';
import type { Action } from '../model/action.schema';
import { caseIdOf, type Case } from '../model/case.schema';
import type { Actor, CaseJournalEntry, JournalEntryType } from '../model/journal.schema';
import type { Receivable } from '../model/receivable.schema';
import { formatMoney } from '../model/money.schema';
import type { NewDocument, ReceivableAnnotations, Store } from '../store/store';
import { dateInZone, type IsoDate } from '../time/calendar-date';
import type { Clock } from '../time/clock';
import { ACTION_KIND_TEXT } from './attention';
import { ConflictError, InvalidOperationError, NotFoundError } from './case-errors';
import { newAction, stepActionKinds } from '../outbox/action-rows';
import { CANNOT_WRITE_KEY, leaveOutUnwritable } from '../outbox/ledger-write-back';
import type { ConnectionWriteBack } from '../ports/erp';
import { pendingDecision, STAGE_AFTER_STEP, stageOfLastStep } from './recorded-step';
import {
  contentKey,
  MAX_COST_LABEL,
  MAX_RECEIPT_BYTES,
  receiptDocumentId,
  receiptMediaType,
  recordedRecoveryCosts,
  type RecordedRecoveryCost,
  type RecoveryCostData,
} from './recovery-cost';

/**
 * What a finance controller does to a case by hand: approve or reject the step waiting for
 * approval, pause and resume dunning, dispute or exclude an item, record a promise to pay or the
 * outcome of a phone call. Each operation reads and writes in ONE store transaction, journals
 * what it did under the controller's name, and is refused with a typed error (case-errors.ts)
 * when the record is missing or its state does not allow it.
 *
 * Each write is guarded by the state it was computed from (`applyCaseChange` with `expected`):
 * on PostgreSQL two controllers acting on one case at once cannot both win; the second gets a
 * conflict instead of undoing the first.
 */

export interface CaseOperationsDeps {
  store: Store;
  clock: Clock;
  /** The company's time zone: the dates of disputes, pauses and promises are business dates in it. */
  timeZone: string;
  /** The company's locale (`company.locale`): amounts in journal lines and refusals are written in it. Default fr-FR. */
  locale?: string;
  /** What each connection's ledger takes: an approval records no ledger row its ledgers cannot perform. */
  ledgerWriteBack?: ConnectionWriteBack;
}

export type CallOutcome = 'reached' | 'no_answer' | 'promise' | 'dispute' | 'wrong_number';

export interface CallResult {
  outcome: CallOutcome;
  note?: string;
  /** With the `promise` outcome only: what the debtor promised. */
  promise?: PromiseInput;
}

export interface PromiseInput {
  /** The debtor promised to pay by this date (YYYY-MM-DD, today or later). */
  date: IsoDate;
  /** Minor units; absent: everything open. */
  amount?: number;
}

/** `{ reason }` marks the item, `null` lifts the mark, an absent key leaves it as it is. */
export interface ItemMarks {
  disputed?: { reason: string } | null;
  excluded?: { reason: string } | null;
}

export type PromiseTarget = { caseId: string } | { receivableId: string };

export interface CaseOutcome {
  case: Case;
}

export interface ApprovalOutcome extends CaseOutcome {
  /** The outbox rows the approval created. */
  actions: Action[];
}

export interface ItemOutcome extends CaseOutcome {
  item: Receivable;
}

export interface PromiseOutcome extends CaseOutcome {
  items: Receivable[];
}

export interface RecoveryCostInput {
  /** The day the creditor paid or incurred the cost (YYYY-MM-DD, today or before). */
  date: IsoDate;
  /** Minor units of the case's currency (EUR only). */
  amount: number;
  /** What the cost is, as the receipt says (a commissaire de justice's act, an agency's invoice…). */
  label: string;
  /** The receipt's bytes: a PDF, a PNG or a JPEG. */
  receipt: Buffer | undefined;
  /** The same key on the same case records the cost once; absent: the cost and its receipt are the key. */
  idempotencyKey?: string;
}

export interface RecoveryCostOutcome extends CaseOutcome {
  cost: RecoveryCostData;
  /** True when the same cost was already recorded under this key: nothing was written. */
  replayed: boolean;
}

const CALL_OUTCOME_TEXT: Readonly<Record<CallOutcome, string>> = {
  reached: 'debtor reached',
  no_answer: 'no answer',
  promise: 'the debtor promised to pay',
  dispute: 'the debtor disputes the claim',
  wrong_number: 'wrong number',
};

type Entry = Omit<CaseJournalEntry, 'seq'>;

export class CaseOperations {
  constructor(private readonly deps: CaseOperationsDeps) {}

  /**
   * Performs the step waiting for approval: its channels (or, for an escalation, the dossier)
   * and a note in the ledger become outbox rows keyed `<decision key>/approved/<kind>`, so the
   * same approval can never queue them twice.
   */
  async approve(caseId: string, who: string, at: Date = this.deps.clock.now()): Promise<ApprovalOutcome> {
    return this.deps.store.transaction(async (tx) => {
      const c = await requireCase(tx, caseId);
      const pending = c.pendingApproval;
      if (c.stage !== 'awaiting_approval' || !pending)
        throw new ConflictError('NOT_AWAITING_APPROVAL', `case ${caseId} is ${c.stage}, not awaiting approval`);
      const today = this.today(at);
      if (activePause(c, today))
        throw new ConflictError(
          'CASE_PAUSED',
          `case ${caseId} is paused (${describePause(c)}): resume it before approving ${pending.stepId}`,
        );
      const found = await pendingDecision(tx, c);
      if (!found)
        throw new ConflictError(
          'DECISION_MISSING',
          `case ${caseId} waits for approval of ${pending.stepId}, but no decision of that step requiring approval is recorded`,
        );
      const { decision, evaluation } = found;
      const step = evaluation.step;
      const iso = at.toISOString();
      const subject = { type: 'decision', decisionId: decision.id } as const;
      const planned = stepActionKinds(step, false).map((kind) =>
        newAction({
          caseId,
          kind,
          subject,
          idempotencyKey: `${decision.idempotencyKey}/approved/${kind}`,
          template: step.template,
          at: iso,
        }),
      );
      // A ledger that cannot take the step's note gets no row for it; the journal says so once (as decide.ts).
      const claimed = new Set(evaluation.itemIds);
      const ledger = await leaveOutUnwritable({
        store: tx,
        caseId,
        items: (await tx.sync.listReceivablesOfCase(caseId)).filter((r) => claimed.has(r.id)),
        planned,
        writeBack: this.deps.ledgerWriteBack,
      });
      const { actions } = ledger;
      const kinds = actions.map((a) => a.kind);
      // The step is performed now, not when it was decided: the next step's delay counts from today.
      const caseAfter: Case = {
        ...c,
        stage: STAGE_AFTER_STEP[step.kind],
        lastStep: { stepId: step.id, index: step.index, on: today },
        lastContactOn: step.channels.length > 0 ? today : c.lastContactOn,
        pendingApproval: null,
        updatedAt: iso,
      };
      const entry = this.entry(
        caseId,
        who,
        at,
        'approved',
        `${step.id} approved by ${who}: ${kinds.join(' + ')} queued`,
        {
          decisionId: decision.id,
          stepId: step.id,
          decidedOn: pending.on,
          actionIds: actions.map((a) => a.id),
        },
      );
      const told = ledger.tell.map(({ text, told }) =>
        this.entry(caseId, who, at, 'note', text, { decisionId: decision.id, [CANNOT_WRITE_KEY]: [told] }),
      );
      await apply(tx, c, caseAfter, [entry, ...told], { actions });
      return { case: caseAfter, actions };
    });
  }

  /** Refuses the step waiting for approval: the case goes back to the stage its last performed step implies. */
  async reject(caseId: string, who: string, reason: string, at: Date = this.deps.clock.now()): Promise<CaseOutcome> {
    const why = requireText(reason, 'a rejection needs a reason');
    return this.deps.store.transaction(async (tx) => {
      const c = await requireCase(tx, caseId);
      const pending = c.pendingApproval;
      if (c.stage !== 'awaiting_approval' || !pending)
        throw new ConflictError('NOT_AWAITING_APPROVAL', `case ${caseId} is ${c.stage}, not awaiting approval`);
      const found = await pendingDecision(tx, c);
      const caseAfter: Case = {
        ...c,
        stage: await stageOfLastStep(tx, c),
        pendingApproval: null,
        updatedAt: at.toISOString(),
      };
      const entry = this.entry(caseId, who, at, 'rejected', `${pending.stepId} rejected by ${who}: ${why}`, {
        decisionId: found?.decision.id ?? null,
        stepId: pending.stepId,
        decidedOn: pending.on,
        reason: why,
      });
      await apply(tx, c, caseAfter, [entry]);
      return { case: caseAfter };
    });
  }

  /** Stops dunning on the case until `until` (included) or, with null, until someone resumes it. */
  async pause(
    caseId: string,
    who: string,
    reason: string,
    until: IsoDate | null,
    at: Date = this.deps.clock.now(),
  ): Promise<CaseOutcome> {
    const why = requireText(reason, 'a pause needs a reason');
    return this.deps.store.transaction(async (tx) => {
      const c = await requireCase(tx, caseId);
      if (c.stage === 'closed')
        throw new ConflictError('CASE_CLOSED', `case ${caseId} is closed: there is nothing to pause`);
      const today = this.today(at);
      if (until !== null && until < today)
        throw new InvalidOperationError(
          'PAUSE_IN_THE_PAST',
          `a pause until ${until} would already be over (today is ${today})`,
        );
      const caseAfter: Case = { ...c, manualPause: { reason: why, until }, updatedAt: at.toISOString() };
      const entry = this.entry(
        caseId,
        who,
        at,
        'paused',
        `paused by ${who} ${until === null ? 'until resumed' : `until ${until}`}: ${why}`,
        { reason: why, until, previous: c.manualPause },
      );
      await apply(tx, c, caseAfter, [entry]);
      return { case: caseAfter };
    });
  }

  async resume(caseId: string, who: string, at: Date = this.deps.clock.now()): Promise<CaseOutcome> {
    return this.deps.store.transaction(async (tx) => {
      const c = await requireCase(tx, caseId);
      if (!c.manualPause) throw new ConflictError('NOT_PAUSED', `case ${caseId} is ${c.stage} and not paused`);
      const caseAfter: Case = { ...c, manualPause: null, updatedAt: at.toISOString() };
      const entry = this.entry(caseId, who, at, 'resumed', `resumed by ${who} (was paused ${describePause(c)})`, {
        previous: c.manualPause,
      });
      await apply(tx, c, caseAfter, [entry]);
      return { case: caseAfter };
    });
  }

  /**
   * Disputes or excludes an item, or lifts either mark. The policy leaves disputed and excluded
   * items out of its messages (or pauses the case, as the policy says), and a sync of the item
   * from the ledger keeps the marks (SyncStore.upsertReceivables).
   */
  async markItem(
    receivableId: string,
    who: string,
    marks: ItemMarks,
    at: Date = this.deps.clock.now(),
  ): Promise<ItemOutcome> {
    if (marks.disputed === undefined && marks.excluded === undefined)
      throw new InvalidOperationError('NO_MARK', 'say what to mark: disputed, excluded or both');
    return this.deps.store.transaction(async (tx) => {
      const item = await requireItem(tx, receivableId);
      const c = await requireCase(tx, caseOfItem(item));
      const today = this.today(at);
      const set: ReceivableAnnotations = {};
      const entries: Entry[] = [];
      const marking = [
        { key: 'disputed', type: 'item_disputed', noun: 'dispute', verb: 'disputed' },
        { key: 'excluded', type: 'item_excluded', noun: 'exclusion', verb: 'excluded' },
      ] as const;
      for (const { key, type, noun, verb } of marking) {
        const wanted = marks[key];
        if (wanted === undefined) continue;
        const current = item[key];
        if (wanted === null) {
          if (!current) throw new ConflictError(`NOT_${verb.toUpperCase()}`, `item ${receivableId} is not ${verb}`);
          set[key] = null;
          entries.push(
            this.entry(c.id, who, at, type, `${item.number}: ${noun} lifted by ${who}`, {
              receivableId,
              cleared: true,
              previous: current,
            }),
          );
        } else {
          const reason = requireText(wanted.reason, `a ${noun} needs a reason`);
          set[key] = { reason, since: current?.since ?? today };
          entries.push(
            this.entry(c.id, who, at, type, `${item.number} ${verb} by ${who}: ${reason}`, {
              receivableId,
              cleared: false,
              reason,
              previous: current,
            }),
          );
        }
      }
      const caseAfter: Case = { ...c, updatedAt: at.toISOString() };
      await apply(tx, c, caseAfter, entries, { annotations: [{ receivableId, set }] });
      return { case: caseAfter, item: { ...item, ...set } };
    });
  }

  /**
   * Records that the debtor promised to pay by a date; dunning pauses until the policy's grace
   * after it. On a case, the promise covers its open invoices (not excluded), oldest due first
   * up to the amount promised; on one item, that item.
   */
  async promiseToPay(
    target: PromiseTarget,
    who: string,
    promise: PromiseInput,
    at: Date = this.deps.clock.now(),
  ): Promise<PromiseOutcome> {
    return this.deps.store.transaction(async (tx) => {
      let c: Case;
      let items: Receivable[];
      if ('receivableId' in target) {
        const item = await requireItem(tx, target.receivableId);
        if (item.kind !== 'invoice')
          throw new ConflictError(
            'NOT_AN_INVOICE',
            `item ${item.id} is a credit note: only an invoice can be promised`,
          );
        if (item.open === 0)
          throw new ConflictError('ITEM_SETTLED', `item ${item.id} is settled: nothing is left to promise`);
        c = await requireCase(tx, caseOfItem(item));
        items = [item];
      } else {
        c = await requireCase(tx, target.caseId);
        items = (await tx.sync.listReceivablesOfCase(c.id)).filter(
          (r) => r.kind === 'invoice' && r.open > 0 && !r.excluded,
        );
        if (items.length === 0)
          throw new ConflictError('NOTHING_OPEN', `case ${c.id} is ${c.stage} and has no open invoice to promise`);
      }
      const { annotations, entry, promised } = this.promiseChange(c, items, who, promise, at);
      const caseAfter: Case = { ...c, updatedAt: at.toISOString() };
      await apply(tx, c, caseAfter, [entry], { annotations });
      return { case: caseAfter, items: promised };
    });
  }

  /**
   * Sends again an outbox row that failed for good (a missing e-mail address since added, a
   * provider account since fixed): the row is due now with its attempts counted afresh, under
   * the same idempotency key, so what it sends is still sent at most once. Only a failed row of
   * an open case; the journal says who asked and what the row had failed on.
   */
  async retryAction(actionId: string, who: string, at: Date = this.deps.clock.now()): Promise<{ action: Action }> {
    const { store } = this.deps;
    const action = await store.outbox.getAction(actionId);
    if (!action) throw new NotFoundError('ACTION_NOT_FOUND', `no action ${actionId}`);
    if (action.status !== 'failed')
      throw new ConflictError(
        'ACTION_NOT_FAILED',
        `action ${actionId} is ${action.status}, not failed: only a row that failed for good is sent again`,
      );
    const c = await requireCase(store, action.caseId);
    if (c.stage === 'closed')
      throw new ConflictError('CASE_CLOSED', `case ${c.id} is closed: its ${action.kind} is not sent again`);
    const iso = at.toISOString();
    const entry = this.entry(
      c.id,
      who,
      at,
      'note',
      `${ACTION_KIND_TEXT[action.kind]} sent again at the request of ${who} (it had failed: ${action.lastError ?? 'no error recorded'})`,
      { actionId, kind: action.kind, previousError: action.lastError, previousAttempts: action.attempts },
    );
    if (!(await store.outbox.requeueFailedAction({ id: actionId, at: iso, journal: [entry] }))) {
      throw new ConflictError(
        'ACTION_NOT_FAILED',
        `action ${actionId} is no longer failed: someone sent it again meanwhile`,
      );
    }
    return { action: (await store.outbox.getAction(actionId))! };
  }

  /** The outcome of a phone call a `phone_task` asked for, journalled on its case; a promise made on the phone is recorded as one. */
  async recordCallResult(
    actionId: string,
    who: string,
    result: CallResult,
    at: Date = this.deps.clock.now(),
  ): Promise<CaseOutcome> {
    if (result.promise !== undefined && result.outcome !== 'promise')
      throw new InvalidOperationError(
        'PROMISE_WITHOUT_PROMISE_OUTCOME',
        `a promise goes with the outcome "promise", not "${result.outcome}"`,
      );
    return this.deps.store.transaction(async (tx) => {
      const action = await tx.outbox.getAction(actionId);
      if (!action) throw new NotFoundError('ACTION_NOT_FOUND', `no action ${actionId}`);
      if (action.kind !== 'phone_task')
        throw new ConflictError(
          'NOT_A_PHONE_TASK',
          `action ${actionId} is not a phone task (its kind is ${action.kind})`,
        );
      const c = await requireCase(tx, action.caseId);
      const note = result.note?.trim() || undefined;
      const entries: Entry[] = [
        this.entry(
          c.id,
          who,
          at,
          'note',
          `phone call by ${who}: ${CALL_OUTCOME_TEXT[result.outcome]}${note ? ` (${note})` : ''}`,
          {
            actionId,
            outcome: result.outcome,
            note: note ?? null,
          },
        ),
      ];
      let annotations: { receivableId: string; set: ReceivableAnnotations }[] = [];
      if (result.promise) {
        const items = (await tx.sync.listReceivablesOfCase(c.id)).filter(
          (r) => r.kind === 'invoice' && r.open > 0 && !r.excluded,
        );
        if (items.length === 0)
          throw new ConflictError('NOTHING_OPEN', `case ${c.id} is ${c.stage} and has no open invoice to promise`);
        const change = this.promiseChange(c, items, who, result.promise, at, { actionId });
        annotations = change.annotations;
        entries.push(change.entry);
      }
      const caseAfter: Case = { ...c, updatedAt: at.toISOString() };
      await apply(tx, c, caseAfter, entries, { annotations });
      return { case: caseAfter };
    });
  }

  /**
   * Records a cost of recovery with its receipt: the receipt becomes a document of the case and
   * the cost a journal line, at once. Refused for a consumer debtor (CPCE L111-8 al. 2: costs of
   * recovery engaged without a title stay with the creditor), for a case not in EUR (the
   * complementary indemnity of L441-10 II goes beyond the 40 EUR of D441-5), for an amount that
   * is not above 0, without a receipt ("sur justification"), and for a date still to come.
   */
  async recordRecoveryCost(
    caseId: string,
    who: string,
    input: RecoveryCostInput,
    at: Date = this.deps.clock.now(),
  ): Promise<RecoveryCostOutcome> {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0)
      throw new InvalidOperationError(
        'COST_AMOUNT',
        `the cost must be a whole number of minor units above 0, got ${input.amount}`,
      );
    const label = requireText(
      input.label,
      'a cost needs a label saying what it is (as its receipt says)',
      'COST_LABEL_REQUIRED',
    );
    if (label.length > MAX_COST_LABEL)
      throw new InvalidOperationError('COST_LABEL_TOO_LONG', `the label is longer than ${MAX_COST_LABEL} characters`);
    const today = this.today(at);
    if (input.date > today)
      throw new InvalidOperationError(
        'COST_IN_THE_FUTURE',
        `a cost dated ${input.date} has not been incurred yet (today is ${today}): enter it once it is paid`,
      );
    const receipt = input.receipt;
    if (!receipt || receipt.length === 0)
      throw new InvalidOperationError(
        'RECEIPT_REQUIRED',
        'a recovery cost is claimed only on proof (C. com. L441-10 II, "sur justification"): attach its receipt',
      );
    if (receipt.length > MAX_RECEIPT_BYTES)
      throw new InvalidOperationError(
        'RECEIPT_TOO_LARGE',
        `the receipt is ${receipt.length} bytes; the law firm accepts at most ${MAX_RECEIPT_BYTES} bytes per document`,
      );
    const mediaType = receiptMediaType(receipt);
    if (!mediaType)
      throw new InvalidOperationError(
        'RECEIPT_TYPE',
        'the receipt must be a PDF, a PNG or a JPEG (its first bytes say it is none of them)',
      );
    const sha256 = createHash('sha256').update(receipt).digest('hex');
    const key = input.idempotencyKey ?? contentKey({ date: input.date, amount: input.amount, label }, sha256);
    const documentId = receiptDocumentId(caseId, key);

    const replay = async (store: Store): Promise<RecoveryCostOutcome | undefined> => {
      const recorded = recordedRecoveryCosts(await store.cases.readJournal(caseId)).find(
        (x) => x.documentId === documentId,
      );
      if (!recorded) return undefined;
      if (
        recorded.date !== input.date ||
        recorded.amount !== input.amount ||
        recorded.label !== label ||
        recorded.sha256 !== sha256
      ) {
        throw new ConflictError(
          'IDEMPOTENCY_KEY_REUSED',
          `this idempotency key already recorded another cost on case ${caseId} (${describeCost(recorded, this.deps.locale)}): use a new key for a new cost`,
        );
      }
      const c = await requireCase(store, caseId);
      return { case: c, cost: costData(recorded), replayed: true };
    };

    try {
      return await this.deps.store.transaction(async (tx) => {
        const c = await requireCase(tx, caseId);
        const debtor = await tx.sync.getDebtor(c.debtorId);
        if (!debtor)
          throw new NotFoundError('DEBTOR_NOT_FOUND', `case ${caseId}: its debtor ${c.debtorId} is not synced`);
        if (debtor.kind === 'individual') {
          throw new InvalidOperationError(
            'RECOVERY_COSTS_CONSUMER',
            `case ${caseId}: the debtor is a consumer; costs of recovery engaged without an enforceable title stay with the creditor (CPCE L111-8 al. 2) and cannot be claimed from them`,
          );
        }
        if (c.currency !== 'EUR') {
          throw new InvalidOperationError(
            'RECOVERY_COSTS_NOT_EUR',
            `case ${caseId} is in ${c.currency}: the complementary indemnity of C. com. L441-10 II goes beyond the 40 EUR of D441-5 and is claimed on EUR cases only`,
          );
        }
        const replayed = await replay(tx);
        if (replayed) return replayed;
        const cost: RecoveryCostData = {
          documentId,
          date: input.date,
          label,
          amount: input.amount,
          currency: c.currency,
          mediaType,
          sha256,
        };
        const iso = at.toISOString();
        const document: NewDocument = {
          id: documentId,
          caseId,
          actionId: null,
          kind: 'receipt',
          mediaType,
          content: receipt,
          provenAt: null,
          createdAt: iso,
        };
        const entry = this.entry(
          caseId,
          who,
          at,
          'recovery_cost',
          `recovery cost of ${this.money(input.amount, c.currency)} on ${input.date} entered by ${who}: ${label}`,
          { ...cost, size: receipt.length },
        );
        const caseAfter: Case = { ...c, updatedAt: iso };
        await apply(tx, c, caseAfter, [entry], { documents: [document] });
        return { case: caseAfter, cost, replayed: false };
      });
    } catch (error) {
      // The same cost sent twice at once: the second finds the case changed by the first; it is a replay.
      if (error instanceof ConflictError && error.code === 'CASE_CHANGED') {
        const replayed = await replay(this.deps.store);
        if (replayed) return replayed;
      }
      throw error;
    }
  }

  private promiseChange(
    c: Case,
    items: readonly Receivable[],
    who: string,
    promise: PromiseInput,
    at: Date,
    extra: Record<string, unknown> = {},
  ): { annotations: { receivableId: string; set: ReceivableAnnotations }[]; entry: Entry; promised: Receivable[] } {
    const today = this.today(at);
    if (promise.date < today)
      throw new InvalidOperationError(
        'PROMISE_IN_THE_PAST',
        `a promise to pay by ${promise.date} is already due (today is ${today})`,
      );
    const open = items.reduce((sum, r) => sum + r.open, 0);
    if (promise.amount !== undefined && (!Number.isSafeInteger(promise.amount) || promise.amount <= 0))
      throw new InvalidOperationError(
        'PROMISE_AMOUNT',
        'the amount promised must be a whole number of minor units above 0',
      );
    if (promise.amount !== undefined && promise.amount > open) {
      throw new InvalidOperationError(
        'PROMISE_ABOVE_OPEN',
        `${this.money(promise.amount, c.currency)} promised is more than the ${this.money(open, c.currency)} open`,
      );
    }
    let left = promise.amount;
    const promised: Receivable[] = [];
    for (const item of items) {
      if (left === undefined) {
        promised.push({ ...item, promiseToPay: { date: promise.date, recordedOn: today } });
        continue;
      }
      if (left === 0) break;
      const amount = Math.min(left, item.open);
      left -= amount;
      promised.push({ ...item, promiseToPay: { date: promise.date, amount, recordedOn: today } });
    }
    const what =
      promise.amount === undefined
        ? `the ${this.money(open, c.currency)} open`
        : this.money(promise.amount, c.currency);
    const entry = this.entry(
      c.id,
      who,
      at,
      'promise_to_pay',
      `promise to pay ${what} by ${promise.date}, recorded by ${who}`,
      {
        date: promise.date,
        amount: promise.amount ?? null,
        itemIds: promised.map((r) => r.id),
        ...extra,
      },
    );
    return {
      annotations: promised.map((r) => ({ receivableId: r.id, set: { promiseToPay: r.promiseToPay } })),
      entry,
      promised,
    };
  }

  private money(minor: number, currency: string): string {
    return formatMoney(minor, currency, this.deps.locale);
  }

  private today(at: Date): IsoDate {
    return dateInZone(at, this.deps.timeZone);
  }

  private entry(
    caseId: string,
    who: string,
    at: Date,
    type: JournalEntryType,
    summary: string,
    data: Record<string, unknown>,
  ): Entry {
    const actor: Actor = { kind: 'user', id: who };
    return { caseId, at: at.toISOString(), actor, type, summary, data };
  }
}

async function requireCase(store: Store, caseId: string): Promise<Case> {
  const c = await store.cases.getCase(caseId);
  if (!c) throw new NotFoundError('CASE_NOT_FOUND', `no case ${caseId}`);
  return c;
}

async function requireItem(store: Store, receivableId: string): Promise<Receivable> {
  const item = await store.sync.getReceivable(receivableId);
  if (!item) throw new NotFoundError('ITEM_NOT_FOUND', `no item ${receivableId}`);
  return item;
}

function caseOfItem(item: Receivable): string {
  return caseIdOf(item.debtorId, item.companyId, item.currency);
}

async function apply(
  store: Store,
  before: Case,
  caseAfter: Case,
  journal: Entry[],
  extra: {
    actions?: Action[];
    annotations?: { receivableId: string; set: ReceivableAnnotations }[];
    documents?: NewDocument[];
  } = {},
): Promise<void> {
  const applied = await store.cases.applyCaseChange({ expected: before, caseAfter, journal, ...extra });
  if (!applied)
    throw new ConflictError(
      'CASE_CHANGED',
      `case ${before.id} was changed by someone else meanwhile: read it again and retry`,
    );
}

function requireText(text: string, message: string, code = 'REASON_REQUIRED'): string {
  const trimmed = text.trim();
  if (trimmed === '') throw new InvalidOperationError(code, message);
  return trimmed;
}

function costData(recorded: RecordedRecoveryCost): RecoveryCostData {
  const { documentId, date, label, amount, currency, mediaType, sha256 } = recorded;
  return { documentId, date, label, amount, currency, mediaType, sha256 };
}

function describeCost(cost: RecoveryCostData, locale: string | undefined): string {
  return `${formatMoney(cost.amount, cost.currency, locale)} on ${cost.date}, "${cost.label}"`;
}

function activePause(c: Case, today: IsoDate): boolean {
  return c.manualPause !== null && (c.manualPause.until === null || today <= c.manualPause.until);
}

function describePause(c: Case): string {
  if (!c.manualPause) return 'not paused';
  return `${c.manualPause.until === null ? 'until resumed' : `until ${c.manualPause.until}`}: ${c.manualPause.reason}`;
}
