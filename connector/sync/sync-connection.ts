import type { Logger } from '../log/logger';
import { formatMoney } from '../model/money.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Receivable } from '../model/receivable.schema';
import type { Store } from '../store/store';
import type { RecoveredAmount } from '../store/kpi-store';
import type { Clock } from '../time/clock';
import type { AdapterUsage, ErpAdapter, ReadPage, StreamName } from '../ports/erp';
import { AdapterError, type AdapterErrorKind } from '../ports/adapter-error';
import { saveSyncPage } from './save-page';

/**
 * The sync engine: reads every stream of one connection page by page from its saved cursor and
 * saves each page WITH its cursor in one transaction, so that an interrupted run resumes where
 * the last saved page ended, without loss or duplicates. A full reconciliation compares the
 * source's open receivables with the store's and reads the difference by id, to catch what
 * incremental reads cannot see (deletions) or missed.
 *
 * It never retries: a failed read stops the run with the error in its summary, the pages before
 * it saved. The job queue retries the sync (retry-policy.ts, `decideSyncRetry`), and the retried
 * run starts from the cursor of the last saved page.
 */

/** The stream under which the reconciliation keeps its own position (last completion). */
export const RECONCILIATION_STREAM = 'reconciliation';
/** Receivables read by id per call during a reconciliation. */
const RECONCILE_BATCH = 500;

export interface SyncCounts {
  /** Raw records received from the source. */
  read: number;
  /** Receivables seen for the first time while open (one settled before we ever saw it is not kept). */
  new: number;
  /** Receivables whose source version or open amount changed. */
  changed: number;
  /** Receivables re-read without change (overlap window, reconciliation). */
  unchanged: number;
  /** Receivables that were open and no longer are (paid, cancelled, reversed, deleted). */
  closed: number;
  /** Records the mapping could not use, kept with their reason. */
  quarantined: number;
  debtors: number;
  pages: number;
  warnings: number;
}

export interface SyncSummary extends SyncCounts {
  connection: string;
  /** True when a full reconciliation ran in this sync. */
  reconciled: boolean;
  durationMs: number;
  /** The calls this sync made to the ERP, when its adapter counts them (AdapterUsage). */
  erpCalls?: AdapterUsage;
  /** Set when the sync stopped on an error; pages saved before it stay saved. */
  error?: { code: string; message: string; kind?: AdapterErrorKind; retryAfterMs?: number };
}

export interface SyncProgress {
  connection: string;
  phase: StreamName | 'reconcile:list' | 'reconcile:read';
  /** Records (or ids) done in this phase. */
  done: number;
  /** Expected total of this phase, when known. */
  total: number | undefined;
}

export interface SyncOptions {
  store: Store;
  adapter: ErpAdapter;
  connection: string;
  clock: Clock;
  logger: Logger;
  /** incremental: streams only; full: streams then reconciliation; auto: reconcile when the last one is older than `fullEveryHours`. */
  mode: 'incremental' | 'full' | 'auto';
  fullEveryHours?: number;
  /** Ignore the saved cursors and read everything again (a damaged cursor, a restored ERP database). */
  fromScratch?: boolean;
  onProgress?: (p: SyncProgress) => void;
  /** The company's locale (`company.locale`): amounts in journal lines are written in it. Default fr-FR. */
  locale?: string;
}

const emptyCounts = (): SyncCounts => ({
  read: 0,
  new: 0,
  changed: 0,
  unchanged: 0,
  closed: 0,
  quarantined: 0,
  debtors: 0,
  pages: 0,
  warnings: 0,
});

export async function syncConnection(options: SyncOptions): Promise<SyncSummary> {
  const { store, adapter, connection, clock, logger } = options;
  const started = clock.now().getTime();
  const counts = emptyCounts();
  let reconciled = false;
  const usageBefore = adapter.usage?.();
  const calls = (): { erpCalls?: AdapterUsage } => {
    const after = adapter.usage?.();
    if (!usageBefore || !after) return {};
    return {
      erpCalls: {
        reads: after.reads - usageBefore.reads,
        writes: after.writes - usageBefore.writes,
        throttled: after.throttled - usageBefore.throttled,
      },
    };
  };
  try {
    let firstRun = true;
    const streams: { stream: StreamName; saved: Record<string, unknown> | undefined }[] = [];
    for (const stream of adapter.streams()) {
      const saved = options.fromScratch ? undefined : await store.sync.getCursor(connection, stream);
      if (saved) firstRun = false;
      streams.push({ stream, saved: saved?.value });
    }
    // The first page of every stream is read before any page is saved: it proves that the source
    // lets us read each stream, so that a rights problem on the second stream stops the sync
    // before the first one saved anything, and it costs no request the sync would not make.
    const firstPages: ReadPage[] = [];
    for (const s of streams) firstPages.push(await adapter.read(s.stream, { saved: s.saved }));
    if (firstRun) await stampFirstRead(options);
    for (const [i, s] of streams.entries()) await readStream(options, s.stream, s.saved, firstPages[i]!, counts);
    if (await reconciliationDue(options, firstRun)) {
      await reconcile(options, counts);
      reconciled = true;
    }
  } catch (e) {
    const error =
      e instanceof AdapterError
        ? {
            code: e.code,
            message: e.userMessage,
            kind: e.kind,
            ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }),
          }
        : { code: 'SYNC_FAILED', message: e instanceof Error ? e.message : String(e) };
    logger.error(`sync ${connection} stopped: ${error.code}: ${error.message}`, {
      connection,
      code: error.code,
      detail: e instanceof AdapterError ? e.detail : undefined,
    });
    await refreshSummaries(options);
    return { connection, ...counts, reconciled, durationMs: clock.now().getTime() - started, ...calls(), error };
  }
  await refreshSummaries(options);
  return { connection, ...counts, reconciled, durationMs: clock.now().getTime() - started, ...calls() };
}

/**
 * The summaries of the cases whose items the pages changed (the worklist's order): computed once
 * at the end rather than page after page. A failure here loses nothing — the cases stay due, and
 * the worklist or the next start computes them — so it is logged, not thrown.
 */
async function refreshSummaries(options: SyncOptions): Promise<void> {
  try {
    const { refreshed } = await options.store.kpis.refreshCaseSummaries();
    if (refreshed > 0)
      options.logger.debug(`sync ${options.connection}: ${refreshed} case summaries computed`, {
        connection: options.connection,
      });
  } catch (e) {
    options.logger.warn(
      `sync ${options.connection}: the case summaries of the worklist could not be computed, they will be on its next read: ${e instanceof Error ? e.message : String(e)}`,
      { connection: options.connection },
    );
  }
}

async function readStream(
  options: SyncOptions,
  stream: StreamName,
  saved: Record<string, unknown> | undefined,
  first: ReadPage,
  counts: SyncCounts,
): Promise<void> {
  const { adapter, connection, onProgress } = options;
  let done = 0;
  // A count costs a request: asked only when there is more than one page to show progress for.
  const total =
    first.resume && adapter.estimate
      ? await adapter.estimate(stream, { saved })
      : first.resume
        ? undefined
        : first.read;
  onProgress?.({ connection, phase: stream, done, total });
  let pending: Promise<ReadPage> | undefined = Promise.resolve(first);
  while (pending) {
    const page: ReadPage = await pending;
    if (page.cursor) saved = page.cursor;
    // The next page is fetched while this one is saved: the ERP and the store work at the same time.
    // A failure of that read is handled when it is awaited, after this page is saved (marked
    // handled now: a read that fails before the save ends must not count as an unhandled rejection).
    pending = page.resume ? adapter.read(stream, { saved, resume: page.resume }) : undefined;
    pending?.catch(() => undefined);
    // A turn of the event loop first: the read reaches its socket only in a later tick (Node's HTTP
    // client), which a save made of synchronous SQLite calls between promises would otherwise hold
    // back until the save ends, so the two would run one after the other.
    if (pending) await new Promise<void>((resolve) => setImmediate(resolve));
    await savePage(options, stream, page, counts);
    done += page.read;
    onProgress?.({ connection, phase: stream, done, total: total === undefined ? undefined : Math.max(total, done) });
  }
}

/**
 * A first run reads everything from the start: it is itself a full read, only stamped — before
 * its first page is saved, so that the same read, stopped by a failure and resumed by a retry
 * from its saved cursor, does not start a reconciliation the read makes useless.
 */
async function stampFirstRead(options: SyncOptions): Promise<void> {
  if (options.mode !== 'auto' || options.fromScratch) return;
  const now = options.clock.now().toISOString();
  await saveSyncPage(options.store, {
    connection: options.connection,
    stream: RECONCILIATION_STREAM,
    cursor: { completedAt: now, by: 'first-read' },
    at: now,
  });
}

async function reconciliationDue(options: SyncOptions, firstRun: boolean): Promise<boolean> {
  if (options.mode === 'incremental') return false;
  // Reading from scratch over existing data must also find what disappeared meanwhile.
  if (options.mode === 'full' || options.fromScratch) return true;
  if (firstRun) return false;
  const now = options.clock.now();
  const last = await options.store.sync.getCursor(options.connection, RECONCILIATION_STREAM);
  const completedAt = typeof last?.value['completedAt'] === 'string' ? Date.parse(last.value['completedAt']) : NaN;
  const everyMs = (options.fullEveryHours ?? 24) * 3_600_000;
  return Number.isNaN(completedAt) || now.getTime() - completedAt >= everyMs;
}

async function reconcile(options: SyncOptions, counts: SyncCounts): Promise<void> {
  const { store, adapter, connection, onProgress, clock } = options;
  const inStore = new Set(await store.sync.listOpenReceivableIds(connection));
  onProgress?.({ connection, phase: 'reconcile:list', done: 0, total: undefined });
  const atSource = await adapter.listOpenReceivableIds((listed) =>
    onProgress?.({ connection, phase: 'reconcile:list', done: listed, total: undefined }),
  );
  const differ = [...inStore].filter((id) => !atSource.has(id));
  for (const id of atSource) if (!inStore.has(id)) differ.push(id);
  differ.sort();
  // A reconciliation that finds nothing to check is routine: said at debug level.
  options.logger.log(
    differ.length ? 'info' : 'debug',
    `sync ${connection}: reconciliation: ${atSource.size} open at the source, ${inStore.size} open here, ${differ.length} to check`,
    { connection },
  );
  for (let i = 0; i < differ.length; i += RECONCILE_BATCH) {
    const page = await adapter.readByIds(differ.slice(i, i + RECONCILE_BATCH));
    page.cursor = {
      startedAt: clock.now().toISOString(),
      checked: Math.min(i + RECONCILE_BATCH, differ.length),
      of: differ.length,
    };
    await savePage(options, RECONCILIATION_STREAM, page, counts);
    onProgress?.({
      connection,
      phase: 'reconcile:read',
      done: Math.min(i + RECONCILE_BATCH, differ.length),
      total: differ.length,
    });
  }
  const at = clock.now().toISOString();
  await saveSyncPage(store, {
    connection,
    stream: RECONCILIATION_STREAM,
    cursor: { completedAt: at, checked: differ.length, openAtSource: atSource.size },
    at,
  });
}

/**
 * Saves one page: the receivables that are new or changed (an unchanged re-read is not written
 * again), the closures of receivables the store holds open, their journal lines, the
 * quarantined records and the cursor, all in one transaction.
 */
async function savePage(options: SyncOptions, stream: string, page: ReadPage, counts: SyncCounts): Promise<void> {
  const { store, connection, clock, logger, locale } = options;
  const at = clock.now().toISOString();
  const states = await store.sync.receivableStates([
    ...page.receivables.map((r) => r.id),
    ...page.closed.map((c) => c.id),
  ]);
  const actor = { kind: 'erp' as const, id: connection };
  const journal: Omit<CaseJournalEntry, 'seq'>[] = [];
  const toSave: Receivable[] = [];
  // What the ledger took off invoices: the overview's recoveries. Closures are not among them
  // (cancelled or deleted at the source is not money in), nor credit notes used up.
  const recovered: RecoveredAmount[] = [];
  for (const r of page.receivables) {
    const before = states.get(r.id);
    if (!before) {
      // Settled before it was ever open here: none of the connector's business (and no personal data to keep).
      if (r.open === 0) continue;
      counts.new++;
      toSave.push(r);
    } else if (before.sourceVersion === r.sourceVersion && before.open === r.open) {
      counts.unchanged++;
    } else {
      counts.changed++;
      toSave.push(r);
      if (r.kind === 'invoice' && r.open < before.open)
        recovered.push({ caseId: before.caseId, currency: r.currency, amount: before.open - r.open });
      if (before.open > 0 && r.open === 0) {
        counts.closed++;
        journal.push({
          caseId: before.caseId,
          at,
          actor,
          type: 'payment_received',
          summary: `${r.number} is settled in the ledger (nothing left to pay)`,
          data: { receivableId: r.id, openBefore: before.open, sourceVersion: r.sourceVersion ?? null },
        });
      } else if (r.open < before.open) {
        journal.push({
          caseId: before.caseId,
          at,
          actor,
          type: 'payment_received',
          summary: `${r.number}: ${formatMoney(before.open - r.open, r.currency, locale)} paid, ${formatMoney(r.open, r.currency, locale)} still open`,
          data: { receivableId: r.id, openBefore: before.open, openAfter: r.open },
        });
      }
    }
  }
  const closures = page.closed.filter((c) => (states.get(c.id)?.open ?? 0) > 0);
  for (const c of closures) {
    const before = states.get(c.id)!;
    counts.closed++;
    journal.push({
      caseId: before.caseId,
      at,
      actor,
      type: 'note',
      summary: `${before.number} ${c.reason}: no longer claimed`,
      data: { receivableId: c.id, reason: c.reason, openBefore: before.open },
    });
  }
  counts.read += page.read;
  counts.quarantined += page.quarantined.length;
  counts.debtors += page.debtors.length;
  counts.warnings += page.warnings.length;
  counts.pages++;
  for (const q of page.quarantined)
    logger.warn(`sync ${connection}/${stream}: record ${q.sourceId} quarantined: ${q.reason}`, {
      connection,
      stream,
      sourceId: q.sourceId,
    });
  // One line per record, at the default level: which field of which record was set aside, never its value.
  for (const w of page.warnings) logger.info(`sync ${connection}/${stream}: ${w}`, { connection, stream });
  if (
    !page.cursor &&
    toSave.length === 0 &&
    page.debtors.length === 0 &&
    page.quarantined.length === 0 &&
    closures.length === 0
  )
    return;
  await saveSyncPage(store, {
    connection,
    stream,
    ...(page.cursor ? { cursor: page.cursor } : {}),
    debtors: page.debtors,
    receivables: toSave,
    payments: page.payments,
    quarantined: page.quarantined.map((q) => ({ ...q, at })),
    closures,
    recovered,
    journal,
    at,
  });
}
