import { caseIdOf } from '../model/case.schema';
import type { Receivable } from '../model/receivable.schema';
import type { Store } from '../store/store';
import { AmbiguousReferenceError, NotFoundError } from './case-errors';

/**
 * What a controller types to name a case or an item is what they read: the invoice number the
 * ledger prints (`INV/2025/00137`), the case reference the letters, SMS, notes and phone tasks
 * print (`Réf. case_…`, which is the case id), or an id the CLI and the API print. One function
 * turns each into an id, so the CLI and the API accept the same references and refuse them
 * with the same words.
 *
 * An invoice number is unique within one ledger, not across them: the same number in several
 * connections is ambiguous, and the refusal lists the connections to choose from.
 */

export interface ReferenceScope {
  /** Look invoice numbers up in this connection only (`--connection`, `?connection=`). */
  connection?: string;
}

/** One record an ambiguous reference could mean. */
export interface ReferenceCandidate {
  connection: string;
  itemId: string;
  number: string;
  kind: Receivable['kind'];
  caseId: string;
}

const CASE_ID = /^case_[0-9a-f]{24}$/i;

/** The case a reference names: a case id (any letter case), an item id, or the number of one of its invoices or credit notes. */
export async function resolveCaseId(store: Store, reference: string, scope: ReferenceScope = {}): Promise<string> {
  const ref = reference.trim();
  const asCaseId = CASE_ID.test(ref) ? ref.toLowerCase() : ref;
  if (await store.cases.getCase(asCaseId)) return asCaseId;
  const item = await store.sync.getReceivable(ref);
  if (item) return caseOf(item);
  const matches = await numbered(store, ref, scope);
  if (matches.length === 0)
    throw await notFound(store, 'CASE_NOT_FOUND', 'case', ref, scope, 'case ids, item ids and invoice numbers');
  const cases = [...new Set(matches.map(caseOf))];
  if (cases.length === 1) return cases[0]!;
  throw ambiguous(ref, matches, scope);
}

/** The item (receivable) a reference names: its id, or its number. */
export async function resolveItemId(store: Store, reference: string, scope: ReferenceScope = {}): Promise<string> {
  const ref = reference.trim();
  if (await store.sync.getReceivable(ref)) return ref;
  const matches = await numbered(store, ref, scope);
  if (matches.length === 0)
    throw await notFound(store, 'ITEM_NOT_FOUND', 'item', ref, scope, 'item ids and invoice numbers');
  if (matches.length === 1) return matches[0]!.id;
  throw ambiguous(ref, matches, scope);
}

async function numbered(store: Store, number: string, scope: ReferenceScope): Promise<Receivable[]> {
  if (number === '') return [];
  const all = await store.sync.findReceivablesByNumber(number);
  return scope.connection === undefined ? all : all.filter((r) => r.source.connection === scope.connection);
}

function caseOf(r: Receivable): string {
  return caseIdOf(r.debtorId, r.companyId, r.currency);
}

async function notFound(
  store: Store,
  code: string,
  what: string,
  ref: string,
  scope: ReferenceScope,
  searched: string,
): Promise<NotFoundError> {
  if (scope.connection === undefined) return new NotFoundError(code, `no ${what} ${ref}: searched ${searched}`);
  const elsewhere = [...new Set((await store.sync.findReceivablesByNumber(ref)).map((r) => r.source.connection))];
  return new NotFoundError(
    code,
    `no ${what} ${ref} in connection ${scope.connection}: searched ${searched}${elsewhere.length > 0 ? `; the invoice number is in connection ${elsewhere.join(', ')}` : ''}`,
    elsewhere.length > 0 ? { connections: elsewhere } : {},
  );
}

function ambiguous(ref: string, matches: readonly Receivable[], scope: ReferenceScope): AmbiguousReferenceError {
  const candidates: ReferenceCandidate[] = matches.map((r) => ({
    connection: r.source.connection,
    itemId: r.id,
    number: r.number,
    kind: r.kind,
    caseId: caseOf(r),
  }));
  const connections = [...new Set(candidates.map((c) => c.connection))];
  if (connections.length > 1) {
    return new AmbiguousReferenceError(
      'AMBIGUOUS_REFERENCE',
      `invoice number ${ref} is in ${connections.length} connections (${connections.join(', ')}): say which one with --connection <id> (API: ?connection=<id>)`,
      { reference: ref, connections, candidates },
    );
  }
  // Several records of one ledger share the number (two companies of one Odoo): only their ids tell them apart.
  return new AmbiguousReferenceError(
    'AMBIGUOUS_REFERENCE',
    `invoice number ${ref} names ${candidates.length} records${scope.connection === undefined ? ` of connection ${connections[0]}` : ` in connection ${scope.connection}`}: give the item id (${candidates.map((c) => c.itemId).join(', ')}) or the case id (${[...new Set(candidates.map((c) => c.caseId))].join(', ')})`,
    { reference: ref, connections, candidates },
  );
}
