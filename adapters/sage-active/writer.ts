import { AdapterError } from '../../connector/ports/adapter-error';
import type { WriteBackRequest, WriteBackResult } from '../../connector/ports/erp';
import type { Logger } from '../../connector/log/logger';
import type { Clock } from '../../connector/time/clock';
import type { SageActiveMappingContext } from '../../mappings/sage-active/to-canonical';
import {
  CUSTOMER_COMMENTS_MAX,
  entryFileComment,
  entryFileName,
  entryFileText,
  INVOICE_REMARKS_MAX,
  mergeBlock,
  sageInvoiceIdOf,
} from '../../mappings/sage-active/write-back';
import type { SageActiveClient } from './client';
import type { SageActiveConnection } from './config.schema';

/**
 * Writing the recovery status into Sage Active, as sage.md §2.5 recommends (the texts are
 * mappings/sage-active/write-back.ts's):
 * - per invoice, one small text file per event attached to the invoice's accounting entry
 *   (`uploadFileToEntity`; Sage has no SALES_INVOICE entity type, and a posted invoice "can no
 *   longer be modified"). Files cannot be updated, so a write first lists the entry's files and
 *   answers `already_written` when one has the name its key gives: a retried write, whose first
 *   upload may have been applied although its answer was lost, never adds a second file;
 * - where an invoice has no accounting entry yet but is no draft (Closed: posting failed or was
 *   cancelled), our block in its `remarks`, if Sage accepts the change (§2.5 option A, §2.8
 *   question 1: UNVERIFIED whether it does; a refusal skips the invoice with Sage's words);
 * - per customer, our block in its `comments` (option B), read, merged and written back whole
 *   (patch semantics: only `comments` is sent). No concurrency token is documented (§2.5): a person
 *   saving the customer between our read and our write can lose one of our lines or see theirs
 *   overwritten by the text they had before; the window is one round trip.
 *
 * Sage Active has no tasks (`activity`) and no custom fields (`fields`): sageActiveWriteBack never
 * lists them, and a request for them is skipped, as the port allows.
 */

export interface SageWriterDeps {
  client: SageActiveClient;
  config: SageActiveConnection;
  context: SageActiveMappingContext;
  /** Business time: the dates written into the ledger. */
  clock: Clock;
  logger: Logger;
}

type Item = WriteBackResult['items'][number];
type Outcome = { status: 'written' | 'already_written'; ref: string } | { status: 'skipped'; reason: string };

/** Invoices read per query: the ids of one write-back (a case's invoices) fit in one Relay page (§2.2, 500 at most). */
const IDS_PER_QUERY = 100;
/** Files of one accounting entry read per page (§2.2: at most 500). */
const FILES_PAGE = 500;

/** The fields read of an invoice to write back (§2.3; `accountingEntryId` UNVERIFIED below). */
interface WireInvoice {
  id: string;
  status: string | null;
  operationalNumber: string | null;
  customerId: string | null;
  /**
   * UNVERIFIED as a field of `salesInvoices`: the reference names `accountingEntryId` as what
   * posting returns (§2.5) and the simulator's SDL exposes it on the invoice; check it against
   * introspection on a real tenant (§2.7).
   */
  accountingEntryId: string | null;
  remarks: string | null;
}

const INVOICES = `query RecouvraWriteBackInvoices($ids: [UUID], $first: Int) {
  salesInvoices(first: $first, where: { id: { in: $ids } }) {
    nodes { id status operationalNumber customerId accountingEntryId remarks }
  }
}`;
const ENTRY_FILES = `query RecouvraEntryFiles($entityId: UUID, $first: Int, $after: String) {
  files(first: $first, after: $after, where: { entityType: { eq: "ACCOUNTING_ENTRY" }, entityId: { eq: $entityId } }) {
    pageInfo { hasNextPage endCursor }
    nodes { id fileName }
  }
}`;
const UPLOAD = `mutation RecouvraUploadEntryFile($input: FileUploadGLDtoInput!) {
  uploadFileToEntity(input: $input) { id }
}`;
const CUSTOMERS = `query RecouvraWriteBackCustomers($ids: [UUID], $first: Int) {
  customers(first: $first, where: { id: { in: $ids } }) {
    nodes { id comments }
  }
}`;
const UPDATE_CUSTOMER = `mutation RecouvraCustomerComments($values: CustomerUpdateGLDtoInput!) {
  updateCustomer(input: $values) { id }
}`;
const UPDATE_INVOICE = `mutation RecouvraInvoiceRemarks($values: SalesInvoiceUpdateGLDtoInput!) {
  updateSalesInvoice(input: $values) { id }
}`;

export async function writeBack(deps: SageWriterDeps, request: WriteBackRequest): Promise<WriteBackResult> {
  if (request.kind !== 'note')
    return {
      items: request.receivableIds.map((receivableId) => ({
        receivableId,
        status: 'skipped',
        reason:
          request.kind === 'activity'
            ? 'Sage Active has no tasks: the note on the invoice and the dashboard say it'
            : 'Sage Active has no custom fields for the recovery stage: the note on the invoice says it',
      })),
    };
  const { entryFiles, customerComments } = deps.config.writeBack;
  if (!entryFiles && !customerComments)
    return {
      items: request.receivableIds.map((receivableId) => ({
        receivableId,
        status: 'skipped',
        reason: `writing back is turned off for connection ${deps.config.id} (writeBack.entryFiles and writeBack.customerComments)`,
      })),
    };
  // The entry's day is the day it is written, in UTC [UNVERIFIED: the organisation's own time zone is not read].
  const date = deps.clock.now().toISOString().slice(0, 10);

  const ids = new Map<string, string>();
  for (const receivableId of request.receivableIds) {
    const id = sageInvoiceIdOf(deps.context, receivableId);
    if (id !== undefined) ids.set(receivableId, id);
  }
  const invoices = await readInvoices(deps, [...new Set(ids.values())]);

  const perInvoice = new Map<string, Outcome>();
  if (entryFiles)
    for (const invoice of invoices.values())
      if (invoice.status !== 'Pending')
        perInvoice.set(invoice.id, await writeInvoiceNote(deps, request, date, invoice));

  const perCustomer = new Map<string, Outcome>();
  if (customerComments) {
    const byCustomer = new Map<string, WireInvoice[]>();
    for (const invoice of invoices.values())
      if (invoice.status !== 'Pending' && invoice.customerId)
        byCustomer.set(invoice.customerId, [...(byCustomer.get(invoice.customerId) ?? []), invoice]);
    for (const [customerId, outcome] of await writeCustomerComments(deps, request, date, byCustomer))
      perCustomer.set(customerId, outcome);
  }

  const items: Item[] = request.receivableIds.map((receivableId) => {
    const id = ids.get(receivableId);
    if (id === undefined)
      return { receivableId, status: 'skipped', reason: 'not a sales invoice of this Sage Active organisation' };
    const invoice = invoices.get(id);
    if (!invoice)
      return { receivableId, status: 'skipped', reason: `sales invoice ${id} is no longer in Sage Active (deleted)` };
    if (invoice.status === 'Pending')
      return {
        receivableId,
        status: 'skipped',
        reason: `sales invoice ${id} is a draft (Pending): nothing is written on it`,
      };
    const outcomes = [
      perInvoice.get(invoice.id),
      invoice.customerId ? perCustomer.get(invoice.customerId) : undefined,
    ].filter((o): o is Outcome => o !== undefined);
    return { receivableId, ...combine(outcomes) };
  });
  return { items };
}

/**
 * One item from the outcomes of the invoice's note and its customer's block: written when either
 * was written now, already written when every one was found, skipped when none could be; the
 * reasons of what was skipped go with it.
 */
function combine(outcomes: readonly Outcome[]): Omit<Item, 'receivableId'> {
  const done = outcomes.filter((o): o is Extract<Outcome, { ref: string }> => o.status !== 'skipped');
  const reasons = outcomes.flatMap((o) => (o.status === 'skipped' ? [o.reason] : []));
  const reason = reasons.length > 0 ? { reason: reasons.join('; ') } : {};
  if (done.length === 0)
    return { status: 'skipped', ...(reasons.length > 0 ? reason : { reason: 'nothing to write' }) };
  const status = done.some((o) => o.status === 'written') ? 'written' : 'already_written';
  return { status, ref: done.map((o) => o.ref).join('; '), ...reason };
}

async function readInvoices(deps: SageWriterDeps, ids: readonly string[]): Promise<Map<string, WireInvoice>> {
  const found = new Map<string, WireInvoice>();
  for (let at = 0; at < ids.length; at += IDS_PER_QUERY) {
    const chunk = ids.slice(at, at + IDS_PER_QUERY);
    // https://developer.sage.com/sageactive/resources/salesinvoices (sage.md §2.3)
    const data = await deps.client.request<{ salesInvoices: { nodes: unknown[] | null } | null }>(
      'RecouvraWriteBackInvoices',
      INVOICES,
      { ids: chunk, first: chunk.length },
    );
    for (const node of data.salesInvoices?.nodes ?? []) {
      const invoice = wireInvoice(deps, node);
      found.set(invoice.id.toLowerCase(), invoice);
    }
  }
  return found;
}

/** The invoice's note: a file on its accounting entry, else its remarks where it is not yet posted. */
async function writeInvoiceNote(
  deps: SageWriterDeps,
  request: WriteBackRequest,
  date: string,
  invoice: WireInvoice,
): Promise<Outcome> {
  if (invoice.accountingEntryId) return writeEntryFile(deps, request, date, invoice, invoice.accountingEntryId);
  if (invoice.status === 'Closed') return writeRemarks(deps, request, date, invoice);
  return {
    status: 'skipped',
    reason: `sales invoice ${invoice.id} (${invoice.status ?? 'no status'}) has no accounting entry to attach the note to`,
  };
}

async function writeEntryFile(
  deps: SageWriterDeps,
  request: WriteBackRequest,
  date: string,
  invoice: WireInvoice,
  entryId: string,
): Promise<Outcome> {
  const name = entryFileName(request.key);
  const existing = await findEntryFile(deps, entryId, name);
  if (existing !== undefined) return { status: 'already_written', ref: `AccountingEntry ${entryId} file ${existing}` };
  const text = entryFileText({
    key: request.key,
    date,
    invoiceNumber: invoice.operationalNumber ?? undefined,
    stage: request.stage,
    procedureState: request.procedureState,
    text: request.text,
  });
  // https://developer.sage.com/sageactive/resources/ (file management, digest 16-file-management; sage.md §2.5)
  const data = await deps.client.upload<{ uploadFileToEntity: { id: string | null } | null }>(
    'RecouvraUploadEntryFile',
    UPLOAD,
    {
      input: {
        file: null,
        entityType: 'ACCOUNTING_ENTRY',
        entityId: entryId,
        fileName: name,
        businessDate: date,
        comment: entryFileComment(date, request.text),
      },
    },
    { variablePath: 'input.file', fileName: name, contentType: 'text/plain; charset=utf-8', bytes: Buffer.from(text) },
  );
  const id = data.uploadFileToEntity?.id;
  deps.logger.debug('sage-active write-back: file attached to the accounting entry', {
    connection: deps.config.id,
    entryId,
    fileName: name,
  });
  return { status: 'written', ref: `AccountingEntry ${entryId} file ${id ?? name}` };
}

/** The id of the entry's file named `name`, listed page by page (sage.md §2.5: `files(where: …)`). */
async function findEntryFile(deps: SageWriterDeps, entryId: string, name: string): Promise<string | undefined> {
  let after: string | null = null;
  for (;;) {
    const data: {
      files: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] | null } | null;
    } = await deps.client.request('RecouvraEntryFiles', ENTRY_FILES, { entityId: entryId, first: FILES_PAGE, after });
    for (const node of data.files?.nodes ?? []) {
      const file = node as { id?: unknown; fileName?: unknown };
      if (file.fileName === name) return typeof file.id === 'string' ? file.id : name;
    }
    const page = data.files?.pageInfo;
    if (!page?.hasNextPage || !page.endCursor) return undefined;
    after = page.endCursor;
  }
}

async function writeRemarks(
  deps: SageWriterDeps,
  request: WriteBackRequest,
  date: string,
  invoice: WireInvoice,
): Promise<Outcome> {
  const merged = mergeBlock(
    invoice.remarks,
    { key: request.key, date, text: request.text },
    INVOICE_REMARKS_MAX,
    'invoice remarks',
  );
  const ref = `SalesInvoice ${invoice.id} remarks`;
  if (merged.status === 'already_present') return { status: 'already_written', ref };
  if (merged.status === 'skipped') return merged;
  try {
    // Patch semantics: only `remarks` changes (https://developer.sage.com/sageactive/resources/update, sage.md §2.5 option A).
    await deps.client.request(
      'RecouvraInvoiceRemarks',
      UPDATE_INVOICE,
      { values: { id: invoice.id, remarks: merged.value } },
      {
        mutation: true,
      },
    );
  } catch (e) {
    // §2.5 option A: "probably rejected" on an invoice no longer modifiable; the key is UNVERIFIED, so any business refusal.
    if (e instanceof AdapterError && e.code === 'SAGE_BUSINESS_ERROR')
      return {
        status: 'skipped',
        reason: `sales invoice ${invoice.id} (${invoice.status}) has no accounting entry, and Sage Active refused a change of its remarks (${e.userMessage})`,
      };
    throw e;
  }
  return { status: 'written', ref };
}

async function writeCustomerComments(
  deps: SageWriterDeps,
  request: WriteBackRequest,
  date: string,
  byCustomer: ReadonlyMap<string, readonly WireInvoice[]>,
): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  const ids = [...byCustomer.keys()];
  const comments = new Map<string, string | null>();
  for (let at = 0; at < ids.length; at += IDS_PER_QUERY) {
    const chunk = ids.slice(at, at + IDS_PER_QUERY);
    // https://developer.sage.com/sageactive/resources/customers (sage.md §2.3)
    const data = await deps.client.request<{ customers: { nodes: unknown[] | null } | null }>(
      'RecouvraWriteBackCustomers',
      CUSTOMERS,
      { ids: chunk, first: chunk.length },
    );
    for (const node of data.customers?.nodes ?? []) {
      const c = node as { id?: unknown; comments?: unknown };
      if (typeof c.id === 'string')
        comments.set(c.id.toLowerCase(), typeof c.comments === 'string' ? c.comments : null);
    }
  }
  for (const [customerId, invoices] of byCustomer) {
    const ref = `Customer ${customerId} comments`;
    if (!comments.has(customerId.toLowerCase())) {
      out.set(customerId, { status: 'skipped', reason: `customer ${customerId} is no longer in Sage Active` });
      continue;
    }
    const numbers = invoices.flatMap((i) => (i.operationalNumber ? [i.operationalNumber] : []));
    const merged = mergeBlock(
      comments.get(customerId.toLowerCase()),
      { key: request.key, date, text: request.text, invoices: [...new Set(numbers)].sort() },
      CUSTOMER_COMMENTS_MAX,
      'customer comments',
    );
    if (merged.status === 'already_present') {
      out.set(customerId, { status: 'already_written', ref });
      continue;
    }
    if (merged.status === 'skipped') {
      out.set(customerId, { status: 'skipped', reason: `customer ${customerId}: ${merged.reason}` });
      continue;
    }
    // Patch semantics: only `comments` changes (sage.md §2.5 option B, digest 19-update-patterns).
    await deps.client.request(
      'RecouvraCustomerComments',
      UPDATE_CUSTOMER,
      { values: { id: customerId, comments: merged.value } },
      { mutation: true },
    );
    if (merged.dropped > 0)
      deps.logger.info(
        'sage-active write-back: oldest lines of the customer block dropped to stay within 2,000 characters',
        {
          connection: deps.config.id,
          customerId,
          dropped: merged.dropped,
        },
      );
    out.set(customerId, { status: 'written', ref });
  }
  return out;
}

/** An invoice node as the write-back needs it; an answer without an id is not one Sage gives. */
function wireInvoice(deps: SageWriterDeps, node: unknown): WireInvoice {
  const n = (node ?? {}) as Record<string, unknown>;
  const text = (key: string): string | null => (typeof n[key] === 'string' && n[key] !== '' ? n[key] : null);
  const id = text('id');
  if (id === null)
    throw new AdapterError({
      code: 'SAGE_UNREADABLE_ANSWER',
      kind: 'system',
      userMessage: `connection ${deps.config.id}: Sage Active answered the read of sales invoices with an invoice without its id`,
    });
  return {
    id: id.toLowerCase(),
    status: text('status'),
    operationalNumber: text('operationalNumber'),
    customerId: text('customerId')?.toLowerCase() ?? null,
    accountingEntryId: text('accountingEntryId'),
    remarks: typeof n['remarks'] === 'string' ? n['remarks'] : null,
  };
}
