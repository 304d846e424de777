import { onWillStart, useState } from '@odoo/owl';
import { describeError } from '../api';
import type { ApprovalView, GateConditionView, JournalPage } from '../api-types';
import { t } from '../i18n';
import { canApprove } from '../session';
import { Screen } from './screen';

/**
 * Escalations waiting for an approver (GET /api/approvals): approve, or reject with a reason, one
 * at a time or the selected ones. Before approving, the escalation gate's conditions are shown:
 * from the approval when the API gives them, else from the decision's journal entry, whose
 * reasons record each condition (connector/dossier/gate-hook.ts). Confirming is a second step.
 */

/** Journal pages read at most while looking for a decision's entry. */
const MAX_JOURNAL_PAGES = 10;

interface Conditions {
  loading: boolean;
  error: string;
  list: GateConditionView[];
}

type Pending = { kind: 'approve' | 'reject'; caseIds: string[] } | null;

interface ApprovalsState {
  loading: boolean;
  error: string;
  approvals: ApprovalView[];
  next: string | null;
  /** Case ids ticked for a bulk approval or rejection. */
  selected: string[];
  /** The gate's conditions by case id, once asked for. */
  conditions: Record<string, Conditions>;
  pending: Pending;
  reason: string;
  busy: boolean;
  failed: string;
  /** One line per case of the last approval or rejection. */
  results: { caseId: string; ok: boolean; text: string }[];
}

export class Approvals extends Screen {
  static override template = 'recouvra.Approvals';

  session = useState(this.env.session);
  state = useState<ApprovalsState>({
    loading: true,
    error: '',
    approvals: [],
    next: null,
    selected: [],
    conditions: {},
    pending: null,
    reason: '',
    busy: false,
    failed: '',
    results: [],
  });

  override setup(): void {
    onWillStart(() => this.load());
  }

  get canApprove(): boolean {
    return canApprove(this.session.user?.role);
  }

  async load(after?: string): Promise<void> {
    this.state.loading = true;
    try {
      const page = await this.env.api.get<{ approvals: ApprovalView[]; next: string | null }>('/approvals', {
        limit: 50,
        after,
      });
      this.state.approvals = after === undefined ? page.approvals : [...this.state.approvals, ...page.approvals];
      this.state.next = page.next;
      this.state.error = '';
      this.state.selected = this.state.selected.filter((id) => this.state.approvals.some((a) => a.caseId === id));
    } catch (error) {
      this.state.error = describeError(error);
    } finally {
      this.state.loading = false;
    }
  }

  async more(): Promise<void> {
    if (this.state.next) await this.load(this.state.next);
  }

  caseHref(a: ApprovalView): string {
    return `#/cases/${encodeURIComponent(a.caseId)}`;
  }

  debtorName(a: ApprovalView): string {
    return a.debtor?.name ?? a.caseId;
  }

  isSelected(caseId: string): boolean {
    return this.state.selected.includes(caseId);
  }

  toggle(caseId: string): void {
    this.state.selected = this.isSelected(caseId)
      ? this.state.selected.filter((id) => id !== caseId)
      : [...this.state.selected, caseId];
  }

  conditionsOf(caseId: string): Conditions | undefined {
    return this.state.conditions[caseId];
  }

  /** The gate as the approval gives it, else as the decision's journal entry recorded it. */
  async loadConditions(a: ApprovalView): Promise<void> {
    if (this.state.conditions[a.caseId] && !this.state.conditions[a.caseId]!.error) return;
    if (a.gate) {
      this.state.conditions[a.caseId] = { loading: false, error: '', list: a.gate.conditions };
      return;
    }
    this.state.conditions[a.caseId] = { loading: true, error: '', list: [] };
    try {
      let after: number | undefined;
      for (let n = 0; n < MAX_JOURNAL_PAGES; n++) {
        const page = await this.env.api.get<JournalPage>(`/cases/${encodeURIComponent(a.caseId)}/journal`, {
          after,
          limit: 1000,
        });
        const entry = page.entries.find((e) => e.type === 'decision' && e.data['decisionId'] === a.decisionId);
        if (entry) {
          this.state.conditions[a.caseId] = {
            loading: false,
            error: '',
            list: gateConditionsOf(entry.data['reasons']),
          };
          return;
        }
        if (page.next === null) break;
        after = page.next;
      }
      this.state.conditions[a.caseId] = {
        loading: false,
        error: t('The decision does not record the gate’s conditions.'),
        list: [],
      };
    } catch (error) {
      this.state.conditions[a.caseId] = { loading: false, error: describeError(error), list: [] };
    }
  }

  ask(kind: 'approve' | 'reject', caseIds: string[]): void {
    if (caseIds.length === 0) return;
    this.state.pending = { kind, caseIds };
    this.state.reason = '';
    this.state.failed = '';
    if (kind === 'approve')
      for (const id of caseIds) {
        const a = this.state.approvals.find((x) => x.caseId === id);
        if (a) void this.loadConditions(a);
      }
  }

  cancel(): void {
    this.state.pending = null;
  }

  pendingNames(): string {
    const pending = this.state.pending;
    if (!pending) return '';
    return pending.caseIds
      .map((id) => {
        const a = this.state.approvals.find((x) => x.caseId === id);
        return a ? this.debtorName(a) : id;
      })
      .join(', ');
  }

  /** One call per case, one after the other: each answer is reported on its own line. */
  async confirm(): Promise<void> {
    const pending = this.state.pending;
    if (!pending || this.state.busy) return;
    const reason = this.state.reason.trim();
    if (pending.kind === 'reject' && !reason) {
      this.state.failed = t('A rejection needs its reason.');
      return;
    }
    this.state.busy = true;
    this.state.failed = '';
    const results: { caseId: string; ok: boolean; text: string }[] = [];
    for (const caseId of pending.caseIds) {
      const a = this.state.approvals.find((x) => x.caseId === caseId);
      const name = a ? this.debtorName(a) : caseId;
      try {
        const path = `/cases/${encodeURIComponent(caseId)}/${pending.kind}`;
        await this.env.api.post(path, pending.kind === 'reject' ? { reason } : undefined);
        results.push({
          caseId,
          ok: true,
          text: `${name}: ${pending.kind === 'approve' ? t('approved') : t('rejected')}`,
        });
      } catch (error) {
        results.push({ caseId, ok: false, text: `${name}: ${describeError(error)}` });
      }
    }
    this.state.results = results;
    this.state.pending = null;
    this.state.busy = false;
    this.state.selected = [];
    await this.load();
  }
}

/** Each condition from the decision's reasons: `ESCALATION_CONDITION_MET|FAILED` with "<id>: <facts>". */
export function gateConditionsOf(reasons: unknown): GateConditionView[] {
  if (!Array.isArray(reasons)) return [];
  return reasons.flatMap((r: unknown) => {
    const { code, message } = (r ?? {}) as { code?: unknown; message?: unknown };
    if (code !== 'ESCALATION_CONDITION_MET' && code !== 'ESCALATION_CONDITION_FAILED') return [];
    const text = typeof message === 'string' ? message : '';
    const colon = text.indexOf(': ');
    return [
      {
        id: colon > 0 ? text.slice(0, colon) : text,
        pass: code === 'ESCALATION_CONDITION_MET',
        reason: colon > 0 ? text.slice(colon + 2) : '',
      },
    ];
  });
}
