import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  readOutboundDossiers,
  readOutboundInstructions,
  writeStatusFile,
} from '../../../../adapters/lawfirm/file-drop';
import { AdapterError } from '../../../../connector/ports/adapter-error';
import {
  doc,
  gate,
  INVOICE,
  makeFolders,
  NOTICE,
  partnerFor,
  pdf,
  PROOF,
  removeFolders,
  sampleDossier,
  sampleRequest,
  type Folders,
} from './fixtures';

let folders: Folders | undefined;
afterEach(async () => {
  await removeFolders(folders);
  folders = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(error)}`);
  return error;
}

/** Resolves once the hook has been called `times` times. */
function hookCalls(times: number): { reached: Promise<string[]>; record: (path: string) => void } {
  const paths: string[] = [];
  let done!: (p: string[]) => void;
  const reached = new Promise<string[]>((resolve) => {
    done = resolve;
  });
  return {
    reached,
    record: (path) => {
      paths.push(path);
      if (paths.length === times) done(paths);
    },
  };
}

describe('file drop: handing a dossier over', () => {
  test('while a submit is half written, a reader sees nothing; once done, the whole dossier', async () => {
    folders = await makeFolders();
    const hold = gate();
    const calls = hookCalls(1);
    const partner = partnerFor(folders, {
      hooks: {
        afterTemporaryWrite: async (path) => {
          calls.record(path);
          if (path.endsWith('.pdf')) await hold.wait;
        },
      },
    });
    const submitting = partner.submit(sampleRequest());
    const [firstWritten] = await calls.reached;
    expect(firstWritten).toMatch(/\/\.tmp-[0-9a-f]{16}\/invoice-INV_2025_00012\.pdf$/);

    expect(await readOutboundDossiers(folders.outbound)).toEqual({ dossiers: [], invalid: [] });
    const names = await readdir(folders.outbound);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^\.tmp-/);

    hold.open();
    const result = await submitting;
    expect(result).toEqual({
      fileId: 'dos_2025_0001--' + result.fileId.slice(-12),
      status: 'received',
      reasons: [],
      replayed: false,
    });
    expect(await readdir(folders.outbound)).toEqual([result.fileId]);
    const { dossiers } = await readOutboundDossiers(folders.outbound);
    expect(dossiers.map((d) => d.documents.length)).toEqual([2]);
  });

  test('a crash mid-write leaves a hidden folder nobody reads; the retry writes the dossier whole', async () => {
    folders = await makeFolders();
    const calls = hookCalls(2);
    // The first process "dies" after its second file: the hook never returns.
    const crashing = partnerFor(folders, {
      hooks: {
        afterTemporaryWrite: (path) => {
          calls.record(path);
          return path.endsWith('mise-en-demeure.pdf') ? new Promise<void>(() => undefined) : undefined;
        },
      },
    });
    void crashing.submit(sampleRequest());
    expect((await calls.reached).map((p) => p.split('/').pop())).toEqual([
      'invoice-INV_2025_00012.pdf',
      'mise-en-demeure.pdf',
    ]);
    expect(await readOutboundDossiers(folders.outbound)).toEqual({ dossiers: [], invalid: [] });

    const restarted = partnerFor(folders);
    const result = await restarted.submit(sampleRequest());
    expect(result.replayed).toBe(false);
    const { dossiers, invalid } = await readOutboundDossiers(folders.outbound);
    expect(invalid).toEqual([]);
    expect(dossiers.map((d) => d.fileId)).toEqual([result.fileId]);
    expect(dossiers[0]?.documents.map((d) => d.content)).toEqual([INVOICE.content, NOTICE.content]);
    // The abandoned folder is still there, hidden; a later submit replays normally.
    expect((await readdir(folders.outbound)).filter((n) => n.startsWith('.tmp-'))).toHaveLength(1);
    expect((await restarted.submit(sampleRequest())).replayed).toBe(true);
  });

  test('a hand-made leftover .tmp folder with a half manifest is ignored by the reader and removed once stale', async () => {
    folders = await makeFolders();
    const stale = join(folders.outbound, '.tmp-0123456789abcdef');
    const fresh = join(folders.outbound, '.tmp-fedcba9876543210');
    await mkdir(stale);
    await mkdir(fresh);
    await writeFile(
      join(stale, 'manifest.xml'),
      '<?xml version="1.0"?><dossier xmlns="urn:recouvra:file-drop:dossier:1"><id>dos',
    );
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    expect(await readOutboundDossiers(folders.outbound)).toEqual({ dossiers: [], invalid: [] });

    const partner = partnerFor(folders);
    expect(await partner.removeStaleTemporaries(3_600_000)).toEqual(['.tmp-0123456789abcdef']);
    expect(await readdir(folders.outbound)).toEqual(['.tmp-fedcba9876543210']);
  });

  test('the same request again is a replay: same file, nothing new written', async () => {
    folders = await makeFolders();
    const first = await partnerFor(folders).submit(sampleRequest());
    const again = await partnerFor(folders).submit(sampleRequest());
    expect(again).toEqual({ ...first, replayed: true });
    expect(await readdir(folders.outbound)).toEqual([first.fileId]);
  });

  test('two writers racing with the same request open one file: one writes, the other replays', async () => {
    folders = await makeFolders();
    // Both writers are held once their manifest is written, so both have passed the replay check
    // and the rename alone decides who wins.
    const hold = gate();
    const calls = hookCalls(2);
    const hooks = {
      afterTemporaryWrite: async (path: string) =>
        path.endsWith('manifest.xml') ? (calls.record(path), hold.wait) : undefined,
    };
    const racing = Promise.all([
      partnerFor(folders, { hooks }).submit(sampleRequest()),
      partnerFor(folders, { hooks }).submit(sampleRequest()),
    ]);
    const temporaries = await calls.reached;
    expect(new Set(temporaries.map((p) => p.split('/').slice(-2, -1)[0])).size).toBe(2);
    hold.open();
    const results = await racing;
    expect(results.map((r) => r.replayed).sort()).toEqual([false, true]);
    expect(results[0].fileId).toBe(results[1].fileId);
    expect(await readdir(folders.outbound)).toEqual([results[0].fileId]);
  });

  test('the same key with another body is a conflict', async () => {
    folders = await makeFolders();
    await partnerFor(folders).submit(sampleRequest());
    const changed = sampleDossier({ reasons: ['Another reason'] });
    const error = await rejection(partnerFor(folders).submit(sampleRequest({ dossier: changed })));
    expect(error.code).toBe('FILE_DROP_CONFLICT');
    expect(error.message).toContain('another content');
    expect(await readdir(folders.outbound)).toHaveLength(1);
  });

  test('the same dossier under another key is a conflict while its file is open, and allowed once the firm rejected it', async () => {
    folders = await makeFolders();
    const partner = partnerFor(folders);
    const first = await partner.submit(sampleRequest());
    const error = await rejection(partner.submit(sampleRequest({ idempotencyKey: 'dossier/dos_2025_0001/retry' })));
    expect(error.code).toBe('FILE_DROP_CONFLICT');
    expect(error.message).toContain(`already handed over as ${first.fileId}`);

    await writeStatusFile(folders.inbound, [
      {
        kind: 'acknowledgement',
        id: 'ack-1',
        fileId: first.fileId,
        dossierId: 'dos_2025_0001',
        occurredAt: '2025-05-03T10:00:00Z',
        decision: 'rejected',
        reasons: ['Pièces illisibles'],
      },
    ]);
    const page = await partner.events();
    await partner.acknowledge(page.next);
    const second = await partner.submit(sampleRequest({ idempotencyKey: 'dossier/dos_2025_0001/retry' }));
    expect(second.replayed).toBe(false);
    expect(second.fileId).not.toBe(first.fileId);
    // A replay of the first submission reports what the firm said.
    expect(await partner.submit(sampleRequest())).toEqual({
      fileId: first.fileId,
      status: 'rejected',
      reasons: ['Pièces illisibles'],
      replayed: true,
    });
  });

  test('a missing outbound folder is a configuration error, and it is not created', async () => {
    folders = await makeFolders();
    await rm(folders.outbound, { recursive: true });
    const error = await rejection(partnerFor(folders).submit(sampleRequest()));
    expect(error.code).toBe('FILE_DROP_IO');
    expect(error.kind).toBe('config');
    expect(await readdir(folders.root)).toEqual(['inbound']);
  });
});

describe('file drop: instructions about a file', () => {
  test('add documents, a direct payment and a withdrawal reach the firm whole, and replay as no-ops', async () => {
    folders = await makeFolders();
    const partner = partnerFor(folders);
    const { fileId } = await partner.submit(sampleRequest());
    await partner.addDocuments(fileId, [PROOF], 'docs/1');
    await partner.reportPayment(
      fileId,
      { id: 'pay-77', amount: 50_000, currency: 'EUR', receivedOn: '2025-05-06', settlesInFull: false },
      'payment/pay-77',
    );
    await partner.withdraw(fileId, 'Le débiteur a tout réglé', 'withdraw/1');
    // Replays: nothing new.
    await partner.addDocuments(fileId, [PROOF], 'docs/1');
    await partner.reportPayment(
      fileId,
      { id: 'pay-77', amount: 50_000, currency: 'EUR', receivedOn: '2025-05-06', settlesInFull: false },
      'payment/pay-77',
    );
    await partner.withdraw(fileId, 'Le débiteur a tout réglé', 'withdraw/1');
    expect((await readdir(folders.outbound)).filter((n) => !n.startsWith('.'))).toHaveLength(4);

    const { instructions, invalid } = await readOutboundInstructions(folders.outbound);
    expect(invalid).toEqual([]);
    const byKind = Object.fromEntries(instructions.map((i) => [i.kind, i]));
    expect(byKind['add-documents']).toMatchObject({ fileId, dossierId: 'dos_2025_0001', idempotencyKey: 'docs/1' });
    expect(
      byKind['add-documents']?.kind === 'add-documents' &&
        byKind['add-documents'].documents.map((d) => [d.name, d.sha256, d.content]),
    ).toEqual([[PROOF.name, PROOF.sha256, PROOF.content]]);
    expect(byKind['payment']).toMatchObject({
      fileId,
      payment: { id: 'pay-77', amount: 50_000, currency: 'EUR', receivedOn: '2025-05-06', settlesInFull: false },
    });
    expect(byKind['withdrawal']).toMatchObject({ fileId, reason: 'Le débiteur a tout réglé' });
    // Dossier folders and instruction folders are told apart by name.
    expect((await readOutboundDossiers(folders.outbound)).dossiers.map((d) => d.fileId)).toEqual([fileId]);
  });

  test('an instruction is written atomically too', async () => {
    folders = await makeFolders();
    const { fileId } = await partnerFor(folders).submit(sampleRequest());
    const hold = gate();
    const calls = hookCalls(1);
    const partner = partnerFor(folders, {
      hooks: { afterTemporaryWrite: async (path) => (calls.record(path), hold.wait) },
    });
    const adding = partner.addDocuments(fileId, [PROOF], 'docs/1');
    await calls.reached;
    expect((await readOutboundInstructions(folders.outbound)).instructions).toEqual([]);
    hold.open();
    await adding;
    expect((await readOutboundInstructions(folders.outbound)).instructions).toHaveLength(1);
  });

  test('the same instruction key with other content is a conflict; a listed document is never replaced', async () => {
    folders = await makeFolders();
    const partner = partnerFor(folders);
    const { fileId } = await partner.submit(sampleRequest());
    await partner.reportPayment(
      fileId,
      { id: 'pay-77', amount: 50_000, currency: 'EUR', receivedOn: '2025-05-06', settlesInFull: false },
      'payment/pay-77',
    );
    const error = await rejection(
      partner.reportPayment(
        fileId,
        { id: 'pay-77', amount: 60_000, currency: 'EUR', receivedOn: '2025-05-06', settlesInFull: false },
        'payment/pay-77',
      ),
    );
    expect(error.code).toBe('FILE_DROP_CONFLICT');

    const forgedProof = doc(PROOF.name, 'proof_of_delivery', pdf('another receipt'));
    const replaced = await rejection(partner.addDocuments(fileId, [forgedProof], 'docs/2'));
    expect(replaced.code).toBe('FILE_DROP_CONFLICT');
    expect(replaced.message).toContain('never replaced');
  });

  test('an instruction for a file we never handed over is refused', async () => {
    folders = await makeFolders();
    const error = await rejection(partnerFor(folders).withdraw('dos_x--0123456789ab', 'stop', 'w/1'));
    expect(error.code).toBe('FILE_DROP_UNKNOWN_FILE');
    const traversal = await rejection(partnerFor(folders).withdraw('../inbound', 'stop', 'w/2'));
    expect(traversal.code).toBe('FILE_DROP_UNKNOWN_FILE');
    expect(await readdir(folders.outbound)).toEqual([]);
  });

  test('a payment that is not whole minor units is refused by its path before anything is written', async () => {
    folders = await makeFolders();
    const partner = partnerFor(folders);
    const { fileId } = await partner.submit(sampleRequest());
    const error = await rejection(
      partner.reportPayment(
        fileId,
        { id: 'pay-1', amount: 12.5, currency: 'EUR', receivedOn: '2025-05-06', settlesInFull: true },
        'p/1',
      ),
    );
    expect(error.code).toBe('FILE_DROP_INVALID_OUTPUT');
    expect(error.message).toContain('directPayment.amount');
    expect(await readdir(folders.outbound)).toEqual([fileId]);
  });
});
