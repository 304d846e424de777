import { isDeepStrictEqual } from 'node:util';
import type { Debtor } from '../../connector/model';
import { AdapterError } from '../../connector/ports/adapter-error';
import { emptyPage, type Closure, type ReadPage, type ReadPosition, type StreamName } from '../../connector/ports/erp';
import type { Clock } from '../../connector/time/clock';
import {
  cdcRecords,
  QboCdcResponseWireSchema,
  QboQueryResponseWireSchema,
  recordsOf,
  type QboEntity,
  type QboQueryResultWire,
} from '../../mappings/quickbooks/qbo-wire.schema';
import { mapBatch, parseQboId, qboIds, type QboMappingContext } from '../../mappings/quickbooks/to-canonical';
import type { QboClient } from './client';
import type { QuickBooksConnection } from './config.schema';
import {
  byIdsQuery,
  CDC_MAX_OBJECTS,
  cdcParams,
  cdcPlan,
  compareKeys,
  countQuery,
  ID_BATCH,
  keyOf,
  laterPosition,
  openListQuery,
  pageQuery,
  parseResume,
  parseStreamCursor,
  positionAfterPage,
  qboInstant,
  runStart,
  STREAM_ENTITIES,
  type QboPosition,
  type QboResume,
  type QboStreamCursor,
} from './sync-plan';

/**
 * Reading QuickBooks Online: pages of each stream's entities by query or by CDC (sync-plan.ts says
 * which and why), the customers their records need, the ids of every open receivable, and
 * receivables by id. Pure wire work: mapping is in mappings/quickbooks, saving in the core.
 */

type Records = Partial<Record<QboEntity, unknown[]>>;

/**
 * Rounds of fetching missing customers for one batch: a sub-customer's parent may itself be a
 * sub-customer (QBO allows a few levels: unverified how many); more rounds than this means a chain
 * that never ends, and what still waits is quarantined.
 */
const MAX_PARENT_ROUNDS = 8;

export interface QboCompanyInfo {
  name: string | undefined;
  country: string | undefined;
  homeCurrency: string | undefined;
  multiCurrency: boolean | undefined;
}

export class QboReader {
  /**
   * Parent links learnt from every customer read (sub-customer → parent Id, top-level → null),
   * kept between pages and runs as the Odoo reader keeps its partners: a receivable of a known
   * customer needs no request to find its debtor.
   */
  private readonly parents = new Map<string, string | null>();
  /** The debtor of each top-level customer read, by QBO Id, kept with `parents`. */
  private readonly debtors = new Map<string, Debtor>();
  /**
   * Top-level customers whose debtor went out in a page of the current run: each debtor is sent
   * once per run, with the first page that needs it, and again in the next run (a page read but
   * never saved must not leave a receivable without its debtor in the store).
   */
  private sentThisRun = new Map<string, Debtor>();
  /** Set when a CDC answer of this run held the cap: why the run's later streams read by query. */
  private cappedThisRun: string | undefined;
  private company: Promise<QboCompanyInfo> | undefined;

  constructor(
    private readonly client: QboClient,
    private readonly config: QuickBooksConnection,
    private readonly clock: Clock,
  ) {}

  private get connection(): string {
    return this.config.id;
  }

  /** The mapping's context; the home currency once CompanyInfo has been read. */
  async context(needHomeCurrency = false): Promise<QboMappingContext> {
    const home = needHomeCurrency || this.company ? (await this.companyInfo()).homeCurrency : undefined;
    return {
      connection: this.config.id,
      realm: this.config.realmId,
      customFields: { vat: this.config.customFields.vatNumber, registration: this.config.customFields.siret },
      ...(home === undefined ? {} : { homeCurrency: home }),
    };
  }

  /** The ids and realm of this connection, without any request (write-back). */
  baseContext(): QboMappingContext {
    return {
      connection: this.config.id,
      realm: this.config.realmId,
      customFields: { vat: this.config.customFields.vatNumber, registration: this.config.customFields.siret },
    };
  }

  /**
   * CompanyInfo, read once per adapter: the company's name, country and home currency
   * (GET /companyinfo/{realmId}: Intuit's API reference, not in the fact sheet; the home currency
   * is read from `NameValue` "HomeCurrency" as the simulator serves it [UNVERIFIED: QBO may keep
   * it only in Preferences.CurrencyPrefs]).
   */
  companyInfo(): Promise<QboCompanyInfo> {
    this.company ??= this.client.get(`companyinfo/${encodeURIComponent(this.config.realmId)}`).then((body) => {
      const info = body['CompanyInfo'];
      if (typeof info !== 'object' || info === null)
        throw badResponse(this.connection, 'companyinfo', 'CompanyInfo', body);
      const r = info as Record<string, unknown>;
      const values = new Map<string, string>();
      for (const nv of Array.isArray(r['NameValue']) ? (r['NameValue'] as unknown[]) : []) {
        const x = (typeof nv === 'object' && nv !== null ? nv : {}) as Record<string, unknown>;
        if (typeof x['Name'] === 'string' && typeof x['Value'] === 'string') values.set(x['Name'], x['Value']);
      }
      const home = values.get('HomeCurrency');
      const multi = values.get('MultiCurrencyEnabled');
      return {
        name: typeof r['CompanyName'] === 'string' ? r['CompanyName'] : undefined,
        country: typeof r['Country'] === 'string' ? r['Country'] : undefined,
        homeCurrency: home && /^[A-Z]{3}$/.test(home) ? home : undefined,
        multiCurrency: multi === undefined ? undefined : multi === 'true',
      };
    });
    // A failed read is asked again next time, not remembered.
    this.company.catch(() => (this.company = undefined));
    return this.company;
  }

  /** One page of `stream` from `position`: CDC when the saved cursor allows it, else the query read. */
  async read(stream: StreamName, position: ReadPosition): Promise<ReadPage> {
    const entities = STREAM_ENTITIES[stream];
    const saved = parseStreamCursor(position.saved, `saved cursor of ${this.connection}/${stream}`);
    if (position.resume) {
      const resume = parseResume(position.resume, `resume position of ${this.connection}/${stream}`);
      if (!entities.includes(resume.entity))
        throw new AdapterError({
          code: 'QBO_BAD_CURSOR',
          kind: 'config',
          userMessage: `the resume position of ${this.connection}/${stream} names ${resume.entity}, which this stream does not read`,
        });
      return this.queryPage(entities, saved, resume);
    }
    // The engine reads the debtors stream first in every run (streams()): a run starts here.
    if (stream === 'debtors') {
      this.sentThisRun = new Map();
      this.cappedThisRun = undefined;
    }
    const plan = cdcPlan(entities, saved, this.clock.now().getTime());
    let fallback: string | undefined;
    if (plan && this.cappedThisRun !== undefined) {
      // A window in which one stream's changes filled an answer (invoices, say) is one in which the
      // next most likely does too (the payments of those invoices): asked again, CDC would cost a read
      // and most likely be dropped. The query read of the same window costs one read per entity when
      // it is small, as CDC would, and is complete whatever its size.
      fallback = `${this.cappedThisRun}; this stream reads the same window by query`;
    } else if (plan) {
      const page = await this.cdcPage(entities, saved, plan.changedSince);
      if (typeof page !== 'string') return page;
      fallback = page;
    }
    const page = await this.queryPage(entities, saved, { mode: 'query', entity: entities[0]! });
    if (fallback) page.warnings.unshift(fallback);
    return page;
  }

  /**
   * The changes of the stream's entities since `changedSince` in one CDC answer (§2.6), or why
   * the run reads by query instead. An answer holding the cap (1000 objects over every entity
   * asked) may have left changes out, and which ones is not said: nothing of it is used, and the
   * run reads the same window by query, in pages that can be resumed. Asking for fewer entities
   * was the other way: it only helps the receivables stream (two entities), costs a request that
   * would most likely hit the cap again (a window that large is dominated by invoices), and still
   * needs the query read behind it. What the query read cannot see — deletions — the full
   * reconciliation closes.
   */
  private async cdcPage(
    entities: readonly QboEntity[],
    saved: QboStreamCursor,
    changedSince: string,
  ): Promise<ReadPage | string> {
    let body: Record<string, unknown>;
    try {
      // https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
      body = await this.client.get('cdc', cdcParams(entities, changedSince));
    } catch (e) {
      // The server counts the 30 days by its own clock: a window it refuses is read by query.
      if (e instanceof AdapterError && e.code === 'QBO_VALIDATION')
        return `CDC refused the window since ${changedSince} (${e.detail ?? e.userMessage}): read by query instead`;
      throw e;
    }
    const parsed = QboCdcResponseWireSchema.safeParse(body);
    if (!parsed.success) throw badResponse(this.connection, 'cdc', 'a CDCResponse', body);
    const all = cdcRecords(parsed.data);
    const records: Records = {};
    let total = 0;
    for (const e of entities) {
      records[e] = all[e];
      total += all[e].length;
    }
    if (total >= CDC_MAX_OBJECTS) {
      this.cappedThisRun = `CDC answered ${total} changes since ${changedSince}, its cap (${CDC_MAX_OBJECTS})`;
      return `${this.cappedThisRun}: some may be missing, read by query instead`;
    }
    const page = emptyPage();
    await this.mapInto(records, page);
    const cursor: QboStreamCursor = { ...saved };
    for (const e of entities) {
      // Everything changed up to the answer's time is in it: the position moves there, so a quiet
      // company stays within the 30 days of CDC. Without a readable time, the latest record read.
      const latest = records[e]!.map(keyOf).reduce<{ time: string; id: string } | undefined>(
        (m, k) => (k && (!m || compareKeys(k, m) > 0) ? k : m),
        undefined,
      );
      const at = answerTime(parsed.data.time) ?? latest;
      if (at) cursor[e] = laterPosition(saved[e], { time: at.time, id: at.id, skip: 0 });
    }
    page.read = total;
    page.cursor = { ...cursor };
    return page;
  }

  /** One page of one entity by query (sync-plan.ts: keyset by time then Id, anchored STARTPOSITION). */
  private async queryPage(
    entities: readonly QboEntity[],
    saved: QboStreamCursor,
    resume: QboResume,
  ): Promise<ReadPage> {
    const entity = resume.entity;
    const savedPos = saved[entity];
    let from: QboPosition | undefined;
    let openOnly: boolean;
    if (resume.pos) {
      from = resume.pos;
      openOnly = resume.openOnly === true;
    } else if (savedPos) {
      from = runStart(savedPos);
      openOnly = savedPos.openOnly === true;
    } else {
      // A first read: the open invoices only (what was settled before the connector came is none of
      // its business, and on a company with years of history it is most of the data).
      from = undefined;
      openOnly = entity === 'Invoice';
    }
    const limit = this.config.pageSize;
    const { rows, start, time } = await this.fetchPage(entity, from, openOnly, limit);
    const keys = rows.map((raw, i) => {
      const key = keyOf(raw);
      if (!key) throw badResponse(this.connection, entity, 'records with an Id and a MetaData.LastUpdatedTime', raw);
      const previous = i > 0 ? keyOf(rows[i - 1]) : undefined;
      if (
        (previous && compareKeys(previous, key) > 0) ||
        (from && (qboInstant(key.time) ?? 0) < (qboInstant(from.time) ?? 0))
      )
        throw outOfOrder(this.connection, entity, key, previous ?? from);
      return key;
    });
    const fresh = rows.filter((_, i) => !from || compareKeys(keys[i]!, from) > 0);
    const page = emptyPage();
    await this.mapInto({ [entity]: fresh }, page);
    page.read = fresh.length;
    const exhausted = rows.length < limit;
    const after = positionAfterPage(from, start, keys, openOnly);
    let pos = after ? laterPosition(savedPos, after) : savedPos;
    if (exhausted) {
      // Read to the end: everything changed before the answer's time has been seen.
      const at = answerTime(time);
      const done = at ? laterPosition(pos, { ...at, skip: 0 }) : pos;
      if (done) {
        const { openOnly: _finished, ...rest } = done;
        pos = rest;
      }
    }
    page.cursor = pos ? { ...saved, [entity]: pos } : Object.keys(saved).length ? { ...saved } : undefined;
    const next = entities[entities.indexOf(entity) + 1];
    page.resume = !exhausted
      ? { mode: 'query', entity, pos: after, ...(openOnly ? { openOnly: true } : {}) }
      : next
        ? { mode: 'query', entity: next }
        : undefined;
    return page;
  }

  /**
   * The rows of one page from `from`. Anchored at `from.skip`, the first row must be the record
   * `from` names (or one before it): a first row after it means the run of equal times shrank while
   * we read it (a record of it changed or was deleted), so records may sit before STARTPOSITION:
   * the page steps back a page at a time, and the caller drops what it had already read.
   */
  private async fetchPage(
    entity: QboEntity,
    from: QboPosition | undefined,
    openOnly: boolean,
    limit: number,
  ): Promise<{ rows: unknown[]; start: number; time: string | undefined }> {
    let start = from && from.skip > 0 ? from.skip : 1;
    for (;;) {
      const body = await this.query(pageQuery(entity, from, openOnly, start, limit), entity);
      const rows = recordsOf(body.result, entity);
      if (from && start > 1) {
        const first = rows.length ? keyOf(rows[0]) : undefined;
        if (!first || compareKeys(first, from) > 0) {
          start = Math.max(1, start - limit + 1);
          continue;
        }
      }
      return { rows, start, time: body.time };
    }
  }

  /** §2.2: one query, its answer checked; `posted` sends the statement as the body (a long list of Ids). */
  private async query(
    statement: string,
    what: string,
    posted = false,
  ): Promise<{ result: QboQueryResultWire; time: string | undefined }> {
    // https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
    const body = await (posted ? this.client.queryPosted(statement) : this.client.query(statement));
    const parsed = QboQueryResponseWireSchema.safeParse(body);
    if (!parsed.success) throw badResponse(this.connection, what, 'a QueryResponse', body);
    return { result: parsed.data.QueryResponse, time: parsed.data.time };
  }

  /**
   * Maps a batch into `page`: customers first (their links serve the rest), then the records
   * whose customer or one of its parents is unknown, after reading those customers by id. Each
   * receivable's and payment's debtor goes into the page once per run.
   */
  private async mapInto(records: Records, page: ReadPage): Promise<void> {
    const ctx = await this.context(needsHomeCurrency(records));
    const tried = new Set<string>();
    const debtorIds = new Set(page.debtors.map((d) => d.id));
    const send = (qboId: string, debtor: Debtor) => {
      // Read again in the same run (by id for a receivable, then with the changed customers), unchanged.
      if (debtorIds.has(debtor.id) || isDeepStrictEqual(this.sentThisRun.get(qboId), debtor)) return;
      this.sentThisRun.set(qboId, debtor);
      debtorIds.add(debtor.id);
      page.debtors.push(debtor);
    };
    let pending = records;
    let giveUp = false;
    for (let round = 0; ; round++) {
      const batch = mapBatch(pending, ctx, this.parents, {
        unresolved: giveUp || round >= MAX_PARENT_ROUNDS ? 'quarantine' : 'wait',
      });
      for (const [id, parent] of batch.links) {
        this.parents.set(id, parent);
        if (parent !== null) this.debtors.delete(id);
      }
      for (const d of batch.debtors) {
        const qboId = qboIdOf(d.id);
        this.debtors.set(qboId, d);
        send(qboId, d);
      }
      page.receivables.push(...batch.receivables);
      page.payments.push(...batch.payments);
      page.closed.push(...batch.closed);
      page.quarantined.push(...batch.quarantined);
      page.warnings.push(...batch.warnings);
      if (batch.waiting.length === 0) break;
      const missing = [...batch.missingCustomers].filter((id) => !tried.has(id));
      for (const id of missing) tried.add(id);
      giveUp = missing.length === 0;
      pending = { Customer: missing.length ? await this.byIds('Customer', missing) : [] };
      for (const w of batch.waiting) (pending[w.entity] ??= []).push(w.raw);
    }
    // Debtors known from earlier pages or runs that this run has not sent yet.
    const owed = new Set([...page.receivables, ...page.payments].map((r) => qboIdOf(r.debtorId)));
    const unknown: string[] = [];
    for (const id of owed) {
      if (this.sentThisRun.has(id)) continue;
      const known = this.debtors.get(id);
      if (known) send(id, known);
      else unknown.push(id);
    }
    // A top-level link without its debtor (not expected: both are learnt together): read it again.
    if (unknown.length) {
      const batch = mapBatch({ Customer: await this.byIds('Customer', unknown) }, ctx, this.parents);
      for (const d of batch.debtors) {
        const qboId = qboIdOf(d.id);
        this.debtors.set(qboId, d);
        send(qboId, d);
      }
      page.quarantined.push(...batch.quarantined);
    }
  }

  /** §2.2: records by Id, `ID_BATCH` at a time; inactive customers included. */
  private async byIds(entity: QboEntity, ids: readonly string[]): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let i = 0; i < ids.length; i += ID_BATCH) {
      const batch = ids.slice(i, i + ID_BATCH);
      const { result } = await this.query(byIdsQuery(entity, batch), entity, true);
      out.push(...recordsOf(result, entity));
    }
    return out;
  }

  /**
   * How many records a run from `position` reads by query (count(*) of the same filters). Not
   * counted for a run inside CDC's 30 days (it came to the query read because a CDC answer was
   * full): its count is one metered read per entity (§2.9) for a progress total of a few pages.
   */
  async count(stream: StreamName, position: ReadPosition): Promise<number | undefined> {
    if (position.resume) return undefined;
    const saved = parseStreamCursor(position.saved, `saved cursor of ${this.connection}/${stream}`);
    if (cdcPlan(STREAM_ENTITIES[stream], saved, this.clock.now().getTime())) return undefined;
    let n = 0;
    for (const entity of STREAM_ENTITIES[stream]) {
      const pos = saved[entity];
      const { result } = await this.query(
        countQuery(entity, pos ? runStart(pos) : undefined, pos ? pos.openOnly === true : entity === 'Invoice'),
        entity,
      );
      if (typeof result.totalCount !== 'number') throw badResponse(this.connection, entity, 'a totalCount', result);
      n += result.totalCount;
    }
    return n;
  }

  /**
   * Every open receivable's canonical id: invoices with a balance, credit memos with credit left,
   * listed by Id in pages (`SELECT *`: QBO has no projection, §2.2). A record that closes while
   * the list is read shifts the pages after it and may hide an open one: the engine then reads
   * that one by id and finds it still open, so nothing is closed wrongly.
   */
  async openReceivableIds(onProgress?: (listed: number) => void): Promise<Set<string>> {
    const ctx = this.baseContext();
    const ids = new Set<string>();
    const limit = this.config.pageSize;
    for (const entity of ['Invoice', 'CreditMemo'] as const) {
      for (let start = 1; ; start += limit) {
        const { result } = await this.query(openListQuery(entity, start, limit), entity);
        const rows = recordsOf(result, entity);
        for (const raw of rows) {
          const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
          const id = r['Id'];
          if (typeof id !== 'string') continue;
          const open = entity === 'Invoice' ? r['Balance'] : r['RemainingCredit'];
          if (typeof open !== 'number' || !(open > 0)) continue;
          const canonical = qboIds.of(ctx, entity, id);
          if (parseQboId(ctx, canonical)) ids.add(canonical);
        }
        onProgress?.(ids.size);
        if (rows.length < limit) break;
      }
    }
    return ids;
  }

  /** Receivables by canonical id; ids QuickBooks no longer returns were deleted. */
  async receivablesByIds(ids: readonly string[]): Promise<ReadPage> {
    const ctx = this.baseContext();
    const wanted = new Map<QboEntity, Map<string, string>>();
    for (const id of ids) {
      const ref = parseQboId(ctx, id);
      if (ref?.entity !== 'Invoice' && ref?.entity !== 'CreditMemo') continue;
      let m = wanted.get(ref.entity);
      if (!m) wanted.set(ref.entity, (m = new Map<string, string>()));
      m.set(ref.id, id);
    }
    const records: Records = {};
    for (const [entity, m] of wanted) {
      const rows = await this.byIds(entity, [...m.keys()]);
      records[entity] = rows;
      for (const raw of rows) {
        const id = (raw as Record<string, unknown> | null)?.['Id'];
        if (typeof id === 'string') m.delete(id);
      }
    }
    const page = emptyPage();
    await this.mapInto(records, page);
    page.read = Object.values(records).reduce((n, rows) => n + rows.length, 0);
    for (const [entity, m] of wanted) {
      const noun = entity === 'Invoice' ? 'invoice' : 'credit memo';
      const gone: Closure[] = [...m.values()].map((id) => ({
        id,
        reason: `${noun} deleted in QuickBooks (or no longer visible to the app)`,
      }));
      page.closed.push(...gone);
    }
    return page;
  }
}

/** The QBO Id at the end of a canonical id (`<connection>:<realm>:<Entity>:<Id>`). */
function qboIdOf(canonical: string): string {
  return canonical.slice(canonical.lastIndexOf(':') + 1);
}

/** A transaction without CurrencyRef needs the company's home currency (deleted stubs carry none and need none). */
function needsHomeCurrency(records: Records): boolean {
  return (['Invoice', 'CreditMemo', 'Payment'] as const).some((e) =>
    (records[e] ?? []).some((raw) => {
      if (typeof raw !== 'object' || raw === null) return false;
      const r = raw as Record<string, unknown>;
      const ref = r['CurrencyRef'];
      return r['status'] !== 'Deleted' && !(typeof ref === 'object' && ref !== null && 'value' in ref);
    }),
  );
}

/** An answer's `time` as a position before every record at that instant, or undefined. */
function answerTime(time: string | undefined): { time: string; id: string } | undefined {
  return time !== undefined && qboInstant(time) !== undefined ? { time, id: '' } : undefined;
}

function outOfOrder(
  connection: string,
  entity: QboEntity,
  key: { time: string; id: string },
  before: { time: string; id: string } | undefined,
): AdapterError {
  return new AdapterError({
    code: 'QBO_RECORDS_OUT_OF_ORDER',
    kind: 'system',
    userMessage: `connection ${connection}: QuickBooks returned ${entity} records out of order: (${key.time}, ${key.id}) comes before (${before?.time ?? '?'}, ${before?.id ?? '?'}), although the query asked for "ORDERBY MetaData.LastUpdatedTime, Id" from there. Nothing of this page was saved`,
  });
}

function badResponse(connection: string, what: string, expected: string, got: unknown): AdapterError {
  const shown = JSON.stringify(got) as string | undefined;
  return new AdapterError({
    code: 'QBO_BAD_RESPONSE',
    kind: 'system',
    userMessage: `connection ${connection}: QuickBooks answered a read of ${what} without ${expected}`,
    detail: (shown ?? String(got)).slice(0, 300),
  });
}
