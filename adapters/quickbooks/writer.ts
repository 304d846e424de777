import { AdapterError } from '../../connector/ports/adapter-error';
import type { WriteBackRequest, WriteBackResult } from '../../connector/ports/erp';
import type { Clock } from '../../connector/time/clock';
import { parseQboId, type QboMappingContext } from '../../mappings/quickbooks/to-canonical';
import { appendToPrivateNote } from '../../mappings/quickbooks/write-back';
import type { QboClient } from './client';
import type { QuickBooksConnection } from './config.schema';

/**
 * Writing the recovery status into QuickBooks Online (erp-apis.md §2.3 "Write-back
 * recommendation", §2.4): each entry is appended to the invoice's `PrivateNote` (internal, never
 * printed) by a sparse update carrying the invoice's `SyncToken`; the stage goes to a custom field
 * when the configuration names one the invoice has. A stale SyncToken (5010: someone saved the
 * invoice meanwhile) is answered by reading the invoice again, merging, and trying once more.
 * QuickBooks has no tasks: an `activity` is never asked of this adapter (its `writeBackKinds`).
 */

export interface WriterDeps {
  client: QboClient;
  config: QuickBooksConnection;
  context: QboMappingContext;
  clock: Clock;
}

type Item = WriteBackResult['items'][number];

interface WireInvoice {
  Id: string;
  SyncToken: string;
  PrivateNote?: string;
  CustomField?: { DefinitionId?: string; Name?: string; Type?: string; StringValue?: string }[];
}

export async function writeBack(deps: WriterDeps, request: WriteBackRequest): Promise<WriteBackResult> {
  const items: Item[] = [];
  for (const receivableId of request.receivableIds) items.push(await writeOne(deps, request, receivableId));
  return { items };
}

async function writeOne(deps: WriterDeps, request: WriteBackRequest, receivableId: string): Promise<Item> {
  const ref = parseQboId(deps.context, receivableId);
  if (ref?.entity !== 'Invoice')
    return { receivableId, status: 'skipped', reason: 'not an invoice of this QuickBooks company' };
  if (request.kind === 'activity')
    return {
      receivableId,
      status: 'skipped',
      reason: 'QuickBooks has no tasks: the private note and the dashboard say it',
    };
  for (let attempt = 1; ; attempt++) {
    const invoice = await readInvoice(deps, ref.id);
    const change = request.kind === 'note' ? noteChange(deps, request, invoice) : fieldChange(deps, request, invoice);
    if ('status' in change) return { receivableId, ...change };
    try {
      await deps.client.post('invoice', { Id: invoice.Id, SyncToken: invoice.SyncToken, sparse: true, ...change.set });
      return { receivableId, status: 'written', ref: `Invoice ${invoice.Id}` };
    } catch (e) {
      // Someone saved the invoice since it was read: read it again and merge, once (erp-apis.md §2.4).
      if (e instanceof AdapterError && e.code === 'QBO_STALE_OBJECT' && attempt === 1) continue;
      throw e;
    }
  }
}

async function readInvoice(deps: WriterDeps, id: string): Promise<WireInvoice> {
  const body = await deps.client.get(`invoice/${encodeURIComponent(id)}`);
  const invoice = body['Invoice'] as Partial<WireInvoice> | undefined;
  if (!invoice || typeof invoice.Id !== 'string' || typeof invoice.SyncToken !== 'string')
    throw new AdapterError({
      code: 'QBO_UNREADABLE_ANSWER',
      kind: 'system',
      userMessage: `connection ${deps.config.id}: QuickBooks answered the read of invoice ${id} without its Id and SyncToken`,
    });
  return invoice as WireInvoice;
}

type Change = { set: Record<string, unknown> } | Omit<Item, 'receivableId'>;

function noteChange(deps: WriterDeps, request: WriteBackRequest, invoice: WireInvoice): Change {
  // The entry's day is the day it is written, in UTC [UNVERIFIED: the company's own time zone is not read].
  const date = deps.clock.now().toISOString().slice(0, 10);
  const result = appendToPrivateNote(invoice.PrivateNote, { key: request.key, date, text: request.text });
  if (result.status === 'already_present') return { status: 'already_written', ref: `Invoice ${invoice.Id}` };
  if (result.status === 'skipped') return { status: 'skipped', reason: result.reason };
  return { set: { PrivateNote: result.note } };
}

function fieldChange(deps: WriterDeps, request: WriteBackRequest, invoice: WireInvoice): Change {
  const name = deps.config.customFields.recoveryStage;
  const value = request.procedureState ?? request.stage;
  if (name === undefined || value === undefined)
    return { status: 'skipped', reason: 'no recovery stage custom field is configured for this connection' };
  const field = (invoice.CustomField ?? []).find(
    (f) => f.Name?.trim().toLowerCase() === name.trim().toLowerCase() && f.DefinitionId !== undefined,
  );
  if (!field)
    return {
      status: 'skipped',
      reason: `invoice ${invoice.Id} has no custom field named "${name}" (set it up under Account and settings › Sales › Custom fields)`,
    };
  if (field.StringValue === value) return { status: 'already_written', ref: `Invoice ${invoice.Id}` };
  return {
    set: {
      CustomField: [{ DefinitionId: field.DefinitionId, Name: field.Name, Type: 'StringType', StringValue: value }],
    },
  };
}
