import type { ActionKind } from '../model/action.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { ConnectionWriteBack, WriteBackKind } from '../ports/erp';

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
    if (unique.some((c) => writeBack(c)!.includes(write))) continue;
    drop.add(kind);
    for (const connection of unique)
      if (!cannot.some((x) => x.connection === connection && x.kind === write))
        cannot.push({ connection, kind: write });
  }
  return { drop, cannot };
}
