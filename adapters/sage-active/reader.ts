import { AdapterError } from '../../connector/ports/adapter-error';
import { emptyPage, type ReadPage, type ReadPosition, type StreamName } from '../../connector/ports/erp';
import {
  customerToDebtor,
  invoiceToReceivable,
  sageIds,
  type SageActiveMappingContext,
} from '../../mappings/sage-active/to-canonical';
import { entryLineIds, entryToReceivables } from '../../mappings/sage-active/accounting';
import type { SageActiveClient } from './client';
import type { SageActiveConnection } from './config.schema';
import {
  cursorValue,
  instantOf,
  keyOf,
  laterPosition,
  MAX_PAGE,
  OPEN_STATUSES,
  parseResume,
  parseStreamCursor,
  phaseOrder,
  phaseWhere,
  planPage,
  RECEIVABLE_TYPES,
  runStart,
  tiePage,
  afterInstant,
  type Phase,
  type Position,
  type Route,
  type StreamCursor,
} from './sync-plan';

/**
 * Reading Sage Active (sage.md §2.3, §2.4): customers and the receivables of the organisation in
 * Relay pages read as keysets (sync-plan.ts says how and why), the ids of every open receivable
 * (the sweep: Sage keeps no deletion feed and calls no webhook), and receivables read again by id
 * to tell paid or credited from deleted. Pure wire work: mapping is in mappings/sage-active, saving
 * in the core.
 *
 * Receivables come from sales invoices, or, for an organisation whose sales module is empty, from
 * the customer lines of its accounting entries (the books-only route of §2.3, mappings/sage-active/accounting.ts).
 */

/** Sage Active is sold in France, Spain, Germany and Portugal: all in euro; its invoices carry no currency (§2.3, UNVERIFIED). */
export const SAGE_ACTIVE_CURRENCY = 'EUR';

/** One root field read in Relay pages: its GraphQL names and what is selected of each node. */
interface Source {
  field: 'customers' | 'salesInvoices' | 'accountingEntries';
  filterType: string;
  sortType: string;
  selection: string;
  /** The filter of the first read (open records only), when the source has one. */
  openFilter?: Record<string, unknown>;
  /** Always applied: what of this field is the source's. */
  filter?: Record<string, unknown>;
  /**
   * Read on creationDate alone: accounting entries cannot be sorted on modificationDate (their sort
   * input has documentNumber, documentDate and creationDate). A change to an entry's open items is
   * seen by the sweep, which reads them; another change to an entry already read is not
   * [UNVERIFIED: whether Sage lets an imported entry be changed once posted].
   */
  createdOnly?: true;
}

const CUSTOMER_SELECTION = `id code socialName tradeName documentId vatNumber customerType status disabled creationDate modificationDate
  addresses { firstLine secondLine city zipCode countryIsoCodeAlpha2 isMainAddress }
  contacts { isDefault emails { emailAddress usage isDefault } phones { number type isDefault } }`;

/** §2.3's query, with what the mapping reads and `hasCreditNote` to tell a credited invoice from a paid one. */
const INVOICE_SELECTION = `id creationDate modificationDate operationalNumber type status documentDate firstDueDate
  totalLiquid customerId sourceSalesInvoiceId hasCreditNote
  openItems { id amount paidAmountAccumulated dueDate status }`;

/** §2.3 path (b): customer lines of sales-journal entries the sales module did not post (read as entries). */
const ENTRY_SELECTION = `id creationDate modificationDate documentNumber documentDate sourceType
  accountingEntryLines { id debit credit accountingEntryThirdParty { thirdPartyId origin }
    accountingEntryInvoice { externalInvoiceNumber documentDate amount openItems { id amount paidAmountAccumulated dueDate status } } }`;
const BOOKS_ENTRY_FILTER = {
  sourceType: { neq: 'SALES' },
  journalType: { eq: 'SALES_INVOICE' },
  accountingEntryLines: { some: { accountingEntryThirdParty: { origin: { eq: 'CUSTOMER' } } } },
};

const OPEN_INVOICES = { status: { in: [...OPEN_STATUSES] }, type: { in: [...RECEIVABLE_TYPES] } };

const SOURCES = {
  customers: {
    field: 'customers',
    filterType: 'CustomerFilterInput',
    sortType: 'CustomerSortInput',
    selection: CUSTOMER_SELECTION,
  },
  salesInvoices: {
    field: 'salesInvoices',
    filterType: 'SalesInvoiceFilterInput',
    sortType: 'SalesInvoiceSortInput',
    selection: INVOICE_SELECTION,
    openFilter: OPEN_INVOICES,
  },
  accountingEntries: {
    field: 'accountingEntries',
    filterType: 'AccountingEntryFilterInput',
    sortType: 'AccountingEntrySortInput',
    selection: ENTRY_SELECTION,
    filter: BOOKS_ENTRY_FILTER,
    createdOnly: true,
  },
} as const satisfies Record<string, Source>;

interface Connection {
  nodes: unknown[];
  hasNextPage: boolean;
  endCursor: string | undefined;
  totalCount: number | undefined;
}

export interface OrganizationInfo {
  id: string;
  socialName: string | undefined;
  legislationCode: string | undefined;
}

/** What one page of a stream asks Sage for (`SageActiveReader.pageRequest`). */
interface PageRequest {
  stream: Exclude<StreamName, 'payments'>;
  saved: StreamCursor;
  source: Source;
  route: Route | undefined;
  phase: Phase;
  from: Position | undefined;
  openOnly: boolean;
  extra: Record<string, unknown>;
  args: { first: number; where: Record<string, unknown>; order: Record<string, 'ASC'>[] };
  /** The request itself, to tell whether a page fetched ahead is this one. */
  key: string;
}

export class SageActiveReader {
  private routeOf: Promise<Route> | undefined;
  private ahead: Promise<{ key: string; connection: Promise<Connection> }> | undefined;

  constructor(
    private readonly client: SageActiveClient,
    private readonly config: SageActiveConnection,
  ) {}

  private get connection(): string {
    return this.config.id;
  }

  /** The mapping's context: ids and the organisation's currency, known without a request. */
  context(): SageActiveMappingContext {
    return { connection: this.config.id, organizationId: this.config.organizationId, currency: SAGE_ACTIVE_CURRENCY };
  }

  /**
   * Where this organisation's receivables are, asked once per adapter: its sales invoices, or, when
   * it has none at all, the customer lines of its accounting entries (§2.3, accountants' clients
   * whose invoices are only entered or imported as entries). An edition that cannot read entries
   * (Starter, §2.1) stays on the sales route, empty as it is.
   */
  route(): Promise<Route> {
    this.routeOf ??= (async (): Promise<Route> => {
      const sales = await this.page(SOURCES.salesInvoices, { first: 1, where: {}, selection: 'id', count: true });
      if ((sales.totalCount ?? sales.nodes.length) > 0) return 'sales';
      try {
        const books = await this.page(SOURCES.accountingEntries, { first: 1, where: {}, selection: 'id', count: true });
        return (books.totalCount ?? books.nodes.length) > 0 ? 'accounting' : 'sales';
      } catch (e) {
        if (e instanceof AdapterError && e.code === 'SAGE_FEATURE_DENIED') return 'sales';
        throw e;
      }
    })();
    // A failed question is asked again next time, not remembered.
    this.routeOf.catch(() => (this.routeOf = undefined));
    return this.routeOf;
  }

  /** §2.1: the signed-in user (no organisation needed): proves the key and the token. */
  async userProfile(): Promise<{ id: string | undefined }> {
    const data = await this.client.request<Record<string, unknown>>(
      'RecouvraUserProfile',
      'query RecouvraUserProfile { userProfile { id } }',
      {},
      { organization: false },
    );
    const profile = data['userProfile'];
    const id = isObject(profile) && typeof profile['id'] === 'string' ? profile['id'] : undefined;
    return { id };
  }

  /** §2.1: the organisations the user can open, with only the fields that stay on `organizations` after 2026-06. */
  async organizations(): Promise<OrganizationInfo[]> {
    const out: OrganizationInfo[] = [];
    let after: string | undefined;
    for (;;) {
      const data = await this.client.request<Record<string, unknown>>(
        'RecouvraOrganizations',
        `query RecouvraOrganizations($first: Int!, $after: String) {
          organizations(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { id socialName legislationCode } }
        }`,
        { first: MAX_PAGE, after: after ?? null },
        { organization: false },
      );
      const conn = this.connectionOf(data, 'organizations');
      for (const n of conn.nodes)
        if (isObject(n) && typeof n['id'] === 'string')
          out.push({
            id: n['id'],
            socialName: typeof n['socialName'] === 'string' ? n['socialName'] : undefined,
            legislationCode: typeof n['legislationCode'] === 'string' ? n['legislationCode'] : undefined,
          });
      if (!conn.hasNextPage || conn.endCursor === undefined) return out;
      after = conn.endCursor;
    }
  }

  /** Whether this user and edition may read accounting entries (§2.1: not a Starter edition). */
  async canReadEntries(): Promise<boolean> {
    try {
      await this.page(SOURCES.accountingEntries, { first: 1, where: {}, selection: 'id' });
      return true;
    } catch (e) {
      if (e instanceof AdapterError && e.code === 'SAGE_FEATURE_DENIED') return false;
      throw e;
    }
  }

  streams(): StreamName[] {
    // Customers first: the debtors of a page of receivables are then mostly in the store already.
    return ['debtors', 'receivables'];
  }

  /**
   * What reading `stream` from `position` asks Sage for: the source, the keyset phase and its
   * start, and the filter. The route is asked once per adapter (`route`).
   */
  private async pageRequest(stream: Exclude<StreamName, 'payments'>, position: ReadPosition): Promise<PageRequest> {
    const what = `${this.connection}/${stream}`;
    let saved = parseStreamCursor(position.saved, `saved cursor of ${what}`);
    let source: Source = SOURCES.customers;
    let route: Route | undefined;
    if (stream === 'receivables') {
      route = await this.route();
      source = route === 'sales' ? SOURCES.salesInvoices : SOURCES.accountingEntries;
      // Positions of the other route say nothing of this one: its read starts over.
      if ((saved.route ?? 'sales') !== route) saved = {};
    }
    const first = saved.created === undefined && saved.modified === undefined;
    let phase: Phase;
    let from: Position | undefined;
    let openOnly: boolean;
    if (position.resume) {
      const resume = parseResume(position.resume, `resume position of ${what}`);
      phase = resume.phase;
      openOnly = resume.openOnly === true;
      const savedPos = saved[phase];
      from = resume.from ?? (savedPos ? runStart(savedPos) : undefined);
    } else {
      phase = 'created';
      openOnly = source.openFilter !== undefined && (saved.openOnly === true || first);
      from = saved.created ? runStart(saved.created) : undefined;
    }
    const extra = { ...(source.filter ?? {}), ...(openOnly ? (source.openFilter ?? {}) : {}) };
    const args = {
      first: this.config.pageSize,
      where: phaseWhere(phase, from, extra, undefined, source.createdOnly),
      order: phaseOrder(phase),
    };
    return { stream, saved, source, route, phase, from, openOnly, extra, args, key: JSON.stringify([stream, args]) };
  }

  /**
   * Sends the request of the page after this one now, while this one is mapped and saved (the
   * engine asks for it as soon as its save ends): Sage then answers while the connector works
   * rather than after. One request at most is ahead; a read that asks for something else drops it.
   */
  private readAhead(request: Promise<PageRequest>): void {
    this.ahead = request.then((r) => ({ key: r.key, connection: this.page(r.source, r.args) }));
    // Its failure is the next read's to report; meanwhile it must not count as unhandled.
    this.ahead.then((f) => f.connection).catch(() => undefined);
  }

  /** The page fetched ahead for `request`, if that is what was fetched; the read-ahead is used once. */
  private async takeAhead(request: PageRequest): Promise<Connection | undefined> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead === undefined) return undefined;
    let fetched: { key: string; connection: Promise<Connection> };
    try {
      fetched = await ahead;
    } catch {
      return undefined; // its request could not even be formed: this read forms its own
    }
    return fetched.key === request.key ? fetched.connection : undefined;
  }

  /** One page of `stream` from `position`. */
  async read(stream: StreamName, position: ReadPosition): Promise<ReadPage> {
    if (stream === 'payments') return emptyPage();
    const request = await this.pageRequest(stream, position);
    const { saved, source, route, phase, from, openOnly, extra } = request;
    const limit = this.config.pageSize;
    const fetched = (await this.takeAhead(request)) ?? (await this.page(source, request.args));
    const rows = this.keyed(source, fetched.nodes, phase, from);
    const plan = planPage(rows, from, fetched.hasNextPage);
    let emitted: { raw: unknown; key: Position }[];
    let next: Position | undefined;
    let done: boolean;
    if (plan.kind === 'tie') {
      const group = await this.group(source, phase, extra, plan.time);
      const tie = tiePage(group, plan.time, from, limit);
      emitted = tie.rows;
      next = tie.next;
      done = false;
    } else {
      emitted = plan.rows;
      next = plan.next;
      done = plan.done;
    }
    const page = emptyPage();
    const cursor: StreamCursor = { ...saved, ...(route ? { route } : {}) };
    cursor[phase] = laterPosition(saved[phase], next);
    if (openOnly) cursor.openOnly = true;
    const lastPhase = phase === 'modified' || source.createdOnly === true;
    if (done && lastPhase && openOnly) finishFirstRead(cursor);
    page.cursor = cursorValue(cursor);
    page.resume = !done
      ? cursorValue({ phase, from: next, ...(openOnly ? { openOnly: true } : {}) })
      : !lastPhase
        ? cursorValue({ phase: 'modified', ...(openOnly ? { openOnly: true } : {}) })
        : undefined;
    if (page.resume) this.readAhead(this.pageRequest(stream, { saved: page.cursor, resume: page.resume }));
    this.mapInto(
      source,
      emitted.map((r) => r.raw),
      page,
    );
    page.read = emitted.length;
    return page;
  }

  /**
   * How many records a run from `position` reads: the `totalCount` of each phase's filter (Relay
   * connections give it, §2.2); two small requests for a progress total.
   */
  async count(stream: StreamName, position: ReadPosition): Promise<number | undefined> {
    if (position.resume || stream === 'payments') return undefined;
    let saved = parseStreamCursor(position.saved, `saved cursor of ${this.connection}/${stream}`);
    let source: Source = SOURCES.customers;
    if (stream === 'receivables') {
      const route = await this.route();
      source = route === 'sales' ? SOURCES.salesInvoices : SOURCES.accountingEntries;
      if ((saved.route ?? 'sales') !== route) saved = {};
    }
    const first = saved.created === undefined && saved.modified === undefined;
    const openOnly = source.openFilter !== undefined && (saved.openOnly === true || first);
    const extra = { ...(source.filter ?? {}), ...(openOnly ? (source.openFilter ?? {}) : {}) };
    let n = 0;
    for (const phase of source.createdOnly ? (['created'] as const) : (['created', 'modified'] as const)) {
      const pos = saved[phase];
      const conn = await this.page(source, {
        first: 1,
        where: phaseWhere(phase, pos ? runStart(pos) : undefined, extra, undefined, source.createdOnly),
        selection: 'id',
        count: true,
      });
      if (conn.totalCount === undefined) return undefined;
      n += conn.totalCount;
    }
    return n;
  }

  /**
   * The sweep (§2.4: no deletion feed, no webhook): the canonical id of every receivable open now.
   * Sales invoices are listed by id alone, the smallest selection; on the books route an entry's
   * open items decide, so its lines are read. A record that closes while the list is read shifts
   * the Relay pages after it and may hide an open one: the engine then reads that one by id and
   * finds it still open, so nothing is closed wrongly.
   */
  async openReceivableIds(onProgress?: (listed: number) => void): Promise<Set<string>> {
    const ctx = this.context();
    const ids = new Set<string>();
    const route = await this.route();
    const source: Source = route === 'sales' ? SOURCES.salesInvoices : SOURCES.accountingEntries;
    let after: string | undefined;
    for (;;) {
      const conn = await this.page(source, {
        first: MAX_PAGE,
        after,
        where: { ...(source.filter ?? {}), ...(route === 'sales' ? OPEN_INVOICES : {}) },
        order: [{ creationDate: 'ASC' }],
        ...(route === 'sales' ? { selection: 'id' } : {}),
      });
      for (const raw of conn.nodes) {
        if (route === 'sales') {
          const id = isObject(raw) ? raw['id'] : undefined;
          if (typeof id === 'string') ids.add(sageIds.invoice(ctx, id));
        } else
          for (const r of entryToReceivables(raw, ctx).receivables) if (r.receivable.open > 0) ids.add(r.receivable.id);
      }
      onProgress?.(ids.size);
      if (!conn.hasNextPage || conn.endCursor === undefined) return ids;
      after = conn.endCursor;
    }
  }

  /**
   * Receivables by canonical id (§2.4: "re-read it with salesInvoices(where:{id:{in:[…]}})"): one
   * that comes back is paid or credited (or still open); one that does not was deleted.
   */
  async receivablesByIds(ids: readonly string[]): Promise<ReadPage> {
    const ctx = this.context();
    const page = emptyPage();
    const route = await this.route();
    const source: Source = route === 'sales' ? SOURCES.salesInvoices : SOURCES.accountingEntries;
    // Sage id → canonical ids asked (an entry holds several lines).
    const wanted = new Map<string, string[]>();
    for (const id of ids) {
      const sageId = route === 'sales' ? invoiceIdOf(ctx, id) : entryLineIds.parse(ctx, id)?.entryId;
      if (sageId === undefined) continue;
      const list = wanted.get(sageId) ?? [];
      list.push(id);
      wanted.set(sageId, list);
    }
    const all = [...wanted.keys()];
    const found: unknown[] = [];
    for (let i = 0; i < all.length; i += MAX_PAGE) {
      const batch = all.slice(i, i + MAX_PAGE);
      const conn = await this.page(source, { first: batch.length, where: { id: { in: batch } } });
      found.push(...conn.nodes);
    }
    this.mapInto(source, found, page, true);
    page.read = found.length;
    const seen = new Set([...page.receivables.map((r) => r.id), ...page.closed.map((c) => c.id)]);
    const seenSource = new Set(found.map((raw) => (isObject(raw) ? raw['id'] : undefined)));
    for (const [sageId, canonical] of wanted)
      for (const id of canonical) {
        if (seen.has(id) || page.quarantined.some((q) => id.endsWith(q.sourceId))) continue;
        page.closed.push({
          id,
          reason: seenSource.has(sageId)
            ? 'no longer in its accounting entry in Sage Active'
            : route === 'sales'
              ? 'deleted in Sage Active'
              : 'deleted in Sage Active (its accounting entry is gone)',
        });
      }
    return page;
  }

  /** Maps a batch of nodes of `source` into `page`. */
  private mapInto(source: Source, rows: readonly unknown[], page: ReadPage, byId = false): void {
    const ctx = this.context();
    if (source.field === 'customers') {
      for (const raw of rows) {
        const r = customerToDebtor(raw, ctx);
        if (r.outcome === 'debtor') {
          page.debtors.push(r.debtor);
          page.warnings.push(...r.warnings);
        } else page.quarantined.push({ sourceId: sourceIdOf(ctx, 'Customer', raw), reason: r.reason, raw });
      }
      return;
    }
    if (source.field === 'accountingEntries') {
      for (const raw of rows) {
        const r = entryToReceivables(raw, ctx);
        for (const x of r.receivables) {
          page.receivables.push(x.receivable);
          page.warnings.push(...x.warnings);
        }
        page.quarantined.push(...r.quarantined.map((q) => ({ ...q, raw })));
      }
      return;
    }
    for (const raw of rows) {
      const r = invoiceToReceivable(raw, ctx);
      const id = isObject(raw) && typeof raw['id'] === 'string' ? raw['id'] : undefined;
      if (r.outcome === 'quarantined') {
        page.quarantined.push({ sourceId: sourceIdOf(ctx, 'SalesInvoice', raw), reason: r.reason, raw });
      } else if (r.outcome === 'not_a_receivable') {
        // An invoice the store may hold open that is no longer one (back to draft, another type): closed if known.
        if (id !== undefined)
          page.closed.push({
            id: sageIds.invoice(ctx, id),
            reason: `no longer an issued invoice in Sage Active (${r.why})`,
          });
      } else if (r.receivable.open === 0 && isObject(raw) && raw['hasCreditNote'] === true) {
        // Settled by a credit note rather than paid (§2.3, generateCreditNote): said so in the case's journal.
        page.closed.push({ id: r.receivable.id, reason: 'credited in Sage Active' });
        if (byId) page.warnings.push(...r.warnings);
      } else {
        page.receivables.push(r.receivable);
        page.warnings.push(...r.warnings);
      }
    }
  }

  /** Rows of a page with their keys, checked: every row has its key, in the order asked, none before `from`. */
  private keyed(
    source: Source,
    nodes: readonly unknown[],
    phase: Phase,
    from: Position | undefined,
  ): { raw: unknown; key: Position }[] {
    let previous: Position | undefined = from && { time: from.time, id: '' };
    return nodes.map((raw) => {
      const key = keyOf(raw, phase);
      if (!key)
        throw badResponse(
          this.connection,
          source.field,
          `an id and a ${phase === 'created' ? 'creationDate' : 'modificationDate'} on every node`,
          raw,
        );
      if (previous && (instantOf(key.time) ?? 0) < (instantOf(previous.time) ?? 0))
        throw new AdapterError({
          code: 'SAGE_RECORDS_OUT_OF_ORDER',
          kind: 'system',
          userMessage: `connection ${this.connection}: Sage Active returned ${source.field} out of order: ${key.time} comes after ${previous.time}, although the query asked for them by ${phase === 'created' ? 'creationDate' : 'modificationDate'} from there. Nothing of this page was saved`,
        });
      previous = { time: key.time, id: '' };
      return { raw, key };
    });
  }

  /** Every record of a phase at the instant of `time` (a day when Sage writes dates alone), in Relay pages of the most. */
  private async group(
    source: Source,
    phase: Phase,
    extra: Record<string, unknown>,
    time: string,
  ): Promise<{ raw: unknown; key: Position }[]> {
    const where = phaseWhere(phase, { time, id: '' }, extra, afterInstant(time).time, source.createdOnly);
    const out: { raw: unknown; key: Position }[] = [];
    let after: string | undefined;
    for (;;) {
      const conn = await this.page(source, { first: MAX_PAGE, after, where, order: phaseOrder(phase) });
      out.push(...this.keyed(source, conn.nodes, phase, { time, id: '' }));
      if (!conn.hasNextPage || conn.endCursor === undefined) break;
      after = conn.endCursor;
    }
    const at = instantOf(time);
    return out.filter((r) => instantOf(r.key.time) === at);
  }

  /** §2.2: one Relay page of `source`. */
  private async page(
    source: Source,
    args: {
      first: number;
      after?: string | undefined;
      where: Record<string, unknown>;
      order?: Record<string, 'ASC'>[];
      selection?: string;
      count?: boolean;
    },
  ): Promise<Connection> {
    const op = `Recouvra${source.field[0]!.toUpperCase()}${source.field.slice(1)}`;
    const query = `query ${op}($first: Int!, $after: String, $where: ${source.filterType}, $order: [${source.sortType}!]) {
  ${source.field}(first: $first, after: $after, where: $where, order: $order) {
    ${args.count ? 'totalCount ' : ''}pageInfo { hasNextPage endCursor }
    nodes { ${args.selection ?? source.selection} }
  }
}`;
    // https://developer.sage.com/sageactive/concepts/paginate
    const data = await this.client.request<Record<string, unknown>>(op, query, {
      first: args.first,
      after: args.after ?? null,
      where: args.where,
      order: args.order ?? null,
    });
    return this.connectionOf(data, source.field);
  }

  private connectionOf(data: Record<string, unknown>, field: string): Connection {
    const conn = data[field];
    if (!isObject(conn)) throw badResponse(this.connection, field, 'a connection', data);
    const info = conn['pageInfo'];
    const nodes = conn['nodes'];
    if (!Array.isArray(nodes) || !isObject(info) || typeof info['hasNextPage'] !== 'boolean')
      throw badResponse(this.connection, field, 'nodes and pageInfo.hasNextPage', conn);
    return {
      nodes,
      hasNextPage: info['hasNextPage'],
      endCursor: typeof info['endCursor'] === 'string' ? info['endCursor'] : undefined,
      totalCount: typeof conn['totalCount'] === 'number' ? conn['totalCount'] : undefined,
    };
  }
}

/**
 * The end of a first read (open records only): a phase that met no open record takes the latest
 * position of the other, so the next run reads that phase's changes from there rather than every
 * record it ever held; what closed before was never the connector's. A read that met no open record
 * at all stays a first read.
 */
function finishFirstRead(cursor: StreamCursor): void {
  const latest = laterPosition(cursor.created, cursor.modified);
  if (!latest) return;
  cursor.created ??= latest;
  cursor.modified ??= latest;
  cursor.openOnly = undefined;
}

/** The Sage id of a canonical sales invoice id of this connection and organisation, or undefined. */
function invoiceIdOf(ctx: SageActiveMappingContext, canonical: string): string | undefined {
  const prefix = sageIds.invoice(ctx, '');
  if (!canonical.startsWith(prefix)) return undefined;
  const id = canonical.slice(prefix.length);
  return /^[A-Za-z0-9-]{1,64}$/.test(id) ? id : undefined;
}

function sourceIdOf(ctx: SageActiveMappingContext, entity: 'Customer' | 'SalesInvoice', raw: unknown): string {
  const id = isObject(raw) && typeof raw['id'] === 'string' && raw['id'].length <= 64 ? raw['id'] : '(no id)';
  return sageIds.sourceId(ctx, entity, id);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function badResponse(connection: string, what: string, expected: string, got: unknown): AdapterError {
  const shown = JSON.stringify(got) as string | undefined;
  return new AdapterError({
    code: 'SAGE_BAD_RESPONSE',
    kind: 'system',
    userMessage: `connection ${connection}: Sage Active answered a read of ${what} without ${expected}`,
    detail: (shown ?? String(got)).slice(0, 300),
  });
}
