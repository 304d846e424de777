import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ARCHIVE_DIR,
  checkXml,
  decodeStatusFile,
  FileDropPartner,
  REJECTED_DIR,
  toPartnerEvent,
  type StatusItem,
} from '../../../adapters/lawfirm/file-drop';
import { LawFirmHttpConfigSchema } from '../../../adapters/lawfirm/config.schema';
import { HttpLawFirmPartner } from '../../../adapters/lawfirm/http-client';
import type { PartnerEvent } from '../../../connector/ports/lawfirm';
import {
  FileDropFirm,
  INSTRUCTION_REFUSED,
  STATUS_FILE_DAMAGES,
  type FileDropFirmOptions,
} from '../../../adapters/lawfirm/simulator/file-drop-firm';
import { choosePath, PATHS } from '../../../adapters/lawfirm/simulator/paths';
import { LawFirmSimulator } from '../../../adapters/lawfirm/simulator/server';
import { fixedClock } from '../../../connector/time/clock';
import {
  INVOICE,
  makeFolders,
  NOTICE,
  PROOF,
  removeFolders,
  sampleDossier,
  sampleRequest,
  sha256,
  type Folders,
} from './file-drop/fixtures';

/**
 * The simulated firm on the file-drop protocol, driven by the connector's own FileDropPartner:
 * folders picked up and acknowledged, paths walked on the firm's clock, every status file valid
 * against status-file.xsd, instructions carried out, and injected faults the connector survives.
 */

const START = '2025-05-10T09:00:00.000Z';
const DOSSIER_ID = 'dos_2025_0001';

let folders: Folders | undefined;
afterEach(async () => {
  await removeFolders(folders);
  folders = undefined;
});

async function setUp(
  options: Partial<FileDropFirmOptions> = {},
): Promise<{ folders: Folders; firm: FileDropFirm; partner: FileDropPartner }> {
  folders = await makeFolders();
  const firm = new FileDropFirm({
    outbound: folders.outbound,
    inbound: folders.inbound,
    seed: 1,
    startAt: START,
    ...options,
  });
  const partner = new FileDropPartner({
    outbound: folders.outbound,
    inbound: folders.inbound,
    clock: fixedClock(START),
  });
  return { folders, firm, partner };
}

const ls = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [] as string[])).sort();

/** Every status file waiting in inbound, each checked against the XSD, its items decoded. */
async function statusFilesIn(inbound: string): Promise<{ name: string; items: StatusItem[] }[]> {
  const out: { name: string; items: StatusItem[] }[] = [];
  for (const name of (await ls(inbound)).filter((n) => n.endsWith('.xml'))) {
    const checked = await checkXml(await readFile(join(inbound, name), 'utf8'), 'status-file', ['statusFile']);
    if (!checked.ok) throw new Error(`${name} fails the XSD: ${JSON.stringify(checked.problems)}`);
    out.push({ name, items: decodeStatusFile(checked.root) });
  }
  return out;
}

/** Advances the firm's clock day by chunk, scanning after each move, for `days` days. */
async function live(firm: FileDropFirm, days: number, chunk = 5): Promise<void> {
  for (let d = 0; d < days; d += chunk) {
    firm.clock.advanceDays(chunk);
    await firm.scan();
  }
}

/** Reads every page the partner has, acknowledging each (as the connector's poll does); returns the events. */
async function drain(partner: FileDropPartner): Promise<PartnerEvent[]> {
  const events: PartnerEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await partner.events(cursor);
    events.push(...page.events);
    if (page.events.length === 0) return events;
    cursor = page.next;
  }
}

describe('law-firm simulator over the file drop', () => {
  test('a dossier handed over by FileDropPartner is picked up, waits for its missing document, is acknowledged and walks its path in valid status files', async () => {
    const { folders, firm, partner } = await setUp();
    // PROOF is listed by the dossier but not attached: the bordereau is incomplete.
    const { fileId } = await partner.submit(sampleRequest());
    const first = await firm.scan();
    expect(first.dossiers).toEqual([fileId]);
    expect(first.written).toHaveLength(1);
    expect(firm.file(fileId)).toMatchObject({
      fileId,
      dossierId: DOSSIER_ID,
      status: 'received',
      state: 'submitted',
      missingDocuments: [PROOF.name],
      path: undefined,
    });
    expect(firm.file(fileId)!.documents.map((d) => [d.name, d.sha256, d.from])).toEqual([
      [INVOICE.name, INVOICE.sha256, 'creditor'],
      [NOTICE.name, NOTICE.sha256, 'creditor'],
    ]);
    expect(firm.documentContent(fileId, NOTICE.name)).toEqual(NOTICE.content);
    // A folder is taken once.
    expect(await firm.scan()).toEqual({ dossiers: [], instructions: [], written: [] });

    // Nothing moves while the document is missing.
    await live(firm, 30);
    expect(firm.events().map((e) => e.type)).toEqual(['submitted']);

    await partner.addDocuments(fileId, [PROOF], 'documents/1');
    const second = await firm.scan();
    expect(second.instructions).toEqual([`${fileId}--add-documents--${second.instructions[0]!.split('--').pop()}`]);
    expect(firm.instructions()).toMatchObject([
      { kind: 'add-documents', fileId, dossierId: DOSSIER_ID, outcome: 'done' },
    ]);
    const path = choosePath('injonction_de_payer', 1, DOSSIER_ID)!;
    expect(firm.file(fileId)).toMatchObject({ missingDocuments: [], path });

    await live(firm, 700);
    const expected = ['submitted', ...PATHS[path].steps.map((s) => s.type)];
    expect(firm.events().map((e) => e.type)).toEqual(expected);

    // Every status file in inbound passes the XSD; together they tell the whole story, the firm's decision as an acknowledgement.
    const files = await statusFilesIn(folders.inbound);
    expect(files.length).toBeGreaterThan(3);
    const items = files.flatMap((f) => f.items);
    expect(items.map((i) => toPartnerEvent(i).type)).toEqual(expected);
    expect(items.find((i) => i.kind === 'acknowledgement')).toMatchObject({
      decision: 'accepted',
      fileId,
      dossierId: DOSSIER_ID,
    });
    expect(items.filter((i) => i.kind === 'acknowledgement')).toHaveLength(1);
    expect(items.map((i) => i.id)).toEqual(firm.events().map((e) => e.id));
    // The firm's documents (here the judgment) are named by hash; the simulator keeps their bytes.
    const attached = items.flatMap((i) => (i.kind === 'event' ? (i.documents ?? []) : []));
    expect(attached.length).toBeGreaterThan(0);
    for (const d of attached) expect(sha256(firm.documentContent(fileId, d.name)!)).toBe(d.sha256);
    // Names sort in the order written, and occurrences never go back.
    expect(files.map((f) => f.name)).toEqual(firm.statusFiles().map((f) => f.name));
    const occurred = items.map((i) => Date.parse(i.occurredAt));
    expect([...occurred].sort((a, b) => a - b)).toEqual(occurred);

    // The connector reads them all, in that order.
    const events = await drain(partner);
    expect(events.map((e) => e.id)).toEqual(firm.events().map((e) => e.id));
    expect(await ls(join(folders.inbound, ARCHIVE_DIR))).toEqual(files.map((f) => f.name));
    expect((await partner.status(fileId)).state).toBe(expected.at(-1));
  });

  test('tells the same story as the API simulator for the same seed and dossier', async () => {
    const { firm, partner } = await setUp({ seed: 4 });
    await partner.submit(sampleRequest({ documents: [INVOICE, NOTICE, PROOF] }));
    await firm.scan();
    await live(firm, 800, 20);

    const sim = await new LawFirmSimulator({ seed: 4, startAt: START }).start();
    try {
      const http = new HttpLawFirmPartner({
        config: LawFirmHttpConfigSchema.parse({
          baseUrl: sim.url,
          apiKey: sim.apiKey,
          webhookSecret: 'whsec_file_drop_story_0123456789',
        }),
      });
      await http.submit(sampleRequest({ documents: [INVOICE, NOTICE, PROOF] }));
      sim.clock.advanceDays(800);
      const story = (events: { type: string; occurredAt: string; amount?: unknown }[]) =>
        events.map((e) => [e.type, e.occurredAt, e.amount]);
      expect(story(firm.events())).toEqual(story(sim.events()));
      expect(firm.listFiles()[0]).toMatchObject({
        path: sim.listFiles()[0]!.path,
        recovered: sim.listFiles()[0]!.recovered,
      });
    } finally {
      await sim.stop();
    }
  });

  test('a dossier the firm cannot work is acknowledged rejected with every problem; one refused on its merits gives the firm’s reasons', async () => {
    const { folders, firm, partner } = await setUp({ procedures: ['assignation_au_fond'] });
    const broken = sampleDossier({ id: 'dos-broken' });
    // FileDropPartner checks the XSD, not the sums: the firm does.
    (broken.claim as { total: number }).total += 1;
    (broken.debtor.addresses[0] as { city: string }).city = ' ';
    (broken.debtor.addresses[1] as { city: string }).city = ' ';
    const bad = await partner.submit(sampleRequest({ dossier: broken, idempotencyKey: 'dossier/broken' }));
    const merits = await partner.submit(sampleRequest({ documents: [INVOICE, NOTICE, PROOF] }));
    await firm.scan();

    const items = (await statusFilesIn(folders.inbound)).flatMap((f) => f.items);
    expect(items).toHaveLength(2);
    const ackOf = (fileId: string) => items.find((i) => i.fileId === fileId);
    expect(ackOf(bad.fileId)).toMatchObject({ kind: 'acknowledgement', decision: 'rejected', dossierId: 'dos-broken' });
    expect((ackOf(bad.fileId) as { reasons: string[] }).reasons).toEqual([
      expect.stringMatching(/^dossier\.debtor\.addresses: no address to serve the debtor/),
      expect.stringMatching(/^dossier\.claim\.total: 261121 is not principal \+ interest \+ indemnity/),
    ]);
    expect(ackOf(merits.fileId)).toMatchObject({
      kind: 'acknowledgement',
      decision: 'rejected',
      reasons: ['Procédure non pratiquée par le cabinet : injonction_de_payer'],
    });
    expect(firm.refused()).toMatchObject([{ kind: 'dossier', fileId: bad.fileId, answered: true }]);
    // The merits rejection is a file of the firm; the broken dossier opened none.
    expect(firm.listFiles().map((f) => [f.fileId, f.status])).toEqual([[merits.fileId, 'rejected']]);

    // The connector reads both as `rejected`, reasons in the note; a rejected dossier may be handed over again under a new key.
    const events = await drain(partner);
    expect(events.map((e) => [e.fileId, e.type])).toEqual([
      [bad.fileId, 'rejected'],
      [merits.fileId, 'rejected'],
    ]);
    expect(events[1]!.note).toBe('Procédure non pratiquée par le cabinet : injonction_de_payer');
    const again = await partner.submit(
      sampleRequest({ documents: [INVOICE, NOTICE, PROOF], idempotencyKey: 'dossier/dos_2025_0001/2' }),
    );
    await firm.scan();
    expect(firm.file(again.fileId)).toMatchObject({ status: 'rejected' });
  });

  test('a direct payment that settles in full closes the file; the same payment again is a replay; a later withdrawal is refused in a status file', async () => {
    const { folders, firm, partner } = await setUp();
    const { fileId } = await partner.submit(sampleRequest({ documents: [INVOICE, NOTICE, PROOF] }));
    await firm.scan();
    await live(firm, 10);
    expect(firm.file(fileId)).toMatchObject({ status: 'accepted' });
    const before = firm.events().length;

    const payment = { id: 'pay-1', amount: 261_120, currency: 'EUR', receivedOn: '2025-05-20', settlesInFull: true };
    await partner.reportPayment(fileId, payment, 'payment/1');
    await partner.reportPayment(fileId, payment, 'payment/1-retried');
    const scanned = await firm.scan();
    expect(scanned.instructions).toHaveLength(2);
    expect(firm.instructions().map((i) => [i.kind, i.outcome])).toEqual([
      ['payment', 'done'],
      ['payment', 'replayed'],
    ]);
    expect(firm.payments()).toEqual([
      { ...payment, fileId, idempotencyKey: 'payment/1', reportedAt: firm.clock.now().toISOString() },
    ]);
    expect(
      firm
        .events()
        .slice(before)
        .map((e) => e.type),
    ).toEqual(['closed']);
    expect(firm.file(fileId)).toMatchObject({ state: 'closed' });
    const closing = (await statusFilesIn(folders.inbound)).flatMap((f) => f.items).at(-1)!;
    expect(closing).toMatchObject({
      kind: 'event',
      type: 'closed',
      fileId,
      note: `Paiement direct pay-1 du 2025-05-20`,
    });

    // The path stopped.
    await live(firm, 400, 50);
    expect(
      firm
        .events()
        .slice(before)
        .map((e) => e.type),
    ).toEqual(['closed']);

    await partner.withdraw(fileId, 'paid', 'withdrawal/1');
    await firm.scan();
    expect(firm.withdrawals()).toEqual([]);
    expect(firm.refused()).toMatchObject([
      { kind: 'withdrawal', fileId, reasons: [`file ${fileId} is closed (closed)`], answered: true },
    ]);
    const refusal = (await statusFilesIn(folders.inbound)).flatMap((f) => f.items).at(-1)!;
    expect(refusal).toMatchObject({ kind: 'event', type: INSTRUCTION_REFUSED, fileId, dossierId: DOSSIER_ID });
    expect((refusal as { note: string }).note).toMatch(/--withdrawal--[0-9a-f]{12} : file .* is closed/);
    // The connector reads every one of these files.
    expect((await drain(partner)).map((e) => e.type).slice(-2)).toEqual(['closed', INSTRUCTION_REFUSED]);
  });

  test('a withdrawal stops the path and is kept; a payment in another currency is refused', async () => {
    const { firm, partner } = await setUp();
    const { fileId } = await partner.submit(sampleRequest({ documents: [INVOICE, NOTICE, PROOF] }));
    await firm.scan();
    await partner.reportPayment(
      fileId,
      { id: 'pay-usd', amount: 100, currency: 'USD', receivedOn: '2025-05-10', settlesInFull: false },
      'payment/usd',
    );
    await partner.withdraw(fileId, 'le débiteur conteste', 'withdrawal/1');
    await firm.scan();
    expect(firm.instructions().map((i) => [i.kind, i.outcome])).toEqual([
      ['payment', 'refused'],
      ['withdrawal', 'done'],
    ]);
    expect(firm.refused()[0]!.reasons).toEqual([
      'the payment is not in the currency of the claim',
      'currency: the claim is in EUR',
    ]);
    expect(firm.payments()).toEqual([]);
    expect(firm.withdrawals()).toEqual([
      { fileId, reason: 'le débiteur conteste', idempotencyKey: 'withdrawal/1', at: START },
    ]);
    await live(firm, 300, 50);
    expect(firm.events().map((e) => e.type)).toEqual(['submitted', INSTRUCTION_REFUSED, 'withdrawn']);
  });

  test.each(STATUS_FILE_DAMAGES)(
    'a %s status file goes to rejected/ with its reason, and the good file beside it is still read',
    async (damage) => {
      const { folders, firm, partner } = await setUp();
      const { fileId } = await partner.submit(sampleRequest({ documents: [INVOICE, NOTICE, PROOF] }));
      firm.controls.damageNext(1, damage);
      const { written } = await firm.scan();
      expect(written).toHaveLength(2);
      const [bad, good] = written as [string, string];
      expect(firm.statusFiles().map((f) => [f.name, f.damage])).toEqual([
        [bad, damage],
        [good, undefined],
      ]);

      const page = await partner.events();
      expect(page.events.map((e) => [e.id, e.type])).toEqual(firm.events().map((e) => [e.id, e.type]));
      expect(await ls(join(folders.inbound, REJECTED_DIR))).toEqual([bad, `${bad}.reason.txt`]);
      const reason = await readFile(join(folders.inbound, REJECTED_DIR, `${bad}.reason.txt`), 'utf8');
      const why = {
        truncated: /problem: .*: not well-formed XML: Unclosed root tag/,
        garbage: /problem: .*: it is not UTF-8 text/,
        invalid:
          /problem: .*: line \d+: Element 'occurred': This element is not expected\. Expected is \( occurredAt \)/,
        foreign: /problem: .*names file "zz-never-handed-over--000000000000", which is not a dossier we handed over/,
      }[damage];
      expect(reason).toMatch(why);
      expect(reason).toContain('Nothing in this file was applied');
      // The next damage-free batch has nothing bad before it.
      await partner.events(page.next);
      await live(firm, 10);
      expect(
        firm
          .statusFiles()
          .slice(2)
          .every((f) => f.damage === undefined),
      ).toBe(true);
      expect(await ls(join(folders.inbound, REJECTED_DIR))).toHaveLength(2);
      expect(await ls(join(folders.inbound, ARCHIVE_DIR))).toEqual([good]);
      expect(fileId).toMatch(/--[0-9a-f]{12}$/);
    },
  );

  test('duplicated items come twice with the same ids; out of order, a file lists its items newest first', async () => {
    const { folders, firm, partner } = await setUp();
    const { fileId } = await partner.submit(sampleRequest({ documents: [INVOICE, NOTICE, PROOF] }));
    firm.controls.duplicateNextEvents(1);
    await firm.scan();
    expect(firm.statusFiles().map((f) => [f.items.map((i) => i.id), f.duplicate])).toEqual([
      [[firm.events()[0]!.id], undefined],
      [[firm.events()[0]!.id], true],
    ]);

    firm.controls.deliverOutOfOrder();
    firm.clock.advanceDays(60);
    await firm.scan();
    const last = firm.statusFiles().at(-1)!;
    expect(last.items.length).toBeGreaterThanOrEqual(3);
    const occurred = last.items.map((i) => Date.parse(i.occurredAt));
    expect([...occurred].sort((a, b) => b - a)).toEqual(occurred);
    expect(occurred[0]).toBeGreaterThan(occurred.at(-1)!);

    const events = await drain(partner);
    const submitted = firm.events()[0]!.id;
    expect(events.filter((e) => e.id === submitted)).toHaveLength(2);
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(firm.events().map((e) => e.id)));
    expect(await ls(join(folders.inbound, ARCHIVE_DIR))).toHaveLength(3);
    expect(fileId).toBe(firm.listFiles()[0]!.fileId);
  });

  test('start() creates the folders and scans by itself; a restarted firm does not reuse a file name', async () => {
    folders = await makeFolders();
    const root = join(folders.root, 'share');
    const options = {
      outbound: join(root, 'outbound'),
      inbound: join(root, 'inbound'),
      seed: 1,
      startAt: START,
      pollIntervalMs: 10,
    };
    const firm = await new FileDropFirm(options).start();
    try {
      expect(await ls(root)).toEqual(['inbound', 'outbound']);
      const partner = new FileDropPartner({
        outbound: options.outbound,
        inbound: options.inbound,
        clock: fixedClock(START),
      });
      await partner.submit(sampleRequest());
      for (let i = 0; i < 200 && firm.statusFiles().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(firm.statusFiles()).toHaveLength(1);
    } finally {
      await firm.stop();
    }
    // Same seed, same clock: the same name comes first; it is taken, so the next is used.
    const again = new FileDropFirm(options);
    const { written } = await again.scan();
    expect(written).toHaveLength(1);
    expect(written[0]).not.toBe(firm.statusFiles()[0]!.name);
    expect((await ls(options.inbound)).filter((n) => n.endsWith('.xml'))).toHaveLength(2);
  });
});
