import { onWillStart, useState } from '@odoo/owl';
import { ApiError, describeError } from '../api';
import type {
  CaseClaimView,
  CaseDetail,
  NextStepView,
  DebtorProfile,
  DossierView,
  JournalEntry,
  JournalPage,
  Receivable,
  StoredDocument,
} from '../api-types';
import { formatDate, formatNumber, pick, t, toMinorUnits } from '../i18n';
import { stepKindLabel } from '../labels';
import { canAct } from '../session';
import { Screen } from './screen';

/**
 * One case: the debtor, the open items and their marks, the journal as a timeline, the documents
 * to download, the dossiers handed to the firm with their procedure and deadlines, and the claim
 * as of today; and what a controller does on it (pause, resume, mark an item, promise, call
 * result). Each part loads on its own: one failing leaves the others readable.
 */

type Mark = 'dispute' | 'exclude';
type CallOutcome = 'reached' | 'no_answer' | 'promise' | 'dispute' | 'wrong_number';

export interface PhoneTask {
  actionId: string;
  at: string;
  summary: string;
}

export class CaseScreen extends Screen<{ caseId: string }> {
  static override template = 'recouvra.CaseScreen';
  static override props = { caseId: String };

  readonly outcomes: CallOutcome[] = ['reached', 'no_answer', 'promise', 'dispute', 'wrong_number'];
  session = useState(this.env.session);
  state = useState({
    loading: true,
    error: '',
    detail: null as CaseDetail | null,
    journal: [] as JournalEntry[],
    journalNext: null as number | null,
    journalError: '',
    documents: [] as StoredDocument[],
    documentsError: '',
    dossiers: [] as DossierView[],
    dossiersError: '',
    profile: null as DebtorProfile | null,
    claim: null as CaseClaimView | null,
    next: null as NextStepView | null,
    claimError: '',
    /** What the last action did, or why it failed. */
    done: '',
    failed: '',
    busy: false,
    /** The item whose dispute or exclusion form is open. */
    itemForm: null as { itemId: string; mark: Mark; reason: string } | null,
    /** An action waiting for its confirmation. */
    confirming: null as { kind: 'resume' } | { kind: 'unmark'; itemId: string; mark: Mark } | null,
  });
  pauseForm = useState({ reason: '', until: '' });
  promiseForm = useState({ date: '', amount: '' });
  callForm = useState({ actionId: '', outcome: 'reached', note: '', date: '', amount: '' });

  override setup(): void {
    onWillStart(() => this.loadAll());
  }

  get path(): string {
    return `/cases/${encodeURIComponent(this.props.caseId)}`;
  }

  get canAct(): boolean {
    return canAct(this.session.user?.role);
  }

  get currency(): string {
    return this.state.detail?.case.currency ?? 'EUR';
  }

  async loadAll(): Promise<void> {
    this.state.loading = true;
    await Promise.all([
      this.loadDetail(),
      this.loadJournal(),
      this.loadDocuments(),
      this.loadDossiers(),
      this.loadClaim(),
      this.loadNext(),
    ]);
    this.state.loading = false;
    const debtor = this.state.detail?.case.debtorId;
    if (debtor) await this.loadProfile(debtor);
  }

  async loadDetail(): Promise<void> {
    try {
      this.state.detail = await this.env.api.get<CaseDetail>(this.path);
      this.state.error = '';
    } catch (error) {
      this.state.error =
        error instanceof ApiError && error.status === 404
          ? `${t('No such case:')} ${error.message}`
          : describeError(error);
    }
  }

  /**
   * The legal claim as of today. An API started without the legal data (CLAIM_NOT_SERVED), or an
   * older one without the route, shows none, silently.
   */
  async loadClaim(): Promise<void> {
    try {
      this.state.claim = await this.env.api.get<CaseClaimView>(`${this.path}/claim`);
      this.state.claimError = '';
    } catch (error) {
      this.state.claim = null;
      this.state.claimError =
        error instanceof ApiError && (error.code === 'CLAIM_NOT_SERVED' || error.code === 'ROUTE_NOT_FOUND')
          ? ''
          : describeError(error);
    }
  }

  /** What the ladder does next; nothing is shown when the API cannot say (no policies, an older daemon, an error). */
  async loadNext(): Promise<void> {
    try {
      this.state.next = await this.env.api.get<NextStepView>(`${this.path}/next-step`);
    } catch {
      this.state.next = null;
    }
  }

  nextStepText(next: NextStepView): string {
    const step = next.step ? `${stepKindLabel(next.step.kind)} (${next.step.id})` : '';
    switch (next.status) {
      case 'due':
        return `${step}, ${t('due since')} ${formatDate(next.dueOn ?? next.asOf)}`;
      case 'waiting':
        return `${step}, ${t('on')} ${formatDate(next.dueOn ?? next.asOf)}${next.step?.requiresApproval ? ` ${t('(needs approval)')}` : ''}`;
      case 'awaiting_approval':
        return `${step}: ${t('waiting for approval')}`;
      case 'paused':
        return next.resumesOn
          ? `${t('paused; dunning may resume on')} ${formatDate(next.resumesOn)}`
          : t('paused until a person resumes it');
      case 'blocked':
        return `${step}: ${t('blocked')} — ${next.reasons.map((r) => r.message).join('; ')}`;
      case 'completed':
        return t('none: every step of the policy was performed');
      default:
        return t('none: nothing is due');
    }
  }

  leftOutLabel(reason: string): string {
    switch (reason) {
      case 'not_yet_due':
        return t('not yet due');
      case 'excluded':
        return t('excluded from dunning');
      case 'disputed':
        return t('disputed');
      case 'prescribed':
        return t('time-barred');
      default:
        return reason;
    }
  }

  async loadJournal(after?: number): Promise<void> {
    try {
      const page = await this.env.api.get<JournalPage>(`${this.path}/journal`, { after });
      this.state.journal = after === undefined ? page.entries : [...this.state.journal, ...page.entries];
      this.state.journalNext = page.next;
      this.state.journalError = '';
    } catch (error) {
      this.state.journalError = describeError(error);
    }
  }

  async moreJournal(): Promise<void> {
    if (this.state.journalNext !== null) await this.loadJournal(this.state.journalNext);
  }

  async loadDocuments(): Promise<void> {
    try {
      this.state.documents = (
        await this.env.api.get<{ documents: StoredDocument[] }>(`${this.path}/documents`)
      ).documents;
    } catch (error) {
      this.state.documentsError = describeError(error);
    }
  }

  async loadDossiers(): Promise<void> {
    try {
      this.state.dossiers = (await this.env.api.get<{ dossiers: DossierView[] }>(`${this.path}/dossiers`)).dossiers;
    } catch (error) {
      this.state.dossiersError = describeError(error);
    }
  }

  /** The payer profile comes later in the API: shown when it answers, left out when it does not (404 until then). */
  async loadProfile(debtorId: string): Promise<void> {
    try {
      this.state.profile = await this.env.api.get<DebtorProfile>(`/debtors/${encodeURIComponent(debtorId)}/profile`);
    } catch {
      this.state.profile = null;
    }
  }

  /** The phone tasks the journal records, whose call result can be entered. */
  get phoneTasks(): PhoneTask[] {
    return this.state.journal
      .filter(
        (e) =>
          e.type === 'action_performed' && e.data['kind'] === 'phone_task' && typeof e.data['actionId'] === 'string',
      )
      .map((e) => ({ actionId: e.data['actionId'] as string, at: e.at, summary: e.summary }));
  }

  marksOf(item: Receivable): string[] {
    const marks: string[] = [];
    if (item.disputed) marks.push(`${t('Disputed since')} ${this.date(item.disputed.since)}: ${item.disputed.reason}`);
    if (item.excluded) marks.push(`${t('Excluded since')} ${this.date(item.excluded.since)}: ${item.excluded.reason}`);
    if (item.promiseToPay)
      marks.push(
        `${t('Promised for')} ${this.date(item.promiseToPay.date)}${item.promiseToPay.amount === undefined ? '' : ` (${this.money(item.promiseToPay.amount, item.currency)})`}`,
      );
    if (item.paymentPlan) marks.push(`${t('Payment plan, instalments:')} ${item.paymentPlan.instalments.length}`);
    return marks;
  }

  kindLabel(item: Receivable): string {
    return item.kind === 'credit_note' ? t('Credit note') : t('Invoice');
  }

  documentHref(doc: StoredDocument): string {
    return `/api/documents/${encodeURIComponent(doc.id)}`;
  }

  size(bytes: number): string {
    return bytes < 1024 ? `${bytes} B` : `${formatNumber(bytes / 1024, 1)} kB`;
  }

  outcomeLabel(outcome: CallOutcome): string {
    switch (outcome) {
      case 'reached':
        return t('Debtor reached');
      case 'no_answer':
        return t('No answer');
      case 'promise':
        return t('Promised to pay');
      case 'dispute':
        return t('Disputes the debt');
      case 'wrong_number':
        return t('Wrong number');
    }
  }

  actorLabel(entry: JournalEntry): string {
    return `${entry.actor.kind}: ${entry.actor.id}`;
  }

  profileTrend(profile: DebtorProfile): string {
    const trend = profile.trend;
    if (!trend) return '';
    return typeof trend === 'string' ? trend : pick(trend);
  }

  private async act(what: string, run: () => Promise<unknown>): Promise<boolean> {
    if (this.state.busy) return false;
    this.state.busy = true;
    this.state.done = '';
    this.state.failed = '';
    try {
      await run();
      this.state.done = what;
      await Promise.all([this.loadDetail(), this.loadJournal(), this.loadClaim(), this.loadNext()]);
      return true;
    } catch (error) {
      this.state.failed = describeError(error);
      return false;
    } finally {
      this.state.busy = false;
    }
  }

  async pause(): Promise<void> {
    const reason = this.pauseForm.reason.trim();
    if (!reason) {
      this.state.failed = t('Give the reason for the pause.');
      return;
    }
    const body = { reason, ...(this.pauseForm.until ? { until: this.pauseForm.until } : {}) };
    if (await this.act(t('Dunning paused.'), () => this.env.api.post(`${this.path}/pause`, body)))
      Object.assign(this.pauseForm, { reason: '', until: '' });
  }

  askResume(): void {
    this.state.confirming = { kind: 'resume' };
  }

  async confirm(): Promise<void> {
    const pending = this.state.confirming;
    this.state.confirming = null;
    if (!pending) return;
    if (pending.kind === 'resume')
      await this.act(t('Dunning resumed.'), () => this.env.api.post(`${this.path}/resume`));
    else
      await this.act(pending.mark === 'dispute' ? t('Dispute removed.') : t('Item included again.'), () =>
        this.env.api.delete(`/items/${encodeURIComponent(pending.itemId)}/${pending.mark}`),
      );
  }

  cancelConfirm(): void {
    this.state.confirming = null;
  }

  openMark(item: Receivable, mark: Mark): void {
    this.state.itemForm = { itemId: item.id, mark, reason: '' };
  }

  askUnmark(item: Receivable, mark: Mark): void {
    this.state.confirming = { kind: 'unmark', itemId: item.id, mark };
  }

  async saveMark(): Promise<void> {
    const form = this.state.itemForm;
    if (!form) return;
    const reason = form.reason.trim();
    if (!reason) {
      this.state.failed = t('Give the reason.');
      return;
    }
    const ok = await this.act(
      form.mark === 'dispute' ? t('Item marked disputed.') : t('Item excluded from dunning.'),
      () => this.env.api.post(`/items/${encodeURIComponent(form.itemId)}/${form.mark}`, { reason }),
    );
    if (ok) this.state.itemForm = null;
  }

  cancelMark(): void {
    this.state.itemForm = null;
  }

  async promise(): Promise<void> {
    const { date, amount } = this.promiseForm;
    if (!date) {
      this.state.failed = t('Give the date the debtor promised to pay by.');
      return;
    }
    const minor = amount.trim() === '' ? undefined : toMinorUnits(amount, this.currency);
    if (minor === null) {
      this.state.failed = t('The promised amount is not an amount.');
      return;
    }
    const body = { date, ...(minor === undefined ? {} : { amount: minor }) };
    if (await this.act(t('Promise to pay recorded.'), () => this.env.api.post(`${this.path}/promise`, body)))
      Object.assign(this.promiseForm, { date: '', amount: '' });
  }

  async callResult(): Promise<void> {
    const f = this.callForm;
    if (!f.actionId) {
      this.state.failed = t('Choose the phone task the call answers.');
      return;
    }
    const body: Record<string, unknown> = { outcome: f.outcome };
    if (f.note.trim()) body['note'] = f.note.trim();
    if (f.outcome === 'promise') {
      if (!f.date) {
        this.state.failed = t('Give the date the debtor promised to pay by.');
        return;
      }
      body['date'] = f.date;
      if (f.amount.trim()) {
        const minor = toMinorUnits(f.amount, this.currency);
        if (minor === null) {
          this.state.failed = t('The promised amount is not an amount.');
          return;
        }
        body['amount'] = minor;
      }
    }
    if (
      await this.act(t('Call result recorded.'), () =>
        this.env.api.post(`/actions/${encodeURIComponent(f.actionId)}/call-result`, body),
      )
    )
      Object.assign(this.callForm, { note: '', date: '', amount: '' });
  }
}
