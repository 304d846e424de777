import { loadFrenchLegalData, type LegalData } from '../../connector/claim';
import {
  noticeClaim,
  parseDocumentInput,
  type DocumentInputRaw,
  type FormalNoticeInputRaw,
  type NoticeClaimOptions,
} from '../../connector/documents';

/**
 * A creditor in Lyon, a business debtor with two overdue invoices (one partly paid), one
 * invoice not yet due and one credit note, on 10 April 2025. Amounts in cents.
 */

let legal: LegalData | undefined;
export function legalData(): LegalData {
  legal ??= loadFrenchLegalData();
  return legal;
}

export const DATE = '2025-04-10';

export function documentInput(over: Partial<DocumentInputRaw> = {}): DocumentInputRaw {
  return {
    date: DATE,
    currency: 'EUR',
    caseRef: 'DUP-2025-001',
    creditor: {
      name: 'Atelier Durand SAS',
      address: { lines: ['12 rue des Lilas'], postalCode: '69003', city: 'Lyon', country: 'FR' },
      siren: '552100554',
      contact: { email: 'recouvrement@atelier-durand.example', phone: '04 72 00 00 00' },
    },
    debtor: {
      name: 'Dupont Industrie SAS',
      kind: 'company',
      address: { lines: ['3 avenue de la Gare', 'Bâtiment B'], postalCode: '38000', city: 'Grenoble', country: 'FR' },
      siren: '812345676',
      emails: ['compta@dupont-industrie.example'],
    },
    items: [
      {
        id: 'odoo:move:12',
        number: 'FAC-2025-0012',
        issueDate: '2025-01-10',
        dueDate: '2025-02-09',
        total: 120000,
        open: 120000,
      },
      {
        id: 'odoo:move:31',
        number: 'FAC-2025-0031',
        issueDate: '2025-02-03',
        dueDate: '2025-03-05',
        total: 84050,
        open: 54050,
      },
      {
        id: 'odoo:move:44',
        number: 'FAC-2025-0044',
        issueDate: '2025-03-20',
        dueDate: '2025-04-19',
        total: 30000,
        open: 30000,
      },
    ],
    creditNotes: [{ id: 'odoo:move:50', number: 'AV-2025-0003', issueDate: '2025-03-01', open: 15000 }],
    payment: { iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'AGRIFRPP', reference: 'DUP-2025-001' },
    fixedIndemnity: { amount: 4000, currency: 'EUR' },
    ...over,
  };
}

export function consumerInput(over: Partial<DocumentInputRaw> = {}): DocumentInputRaw {
  return documentInput({
    debtor: {
      name: 'Jeanne Martin',
      kind: 'individual',
      address: { lines: ['8 impasse des Roses'], postalCode: '69100', city: 'Villeurbanne', country: 'FR' },
      emails: ['jeanne.martin@mail.example'],
    },
    ...over,
  });
}

export function formalNoticeInput(
  base: DocumentInputRaw = documentInput(),
  options: NoticeClaimOptions = {},
  notice: Partial<FormalNoticeInputRaw['notice']> = {},
): FormalNoticeInputRaw {
  const claim = noticeClaim(parseDocumentInput(base), legalData(), options);
  return {
    ...base,
    notice: { claim, deadlineDays: 8, signatory: { name: 'Claire Durand', title: 'Présidente' }, ...notice },
  };
}
