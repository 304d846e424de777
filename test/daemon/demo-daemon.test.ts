import { portfolioOverview } from '../../connector/kpis/overview';
import axios from 'axios';
import { simpleParser } from 'mailparser';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { XmlRpcOdooRpc } from '../../adapters/odoo/transport/xmlrpc-rpc';
import { startDaemon, type RunningDaemon } from '../../connector/app/cli/run-command';
import { procedureKey } from '../../connector/lawfirm/procedure-events';
import { claimedReceivables } from '../../connector/dossier/claimed-items';
import { writeBackMarker } from '../../mappings/odoo/write-back';
import { noteKeyHash } from '../../mappings/quickbooks/write-back';
import { QUICKBOOKS_CONNECTION, SAGE_100_CONNECTION } from '../../connector/app/demo/demo';
import { CANNOT_WRITE_KEY } from '../../connector/outbox/ledger-write-back';
import { BLOCK_END, BLOCK_START, CUSTOMER_COMMENTS_MAX } from '../../mappings/sage-active/write-back';
import type { CaseJournalEntry } from '../../connector/model/journal.schema';

/**
 * The demo daemon end to end, in this process: simulated Odoo, SMTP sink, SMS and postal
 * simulators, SQLite and the store-backed queue, on a clock running two demo days per second.
 * After a while the daemon is stopped (running work drains), and what the journals say was done
 * is compared with what each simulator received: all of it, and nothing twice.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const silent = new Writable({ write: (_c, _e, done) => done() });

describe('recouvra demo', () => {
  let running: RunningDaemon;
  let performed: CaseJournalEntry[];
  const performedOf = (kind: string) => performed.filter((j) => j.data['kind'] === kind);
  /** The private notes of the demo's QuickBooks company, read in the simulator (not metered). */
  const quickBooksInvoices = () => {
    const company = running.demo!.quickbooks.companies.find((c) => c.realmId === running.demo!.quickbooksRealm)!;
    const notes: { id: string; note: string }[] = [];
    for (let row = 0; row < company.invoices.length; row++) {
      const note = company.invoices.privateNote.get(row);
      if (note !== undefined) notes.push({ id: String(company.invoices.id[row]), note });
    }
    return notes;
  };
  const privateNotes = () => quickBooksInvoices().map((i) => i.note);

  beforeAll(async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'recouvra-demo-')), 'data');
    running = await startDaemon({ clockSpeed: 2 * 86_400, demoInvoices: 150, seed: 4, dataDir }, silent);
    await sleep(14_000);
    // How far a portfolio gets in a given real time depends on the machine's load: the run goes on
    // (a little) until the first registered letter has its proof back, which comes last.
    // The law firm comes last: the run goes on until some file has come back with a few events.
    // Four ledgers share the demo's days now (Odoo, QuickBooks, Sage Active, Sage 100): on a loaded
    // two-core machine the QuickBooks story can take longer than a minute and a half of real time.
    const deadline = Date.now() + 150_000;
    // QuickBooks too: a procedure event in the private note of one of its invoices.
    const storyTold = async () =>
      (await running.store.deliveries.listDeliveries()).some((d) => d.proofs.length > 0) &&
      (await running.store.outbox.listActions({ kind: 'ledger_note', status: 'done' })).filter((a) =>
        a.idempotencyKey.includes('/procedure/note/'),
      ).length >= 3 &&
      privateNotes().some((n) => n.includes('procédure judiciaire'));
    while (Date.now() < deadline && !(await storyTold())) await sleep(500);
    await running.daemon.stop();
    performed = [];
    for (const c of await running.store.cases.listCases())
      performed.push(...(await running.store.cases.readJournal(c.id)).filter((j) => j.type === 'action_performed'));
  }, 210_000);

  afterAll(() => running.stop());

  it('went from reminders to phone calls and formal notices, each noted in the ledger', async () => {
    const kinds = new Set(performed.map((j) => j.data['kind']));
    for (const kind of ['email', 'ledger_note', 'phone_task', 'registered_letter']) expect(kinds).toContain(kind);
    const pending = await running.store.outbox.listActions({ status: 'pending' });
    // Only rows whose channel asked to wait, or that were decided in the last instants, remain.
    expect(pending.length).toBeLessThan(performed.length / 4);
  });

  it('keeps the overview’s figures of each demo day it evaluated, for the trend, and the overview draws the trend from them', async () => {
    const kept = await running.store.kpis.portfolioSnapshots({ from: '2000-01-01', to: '2999-12-31' });
    const days = new Set(kept.map((k) => k.asOf));
    expect(days.size).toBeGreaterThan(3);
    expect(kept.every((k) => k.receivables >= 0 && k.overdue + k.current >= k.receivables)).toBe(true);
    const last = [...days].sort().at(-1)!;
    const overview = await portfolioOverview(running.store, last);
    const eur = overview.currencies.find((c) => c.currency === 'EUR')!;
    expect(eur.trend.at(-1)).toMatchObject({ period: last.slice(0, 7) });
  });

  it('every e-mail the journals say was sent reached the SMTP sink, once', () => {
    const sent = performedOf('email')
      .map((j) => j.data['messageId'])
      .filter((id): id is string => typeof id === 'string');
    const dir = running.demo!.mailDir;
    const received = readdirSync(dir).map(
      (f) => /^Message-ID: *(<[^>]+>)/im.exec(readFileSync(join(dir, f), 'utf8'))?.[1],
    );
    expect(sent.length).toBeGreaterThan(10);
    expect(received.sort()).toEqual([...sent].sort());
    expect(new Set(received).size).toBe(received.length);
  });

  it('every letter and registered letter reached the postal service, once', () => {
    const letters = running.demo!.postal.sent();
    const journaled = [...performedOf('letter'), ...performedOf('registered_letter')]
      .filter((j) => j.data['providerId'])
      .map((j) => j.data['idempotencyKey']);
    expect(letters.some((l) => l.kind === 'registered_letter')).toBe(true);
    expect(letters.map((l) => l.idempotencyKey).sort()).toEqual([...journaled].sort());
  });

  it('registered letters are followed at the postal service, and their proofs kept once as evidence of the case', async () => {
    const statusAtPostOffice = new Map(running.demo!.postal.sent().map((l) => [l.idempotencyKey, l.status]));
    const proofs: { actionId: string; documentId: string; kind: string; caseId: string }[] = [];
    const statuses: string[] = [];
    for (const c of await running.store.cases.listCases()) {
      for (const j of await running.store.cases.readJournal(c.id)) {
        if (j.type === 'proof_received')
          proofs.push({
            actionId: String(j.data['actionId']),
            documentId: String(j.data['documentId']),
            kind: String(j.data['proofKind']),
            caseId: c.id,
          });
        if (j.type === 'delivery_status') statuses.push(`${String(j.data['channel'])}:${String(j.data['status'])}`);
      }
    }
    // On a clock this fast the last letters are still in the post: some proofs, not all.
    expect(statuses).toEqual(expect.arrayContaining(['sms:delivered', 'registered_letter:posted']));
    expect(proofs.length).toBeGreaterThan(0);
    expect(new Set(proofs.map((p) => `${p.actionId}/${p.kind}`)).size).toBe(proofs.length);
    for (const p of proofs) {
      const action = await running.store.outbox.getAction(p.actionId);
      const status = statusAtPostOffice.get(action!.idempotencyKey);
      expect(p.kind === 'acknowledgement_of_receipt' ? ['delivered'] : ['posted', 'delivered']).toContain(status);
      const doc = await running.store.deliveries.getDocument(p.documentId);
      expect(doc).toMatchObject({ caseId: p.caseId, kind: p.kind, mediaType: 'application/pdf' });
      expect(doc!.content.subarray(0, 5).toString()).toBe('%PDF-');
    }
  });

  it('escalated files reach the firm once each, and every event it reports is journalled once and noted on the invoices in Odoo', async () => {
    const sim = running.demo!.lawfirmSimulator;
    const all = await running.store.dossiers.listDossiers();
    const files = sim.listFiles();
    // A dossier is stored before it is sent: one still `prepared` when the daemon stopped was being
    // sent (its file, if the firm opened one, is found by the next attempt). Never a file we do not know.
    const inFlight = all.filter((d) => d.status === 'prepared' && d.fileId === null);
    expect(files.every((f) => all.some((d) => d.id === f.dossierId))).toBe(true);
    const dossiers = all.filter((d) => !inFlight.includes(d));
    expect(dossiers.length).toBeGreaterThan(0);
    // One file per dossier at the firm, however often the outbox row was performed.
    expect(
      files
        .map((f) => f.dossierId)
        .filter((id) => !inFlight.some((d) => d.id === id))
        .sort(),
    ).toEqual(dossiers.map((d) => d.id).sort());
    for (const d of dossiers) {
      expect(files.find((f) => f.dossierId === d.id)?.fileId).toBe(d.fileId);
      // Handed over after a formal notice and a controller's approval.
      const journal = await running.store.cases.readJournal(d.caseId);
      const types = journal.map((j) => j.type);
      expect(types.indexOf('approved')).toBeGreaterThan(-1);
      expect(types.indexOf('dossier_submitted')).toBeGreaterThan(types.indexOf('approved'));
      expect(journal.some((j) => j.type === 'action_performed' && j.data['kind'] === 'registered_letter')).toBe(true);
    }
    // The invoice PDFs Odoo keeps went with the files, their hashes listed in the dossier.
    // (The simulated Odoo keeps a PDF for each invoice with an even id.)
    for (const d of dossiers) {
      const claimed = await claimedReceivables(running.store, d.caseId, d.content);
      // QuickBooks renders every invoice as a PDF.
      const withPdf = claimed
        .filter(
          (r) =>
            r.kind === 'invoice' && (r.source.connection === QUICKBOOKS_CONNECTION || Number(r.source.id) % 2 === 0),
        )
        .map((r) => r.number);
      const attached = (files.find((f) => f.dossierId === d.id)?.documents ?? [])
        .filter((doc) => doc.kind === 'invoice')
        .map((doc) => doc.name);
      expect(attached.length).toBe(withPdf.length);
    }
    // The formal notice went with each file as it was sent: the bytes kept when it went out, the
    // same as the PDF the debtor received by e-mail.
    const mailed = new Set<string>();
    for (const file of readdirSync(running.demo!.mailDir)) {
      const mail = await simpleParser(readFileSync(join(running.demo!.mailDir, file)));
      for (const a of mail.attachments.filter((x) => x.contentType === 'application/pdf'))
        mailed.add(createHash('sha256').update(a.content).digest('hex'));
    }
    for (const f of files.filter((x) => dossiers.some((d) => d.id === x.dossierId))) {
      const notices = f.documents.filter((doc) => doc.kind === 'formal_notice');
      expect(notices.length).toBeGreaterThan(0);
      const kept = (
        await running.store.deliveries.listDocuments(dossiers.find((d) => d.id === f.dossierId)!.caseId)
      ).filter((doc) => doc.kind === 'formal_notice');
      for (const n of notices) expect(kept.map((k) => k.sha256)).toContain(n.sha256);
      const byMail = notices.filter((n) => n.name.includes('email'));
      for (const n of byMail) expect(mailed).toContain(n.sha256);
    }
    for (const f of files)
      for (const doc of f.documents.filter((x) => x.kind === 'invoice'))
        expect(
          (f.dossier as { documents: { name: string; sha256: string | null }[] }).documents.find(
            (x) => x.name === doc.name,
          )?.sha256,
        ).toBe(doc.sha256);
    // Every event applied is journalled once, under the firm's id, and comes from the firm's feed.
    const fed = new Set(sim.events().map((e) => e.id));
    const applied = (await Promise.all(dossiers.map((d) => running.store.dossiers.listProcedureEvents(d.id)))).flat();
    expect(applied.length).toBeGreaterThanOrEqual(3);
    const ids = applied.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of applied) expect(fed.has(e.id.replace(/^cabinet-demo:/, ''))).toBe(true);
    // Each event whose note row is done is on every claimed invoice in Odoo, once (not on the credit notes the claim deducts).
    const odoo = new XmlRpcOdooRpc({
      baseUrl: running.demo!.odooUrl,
      database: 'demo',
      login: 'admin',
      apiKey: 'admin-api-key',
      timeoutMs: 5_000,
    });
    const messages = await odoo.call<{ res_id: number; body: string }[]>(
      'mail.message',
      'search_read',
      {
        domain: [
          ['model', '=', 'account.move'],
          ['body', 'ilike', 'procédure judiciaire'],
        ],
        fields: ['res_id', 'body'],
      },
      { isWrite: false },
    );
    let checked = 0;
    for (const d of dossiers) {
      const rows = await running.store.outbox.listActions({ caseId: d.caseId, kind: 'ledger_note', status: 'done' });
      const claimed = (await claimedReceivables(running.store, d.caseId, d.content)).filter(
        (r) => r.kind === 'invoice',
      );
      const inOdoo = claimed.filter((r) => r.source.connection === 'odoo-demo').length;
      // QuickBooks source ids are `<realm>:Invoice:<Id>`.
      const inQuickBooks = claimed
        .filter((r) => r.source.connection === QUICKBOOKS_CONNECTION)
        .map((r) => r.source.id.split(':').pop()!);
      for (const e of await running.store.dossiers.listProcedureEvents(d.id)) {
        const key = procedureKey(d.caseId, e.id, 'note');
        if (!rows.some((r) => r.idempotencyKey === key)) continue;
        const marker = writeBackMarker(key);
        const carrying = messages.filter((m) => m.body.includes(marker));
        expect(carrying).toHaveLength(inOdoo);
        expect(new Set(carrying.map((m) => m.res_id)).size).toBe(inOdoo);
        // In QuickBooks: one line of ours in the private note of each claimed invoice, once.
        const entry = `#${noteKeyHash(key)}-`;
        const noted = quickBooksInvoices().filter((i) => i.note.includes(entry));
        expect(noted.map((i) => i.id).sort()).toEqual([...inQuickBooks].sort());
        for (const i of noted) expect(i.note.split(entry)).toHaveLength(2);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('a QuickBooks debtor went from reminders to a formal notice to the law firm, each step in the private note of its invoices', async () => {
    const dossiers = await running.store.dossiers.listDossiers();
    let told = 0;
    for (const d of dossiers) {
      const claimed = (await claimedReceivables(running.store, d.caseId, d.content)).filter(
        (r) => r.kind === 'invoice' && r.source.connection === QUICKBOOKS_CONNECTION,
      );
      if (claimed.length === 0) continue;
      const journal = await running.store.cases.readJournal(d.caseId);
      const kinds = journal.filter((j) => j.type === 'action_performed').map((j) => j.data['kind']);
      // The formal notice goes by registered letter (some debtors have no e-mail address).
      expect(kinds).toEqual(expect.arrayContaining(['registered_letter', 'ledger_note']));
      expect(journal.some((j) => j.type === 'dossier_submitted')).toBe(true);
      const notes = quickBooksInvoices().filter((i) => claimed.some((r) => r.source.id.endsWith(`:Invoice:${i.id}`)));
      expect(notes).toHaveLength(claimed.length);
      for (const { note } of notes) {
        // Our lines only, appended after whatever a person wrote; the formal notice before the firm's events.
        const ours = note.split('\n').filter((l) => l.startsWith('[Recouvra '));
        const notice = ours.findIndex((l) => l.includes('Mise en demeure'));
        const procedure = ours.findIndex((l) => l.includes('procédure judiciaire'));
        expect(notice).toBeGreaterThanOrEqual(0);
        if (procedure >= 0) {
          expect(procedure).toBeGreaterThan(notice);
          told++;
        }
        expect(note.length).toBeLessThanOrEqual(4000);
      }
    }
    expect(told).toBeGreaterThan(0);
  });

  it('Sage Active: a file per event on the accounting entries, none twice, and the status in a block of each customer’s comments', () => {
    const sage = running.demo!.sageActive;
    const org = sage.data.organizations.find((o) => o.edition !== 'STARTER')!;
    const files = org.files.filter((f) => f.fileName.startsWith('recouvra-'));
    expect(files.length).toBeGreaterThan(0);
    const placed = files.map((f) => `${f.entityId}/${f.fileName}`);
    expect(new Set(placed).size).toBe(placed.length);
    const blocks = org.customers.filter((c) => c.comments?.includes(BLOCK_START));
    expect(blocks.length).toBeGreaterThan(0);
    for (const c of blocks) {
      expect(c.comments!.length).toBeLessThanOrEqual(CUSTOMER_COMMENTS_MAX);
      expect(c.comments!.indexOf(BLOCK_END)).toBeGreaterThan(c.comments!.indexOf(BLOCK_START));
    }
  });

  it('Sage 100 is only read: its cases run their ladder, their journal says once why nothing is written back, and no ledger write is recorded for them', async () => {
    let told = 0;
    for (const c of await running.store.cases.listCases()) {
      if (!c.debtorId.startsWith(`${SAGE_100_CONNECTION}:`)) continue;
      const journal = await running.store.cases.readJournal(c.id);
      const saying = journal.filter((j) =>
        JSON.stringify(j.data[CANNOT_WRITE_KEY] ?? []).includes(`"connection":"${SAGE_100_CONNECTION}"`),
      );
      if (saying.length > 0) {
        told++;
        expect(saying.map((j) => j.summary).join('\n')).toContain(
          `the ledger of connection ${SAGE_100_CONNECTION} is read-only: no note written back`,
        );
      }
      const written = journal.filter(
        (j) => j.type === 'action_performed' && String(j.data['kind']).startsWith('ledger_'),
      );
      expect(written).toEqual([]);
    }
    expect(told).toBeGreaterThan(0);
  });

  it('the API answers with the cases and the metrics count what was done', async () => {
    const headers = { Authorization: `Bearer ${running.runtime.config.api!.token!}` };
    const cases = await axios.get<{ cases: { id: string }[]; next: string | null }>(
      `${running.apiUrl!}/cases?limit=5`,
      { headers },
    );
    expect(cases.data.cases).toHaveLength(5);
    expect(cases.data.next).toBe(cases.data.cases[4]!.id);
    expect((await axios.get(`${running.apiUrl!}/cases`, { validateStatus: () => true })).status).toBe(401);
    const metrics = await axios.get<string>(`${running.apiUrl!}/metrics`, { responseType: 'text' });
    const emails =
      /recouvra_actions_total\{[^}]*channel="email"[^}]*outcome="done"[^}]*\} (\d+)/.exec(metrics.data) ??
      /recouvra_actions_total\{[^}]*outcome="done"[^}]*channel="email"[^}]*\} (\d+)/.exec(metrics.data);
    expect(Number(emails?.[1])).toBe(performedOf('email').length);
  });

  it('every note the journals say was written is in Odoo, once per invoice and decision', async () => {
    const odoo = new XmlRpcOdooRpc({
      baseUrl: running.demo!.odooUrl,
      database: 'demo',
      login: 'admin',
      apiKey: 'admin-api-key',
      timeoutMs: 5_000,
    });
    const messages = await odoo.call<{ res_id: number; body: string }[]>(
      'mail.message',
      'search_read',
      {
        domain: [
          ['model', '=', 'account.move'],
          ['body', 'ilike', 'recouvra-'],
        ],
        fields: ['res_id', 'body'],
      },
      { isWrite: false },
    );
    const markers = messages.map((m) => `${m.res_id}/${/recouvra-[0-9a-f]{20}/.exec(m.body)?.[0]}`);
    expect(new Set(markers).size).toBe(markers.length);
    const written = [...performedOf('ledger_note'), ...performedOf('ledger_activity')].flatMap((j) =>
      (j.data['items'] as { status: string; ref?: string }[]).filter(
        (i) => i.status === 'written' && i.ref?.startsWith('mail.message/'),
      ),
    );
    expect(written.length).toBeGreaterThan(10);
    expect(messages.length).toBe(written.length);
  });
});
