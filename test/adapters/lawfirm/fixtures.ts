import { createHash } from 'node:crypto';
import type { PartnerDocument, SubmitRequest } from '../../../connector/ports/lawfirm';

/** A dossier as connector/dossier builds it (the canonical `Dossier`, JSON-ready), and its documents. */

export function pdf(text: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
}

export function document(
  name: string,
  kind: PartnerDocument['kind'] = 'invoice',
  content: Buffer = pdf(name),
): PartnerDocument {
  return {
    name,
    kind,
    mediaType: 'application/pdf',
    content,
    sha256: createHash('sha256').update(content).digest('hex'),
  };
}

export const INVOICE_1 = document('invoice-FAC-2025-0101.pdf');
export const INVOICE_2 = document('invoice-FAC-2025-0117.pdf');
export const FORMAL_NOTICE = document('mise-en-demeure-2026-03-02.pdf', 'formal_notice');

export function dossier(id = 'dos-0001') {
  return {
    id,
    caseId: 'case:dupont:EUR',
    createdAt: '2026-04-01T08:00:00.000Z',
    asOf: '2026-04-01',
    creditor: {
      name: 'ACME SAS',
      legalForm: { category: 'merchant', label: 'SAS', source: 'declared' },
      siren: '552100554',
      address: {
        kind: 'registered_office',
        lines: ['1 place Bellecour'],
        postalCode: '69002',
        city: 'Lyon',
        country: 'FR',
      },
    },
    debtor: {
      name: 'Dupont Bâtiment SARL',
      kind: 'company' as 'company' | 'individual',
      legalForm: { category: 'merchant', label: 'SARL', source: 'declared' },
      siren: '732829320' as string | undefined,
      addresses: [
        { kind: 'registered_office', lines: ['12 rue des Lilas'], postalCode: '69003', city: 'Lyon', country: 'FR' },
      ],
      emails: ['compta@dupont.example'],
    },
    claim: {
      asOf: '2026-04-01',
      currency: 'EUR',
      rule: 'L441-10',
      dayCount: 'actual/365',
      principal: 250_000,
      interest: 6_150,
      indemnity: 8_000,
      total: 264_150,
      lines: [
        {
          kind: 'invoice',
          number: 'FAC-2025-0101',
          issueDate: '2025-11-02',
          dueDate: '2025-12-02',
          total: 150_000,
          principal: 150_000,
          interest: 4_100,
          indemnity: 4_000,
        },
        {
          kind: 'invoice',
          number: 'FAC-2025-0117',
          issueDate: '2025-12-05',
          dueDate: '2026-01-04',
          total: 100_000,
          principal: 100_000,
          interest: 2_050,
          indemnity: 4_000,
        },
      ],
    },
    documents: [INVOICE_1, INVOICE_2, FORMAL_NOTICE].map((d) => ({
      ref: `doc:${d.name}`,
      kind: d.kind,
      name: d.name,
      mediaType: d.mediaType,
      sha256: d.sha256,
    })),
    recommendedProcedure: 'injonction_de_payer',
    court: { kind: 'tribunal_de_commerce', name: 'Tribunal de commerce de Lyon' },
    reasons: [
      'Créance contractuelle d’un montant déterminé (CPC art. 1405)',
      'Débiteur commerçant : tribunal de commerce du siège (C. com. L721-3)',
    ],
  };
}
export type DossierFixture = ReturnType<typeof dossier>;

let keys = 0;
export function nextKey(prefix = 'dossier'): string {
  keys += 1;
  return `${prefix}/${keys}`;
}

/** A submission with every listed document attached; `change` edits a copy of the dossier. */
export function submission(
  change: (d: DossierFixture) => void = () => undefined,
  options: { id?: string; documents?: PartnerDocument[]; idempotencyKey?: string } = {},
): SubmitRequest {
  const d = dossier(options.id);
  change(d);
  return {
    dossier: d,
    documents: options.documents ?? [INVOICE_1, INVOICE_2, FORMAL_NOTICE],
    idempotencyKey: options.idempotencyKey ?? nextKey(),
  };
}
