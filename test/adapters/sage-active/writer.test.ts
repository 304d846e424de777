import { randomBytes } from 'node:crypto';
import { SageActiveClient, type UploadPart } from '../../../adapters/sage-active/client';
import { SageActiveConnectionSchema, type SageActiveConnection } from '../../../adapters/sage-active/config.schema';
import type { InvoiceRecord, Organization } from '../../../adapters/sage-active/simulator/data';
import { writeBack, type SageWriterDeps } from '../../../adapters/sage-active/writer';
import { CredentialKeyring } from '../../../connector/credentials/keyring';
import { createLogger } from '../../../connector/log/logger';
import { AdapterError } from '../../../connector/ports/adapter-error';
import type { WriteBackRequest } from '../../../connector/ports/erp';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { fixedClock } from '../../../connector/time/clock';
import { sageIds } from '../../../mappings/sage-active/to-canonical';
import {
  BLOCK_END,
  BLOCK_START,
  blockKeyRef,
  blockLines,
  entryFileName,
  textOutsideBlock,
} from '../../../mappings/sage-active/write-back';
import { startSimulator, type Running } from './simulator-fixture';

/**
 * The recovery status written into Sage Active against the simulator (sage.md §2.5): a text file
 * per event on the invoice's accounting entry, uploaded as a multipart request with
 * GraphQL-preflight and found again by its name on a retry; our block in the customer's comments,
 * within 2,000 characters and around what a person wrote; remarks only where Sage takes them.
 */
describe('Sage Active write-back', () => {
  let r: Running;
  let store: Store;
  let org: Organization;
  const keyring = new CredentialKeyring(randomBytes(32));
  const logger = createLogger({ level: 'error' });

  const configOf = (over: Record<string, unknown> = {}): SageActiveConnection =>
    SageActiveConnectionSchema.parse({
      id: 'sage-fr',
      type: 'sage-active',
      baseUrl: r.sim.url,
      clientId: r.sim.clientId,
      subscriptionKey: r.key,
      organizationId: r.books,
      ...over,
    });
  const depsOf = (config = configOf(), client?: SageActiveClient): SageWriterDeps => ({
    config,
    client:
      client ??
      new SageActiveClient({
        config,
        clock: r.clock,
        credentials: () => store.credentials('sage-fr', { keyring, clock: r.clock }),
      }),
    context: { connection: 'sage-fr', organizationId: r.books, currency: 'EUR' },
    clock: fixedClock('2026-12-05T10:00:00Z'),
    logger,
  });
  const idOf = (invoice: InvoiceRecord) =>
    sageIds.invoice({ connection: 'sage-fr', organizationId: r.books, currency: 'EUR' }, invoice.id);
  const note = (key: string, invoices: InvoiceRecord[], text = 'Relance 1 envoyée par e-mail'): WriteBackRequest => ({
    key,
    receivableIds: invoices.map(idOf),
    kind: 'note',
    stage: 'reminder_1',
    text,
  });
  /** A posted invoice with its accounting entry, of a customer with no other invoice picked before. */
  const posted = (skip: InvoiceRecord[] = []): InvoiceRecord =>
    org.invoices.find(
      (i) =>
        i.type === 'NORMAL' &&
        i.status === 'Posted' &&
        i.accountingEntryId !== null &&
        !skip.some((s) => s.customerId === i.customerId),
    )!;
  const customerOf = (invoice: InvoiceRecord) => org.customers.find((c) => c.id === invoice.customerId)!;
  const filesOf = (entityId: string | null) => org.files.filter((f) => f.entityId === entityId);

  beforeEach(async () => {
    r = await startSimulator({ invoices: 120 });
    org = r.sim.organizations.find((o) => o.id === r.books)!;
    store = await openSqliteStore(':memory:');
    await store.migrate();
    const issued = r.sim.controls.issueTokens();
    await store.credentials('sage-fr', { keyring, clock: r.clock }).compareAndSet(0, {
      accessToken: issued.access_token,
      accessTokenExpiresAt: new Date(r.clock.now().getTime() + issued.expires_in * 1000).toISOString(),
      refreshToken: issued.refresh_token,
    });
  });
  afterEach(async () => {
    await r.sim.stop();
    await store.close();
  });

  it("attaches a text file to the invoice's accounting entry and adds our line to the customer's comments, after the person's text", async () => {
    const invoice = posted();
    const customer = customerOf(invoice);
    customer.comments = 'Client fidèle, relancer par téléphone avant tout courrier.';
    const result = await writeBack(depsOf(), note('case/1/step/reminder-1', [invoice]));

    expect(result.items).toEqual([
      {
        receivableId: idOf(invoice),
        status: 'written',
        ref: expect.stringMatching(
          new RegExp(
            `^AccountingEntry ${invoice.accountingEntryId} file [0-9a-f]{32}\\.txt; Customer ${customer.id} comments$`,
          ),
        ),
      },
    ]);
    const files = filesOf(invoice.accountingEntryId);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      entityType: 'ACCOUNTING_ENTRY',
      fileName: entryFileName('case/1/step/reminder-1'),
      comment: 'Recouvra 2026-12-05 : Relance 1 envoyée par e-mail',
      contentType: 'text/plain; charset=utf-8',
      businessDateMs: Date.parse('2026-12-05T00:00:00Z'),
    });
    const content = files[0]!.bytes.toString('utf8');
    expect(content).toContain(`Facture : ${invoice.operationalNumber}`);
    expect(content).toContain('Étape : reminder_1');
    expect(content).toContain('Relance 1 envoyée par e-mail');
    expect(customer.comments).toBe(
      `Client fidèle, relancer par téléphone avant tout courrier.\n${BLOCK_START}\n` +
        `2026-12-05 Relance 1 envoyée par e-mail (${invoice.operationalNumber}) [réf. ${blockKeyRef('case/1/step/reminder-1')}]\n${BLOCK_END}`,
    );
    expect(r.sim.controls.writes.map((w) => w.mutation)).toEqual(['uploadFileToEntity', 'updateCustomer']);
    expect(r.sim.controls.writes[1]!.fields).toEqual({ comments: customer.comments });
  });

  it('answers already_written for the same key, and writes nothing more', async () => {
    const invoice = posted();
    const request = note('case/1/step/reminder-1', [invoice]);
    await writeBack(depsOf(), request);
    const writes = r.sim.controls.writes.length;
    const again = await writeBack(depsOf(), request);
    expect(again.items).toEqual([
      {
        receivableId: idOf(invoice),
        status: 'already_written',
        ref: expect.stringContaining(`AccountingEntry ${invoice.accountingEntryId} file `),
      },
    ]);
    expect(r.sim.controls.writes).toHaveLength(writes);
    expect(filesOf(invoice.accountingEntryId)).toHaveLength(1);
    expect(blockLines(customerOf(invoice).comments)).toHaveLength(1);
  });

  it('a retry after an upload whose answer was lost finds the file and adds no second one', async () => {
    const invoice = posted();
    const config = configOf();
    /** The upload reaches Sage, its answer does not come back (a dropped connection). */
    class LostAnswer extends SageActiveClient {
      override async upload<T>(
        operationName: string,
        query: string,
        variables: Record<string, unknown>,
        file: UploadPart,
      ): Promise<T> {
        await super.upload(operationName, query, variables, file);
        throw new AdapterError({
          code: 'SAGE_UNREACHABLE',
          kind: 'transient',
          userMessage: 'lost',
          outcomeUnknown: true,
        });
      }
    }
    const losing = new LostAnswer({
      config,
      clock: r.clock,
      credentials: () => store.credentials('sage-fr', { keyring, clock: r.clock }),
    });
    const request = note('case/7/step/formal-notice', [invoice], 'Mise en demeure envoyée');
    await expect(writeBack(depsOf(config, losing), request)).rejects.toMatchObject({ outcomeUnknown: true });
    expect(filesOf(invoice.accountingEntryId)).toHaveLength(1);

    const retried = await writeBack(depsOf(), request);
    expect(filesOf(invoice.accountingEntryId)).toHaveLength(1);
    // The file was there already; the customer's line was not written before the failure.
    expect(retried.items[0]).toMatchObject({ status: 'written', ref: expect.stringContaining('Customer ') });
    expect(r.sim.controls.writes.filter((w) => w.mutation === 'uploadFileToEntity')).toHaveLength(1);
  });

  it('one event on two invoices of one customer: a file on each entry, one line naming both in the comments', async () => {
    const first = posted();
    const second = org.invoices.find(
      (i) =>
        i !== first &&
        i.customerId === first.customerId &&
        i.type === 'NORMAL' &&
        i.accountingEntryId !== null &&
        (i.status === 'Posted' || i.status === 'PartiallyCollected'),
    );
    const pair = second
      ? [first, second]
      : [
          first,
          r.sim.data.createInvoice(
            r.books,
            { customerId: first.customerId, amountCents: 12_000 },
            r.clock.now().getTime(),
          ),
        ];
    const result = await writeBack(depsOf(), note('case/2/step/reminder-2', pair));
    expect(result.items.map((i) => i.status)).toEqual(['written', 'written']);
    for (const invoice of pair) expect(filesOf(invoice.accountingEntryId)).toHaveLength(1);
    const lines = blockLines(customerOf(first).comments);
    expect(lines).toHaveLength(1);
    for (const invoice of pair) expect(lines[0]).toContain(invoice.operationalNumber!);
    expect(r.sim.controls.writes.filter((w) => w.mutation === 'updateCustomer')).toHaveLength(1);
  });

  it("keeps the comments within 2,000 characters over many events, dropping our oldest lines, never the person's text", async () => {
    const invoice = posted();
    const customer = customerOf(invoice);
    const own = 'Conditions particulières négociées. '.repeat(45).trim();
    customer.comments = own;
    for (let i = 1; i <= 12; i++) {
      const result = await writeBack(
        depsOf(),
        note(`case/3/event/${i}`, [invoice], `Événement de procédure numéro ${i}`),
      );
      expect(result.items[0]!.status).toBe('written');
    }
    // The simulator refuses comments over 2,000 characters: every write was accepted.
    expect(customer.comments.length).toBeLessThanOrEqual(2_000);
    expect(textOutsideBlock(customer.comments)).toBe(`${own}\n`);
    const lines = blockLines(customer.comments);
    expect(lines.length).toBeLessThan(12);
    expect(lines.at(-1)).toContain('numéro 12');
    expect(filesOf(invoice.accountingEntryId)).toHaveLength(12);
  });

  it("writes the file but skips the comments, saying why, when the person's text leaves no room", async () => {
    const invoice = posted();
    const customer = customerOf(invoice);
    customer.comments = 'n'.repeat(1_990);
    const result = await writeBack(depsOf(), note('case/4/step/reminder-1', [invoice]));
    expect(result.items[0]).toMatchObject({
      status: 'written',
      ref: expect.stringContaining('AccountingEntry'),
      reason: expect.stringMatching(/customer comments hold 1990 characters of their own text: no room left/),
    });
    expect(customer.comments).toBe('n'.repeat(1_990));
    expect(r.sim.controls.writes.map((w) => w.mutation)).toEqual(['uploadFileToEntity']);
  });

  it('skips a draft, an id of another organisation and a deleted invoice, each with its reason', async () => {
    const draft = org.invoices.find((i) => i.status === 'Pending')!;
    const gone = posted();
    r.sim.controls.deleteInvoice(r.books, gone.id);
    const result = await writeBack(depsOf(), {
      ...note('case/5/step/reminder-1', [draft, gone]),
      receivableIds: [idOf(draft), idOf(gone), `sage-fr:${r.starter}:SalesInvoice:${gone.id}`],
    });
    expect(result.items).toEqual([
      { receivableId: idOf(draft), status: 'skipped', reason: expect.stringContaining('is a draft (Pending)') },
      { receivableId: idOf(gone), status: 'skipped', reason: expect.stringContaining('is no longer in Sage Active') },
      {
        receivableId: `sage-fr:${r.starter}:SalesInvoice:${gone.id}`,
        status: 'skipped',
        reason: 'not a sales invoice of this Sage Active organisation',
      },
    ]);
    expect(r.sim.controls.writes).toEqual([]);
  });

  it("a Closed invoice has no entry: its remarks take our block where Sage accepts it, and it is skipped with Sage's refusal where not", async () => {
    // As closeSalesInvoice leaves an invoice whose posting failed or was cancelled (§2.3): numbered, no entry.
    const closed = posted();
    closed.status = 'Closed';
    closed.accountingEntryId = null;
    closed.remarks = 'Vu avec le commercial.';
    const refused = await writeBack(
      depsOf(configOf({ writeBack: { entryFiles: true, customerComments: false } })),
      note('case/6/a', [closed]),
    );
    expect(refused.items[0]).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('global.businessErrors.salesInvoiceNotModifiable'),
    });
    expect(closed.remarks).toBe('Vu avec le commercial.');

    r.sim.controls.settings.lockedInvoiceUpdates = 'accept';
    const accepted = await writeBack(
      depsOf(configOf({ writeBack: { entryFiles: true, customerComments: false } })),
      note('case/6/b', [closed]),
    );
    expect(accepted.items[0]).toEqual({
      receivableId: idOf(closed),
      status: 'written',
      ref: `SalesInvoice ${closed.id} remarks`,
    });
    expect(closed.remarks.startsWith(`Vu avec le commercial.\n${BLOCK_START}\n2026-12-05 Relance 1`)).toBe(true);
    expect(closed.remarks.length).toBeLessThanOrEqual(1_000);
  });

  it('writes only what the connection turns on, and no task or custom field', async () => {
    const invoice = posted();
    const filesOnly = await writeBack(
      depsOf(configOf({ writeBack: { entryFiles: true, customerComments: false } })),
      note('case/8/a', [invoice]),
    );
    expect(filesOnly.items[0]!.ref).not.toContain('Customer');
    const commentsOnly = await writeBack(
      depsOf(configOf({ writeBack: { entryFiles: false, customerComments: true } })),
      note('case/8/b', [invoice]),
    );
    expect(commentsOnly.items[0]!.ref).toBe(`Customer ${invoice.customerId} comments`);
    expect(filesOf(invoice.accountingEntryId)).toHaveLength(1);
    const activity = await writeBack(depsOf(), {
      ...note('case/8/c', [invoice]),
      kind: 'activity',
      summary: 'Appeler',
    });
    expect(activity.items[0]).toMatchObject({ status: 'skipped', reason: expect.stringContaining('no tasks') });
    expect(r.sim.controls.writes).toHaveLength(2);
  });

  it('a Sage server error leaves as a typed, transient error, and nothing is attached', async () => {
    const invoice = posted();
    r.sim.controls.injectFault('500');
    const e = (await writeBack(depsOf(), note('case/9/a', [invoice])).catch((x: unknown) => x)) as AdapterError;
    expect(e).toBeInstanceOf(AdapterError);
    expect(e).toMatchObject({ code: 'SAGE_SERVER_ERROR', kind: 'transient' });
    expect(filesOf(invoice.accountingEntryId)).toHaveLength(0);
  });
});
