import type { Action, ActionKind } from '../model/action.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Receivable } from '../model/receivable.schema';
import type { ConnectionWriteBack, WriteBackKind } from '../ports/erp';
import type { Store } from '../store/store';

/**
 * What a ledger can take. Each ERP connection declares what it can write back (`writeBackKinds`:
 * notes, activities, fields, or nothing for a read-only ledger). No outbox row is recorded for a
 * write no ledger of its items can take (decide.ts), no such write is asked of an adapter
 * (ledger-actions.ts), and the case journal says so once per connection and kind — not at every
 * step of every case's ladder.
 */

/** The write each ledger row asks of the ledger (a phone task is an activity there). */
export const LEDGER_WRITE: Readonly<Partial<Record<ActionKind, WriteBackKind>>> = {
  ledger_note: 'note',
  ledger_activity: 'activity',
  phone_task: 'activity',
};

/**
 * How a ledger that takes `takes` receives a write of kind `write`: as asked; an activity as a note
 * when the ledger has notes but no tasks (QuickBooks Online: the task goes where a person reading
 * the invoice sees it); undefined when it cannot take it at all.
 */
export function writtenAs(takes: readonly WriteBackKind[], write: WriteBackKind): WriteBackKind | undefined {
  if (takes.includes(write)) return write;
  if (write === 'activity' && takes.includes('note')) return 'note';
  return undefined;
}

/**
 * The rows left out when no ledger can take them. A phone task stays: it is a step of the ladder
 * in its own right (a person records the call against it), only not written into the ledger.
 */
const DROPPABLE: ReadonlySet<ActionKind> = new Set(['ledger_note', 'ledger_activity']);

/** A write a connection's ledger cannot take; the journal line saying so carries it under `CANNOT_WRITE_KEY`. */
export interface CannotWrite {
  connection: string;
  kind: WriteBackKind;
}

/** The key of a journal line's data that lists the `CannotWrite`s it told. */
export const CANNOT_WRITE_KEY = 'ledgerCannotWrite';

const WHAT: Record<WriteBackKind, { one: string; many: string }> = {
  note: { one: 'note', many: 'notes' },
  activity: { one: 'activity (approval request, phone task)', many: 'activities' },
  fields: { one: 'recovery field', many: 'recovery fields' },
};

/** "the ledger of connection X is read-only: no note written back", or which kinds it does take. */
export function cannotWriteText(c: CannotWrite, takes: readonly WriteBackKind[]): string {
  const what = WHAT[c.kind];
  return takes.length === 0
    ? `the ledger of connection ${c.connection} is read-only: no ${what.one} written back`
    : `the ledger of connection ${c.connection} takes no ${what.many} (only ${takes.map((k) => WHAT[k].many).join(', ')}): no ${what.one} written back`;
}

/** Whether a line of this journal already told that this connection's ledger cannot take this kind. */
export function alreadyTold(journal: readonly CaseJournalEntry[], c: CannotWrite): boolean {
  return journal.some((entry) => {
    const told = entry.data[CANNOT_WRITE_KEY];
    return (
      Array.isArray(told) &&
      told.some(
        (t: unknown) =>
          typeof t === 'object' &&
          t !== null &&
          (t as Partial<CannotWrite>).connection === c.connection &&
          (t as Partial<CannotWrite>).kind === c.kind,
      )
    );
  });
}

/**
 * For the rows about to be recorded for a case: those no ledger of `connections` (the connections
 * of the invoices the rows write on) can perform, and what to tell. A row whose connections are not
 * all known here (not configured) is kept, as the performer decides then; so is one that at least
 * one of its ledgers can take (the performer writes there only).
 */
export function unwritableRows(
  kinds: readonly ActionKind[],
  connections: readonly string[],
  writeBack: ConnectionWriteBack,
): { drop: Set<ActionKind>; cannot: CannotWrite[] } {
  const drop = new Set<ActionKind>();
  const cannot: CannotWrite[] = [];
  const unique = [...new Set(connections)];
  if (unique.length === 0 || unique.some((c) => writeBack(c) === undefined)) return { drop, cannot };
  for (const kind of new Set(kinds)) {
    const write = LEDGER_WRITE[kind];
    if (!write || !DROPPABLE.has(kind)) continue;
    if (unique.some((c) => writtenAs(writeBack(c)!, write) !== undefined)) continue;
    drop.add(kind);
    for (const connection of unique)
      if (!cannot.some((x) => x.connection === connection && x.kind === write))
        cannot.push({ connection, kind: write });
  }
  return { drop, cannot };
}

/** The rows a case change is about to record, the ledgers they write on, and what those ledgers take. */
export interface LedgerRowsInput {
  store: Store;
  caseId: string;
  /** The invoices the rows are about (a step's items; every item of the case for a procedure event). */
  items: readonly Pick<Receivable, 'kind' | 'source'>[];
  planned: readonly Action[];
  /** Unset: every ledger is taken to accept every write (no configuration to tell otherwise). */
  writeBack: ConnectionWriteBack | undefined;
}

/**
 * The rows of `planned` to record: every ledger row no ledger of the items can take is left out.
 * `tell` lists what to journal, once per case, connection and kind: the first time only.
 * Every place that creates ledger rows (a decision, an approval, a procedure event) goes through it.
 */
export async function leaveOutUnwritable(
  input: LedgerRowsInput,
): Promise<{ actions: Action[]; tell: { text: string; told: CannotWrite }[] }> {
  const { writeBack, planned } = input;
  if (!writeBack) return { actions: [...planned], tell: [] };
  const connections = input.items.filter((r) => r.kind === 'invoice').map((r) => r.source.connection);
  const { drop, cannot } = unwritableRows(
    planned.map((a) => a.kind),
    connections,
    writeBack,
  );
  const actions = planned.filter((a) => !drop.has(a.kind));
  if (cannot.length === 0) return { actions, tell: [] };
  const journal = await input.store.cases.readJournal(input.caseId);
  const tell = cannot
    .filter((told) => !alreadyTold(journal, told))
    .map((told) => ({ text: cannotWriteText(told, writeBack(told.connection) ?? []), told }));
  return { actions, tell };
}
