import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkXml, FileDropPartner, MANIFEST_FILE, readOutboundDossiers } from '../../../adapters/lawfirm/file-drop';
import { LawFirmHttpConfigSchema } from '../../../adapters/lawfirm/config.schema';
import { HttpLawFirmPartner } from '../../../adapters/lawfirm/http-client';
import { FileDropFirm } from '../../../adapters/lawfirm/simulator/file-drop-firm';
import { LawFirmSimulator } from '../../../adapters/lawfirm/simulator/server';
import { DossierSchema, type DossierInput } from '../../../connector/model/dossier.schema';
import { fixedClock } from '../../../connector/time/clock';
import {
  doc,
  INVOICE,
  makeFolders,
  NOTICE,
  pdf,
  removeFolders,
  sampleDossier,
  sampleRequest,
  type Folders,
} from './file-drop/fixtures';

/**
 * A dossier carrying additional claims reaches the firm whole, by either transport: the file-drop
 * manifest passes the XSD and reads back as the same dossier (nulls and values side by side), the
 * simulated firms take it, and the receipt travels as a document of kind `other`.
 */

const RECEIPT = doc('receipt-2025-04-10.pdf', 'other', pdf('acte de commissaire de justice'));

type Additional = NonNullable<DossierInput['additionalClaims']>;

/** Every field filled: costs with their receipt, a clause with its minimum, a CPC 700 amount, an unverified fee with its range, capitalisation proposed. */
const FULL: Additional = {
  currency: 'EUR',
  recoveryCosts: {
    article: 'C. com. L441-10 II',
    costs: [
      {
        date: '2025-04-10',
        label: "Acte d'huissier & frais <recommandé>",
        amount: 25_000,
        documentRef: 'receipt:0123456789abcdef0123456789abcdef',
      },
    ],
    total: 25_000,
    fixedIndemnities: 8_000,
    complementaryIndemnity: 17_000,
    note: 'indemnisation complémentaire asked on proof',
  },
  penaltyClause: {
    reference: 'CGV art. 9',
    article: 'C. civ. 1231-5',
    ratePercent: '10.00',
    base: 250_000,
    minimum: 15_000,
    amount: 25_000,
    label: 'clause pénale (CGV art. 9)',
    warnings: ['check C. conso L212-1'],
  },
  article700: { article: 'CPC 700', amount: 150_000, note: 'asked of the court' },
  courtCosts: {
    procedure: 'injonction_de_payer',
    court: 'tribunal_de_commerce',
    currency: 'EUR',
    amount: null,
    verified: false,
    range: { from: 3_347, to: 3_840 },
    reason: '[UNVERIFIED] sources disagree',
    sources: ['reference §6'],
  },
  capitalisation: {
    proposed: true,
    article: 'C. civ. 1343-2',
    invoices: [{ number: 'INV/2025/00012', interestFrom: '2024-02-15', fullYearOn: '2025-02-14', interest: 2_100 }],
    reason: 'ask the court',
  },
};

/** The other extreme: nothing but what is always there, with nulls and empty lists. */
const BARE: Additional = {
  currency: 'EUR',
  recoveryCosts: null,
  penaltyClause: null,
  article700: { article: 'CPC 700', amount: null, note: 'to be assessed by the firm' },
  courtCosts: {
    procedure: 'injonction_de_payer',
    court: 'tribunal_judiciaire',
    currency: 'EUR',
    amount: 0,
    verified: true,
    range: null,
    reason: 'no greffe fee',
    sources: [],
  },
  capitalisation: {
    proposed: false,
    article: 'C. civ. 1343-2',
    invoices: [],
    reason: 'not proposed: injonction de payer',
  },
};

function withAdditional(additionalClaims: Additional) {
  const base = sampleDossier();
  return sampleDossier({
    additionalClaims,
    documents: [
      ...base.documents,
      {
        ref: 'receipt:0123456789abcdef0123456789abcdef',
        kind: 'other',
        name: RECEIPT.name,
        mediaType: 'application/pdf',
        sha256: RECEIPT.sha256,
      },
    ],
  });
}

let folders: Folders | undefined;
afterEach(async () => {
  await removeFolders(folders);
  folders = undefined;
});

describe('additional claims at the firm', () => {
  test.each([
    ['every field filled', FULL],
    ['nulls and empty lists', BARE],
  ])('file drop, %s: the manifest passes the XSD and reads back as the same dossier', async (_name, additional) => {
    folders = await makeFolders();
    const dossier = withAdditional(additional);
    const partner = new FileDropPartner({
      outbound: folders.outbound,
      inbound: folders.inbound,
      clock: fixedClock('2025-05-10T09:00:00.000Z'),
    });
    const result = await partner.submit(sampleRequest({ dossier, documents: [INVOICE, NOTICE, RECEIPT] }));
    const manifest = await readFile(join(folders.outbound, result.fileId, MANIFEST_FILE), 'utf8');
    expect(await checkXml(manifest, 'dossier-manifest', ['dossier'])).toMatchObject({ ok: true });
    expect(manifest).toContain('<additionalClaims>');
    const { dossiers, invalid } = await readOutboundDossiers(folders.outbound);
    expect(invalid).toEqual([]);
    expect(dossiers[0]!.dossier['additionalClaims']).toEqual(dossier.additionalClaims);
    expect(DossierSchema.parse(dossiers[0]!.dossier).additionalClaims).toEqual(dossier.additionalClaims);
    expect(dossiers[0]!.documents.find((d) => d.name === RECEIPT.name)).toMatchObject({
      kind: 'other',
      sha256: RECEIPT.sha256,
    });
  });

  test('file drop: a dossier built before additionalClaims existed still goes (the element is optional)', async () => {
    folders = await makeFolders();
    const partner = new FileDropPartner({
      outbound: folders.outbound,
      inbound: folders.inbound,
      clock: fixedClock('2025-05-10T09:00:00.000Z'),
    });
    const result = await partner.submit(sampleRequest());
    expect(await readFile(join(folders.outbound, result.fileId, MANIFEST_FILE), 'utf8')).not.toContain(
      'additionalClaims',
    );
  });

  test('the simulated file-drop firm picks the dossier up with its receipt', async () => {
    folders = await makeFolders();
    const firm = new FileDropFirm({
      outbound: folders.outbound,
      inbound: folders.inbound,
      seed: 1,
      startAt: '2025-05-10T09:00:00.000Z',
    });
    const partner = new FileDropPartner({
      outbound: folders.outbound,
      inbound: folders.inbound,
      clock: fixedClock('2025-05-10T09:00:00.000Z'),
    });
    const { fileId } = await partner.submit(
      sampleRequest({ dossier: withAdditional(FULL), documents: [INVOICE, NOTICE, RECEIPT] }),
    );
    const scanned = await firm.scan();
    expect(scanned.dossiers).toEqual([fileId]);
    expect(firm.file(fileId)!.documents.map((d) => d.name)).toContain(RECEIPT.name);
  });

  test('the HTTP contract: the simulated firm accepts the dossier and its receipt', async () => {
    const sim = await new LawFirmSimulator({ seed: 1 }).start();
    try {
      const firm = new HttpLawFirmPartner({
        config: LawFirmHttpConfigSchema.parse({
          baseUrl: sim.url,
          apiKey: sim.apiKey,
          webhookSecret: 'whsec_additional_claims_test',
          timeoutMs: 5_000,
        }),
      });
      const request = sampleRequest({
        dossier: withAdditional(FULL),
        documents: [INVOICE, NOTICE, RECEIPT],
        idempotencyKey: 'dossier/additional-claims',
      });
      const { fileId, status } = await firm.submit(request);
      expect(['received', 'accepted']).toContain(status);
      expect(sim.file(fileId)).toBeDefined();
    } finally {
      await sim.stop();
    }
  });
});
