import { onWillStart, useState } from '@odoo/owl';
import { ApiError, describeError, type Problem } from '../api';
import type { Text2, WorklistItem, WorklistPage } from '../api-types';
import { t, toMinorUnits } from '../i18n';
import { STAGES } from '../labels';
import { Screen } from './screen';

/**
 * The worklist (GET /api/worklist): the cases to work, filtered and sorted by the API and read
 * one page at a time with its `next` cursor, never whole. The filters live in the route
 * (`#/worklist?stage=reminding&minOpen=1000`), so a filtered list can be bookmarked, shared and
 * reached with the browser's back button; amounts are typed in major units of the currency.
 */

export type SortKey = 'risk' | 'open' | 'daysOverdue' | 'debtor' | 'stage';
const SORT_KEYS: readonly SortKey[] = ['risk', 'open', 'daysOverdue', 'debtor', 'stage'];
/** Names and stages read A to Z first; figures largest first. */
const FIRST_ORDER: Readonly<Record<SortKey, 'asc' | 'desc'>> = {
  risk: 'desc',
  open: 'desc',
  daysOverdue: 'desc',
  debtor: 'asc',
  stage: 'asc',
};
export const PAGE_SIZE = 50;

/** The filters as typed, which are also the route's query. */
interface FilterForm {
  q: string;
  stage: string;
  currency: string;
  connection: string;
  company: string;
  minOpen: string;
  maxOpen: string;
  minDaysOverdue: string;
}

const FILTER_KEYS: readonly (keyof FilterForm)[] = [
  'q',
  'stage',
  'currency',
  'connection',
  'company',
  'minOpen',
  'maxOpen',
  'minDaysOverdue',
];

export class Worklist extends Screen<{ query: Record<string, string> }> {
  static override template = 'recouvra.Worklist';
  static override props = { query: Object };

  readonly stages = STAGES;
  form = useState(this.formOf(this.props.query));
  state = useState({
    loading: true,
    error: '',
    problems: [] as Problem[],
    items: [] as WorklistItem[],
    next: null as string | null,
    asOf: '',
    riskRules: null as Text2 | null,
    summariesPending: 0,
    /** The cursor of each page shown so far ('' for the first): Previous goes back along it. */
    cursors: [''] as string[],
  });

  override setup(): void {
    onWillStart(() => this.load(''));
  }

  get sort(): SortKey {
    const asked = this.props.query['sort'] as SortKey | undefined;
    return asked && SORT_KEYS.includes(asked) ? asked : 'risk';
  }

  get order(): 'asc' | 'desc' {
    const asked = this.props.query['order'];
    return asked === 'asc' || asked === 'desc' ? asked : FIRST_ORDER[this.sort];
  }

  get pageNumber(): number {
    return this.state.cursors.length;
  }

  private formOf(query: Readonly<Record<string, string>>): FilterForm {
    const form = {} as FilterForm;
    for (const key of FILTER_KEYS) form[key] = query[key] ?? '';
    return form;
  }

  /** The API's query for the route's filters, or the problems that keep it from being sent. */
  private apiQuery(cursor: string): { query: Record<string, string | number>; problems: Problem[] } {
    const f = this.formOf(this.props.query);
    const problems: Problem[] = [];
    const currency = f.currency.trim().toUpperCase();
    const query: Record<string, string | number> = {};
    if (f.q.trim()) query['q'] = f.q.trim();
    if (f.stage) query['stage'] = f.stage;
    if (currency) query['currency'] = currency;
    if (f.connection.trim()) query['connection'] = f.connection.trim();
    if (f.company.trim()) query['company'] = f.company.trim();
    for (const key of ['minOpen', 'maxOpen'] as const) {
      if (f[key].trim() === '') continue;
      const minor = toMinorUnits(f[key], currency || null);
      if (minor === null) problems.push({ path: key, message: t('must be an amount, such as 1500 or 1500.50') });
      else query[key] = minor;
    }
    if (f.minDaysOverdue.trim() !== '') {
      if (/^\d+$/.test(f.minDaysOverdue.trim())) query['minDaysOverdue'] = Number(f.minDaysOverdue.trim());
      else problems.push({ path: 'minDaysOverdue', message: t('must be a whole number of days') });
    }
    query['sort'] = this.sort;
    query['order'] = this.order;
    query['limit'] = PAGE_SIZE;
    if (cursor) query['cursor'] = cursor;
    return { query, problems };
  }

  async load(cursor: string): Promise<boolean> {
    const { query, problems } = this.apiQuery(cursor);
    this.state.problems = problems;
    if (problems.length > 0) {
      this.state.loading = false;
      this.state.error = t('Some filters are not valid:');
      return false;
    }
    this.state.loading = true;
    this.state.error = '';
    try {
      const page = await this.env.api.get<WorklistPage>('/worklist', query);
      this.state.items = page.items;
      this.state.next = page.next;
      this.state.asOf = page.asOf;
      this.state.riskRules = page.riskRules ?? null;
      this.state.summariesPending = page.summariesPending ?? 0;
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.problems.length > 0) {
        this.state.error = t('Some filters are not valid:');
        this.state.problems = [...error.problems];
      } else this.state.error = describeError(error);
      return false;
    } finally {
      this.state.loading = false;
    }
  }

  get statusText(): string {
    if (this.state.loading) return t('Loading the cases…');
    if (this.state.error) return '';
    if (this.state.items.length === 0) return t('No case matches these filters.');
    return `${t('Cases on this page:')} ${this.state.items.length}`;
  }

  apply(): void {
    this.env.router.navigate('/worklist', {
      ...this.form,
      sort: this.props.query['sort'],
      order: this.props.query['order'],
    });
  }

  clear(): void {
    this.env.router.navigate('/worklist');
  }

  sortBy(key: SortKey): void {
    const order = key === this.sort ? (this.order === 'asc' ? 'desc' : 'asc') : FIRST_ORDER[key];
    this.env.router.navigate('/worklist', { ...this.formOf(this.props.query), sort: key, order });
  }

  ariaSort(key: SortKey): 'ascending' | 'descending' | 'none' {
    if (key !== this.sort) return 'none';
    return this.order === 'asc' ? 'ascending' : 'descending';
  }

  sortMark(key: SortKey): string {
    if (key !== this.sort) return '↕';
    return this.order === 'asc' ? '↑' : '↓';
  }

  async nextPage(): Promise<void> {
    const next = this.state.next;
    if (!next || this.state.loading) return;
    if (await this.load(next)) this.state.cursors.push(next);
  }

  async previousPage(): Promise<void> {
    if (this.state.cursors.length < 2 || this.state.loading) return;
    const previous = this.state.cursors[this.state.cursors.length - 2]!;
    if (await this.load(previous)) this.state.cursors.pop();
  }

  caseHref(item: WorklistItem): string {
    return `#/cases/${encodeURIComponent(item.caseId)}`;
  }

  problemLabel(path: string): string {
    switch (path.replace(/^query\./, '')) {
      case 'q':
        return t('Search');
      case 'stage':
        return t('Stage');
      case 'currency':
        return t('Currency');
      case 'connection':
        return t('Connection');
      case 'company':
        return t('Company');
      case 'minOpen':
        return t('Open amount from');
      case 'maxOpen':
        return t('Open amount up to');
      case 'minDaysOverdue':
        return t('Days overdue, at least');
      default:
        return path;
    }
  }
}
