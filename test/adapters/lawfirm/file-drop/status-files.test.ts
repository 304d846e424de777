import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ARCHIVE_DIR,
  buildStatusFileXml,
  REJECTED_DIR,
  writeStatusFile,
  type StatusItem,
} from '../../../../adapters/lawfirm/file-drop';
import { AdapterError } from '../../../../connector/ports/adapter-error';
import { makeFolders, partnerFor, removeFolders, sampleRequest, sha256, type Folders } from './fixtures';

let folders: Folders | undefined;
afterEach(async () => {
  await removeFolders(folders);
  folders = undefined;
});

const DOSSIER_ID = 'dos_2025_0001';

async function submitted(): Promise<{ folders: Folders; fileId: string }> {
  folders = await makeFolders();
  const { fileId } = await partnerFor(folders).submit(sampleRequest());
  return { folders, fileId };
}

function accepted(fileId: string, id = 'ack-1', occurredAt = '2025-05-03T10:00:00Z'): StatusItem {
  return { kind: 'acknowledgement', id, fileId, dossierId: DOSSIER_ID, occurredAt, decision: 'accepted', reasons: [] };
}

function event(
  fileId: string,
  id: string,
  type: string,
  occurredAt: string,
  extra: Partial<StatusItem> = {},
): StatusItem {
  return { kind: 'event', id, fileId, dossierId: DOSSIER_ID, type, occurredAt, ...extra } as StatusItem;
}

const ls = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [] as string[])).sort();

describe('file drop: status files from the firm', () => {
  test('valid files give their events in file-name order then file order, and are archived only once acknowledged', async () => {
    const { folders, fileId } = await submitted();
    const ordonnance = 'a'.repeat(64);
    // Written out of name order on purpose: name order is what counts.
    await writeStatusFile(
      folders.inbound,
      [
        event(fileId, 'ev-3', 'order_issued', '2025-06-01T09:00:00+02:00', {
          label: "Ordonnance d'injonction de payer rendue",
          documents: [{ name: 'ordonnance IP.pdf', sha256: ordonnance }],
        }),
        event(fileId, 'ev-4', 'partial_recovery', '2025-06-20T09:00:00Z', {
          amount: { amount: 50_000, currency: 'EUR' },
          note: 'Virement reçu\nréf. 42',
        }),
      ],
      { name: '20250620-0002.xml' },
    );
    await writeStatusFile(folders.inbound, [accepted(fileId), event(fileId, 'ev-2', 'filed', '2025-05-10T09:00:00Z')], {
      name: '20250503-0001.xml',
    });

    const partner = partnerFor(folders);
    const page = await partner.events();
    expect(page.events).toEqual([
      { id: 'ack-1', fileId, dossierId: DOSSIER_ID, type: 'accepted', occurredAt: '2025-05-03T10:00:00Z' },
      { id: 'ev-2', fileId, dossierId: DOSSIER_ID, type: 'filed', occurredAt: '2025-05-10T09:00:00Z' },
      {
        id: 'ev-3',
        fileId,
        dossierId: DOSSIER_ID,
        type: 'order_issued',
        occurredAt: '2025-06-01T09:00:00+02:00',
        label: "Ordonnance d'injonction de payer rendue",
        documents: [{ name: 'ordonnance IP.pdf', sha256: ordonnance }],
      },
      {
        id: 'ev-4',
        fileId,
        dossierId: DOSSIER_ID,
        type: 'partial_recovery',
        occurredAt: '2025-06-20T09:00:00Z',
        amount: { amount: 50_000, currency: 'EUR' },
        note: 'Virement reçu\nréf. 42',
      },
    ]);
    // Not applied yet as far as the reader knows: nothing archived.
    expect(await ls(folders.inbound)).toEqual(['20250503-0001.xml', '20250620-0002.xml']);

    const after = await partner.events(page.next);
    expect(after.events).toEqual([]);
    expect(await ls(folders.inbound)).toEqual([ARCHIVE_DIR]);
    expect(await ls(join(folders.inbound, ARCHIVE_DIR))).toEqual(['20250503-0001.xml', '20250620-0002.xml']);
  });

  test('after a crash before the acknowledgement, the same events come again with the same ids; an old cursor is harmless', async () => {
    const { folders, fileId } = await submitted();
    await writeStatusFile(folders.inbound, [accepted(fileId), event(fileId, 'ev-2', 'filed', '2025-05-10T09:00:00Z')], {
      name: '0001.xml',
    });
    const first = await partnerFor(folders).events();
    // The process dies here, after applying, before saving the cursor: a new one starts from the old cursor (none).
    const again = await partnerFor(folders).events();
    expect(again.events).toEqual(first.events);
    expect(again.events.map((e) => e.id)).toEqual(['ack-1', 'ev-2']);
    expect(again.next).toBe(first.next);

    const partner = partnerFor(folders);
    await partner.acknowledge(again.next);
    await partner.acknowledge(again.next);
    expect((await partner.events(first.next)).events).toEqual([]);
    expect(await ls(join(folders.inbound, ARCHIVE_DIR))).toEqual(['0001.xml']);
  });

  test('files still being written (.part, .tmp, dot-files) are left alone', async () => {
    const { folders, fileId } = await submitted();
    const xml = buildStatusFileXml([accepted(fileId)]);
    await writeFile(join(folders.inbound, '0001.xml.part'), xml);
    await writeFile(join(folders.inbound, '.0002.xml.tmp'), xml);
    await writeFile(join(folders.inbound, '.0003.xml'), xml.slice(0, 40));
    const page = await partnerFor(folders).events();
    expect(page.events).toEqual([]);
    expect(await ls(folders.inbound)).toEqual(['.0002.xml.tmp', '.0003.xml', '0001.xml.part']);
  });

  test('a truncated file is moved to rejected/ with the line and column where it stops; the others still pass', async () => {
    const { folders, fileId } = await submitted();
    const xml = buildStatusFileXml([accepted(fileId), event(fileId, 'ev-2', 'filed', '2025-05-10T09:00:00Z')]);
    await writeFile(join(folders.inbound, '0001.xml'), xml.slice(0, Math.floor(xml.length / 2)));
    await writeStatusFile(folders.inbound, [event(fileId, 'ev-9', 'served', '2025-07-01T09:00:00Z')], {
      name: '0002.xml',
    });

    const page = await partnerFor(folders).events();
    expect(page.events.map((e) => e.id)).toEqual(['ev-9']);
    expect(await ls(join(folders.inbound, REJECTED_DIR))).toEqual(['0001.xml', '0001.xml.reason.txt']);
    const reason = await readFile(join(folders.inbound, REJECTED_DIR, '0001.xml.reason.txt'), 'utf8');
    expect(reason).toContain('status file: 0001.xml');
    expect(reason).toContain('rejected at: 2025-05-10T09:00:00.000Z');
    expect(reason).toMatch(/problem: 0001\.xml: line \d+, column \d+: not well-formed XML: Unclosed root tag/);
    expect(await ls(folders.inbound)).toEqual(['0002.xml', REJECTED_DIR]);
  });

  test('a file that fails the XSD is rejected with the element and the line', async () => {
    const { folders, fileId } = await submitted();
    const xml = buildStatusFileXml([
      event(fileId, 'ev-4', 'partial_recovery', '2025-06-20T09:00:00Z', {
        amount: { amount: 50_000, currency: 'EUR' },
      }),
    ]).replace('<amount>50000</amount>', '<amount>500,00</amount>');
    await writeFile(join(folders.inbound, '0001.xml'), xml);
    const amountLine = xml.split('\n').findIndex((l) => l.includes('<amount>')) + 1;

    expect((await partnerFor(folders).events()).events).toEqual([]);
    const reason = await readFile(join(folders.inbound, REJECTED_DIR, '0001.xml.reason.txt'), 'utf8');
    expect(reason).toContain(`problem: 0001.xml: line ${amountLine}: Element 'amount': '500,00' is not a valid value`);
  });

  test('a file with a missing required element, or outside our namespace, is rejected naming it', async () => {
    const { folders, fileId } = await submitted();
    const xml = buildStatusFileXml([event(fileId, 'ev-4', 'filed', '2025-06-20T09:00:00Z')]);
    await writeFile(join(folders.inbound, '0001.xml'), xml.replace(/\s*<occurredAt>[^<]*<\/occurredAt>/, ''));
    await writeFile(join(folders.inbound, '0002.xml'), xml.replace(/ xmlns="[^"]*"/, ''));
    expect((await partnerFor(folders).events()).events).toEqual([]);
    const missing = await readFile(join(folders.inbound, REJECTED_DIR, '0001.xml.reason.txt'), 'utf8');
    expect(missing).toMatch(
      /Element 'type': This element is not expected\. Expected is \( occurredAt \)|Expected is \( occurredAt \)/,
    );
    const noNamespace = await readFile(join(folders.inbound, REJECTED_DIR, '0002.xml.reason.txt'), 'utf8');
    expect(noNamespace).toContain("Element 'statusFile': No matching global declaration");
  });

  test('a file that is not XML at all, not UTF-8, too large, or carries a DOCTYPE is rejected with the reason', async () => {
    const { folders, fileId } = await submitted();
    const xml = buildStatusFileXml([accepted(fileId)]);
    await writeFile(join(folders.inbound, '0001.xml'), 'Bonjour, voici le statut : accepté.');
    await writeFile(
      join(folders.inbound, '0002.xml'),
      Buffer.from(xml.replace('UTF-8', 'ISO-8859-1').replace('ack-1', 'ack-é'), 'latin1'),
    );
    await writeFile(
      join(folders.inbound, '0003.xml'),
      xml.replace('</statusFile>', `<!-- ${'x'.repeat(2000)} --></statusFile>`),
    );
    await writeFile(
      join(folders.inbound, '0004.xml'),
      xml.replace('<statusFile', '<!DOCTYPE statusFile [<!ENTITY x "y">]>\n<statusFile'),
    );
    const partner = partnerFor(folders, { maxStatusFileBytes: 1500 });
    expect((await partner.events()).events).toEqual([]);
    const reason = (name: string) => readFile(join(folders.inbound, REJECTED_DIR, `${name}.reason.txt`), 'utf8');
    expect(await reason('0001.xml')).toContain(
      'line 1, column 1: not well-formed XML: Non-whitespace before first tag.',
    );
    expect(await reason('0002.xml')).toContain('it is not UTF-8 text');
    expect(await reason('0003.xml')).toMatch(/it is \d+ bytes, more than the 1500 a status file may have/);
    expect(await reason('0004.xml')).toContain('line 2: a DOCTYPE is not allowed');
    expect(await ls(folders.inbound)).toEqual([REJECTED_DIR]);
  });

  test('an event for a file we never handed over, or with another dossier id, is rejected with its file', async () => {
    const { folders, fileId } = await submitted();
    await writeStatusFile(
      folders.inbound,
      [accepted(fileId), event('dos_9999--0123456789ab', 'ev-x', 'filed', '2025-05-10T09:00:00Z')],
      { name: '0001.xml' },
    );
    await writeStatusFile(folders.inbound, [{ ...accepted(fileId, 'ack-2'), dossierId: 'dos_other' }], {
      name: '0002.xml',
    });
    expect((await partnerFor(folders).events()).events).toEqual([]);
    const unknown = await readFile(join(folders.inbound, REJECTED_DIR, '0001.xml.reason.txt'), 'utf8');
    expect(unknown).toContain(
      '<event> 2 (id "ev-x") names file "dos_9999--0123456789ab", which is not a dossier we handed over',
    );
    const mismatch = await readFile(join(folders.inbound, REJECTED_DIR, '0002.xml.reason.txt'), 'utf8');
    expect(mismatch).toContain(
      `names file ${fileId} with dossier "dos_other", but that file holds dossier "${DOSSIER_ID}"`,
    );
  });

  test('a name already applied: the same bytes are read again harmlessly, other bytes are rejected', async () => {
    const { folders, fileId } = await submitted();
    const partner = partnerFor(folders);
    const items = [accepted(fileId)];
    await writeStatusFile(folders.inbound, items, { name: '0001.xml' });
    await partner.acknowledge((await partner.events()).next);

    await writeStatusFile(folders.inbound, items, { name: '0001.xml' });
    const same = await partner.events();
    expect(same.events.map((e) => e.id)).toEqual(['ack-1']);
    await partner.acknowledge(same.next);

    await writeStatusFile(folders.inbound, [event(fileId, 'ev-2', 'filed', '2025-05-10T09:00:00Z')], {
      name: '0001.xml',
    });
    expect((await partner.events()).events).toEqual([]);
    const reason = await readFile(join(folders.inbound, REJECTED_DIR, '0001.xml.reason.txt'), 'utf8');
    expect(reason).toContain('a status file named 0001.xml was already applied (archive/0001.xml) with other content');
  });

  test('a second bad file of the same name is kept beside the first, not over it', async () => {
    const { folders } = await submitted();
    const partner = partnerFor(folders);
    await writeFile(join(folders.inbound, '0001.xml'), 'first');
    await partner.events();
    await writeFile(join(folders.inbound, '0001.xml'), 'second');
    await partner.events();
    const suffix = sha256('second').slice(0, 12);
    expect(await ls(join(folders.inbound, REJECTED_DIR))).toEqual(
      ['0001.xml', '0001.xml.reason.txt', `0001.${suffix}.xml`, `0001.${suffix}.xml.reason.txt`].sort(),
    );
    expect(await readFile(join(folders.inbound, REJECTED_DIR, `0001.${suffix}.xml`), 'utf8')).toBe('second');
  });

  test('a page holds at most maxFilesPerPage files; the next page starts where it stopped', async () => {
    const { folders, fileId } = await submitted();
    for (const n of [1, 2, 3])
      await writeStatusFile(folders.inbound, [event(fileId, `ev-${n}`, 'hearing', `2025-06-0${n}T09:00:00Z`)], {
        name: `000${n}.xml`,
      });
    const partner = partnerFor(folders, { maxFilesPerPage: 2 });
    const first = await partner.events();
    expect(first.events.map((e) => e.id)).toEqual(['ev-1', 'ev-2']);
    const second = await partner.events(first.next);
    expect(second.events.map((e) => e.id)).toEqual(['ev-3']);
    expect(await ls(join(folders.inbound, ARCHIVE_DIR))).toEqual(['0001.xml', '0002.xml']);
  });

  test('a status file written with a namespace prefix reads the same', async () => {
    const { folders, fileId } = await submitted();
    const xml = buildStatusFileXml([accepted(fileId)])
      .replace(/<(\/?)(\w)/g, '<$1s:$2')
      .replace('<s:statusFile xmlns=', '<s:statusFile xmlns:s=');
    expect(xml).toContain('<s:acknowledgement>');
    await writeFile(join(folders.inbound, '0001.xml'), xml);
    expect((await partnerFor(folders).events()).events.map((e) => [e.id, e.type])).toEqual([['ack-1', 'accepted']]);
  });

  test('status(): received until the firm writes, then the type of the latest event by time, from archived files only', async () => {
    const { folders, fileId } = await submitted();
    const partner = partnerFor(folders);
    expect(await partner.status(fileId)).toMatchObject({ fileId, dossierId: DOSSIER_ID, state: 'received' });

    await writeStatusFile(
      folders.inbound,
      [accepted(fileId), event(fileId, 'ev-3', 'order_issued', '2025-06-01T09:00:00Z')],
      { name: '0001.xml' },
    );
    // Arrives later but happened earlier: it does not become the current state.
    await writeStatusFile(folders.inbound, [event(fileId, 'ev-2', 'filed', '2025-05-10T09:00:00Z')], {
      name: '0002.xml',
    });
    const page = await partner.events();
    expect((await partner.status(fileId)).state).toBe('received');
    await partner.acknowledge(page.next);
    expect(await partner.status(fileId)).toEqual({
      fileId,
      dossierId: DOSSIER_ID,
      state: 'order_issued',
      updatedAt: '2025-06-01T09:00:00Z',
    });

    const unknown = await partner.status('dos_9999--0123456789ab').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(AdapterError);
    expect((unknown as AdapterError).code).toBe('FILE_DROP_UNKNOWN_FILE');
  });

  test('a cursor that is not ours, or that names a path, is refused', async () => {
    const { folders } = await submitted();
    const partner = partnerFor(folders);
    const bad = async (cursor: string) => (await partner.events(cursor).catch((e: unknown) => e)) as AdapterError;
    expect((await bad('page-2')).code).toBe('FILE_DROP_BAD_CURSOR');
    const traversal =
      'fd1:' + Buffer.from(JSON.stringify([['../outbound/x.xml', 'a'.repeat(64)]])).toString('base64url');
    expect((await bad(traversal)).code).toBe('FILE_DROP_BAD_CURSOR');
  });

  test('writeStatusFile refuses what the XSD refuses, and never replaces a file', async () => {
    const { folders, fileId } = await submitted();
    const wrong = await writeStatusFile(folders.inbound, [event(fileId, 'ev-1', 'filed', '2025-05-10 09:00')], {
      name: '0001.xml',
    }).catch((e: unknown) => e);
    expect((wrong as AdapterError).message).toContain("Element 'occurredAt'");
    await writeStatusFile(folders.inbound, [accepted(fileId)], { name: '0001.xml' });
    const twice = await writeStatusFile(folders.inbound, [accepted(fileId, 'ack-2')], { name: '0001.xml' }).catch(
      (e: unknown) => e,
    );
    expect((twice as AdapterError).message).toContain('already has a file of that name');
    expect(await ls(folders.inbound)).toEqual(['0001.xml']);
  });
});
