import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PartnerDocument, SubmitRequest } from '../../../../connector/ports/lawfirm';
import { FileDropPartner, type FileDropOptions } from '../../../../adapters/lawfirm/file-drop';
import { DossierSchema, type Dossier, type DossierInput } from '../../../../connector/model/dossier.schema';
import { fixedClock } from '../../../../connector/time/clock';

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

export function pdf(label: string, size = 0): Buffer {
  const body = `%PDF-1.4\n% ${label}\n${'x'.repeat(size)}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export function doc(name: string, kind: PartnerDocument['kind'], content: Buffer): PartnerDocument {
  return { name, kind, mediaType: 'application/pdf', content, sha256: sha256(content) };
}

export const INVOICE = doc('invoice-INV/2025/00012.pdf', 'invoice', pdf('invoice INV/2025/00012'));
export const NOTICE = doc('mise-en-demeure.pdf', 'formal_notice', pdf('mise en demeure'));
/** Listed in the dossier, handed over later with addDocuments. */
export const PROOF = doc('ar-lrar.pdf', 'proof_of_delivery', pdf('avis de réception'));

const LYON = {
  kind: 'registered_office',
  lines: ['12 rue des Lilas', 'Bât. B – 2ᵉ étage'],
  postalCode: '69003',
  city: 'Lyon',
  country: 'FR',
} as const;

/**
 * A canonical dossier, parsed by the canonical schema, with every optional field filled, nulls
 * and values side by side, and XML's special characters in its texts.
 */
export function sampleDossier(over: Partial<DossierInput> = {}): Dossier {
  return DossierSchema.parse({
    id: 'dos_2025_0001',
    caseId: 'case:demo:partner:1|demo:company:1|EUR',
    createdAt: '2025-05-02T08:00:00.000Z',
    asOf: '2025-05-01',
    creditor: {
      name: 'Recouvra Démo SAS',
      legalForm: { category: 'merchant', label: 'SAS', source: 'declared' },
      siren: '732829320',
      siret: '73282932000017',
      vat: 'FR44732829320',
      address: {
        kind: 'registered_office',
        lines: ['1 place Bellecour'],
        postalCode: '69002',
        city: 'Lyon',
        country: 'FR',
      },
      email: 'recouvrement@demo.example',
    },
    debtor: {
      name: "Dupont & Fils <Équipements d'Auvergne> SAS",
      kind: 'company',
      legalForm: { category: 'merchant', label: 'SAS', source: 'name' },
      siren: '552100554',
      addresses: [
        LYON,
        { kind: 'billing', lines: ['BP 42'], postalCode: '69001', city: 'Lyon Cedex 01', country: 'FR' },
      ],
      emails: ['compta@dupont.example'],
    },
    claim: {
      asOf: '2025-05-01',
      currency: 'EUR',
      rule: 'L441-10 C. com. (entre professionnels)',
      dayCount: 'actual/365',
      principal: 250_000,
      interest: 3_120,
      indemnity: 8_000,
      total: 261_120,
      lines: [
        {
          kind: 'invoice',
          number: 'INV/2025/00012',
          issueDate: '2025-01-15',
          dueDate: '2025-02-14',
          total: 180_000,
          principal: 150_000,
          interest: 2_100,
          indemnity: 4_000,
          payments: [{ date: '2025-03-01', amount: 30_000 }],
          segments: [
            {
              from: '2025-02-15',
              to: '2025-03-01',
              days: 15,
              semester: '2025-H1',
              ratePercent: '12.15',
              rateKind: 'l441-10-default',
              base: 180_000,
              interest: 899,
            },
            {
              from: '2025-03-02',
              to: '2025-05-01',
              days: 61,
              semester: '2025-H1',
              ratePercent: '12.15',
              rateKind: 'l441-10-default',
              base: 150_000,
              interest: 1_201,
            },
          ],
          prescribesOn: '2030-02-14',
          documentRef: 'invoice:INV/2025/00012',
        },
        {
          kind: 'invoice',
          number: 'INV/2025/00019',
          issueDate: '2025-02-03',
          dueDate: '2025-03-05',
          total: 100_000,
          principal: 100_000,
          interest: 1_020,
          indemnity: 4_000,
          prescribesOn: '2030-03-05',
        },
      ],
      warnings: ['Taux contractuel absent des CGV : taux légal L441-10 appliqué'],
    },
    documents: [
      {
        ref: 'invoice:INV/2025/00012',
        kind: 'invoice',
        name: INVOICE.name,
        mediaType: 'application/pdf',
        sha256: null,
      },
      {
        ref: 'doc_notice_1',
        kind: 'formal_notice',
        name: NOTICE.name,
        mediaType: 'application/pdf',
        sha256: NOTICE.sha256,
      },
      {
        ref: 'doc_ar_1',
        kind: 'proof_of_delivery',
        name: PROOF.name,
        mediaType: 'application/pdf',
        sha256: PROOF.sha256,
        provenAt: '2025-04-02T10:15:00.000Z',
      },
    ],
    evidence: {
      messages: [
        {
          journalSeq: 3,
          on: '2025-03-20',
          step: 'reminder',
          stepId: 'r1',
          channel: 'email',
          template: 'relance-1',
          summary: 'Relance amiable envoyée par e-mail\r\nle 2025-03-20',
          messageId: '<r1.abc@demo.example>',
        },
        {
          journalSeq: 7,
          on: '2025-03-31',
          step: 'formal_notice',
          stepId: 'mise_en_demeure',
          channel: 'registered_letter',
          template: null,
          summary: 'Mise en demeure (LRAR)',
          trackingNumber: '1A00000000001',
          deliveryStatus: 'delivered',
        },
      ],
      formalNotice: {
        stepId: 'mise_en_demeure',
        sentOn: '2025-03-31',
        channels: ['registered_letter', 'email'],
        receivedOn: '2025-04-02',
        startsOn: '2025-04-02',
        startBasis: 'acknowledgement_of_receipt',
        deadlineDays: 15,
        deadlineEndsOn: '2025-04-17',
        proofs: [
          {
            documentRef: 'doc_ar_1',
            kind: 'proof_of_delivery',
            sha256: PROOF.sha256,
            provenAt: '2025-04-02T10:15:00.000Z',
          },
        ],
      },
      calls: [{ journalSeq: 5, on: '2025-03-25', outcome: 'Messagerie : message laissé' }],
      disputes: [
        {
          invoiceNumber: 'INV/2025/00019',
          since: '2025-03-10',
          reason: 'Livraison incomplète',
          outcome: 'lifted',
          liftedOn: '2025-03-18',
        },
      ],
      promises: [
        {
          recordedOn: '2025-03-26',
          promisedFor: '2025-04-05',
          amount: 50_000,
          invoiceNumbers: ['INV/2025/00012'],
          outcome: 'broken',
        },
        { recordedOn: '2025-04-20', promisedFor: '2025-06-01', amount: null, invoiceNumbers: [], outcome: 'pending' },
      ],
    },
    recommendedProcedure: 'injonction_de_payer',
    court: {
      kind: 'tribunal_des_activites_economiques',
      name: 'Tribunal des activités économiques de Lyon',
      territory: 'Lyon (siège du débiteur)',
    },
    reasons: ['Créance certaine, liquide et exigible', 'Mise en demeure restée sans réponse depuis 15 jours'],
    deadlines: [
      { what: "Signifier l'ordonnance", rule: 'six mois', article: 'CPC art. 1411', dueOn: null },
      { what: 'Prescription la plus proche', rule: 'cinq ans', article: 'C. com. L110-4', dueOn: '2030-02-14' },
    ],
    lawyer: { compulsory: false, reason: "Requête en injonction de payer : pas d'avocat obligatoire" },
    alternatives: [
      { procedure: 'refere_provision', reason: 'Plus long, utile seulement en cas de contestation sérieuse' },
    ],
    warnings: ['Forme juridique du débiteur déduite de son nom'],
    ...over,
  });
}

export function sampleRequest(over: Partial<SubmitRequest> = {}): SubmitRequest {
  return { dossier: sampleDossier(), documents: [INVOICE, NOTICE], idempotencyKey: 'dossier/dos_2025_0001', ...over };
}

export interface Folders {
  root: string;
  outbound: string;
  inbound: string;
}

export async function makeFolders(): Promise<Folders> {
  const root = await mkdtemp(join(tmpdir(), 'recouvra-file-drop-'));
  const outbound = join(root, 'outbound');
  const inbound = join(root, 'inbound');
  await mkdir(outbound);
  await mkdir(inbound);
  return { root, outbound, inbound };
}

export async function removeFolders(folders: Folders | undefined): Promise<void> {
  if (folders) await rm(folders.root, { recursive: true, force: true });
}

export const NOW = '2025-05-10T09:00:00.000Z';

export function partnerFor(folders: Folders, over: Partial<FileDropOptions> = {}): FileDropPartner {
  return new FileDropPartner({ outbound: folders.outbound, inbound: folders.inbound, clock: fixedClock(NOW), ...over });
}

/** A promise and the function that settles it: lets a test hold a write half way. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}
