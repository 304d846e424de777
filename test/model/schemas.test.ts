import type { z } from 'zod';
import {
  ActionSchema,
  CaseJournalEntrySchema,
  CaseSchema,
  caseIdOf,
  DebtorSchema,
  DossierSchema,
  frenchVatFromSiren,
  isValidSiren,
  isValidSiret,
  MoneySchema,
  PaymentSchema,
  ProcedureEventSchema,
  ReceivableSchema,
} from '../../connector/model';
import { caseOf, debtor, invoice } from '../helpers/builders';

/** Parses `base` with one change and returns the issues as "path: message". */
function rejects(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const t = '2025-03-01T09:30:00.000Z';

describe('Money', () => {
  it('accepts integer minor units with an ISO currency', () => {
    expect(MoneySchema.parse({ amount: 12050, currency: 'EUR' })).toEqual({ amount: 12050, currency: 'EUR' });
  });
  it.each([
    [{ amount: 120.5, currency: 'EUR' }, 'amount: amount must be a whole number of minor units'],
    [{ amount: 100, currency: 'eur' }, 'currency: currency must be an ISO 4217 code in capitals'],
    [{ amount: 100, currency: 'EUX' }, 'currency: unknown ISO 4217 currency "EUX"'],
    [{ amount: 2 ** 60, currency: 'EUR' }, 'amount: amount is too large to be exact'],
    [{ amount: '100', currency: 'EUR' }, 'amount: amount must be a number of minor units'],
    [{ amount: 100, currency: 'EUR', note: 'x' }, 'Unrecognized key'],
  ])('rejects %j', (value, message) => {
    expect(rejects(MoneySchema, value).join('\n')).toContain(message);
  });
});

describe('Debtor', () => {
  const good = {
    ...debtor(),
    registration: { siren: '732829320', siret: '73282932000074', vat: frenchVatFromSiren('732829320') },
  };
  it('accepts a valid company with SIREN, SIRET and VAT', () => {
    expect(DebtorSchema.parse(good).registration.vat).toBe('FR44732829320');
  });
  it.each([
    ['empty name', { ...good, name: '  ' }, 'name: debtor name must not be empty'],
    ['unknown kind', { ...good, kind: 'robot' }, 'kind: debtor kind must be "company" or "individual"'],
    [
      'bad SIREN checksum',
      { ...good, registration: { siren: '732829321' } },
      'registration.siren: SIREN must be 9 digits passing the Luhn checksum',
    ],
    [
      'SIRET of another company',
      { ...good, registration: { siren: '732829320', siret: '55208131766522' } },
      'registration.siret: SIRET must start with the SIREN',
    ],
    [
      'bad VAT key',
      { ...good, registration: { vat: 'FR00732829320' } },
      'registration.vat: French VAT number must be FR + 2-digit key',
    ],
    ['bad e-mail', { ...good, emails: ['not-an-email'] }, 'emails.0: not a valid e-mail address'],
    [
      'bad country',
      { ...good, addresses: [{ lines: ['1 rue X'], postalCode: '75001', city: 'Paris', country: 'France' }] },
      'addresses.0.country: country must be an ISO 3166-1 alpha-2 code',
    ],
    ['unknown key', { ...good, siren: '732829320' }, 'Unrecognized key: "siren"'],
  ])('rejects %s', (_name, value, message) => {
    expect(rejects(DebtorSchema, value).join('\n')).toContain(message);
  });
  it('identifiers: Luhn for SIREN/SIRET, La Poste SIRETs accepted', () => {
    expect(isValidSiren('552081317')).toBe(true);
    expect(isValidSiren('552081318')).toBe(false);
    expect(isValidSiret('35600000000048')).toBe(true);
    expect(isValidSiret('73282932000075')).toBe(false);
  });
});

describe('Receivable', () => {
  const good = invoice({ id: 'odoo:main:move:1' });
  it('accepts an invoice and a credit note', () => {
    expect(ReceivableSchema.parse(good).kind).toBe('invoice');
    expect(ReceivableSchema.parse({ ...good, kind: 'credit_note' }).kind).toBe('credit_note');
  });
  it.each([
    ['open above total', { ...good, open: good.total + 1 }, 'open: open amount cannot exceed the total'],
    ['negative total', { ...good, total: -5 }, 'total: amount must be greater than zero'],
    ['decimal amount', { ...good, open: 10.5 }, 'open: amount must be a whole number of minor units'],
    [
      'due before issue',
      { ...good, issueDate: '2025-04-01', dueDate: '2025-03-01' },
      'dueDate: due date is before the issue date',
    ],
    ['impossible date', { ...good, dueDate: '2025-02-30' }, 'dueDate: "2025-02-30" is not a calendar date'],
    ['unknown kind', { ...good, kind: 'quote' }, 'kind: receivable kind must be "invoice" or "credit_note"'],
    [
      'dispute without reason',
      { ...good, disputed: { reason: '', since: '2025-03-01' } },
      'disputed.reason: a dispute needs a reason',
    ],
    [
      'empty payment plan',
      { ...good, paymentPlan: { agreedOn: '2025-03-01', instalments: [] } },
      'paymentPlan.instalments: a payment plan needs at least one instalment',
    ],
    [
      'relative document URL',
      { ...good, documentUrl: '/web/content/1' },
      'documentUrl: documentUrl must be an absolute URL',
    ],
  ])('rejects %s', (_name, value, message) => {
    expect(rejects(ReceivableSchema, value).join('\n')).toContain(message);
  });
});

describe('Payment', () => {
  const good = {
    id: 'p1',
    source: { system: 'demo', connection: 'demo', id: '1' },
    debtorId: 'd',
    companyId: 'c',
    date: '2025-03-01',
    currency: 'EUR',
    amount: 1000,
    allocations: [{ receivableId: 'r', amount: 600 }],
  };
  it('accepts a payment allocated in part', () => expect(PaymentSchema.parse(good).allocations).toHaveLength(1));
  it.each([
    [
      'over-allocated',
      {
        ...good,
        allocations: [
          { receivableId: 'r', amount: 600 },
          { receivableId: 's', amount: 500 },
        ],
      },
      'allocations: allocations add up to more than the payment amount',
    ],
    ['zero amount', { ...good, amount: 0 }, 'amount: amount must be greater than zero'],
    ['no date', { ...good, date: undefined }, 'date: date must be a string written YYYY-MM-DD'],
  ])('rejects %s', (_name, value, message) => {
    expect(rejects(PaymentSchema, value).join('\n')).toContain(message);
  });
});

describe('Case', () => {
  const good = caseOf(debtor());
  it('accepts a case and derives a stable id from debtor × company × currency', () => {
    expect(CaseSchema.parse(good).id).toBe(caseIdOf('demo:partner:1', 'demo:company:1', 'EUR'));
    expect(caseIdOf('a', 'b', 'EUR')).not.toBe(caseIdOf('a', 'b', 'USD'));
    expect(caseIdOf('a', 'b', 'EUR')).toBe(caseIdOf('a', 'b', 'EUR'));
  });
  it('gives the same case id whether it remembers it or hashes it again, after 10,000 other cases', () => {
    // The first 24 hex digits of SHA-256("a\0b\0EUR"): stored case ids depend on this never changing.
    expect(caseIdOf('a', 'b', 'EUR')).toBe('case_c92ea2db8ebf84a786fafc7d');
    for (let i = 0; i < 10_001; i++) caseIdOf(`debtor-${i}`, 'b', 'EUR');
    expect(caseIdOf('a', 'b', 'EUR')).toBe('case_c92ea2db8ebf84a786fafc7d');
  });
  it.each([
    ['unknown stage', { ...good, stage: 'limbo' }, 'stage'],
    [
      'timestamp without zone',
      { ...good, openedAt: '2025-03-01 09:30' },
      'openedAt: timestamp must be ISO 8601 with a time zone',
    ],
    ['manual pause without reason', { ...good, manualPause: { reason: '', until: null } }, 'manualPause.reason'],
  ])('rejects %s', (_name, value, message) => {
    expect(rejects(CaseSchema, value).join('\n')).toContain(message);
  });
});

describe('CaseJournalEntry', () => {
  const good = {
    caseId: 'case_1',
    at: t,
    actor: { kind: 'system', id: 'policy' },
    type: 'decision',
    summary: 'reminder-1 decided',
    data: {},
  };
  it('accepts an entry', () => expect(CaseJournalEntrySchema.parse(good).type).toBe('decision'));
  it.each([
    ['unknown type', { ...good, type: 'gossip' }, 'type'],
    ['no summary', { ...good, summary: '' }, 'summary: a journal entry needs a human-readable summary'],
    ['unknown actor kind', { ...good, actor: { kind: 'robot', id: 'x' } }, 'actor.kind'],
    ['seq zero', { ...good, seq: 0 }, 'seq'],
  ])('rejects %s', (_name, value, message) => {
    expect(rejects(CaseJournalEntrySchema, value).join('\n')).toContain(message);
  });
});

describe('Action', () => {
  const good = {
    id: 'a',
    idempotencyKey: 'case/step/email',
    caseId: 'case_1',
    decisionId: 'd',
    kind: 'email',
    subject: { type: 'decision', decisionId: 'd' },
    template: 'reminder-1',
    status: 'pending',
    attempts: 0,
    notBefore: t,
    lastError: null,
    createdAt: t,
    updatedAt: t,
  };
  it('accepts an outbox row', () => expect(ActionSchema.parse(good).kind).toBe('email'));
  it.each([
    ['unknown channel', { ...good, kind: 'pigeon' }, 'kind'],
    ['negative attempts', { ...good, attempts: -1 }, 'attempts'],
    ['empty key', { ...good, idempotencyKey: '' }, 'idempotencyKey'],
    ['no subject', { ...good, subject: undefined }, 'subject'],
    ['unknown subject', { ...good, subject: { type: 'decision' } }, 'subject.decisionId'],
    ['a payload smuggled in', { ...good, body: 'Dear customer' }, 'Unrecognized key: "body"'],
  ])('rejects %s', (_name, value, message) => {
    expect(rejects(ActionSchema, value).join('\n')).toContain(message);
  });
});

describe('Dossier', () => {
  const address = { lines: ['1 rue de la Paix'], postalCode: '75002', city: 'Paris', country: 'FR' };
  const merchant = { category: 'merchant', label: 'SAS', source: 'declared' };
  const good = {
    id: 'dos_1',
    caseId: 'case_1',
    createdAt: t,
    asOf: '2025-05-01',
    creditor: { name: 'Recouvra SAS', legalForm: merchant, siren: '552100554', address },
    debtor: { name: 'Dupont SAS', kind: 'company', legalForm: merchant, siren: '732829320', addresses: [address] },
    claim: {
      asOf: '2025-05-01',
      currency: 'EUR',
      rule: 'C. com. L441-10 (between professionals)',
      dayCount: 'actual/365',
      principal: 100000,
      interest: 1500,
      indemnity: 4000,
      total: 105500,
      lines: [
        {
          kind: 'invoice',
          number: 'FAC-1',
          issueDate: '2025-01-01',
          dueDate: '2025-02-01',
          total: 100000,
          principal: 100000,
          interest: 1500,
          indemnity: 4000,
        },
      ],
    },
    recommendedProcedure: 'injonction_de_payer',
    court: { kind: 'tribunal_de_commerce', name: 'Tribunal de commerce de Paris' },
    reasons: ['undisputed commercial claim of a fixed amount (CPC 1405)'],
  };
  it('accepts a dossier', () => expect(DossierSchema.parse(good).claim.total).toBe(105500));
  it.each([
    [
      'total that does not add up',
      { ...good, claim: { ...good.claim, total: 1 } },
      'claim.total: claim total must equal principal + interest + indemnity',
    ],
    [
      'no address',
      { ...good, debtor: { ...good.debtor, addresses: [] } },
      'debtor.addresses: a dossier needs at least one address',
    ],
    ['no reasons', { ...good, reasons: [] }, 'reasons: a recommendation must say why'],
    ['unknown procedure', { ...good, recommendedProcedure: 'duel' }, 'recommendedProcedure'],
    [
      'extra personal data',
      { ...good, debtor: { ...good.debtor, birthDate: '1970-01-01' } },
      'Unrecognized key: "birthDate"',
    ],
    [
      'a phone number',
      { ...good, debtor: { ...good.debtor, phones: ['+33 6 12 34 56 78'] } },
      'Unrecognized key: "phones"',
    ],
    [
      'an internal receivable id',
      { ...good, claim: { ...good.claim, lines: [{ ...good.claim.lines[0], receivableId: 'odoo:move:1' }] } },
      'Unrecognized key: "receivableId"',
    ],
    [
      'a Luhn-invalid SIREN',
      { ...good, debtor: { ...good.debtor, siren: '732829321' } },
      'debtor.siren: SIREN must be 9 digits passing the Luhn checksum',
    ],
    [
      'lines that do not add up',
      { ...good, claim: { ...good.claim, lines: [{ ...good.claim.lines[0], interest: 1 }] } },
      'claim.lines: claim principal, interest and indemnity must be the sums of its lines',
    ],
  ])('rejects %s', (_name, value, message) => {
    expect(rejects(DossierSchema, value).join('\n')).toContain(message);
  });
});

describe('ProcedureEvent', () => {
  const good = {
    id: 'evt_1',
    dossierId: 'dos_1',
    caseId: 'case_1',
    state: 'order_issued',
    sourceState: 'ORDONNANCE_RENDUE',
    occurredAt: t,
    receivedAt: t,
  };
  it('accepts an event, including indeterminate', () => {
    expect(ProcedureEventSchema.parse(good).state).toBe('order_issued');
    expect(ProcedureEventSchema.parse({ ...good, state: 'indeterminate' }).state).toBe('indeterminate');
  });
  it.each([
    ['a state outside the closed set', { ...good, state: 'failed' }, 'state'],
    ['no source label', { ...good, sourceState: '' }, 'sourceState'],
    ['bad document hash', { ...good, documents: [{ name: 'ordonnance.pdf', sha256: 'abc' }] }, 'documents.0.sha256'],
    ['recovered as a float', { ...good, recovered: { amount: 10.5, currency: 'EUR' } }, 'recovered.amount'],
  ])('rejects %s', (_name, value, message) => {
    expect(rejects(ProcedureEventSchema, value).join('\n')).toContain(message);
  });
});
