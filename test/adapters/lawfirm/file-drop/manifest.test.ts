import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { checkXml, MANIFEST_FILE, readOutboundDossiers, schemaPath } from '../../../../adapters/lawfirm/file-drop';
import { MANIFEST_FIELDS } from '../../../../adapters/lawfirm/file-drop/manifest';
import type { Field } from '../../../../adapters/lawfirm/file-drop/xml-codec';
import { DebtorKindSchema, AddressSchema } from '../../../../connector/model/debtor.schema';
import { DossierSchema, ProcedureKindSchema } from '../../../../connector/model/dossier.schema';
import { AdapterError } from '../../../../connector/ports/adapter-error';
import {
  doc,
  INVOICE,
  makeFolders,
  NOTICE,
  partnerFor,
  pdf,
  PROOF,
  removeFolders,
  sampleDossier,
  sampleRequest,
  sha256,
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

describe('file drop: the dossier manifest', () => {
  test('validates against the XSD and reads back, firm side, as the same dossier with the same document bytes', async () => {
    folders = await makeFolders();
    const request = sampleRequest();
    const result = await partnerFor(folders).submit(request);

    const manifest = await readFile(join(folders.outbound, result.fileId, MANIFEST_FILE), 'utf8');
    const checked = await checkXml(manifest, 'dossier-manifest', ['dossier']);
    expect(checked).toMatchObject({ ok: true });

    const { dossiers, invalid } = await readOutboundDossiers(folders.outbound);
    expect(invalid).toEqual([]);
    expect(dossiers).toHaveLength(1);
    const read = dossiers[0]!;
    expect(read.fileId).toBe(result.fileId);
    expect(read.idempotencyKey).toBe(request.idempotencyKey);
    // The invoice was listed before its bytes were fetched (sha256 null): the manifest carries the hash of the file handed over.
    const documents = request.dossier.documents as { name: string; sha256: string | null }[];
    expect(documents[0]?.sha256).toBeNull();
    expect(read.dossier).toEqual({
      ...request.dossier,
      documents: documents.map((d) => (d.name === INVOICE.name ? { ...d, sha256: INVOICE.sha256 } : d)),
    });
    expect(read.documents.map((d) => [d.name, d.kind, d.mediaType, d.sha256, d.size])).toEqual(
      [INVOICE, NOTICE].map((d) => [d.name, d.kind, d.mediaType, d.sha256, d.content.length]),
    );
    expect(read.documents.map((d) => d.content)).toEqual([INVOICE.content, NOTICE.content]);
    expect(read.missingDocuments).toEqual([PROOF.name]);
    // An Odoo number's slashes become underscores in the file name; the name itself is kept.
    expect((await readdir(join(folders.outbound, result.fileId))).sort()).toEqual([
      'invoice-INV_2025_00012.pdf',
      'manifest.xml',
      'mise-en-demeure.pdf',
    ]);
  });

  test('carries every field of the canonical dossier (add new ones to manifest.ts and the XSD)', () => {
    const unmapped: string[] = [];
    const walk = (schema: z.ZodType, fields: readonly Field[] | undefined, path: string): void => {
      const def = (
        schema as unknown as {
          def: { type: string; innerType?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> };
        }
      ).def;
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable')
        return walk(def.innerType!, fields, path);
      if (def.type === 'array') return walk(def.element!, fields, path);
      if (def.type !== 'object') return;
      for (const [key, child] of Object.entries(def.shape!)) {
        const field = fields?.find((f) => f.key === key);
        if (field === undefined) {
          unmapped.push(`${path}.${key}`);
          continue;
        }
        const nested =
          'group' in field
            ? field.group
            : 'list' in field && typeof field.list.of !== 'string'
              ? field.list.of
              : undefined;
        walk(child, nested, `${path}.${key}`);
      }
    };
    walk(DossierSchema, MANIFEST_FIELDS, 'dossier');
    expect(unmapped).toEqual([]);
  });

  test("every enumeration of the canonical dossier is one of the XSD's, value for value", async () => {
    const xsd = await readFile(schemaPath('dossier-manifest'), 'utf8');
    const xsdEnums = [...xsd.matchAll(/<xs:simpleType name="(\w+)">([\s\S]*?)<\/xs:simpleType>/g)]
      .map((m) => ({
        type: m[1]!,
        values: [...m[2]!.matchAll(/<xs:enumeration value="([^"]+)"\/>/g)].map((v) => v[1]!),
      }))
      .filter((e) => e.values.length > 0);
    const missing: string[] = [];
    const walk = (schema: z.ZodType, path: string): void => {
      const def = (
        schema as unknown as {
          def: {
            type: string;
            innerType?: z.ZodType;
            element?: z.ZodType;
            shape?: Record<string, z.ZodType>;
            entries?: Record<string, string>;
          };
        }
      ).def;
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable')
        return walk(def.innerType!, path);
      if (def.type === 'array') return walk(def.element!, `${path}[]`);
      if (def.type === 'object')
        return Object.entries(def.shape!).forEach(([key, child]) => walk(child, `${path}.${key}`));
      if (def.type === 'enum') {
        const values = Object.values(def.entries!);
        if (!xsdEnums.some((e) => JSON.stringify(e.values) === JSON.stringify(values)))
          missing.push(`${path}: ${values.join(', ')}`);
      }
    };
    walk(DossierSchema, 'dossier');
    expect(missing).toEqual([]);
    // The kinds the partner contract lists, and the procedures, are checked by name too.
    expect(xsdEnums.find((e) => e.type === 'ProcedureKind')?.values).toEqual(ProcedureKindSchema.options);
    expect(xsdEnums.find((e) => e.type === 'PartyKind')?.values).toEqual(DebtorKindSchema.options);
    expect(xsdEnums.find((e) => e.type === 'AddressKind')?.values).toEqual(AddressSchema.shape.kind.unwrap().options);
  });

  test('a manifest that fails our own XSD is a bug: refused before anything is written, naming the element', async () => {
    folders = await makeFolders();
    const dossier = { ...sampleDossier(), claim: { ...sampleDossier().claim, currency: 'eur' } };
    const error = await rejection(partnerFor(folders).submit(sampleRequest({ dossier })));
    expect(error.code).toBe('FILE_DROP_INVALID_OUTPUT');
    expect(error.kind).toBe('system');
    expect(error.message).toContain('dossier/claim/currency');
    expect(error.message).toContain(
      "Element 'currency': [facet 'pattern'] The value 'eur' is not accepted by the pattern '[A-Z]{3}'",
    );
    expect(error.message).toMatch(/line \d+/);
    expect(await readdir(folders.outbound)).toEqual([]);
  });

  test('a field the manifest does not carry is refused by its path, not dropped', async () => {
    folders = await makeFolders();
    const dossier = { ...sampleDossier(), debtor: { ...sampleDossier().debtor, birthDate: '1970-01-01' } };
    const error = await rejection(partnerFor(folders).submit(sampleRequest({ dossier })));
    expect(error.code).toBe('FILE_DROP_INVALID_OUTPUT');
    expect(error.message).toContain('dossier.debtor.birthDate');
    expect(await readdir(folders.outbound)).toEqual([]);
  });

  test('an amount that is not whole minor units is refused by its path', async () => {
    folders = await makeFolders();
    const claim = sampleDossier().claim;
    const dossier = {
      ...sampleDossier(),
      claim: { ...claim, lines: [{ ...claim.lines[0]!, principal: 1500.5 }, claim.lines[1]!] },
    };
    const error = await rejection(partnerFor(folders).submit(sampleRequest({ dossier })));
    expect(error.message).toContain('dossier.claim.lines[0].principal');
  });

  test.each([
    ['../../etc/passwd'],
    ['/etc/passwd'],
    ['scans/../../../outside.pdf'],
    ['C:\\Windows\\evil.pdf'],
    ['..'],
    ['a\u0000.pdf'],
  ])('a document named %j is refused, and nothing is written anywhere', async (name) => {
    folders = await makeFolders();
    const before = (await readdir(folders.root)).sort();
    const evil = doc(name, 'other', pdf('evil'));
    const error = await rejection(partnerFor(folders).submit(sampleRequest({ documents: [INVOICE, evil] })));
    expect(error.code).toBe('FILE_DROP_INVALID_OUTPUT');
    expect(error.message).toContain('must not be a path');
    expect(await readdir(folders.outbound)).toEqual([]);
    expect((await readdir(folders.root)).sort()).toEqual(before);
  });

  test('a document whose content does not match its sha256 is refused', async () => {
    folders = await makeFolders();
    const forged = { ...NOTICE, content: pdf('another notice') };
    const error = await rejection(partnerFor(folders).submit(sampleRequest({ documents: [INVOICE, forged] })));
    expect(error.message).toContain(`its content hashes to ${sha256(forged.content)}`);
  });

  test('two documents that would land on one file are refused', async () => {
    folders = await makeFolders();
    const a = doc('relevé/mars.pdf', 'other', pdf('a'));
    const b = doc('relevé_MARS.pdf', 'other', pdf('b'));
    const dossier = sampleDossier({ documents: [] });
    const error = await rejection(partnerFor(folders).submit(sampleRequest({ dossier, documents: [a, b] })));
    expect(error.message).toContain('the same file');
  });

  test('a document attached with another hash than the dossier lists is refused', async () => {
    folders = await makeFolders();
    const other = doc(NOTICE.name, 'formal_notice', pdf('a different notice'));
    const error = await rejection(partnerFor(folders).submit(sampleRequest({ documents: [INVOICE, other] })));
    expect(error.message).toContain(`dossier.documents[1] lists "${NOTICE.name}" with sha256 ${NOTICE.sha256}`);
  });

  test('firm side: a folder whose document was altered, or whose manifest names a path, is reported invalid', async () => {
    folders = await makeFolders();
    const { fileId } = await partnerFor(folders).submit(sampleRequest());
    await writeFile(join(folders.outbound, fileId, 'mise-en-demeure.pdf'), pdf('tampered'));
    let read = await readOutboundDossiers(folders.outbound);
    expect(read.dossiers).toEqual([]);
    expect(read.invalid).toEqual([
      { name: fileId, problems: expect.arrayContaining([expect.stringContaining('mise-en-demeure.pdf hashes to')]) },
    ]);

    const manifestPath = join(folders.outbound, fileId, MANIFEST_FILE);
    const manifest = await readFile(manifestPath, 'utf8');
    await writeFile(
      manifestPath,
      manifest.replace('<file>mise-en-demeure.pdf</file>', '<file>../../secret.pdf</file>'),
    );
    read = await readOutboundDossiers(folders.outbound);
    expect(read.dossiers).toEqual([]);
    expect(read.invalid[0]?.problems.join('\n')).toMatch(/manifest\.xml: line \d+: Element 'file'/);
  });
});
