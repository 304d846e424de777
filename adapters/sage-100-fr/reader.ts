import { emptyPage, type Closure, type ReadPage, type ReadPosition, type StreamName } from '../../connector/ports/erp';
import {
  absorbedCredits,
  customerToDebtor,
  DELETED_REASON,
  LETTERED_REASON,
  openLinesToReceivables,
  pieceKey,
  sage100Ids,
  type Sage100Contact,
  type Sage100Customer,
  type Sage100Document,
  type Sage100Line,
  type Sage100MappingContext,
} from '../../mappings/sage-100-fr/to-canonical';
import type { Sage100Connection } from './config.schema';
import type { SageDatabase } from './database';
import { classifySageError, isMissingTable } from './errors';
import { MAX_KEYS_PER_QUERY, MAX_PAGE_ROWS } from './limits';
import {
  contactsOf,
  customersPage,
  documentsFor,
  linesByNo,
  openItemKeysPage,
  openItemsPage,
  openLinesOfPieces,
  type SageKeyset,
} from './queries';
import { amountToMinorUnits, sageDate, sageDateTime } from './values';

/**
 * Reads Sage 100's customers and customer lines into canonical pages (shared/reference/sage.md
 * §4.2, §4.3), on SQL Server or on the fixture, through the queries of queries.ts.
 *
 * - Both streams page on (cbModification, cbMarq), cbMarq breaking ties (§4.3: cbModification is
 *   not unique); each page's cursor is its last row, never behind the saved one.
 * - A first read takes the open lines only: a file's years of lettered history are none of the
 *   connector's business. Every later read takes every customer line changed since the saved
 *   cursor, lettered ones included: a line lettered since is closed at once (Sage has no
 *   tombstone, §4.3). A deleted line is not seen there: the full reconciliation sweeps the open
 *   set's keys (listOpenReceivableIds) and asks about the difference (readByIds).
 * - A later read starts `changeOverlapSeconds` before the saved cursor: whether Sage stamps
 *   cbModification at commit or at statement time is UNVERIFIED, and a change committed late with
 *   an older stamp would otherwise be missed. What it reads again comes back unchanged.
 * - A changed line is mapped with the other open lines of its piece (openLinesOfPieces) and the
 *   piece's sales document when Gestion commerciale holds it (documentsFor): the remaining amount
 *   is compared over all of them (mappings/sage-100-fr/to-canonical.ts).
 */

type Scope = 'open' | 'changes';

interface Decoded<T> {
  value?: T;
  error?: string;
}

export class Sage100Reader {
  readonly ctx: Sage100MappingContext;
  /** Gestion commerciale's F_DOCENTETE is absent from this database (learnt at the first query). */
  private documentsAbsent = false;

  constructor(
    private readonly database: SageDatabase,
    private readonly config: Sage100Connection,
  ) {
    this.ctx = { connection: config.id, currency: config.currency };
  }

  /** Runs one query; any failure leaves as a classified AdapterError (errors.ts). */
  async run<T>(doing: string, query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (e) {
      throw classifySageError(e, {
        connection: this.config.id,
        target: this.database.target,
        doing,
        ...(this.database.user === undefined ? {} : { user: this.database.user }),
      });
    }
  }

  read(stream: StreamName, position: ReadPosition): Promise<ReadPage> {
    if (stream === 'debtors') return this.readDebtors(position);
    if (stream === 'receivables') return this.readReceivables(position);
    return Promise.resolve(emptyPage());
  }

  /** Where a read starts: the resume point of this run, or the saved cursor walked back by the overlap. */
  private start(position: ReadPosition): { after: SageKeyset | null; scope: Scope } {
    const resume = keysetOf(position.resume);
    if (resume) return { after: resume, scope: position.resume?.['scope'] === 'open' ? 'open' : 'changes' };
    const saved = keysetOf(position.saved);
    if (!saved) return { after: null, scope: 'open' };
    return { after: walkBack(saved, this.config.changeOverlapSeconds), scope: 'changes' };
  }

  private finish(page: ReadPage, position: ReadPosition, last: SageKeyset | undefined, scope: Scope, rows: number) {
    const saved = keysetOf(position.saved);
    const newest = last && (!saved || compareKeysets(last, saved) > 0) ? last : saved;
    page.cursor = newest ? { ...newest } : undefined;
    page.resume = last && rows === this.config.pageSize ? { ...last, scope } : undefined;
    return page;
  }

  private async readDebtors(position: ReadPosition): Promise<ReadPage> {
    const { db, engine } = this.database;
    const { after } = this.start(position);
    const rows = await this.run('reading the customers (F_COMPTET)', () =>
      customersPage(db, engine, { after, limit: this.config.pageSize }).execute(),
    );
    const page = emptyPage();
    page.read = rows.length;
    const customers: Sage100Customer[] = [];
    for (const row of rows) {
      const c = decodeCustomer(row);
      if (c.value) customers.push(c.value);
      else
        page.quarantined.push({
          sourceId: sage100Ids.customerSource(text(row.CT_Num)),
          reason: `F_COMPTET: ${c.error}`,
          raw: row,
        });
    }
    const contacts = new Map<string, Sage100Contact[]>();
    for (const chunk of chunks(
      customers.map((c) => c.CT_Num),
      MAX_KEYS_PER_QUERY,
    )) {
      const found = await this.run('reading the contacts (F_CONTACTT)', () => contactsOf(db, chunk).execute());
      for (const k of found) {
        const contact = decodeContact(k);
        const list = contacts.get(contact.CT_Num) ?? [];
        list.push(contact);
        contacts.set(contact.CT_Num, list);
      }
    }
    for (const c of customers) {
      const result = customerToDebtor(c, contacts.get(c.CT_Num) ?? [], this.ctx);
      if (result.outcome === 'debtor') {
        page.debtors.push(result.debtor);
        page.warnings.push(...result.warnings);
      } else page.quarantined.push({ sourceId: sage100Ids.customerSource(c.CT_Num), reason: result.reason, raw: c });
    }
    const last = rows.at(-1);
    return this.finish(page, position, last ? rowKeyset(last) : undefined, 'changes', rows.length);
  }

  private async readReceivables(position: ReadPosition): Promise<ReadPage> {
    const { db, engine } = this.database;
    const { after, scope } = this.start(position);
    const rows = await this.run('reading the customer lines (F_ECRITUREC)', () =>
      openItemsPage(db, engine, {
        after,
        limit: this.config.pageSize,
        accountPrefixes: this.config.accountPrefixes,
        includeLettered: scope === 'changes',
      }).execute(),
    );
    const page = emptyPage();
    page.read = rows.length;
    const first = rows[0] ? rowKeyset(rows[0]) : undefined;
    const last = rows.at(-1);
    const through = last ? rowKeyset(last) : undefined;
    // An invoice line stamped at the same time as a line of this page was written with it, and read
    // with it: only an older one may have been read before this page's change and need reading again.
    await this.mapLines(
      rows,
      page,
      (sibling) => first !== undefined && sibling.modifiedAt < first.modifiedAt,
      through && { after, through },
    );
    return this.finish(page, position, through, scope, rows.length);
  }

  /**
   * Maps lines read (a page, or lines asked by number) into `page`: lettered ones closed, open
   * ones with the other open lines of their pieces. An invoice line of a piece that is not among
   * the lines read is mapped again only when `alsoSibling` says so (one read before this page,
   * whose open amount a payment or a lettering in this page may have changed). `span`, for a
   * keyset page, is the span it covers: its open lines are all among `rows`, so the pieces' other
   * lines are asked for outside it only.
   */
  private async mapLines(
    rows: readonly Record<string, unknown>[],
    page: ReadPage,
    alsoSibling: (keyset: SageKeyset) => boolean,
    span?: { after: SageKeyset | null; through: SageKeyset },
  ): Promise<void> {
    const own = new Map<number, Sage100Line>();
    const lettered: Closure[] = [];
    const changedPieces = new Set<string>();
    for (const row of rows) {
      const line = decodeLine(row);
      if (!line.value) {
        page.quarantined.push({
          sourceId: sage100Ids.lineSource(Number(row['EC_No'])),
          reason: `F_ECRITUREC ${String(row['EC_No'])}: ${line.error}`,
          raw: row,
        });
        continue;
      }
      const l = line.value;
      if (l.EC_Lettrage !== '') {
        lettered.push({ id: sage100Ids.line(this.ctx, l.EC_No), reason: LETTERED_REASON });
        changedPieces.add(pieceKey(l));
      } else {
        own.set(l.EC_No, l);
        if (l.EC_Sens !== 0) changedPieces.add(pieceKey(l));
      }
    }
    page.closed.push(...lettered);
    const pieces = [...new Set([...rows].map((r) => text(r['EC_RefPiece'])).filter((p) => p !== ''))];
    const ownPieces = new Set([...own.values()].map(pieceKey));
    const lines = new Map(own);
    const siblingKeys = new Map<number, SageKeyset>();
    for (const chunk of chunks(pieces, MAX_KEYS_PER_QUERY)) {
      const found = await this.run('reading the open lines of the pieces (F_ECRITUREC)', () =>
        openLinesOfPieces(this.database.db, chunk, {
          accountPrefixes: this.config.accountPrefixes,
          ...(span && { outside: span }),
        }).execute(),
      );
      for (const row of found) {
        const line = decodeLine(row);
        // A sibling that cannot be decoded is quarantined when its own row is read.
        if (!line.value || lines.has(line.value.EC_No)) continue;
        const key = pieceKey(line.value);
        if (!changedPieces.has(key) && !ownPieces.has(key)) continue;
        lines.set(line.value.EC_No, line.value);
        siblingKeys.set(line.value.EC_No, rowKeyset(row));
      }
    }
    // The mapping reads a piece's document only for its invoice lines (mapPiece): the pieces of
    // credit lines alone, or of lettered lines alone, need none.
    const invoicePieces = new Set<string>();
    for (const l of lines.values()) if (l.EC_Sens === 0 && l.EC_RefPiece !== '') invoicePieces.add(l.EC_RefPiece);
    const documents = await this.documentsOf([...invoicePieces], page);
    for (const result of openLinesToReceivables([...lines.values()], documents, this.ctx)) {
      const sibling = siblingKeys.get(result.ecNo);
      if (sibling !== undefined) {
        const l = lines.get(result.ecNo)!;
        if (l.EC_Sens !== 0 || !changedPieces.has(pieceKey(l)) || !alsoSibling(sibling)) continue;
      }
      if (result.outcome === 'receivable') {
        page.receivables.push(result.receivable);
        page.warnings.push(...result.warnings);
      } else if (result.outcome === 'quarantined')
        page.quarantined.push({
          sourceId: sage100Ids.lineSource(result.ecNo),
          reason: result.reason,
          raw: lines.get(result.ecNo),
        });
    }
  }

  /** The sales documents of some pieces; none when Gestion commerciale is absent (F_DOCENTETE missing). */
  private async documentsOf(pieces: readonly string[], page: ReadPage): Promise<Sage100Document[]> {
    const out: Sage100Document[] = [];
    if (this.documentsAbsent) return out;
    for (const chunk of chunks(pieces, MAX_KEYS_PER_QUERY)) {
      let rows: Record<string, unknown>[];
      try {
        rows = await documentsFor(this.database.db, chunk).execute();
      } catch (e) {
        if (!isMissingTable(e)) throw this.classify(e, 'reading the sales documents (F_DOCENTETE)');
        this.documentsAbsent = true;
        page.warnings.push(
          'F_DOCENTETE is missing: Gestion commerciale is not installed; open items are read from the accounting lines alone',
        );
        return [];
      }
      for (const row of rows) {
        const d = decodeDocument(row);
        if (d.value) out.push(d.value);
        else page.warnings.push(`F_DOCENTETE ${text(row['DO_Piece'])}: ignored (${d.error})`);
      }
    }
    return out;
  }

  private classify(e: unknown, doing: string) {
    return classifySageError(e, {
      connection: this.config.id,
      target: this.database.target,
      doing,
      ...(this.database.user === undefined ? {} : { user: this.database.user }),
    });
  }

  /** The canonical ids of every open receivable: the open set's keys, without the payments counted in their invoices. */
  async openReceivableIds(onProgress?: (listed: number) => void): Promise<Set<string>> {
    const { db, engine } = this.database;
    const keys: { EC_No: number; CT_Num: string; EC_RefPiece: string; EC_Sens: number }[] = [];
    let afterMarq: number | null = null;
    for (;;) {
      const rows = await this.run('sweeping the open customer lines (F_ECRITUREC)', () =>
        openItemKeysPage(db, engine, {
          afterMarq,
          limit: MAX_PAGE_ROWS,
          accountPrefixes: this.config.accountPrefixes,
        }).execute(),
      );
      for (const r of rows)
        keys.push({ EC_No: r.EC_No, CT_Num: text(r.CT_Num), EC_RefPiece: text(r.EC_RefPiece), EC_Sens: r.EC_Sens });
      onProgress?.(keys.length);
      if (rows.length < MAX_PAGE_ROWS) break;
      afterMarq = rows[rows.length - 1]!.cbMarq;
    }
    const absorbed = absorbedCredits(keys);
    return new Set(keys.filter((k) => !absorbed(k)).map((k) => sage100Ids.line(this.ctx, k.EC_No)));
  }

  /** Receivables by canonical id: open ones mapped with their pieces, lettered and missing ones closed. */
  async receivablesByIds(ids: readonly string[]): Promise<ReadPage> {
    const page = emptyPage();
    const numbers: number[] = [];
    for (const id of ids) {
      const n = sage100Ids.ecNoOf(this.ctx, id);
      if (n === undefined)
        page.warnings.push(`${id} is not a Sage 100 line id of connection ${this.config.id}: ignored`);
      else numbers.push(n);
    }
    for (const chunk of chunks(numbers, MAX_KEYS_PER_QUERY)) {
      const rows = await this.run('reading customer lines by number (F_ECRITUREC)', () =>
        linesByNo(this.database.db, chunk, { accountPrefixes: this.config.accountPrefixes }).execute(),
      );
      page.read += rows.length;
      const found = new Set(rows.map((r) => r.EC_No));
      for (const n of chunk)
        if (!found.has(n)) page.closed.push({ id: sage100Ids.line(this.ctx, n), reason: DELETED_REASON });
      await this.mapLines(rows, page, () => false);
    }
    return page;
  }
}

/** Reads a saved cursor or resume point: `{ modifiedAt, marq }`; anything else is no position. */
export function keysetOf(value: Record<string, unknown> | undefined): SageKeyset | undefined {
  if (!value) return undefined;
  const { modifiedAt, marq } = value;
  if (typeof modifiedAt !== 'string' || typeof marq !== 'number') return undefined;
  return { modifiedAt, marq };
}

/** Orders two keysets: by cbModification (the canonical text sorts as the dates do), then cbMarq. */
export function compareKeysets(a: SageKeyset, b: SageKeyset): number {
  if (a.modifiedAt !== b.modifiedAt) return a.modifiedAt < b.modifiedAt ? -1 : 1;
  return a.marq - b.marq;
}

/** The keyset `seconds` before `k`, before any row of that time (cbMarq starts at 1). */
function walkBack(k: SageKeyset, seconds: number): SageKeyset {
  if (seconds === 0) return k;
  const at = Date.parse(`${k.modifiedAt}Z`) - seconds * 1000;
  return { modifiedAt: new Date(at).toISOString().slice(0, 23), marq: 0 };
}

function rowKeyset(row: { cbModification?: unknown; cbMarq?: unknown } | Record<string, unknown>): SageKeyset {
  const r = row as { cbModification: Date | string; cbMarq: number };
  return { modifiedAt: sageDateTime(r.cbModification, 'cbModification'), marq: r.cbMarq };
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** A varchar as the drivers give it, trimmed: SQL Server compares without trailing spaces, so Sage's codes are read so. */
function text(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  return typeof value === 'number' ? String(value) : '';
}

function int(value: unknown, column: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new Error(`${column} is not an integer`);
  return n;
}

/** Decodes a line's driver values (amounts to cents, dates, the sentinel); the error names the column. */
function decodeLine(row: Record<string, unknown>): Decoded<Sage100Line> {
  try {
    return {
      value: {
        EC_No: int(row['EC_No'], 'EC_No'),
        CT_Num: text(row['CT_Num']),
        CG_Num: text(row['CG_Num']),
        EC_Piece: text(row['EC_Piece']),
        EC_RefPiece: text(row['EC_RefPiece']),
        EC_Intitule: text(row['EC_Intitule']),
        EC_Date: sageDate(row['EC_Date'] as string, 'EC_Date'),
        EC_Echeance: sageDate(row['EC_Echeance'] as string, 'EC_Echeance'),
        EC_Sens: int(row['EC_Sens'], 'EC_Sens'),
        EC_Montant: amountToMinorUnits(row['EC_Montant'] as string, 'EC_Montant'),
        EC_MontantRegle: amountToMinorUnits(row['EC_MontantRegle'] as string, 'EC_MontantRegle'),
        EC_Lettrage: text(row['EC_Lettrage']),
      },
    };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

function decodeDocument(row: Record<string, unknown>): Decoded<Sage100Document> {
  try {
    return {
      value: {
        DO_Piece: text(row['DO_Piece']),
        DO_Tiers: text(row['DO_Tiers']),
        DO_Type: int(row['DO_Type'], 'DO_Type'),
        DO_Date: sageDate(row['DO_Date'] as string, 'DO_Date'),
        DO_TotalTTC: amountToMinorUnits(row['DO_TotalTTC'] as string, 'DO_TotalTTC'),
        DO_MontantRegle: amountToMinorUnits(row['DO_MontantRegle'] as string, 'DO_MontantRegle'),
      },
    };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

function decodeCustomer(row: Record<string, unknown>): Decoded<Sage100Customer> {
  try {
    return {
      value: {
        CT_Num: text(row['CT_Num']),
        CT_Intitule: text(row['CT_Intitule']),
        CT_Adresse: text(row['CT_Adresse']),
        CT_Complement: text(row['CT_Complement']),
        CT_CodePostal: text(row['CT_CodePostal']),
        CT_Ville: text(row['CT_Ville']),
        CT_Pays: text(row['CT_Pays']),
        CT_Telephone: text(row['CT_Telephone']),
        CT_EMail: text(row['CT_EMail']),
        CT_Siret: text(row['CT_Siret']),
        CT_Identifiant: text(row['CT_Identifiant']),
        CT_Sommeil: int(row['CT_Sommeil'], 'CT_Sommeil'),
      },
    };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

function decodeContact(row: Record<string, unknown>): Sage100Contact {
  return {
    CT_Num: text(row['CT_Num']),
    CT_No: Number(row['CT_No']),
    CT_Telephone: text(row['CT_Telephone']),
    CT_TelPortable: text(row['CT_TelPortable']),
    CT_EMail: text(row['CT_EMail']),
  };
}
