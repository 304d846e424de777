import { parseClaimInput } from '../../connector/claim';

const SAMPLE = {
  creditor: { kind: 'company' },
  debtor: { kind: 'company' },
  currency: 'EUR',
  contractualRatePercent: null,
  formalNoticeDate: null,
  invoices: [
    {
      id: 'F1',
      kind: 'invoice',
      total: 120000,
      issueDate: '2025-01-10',
      dueDate: '2025-02-10',
      payments: [{ date: '2025-03-01', amount: 20000 }],
    },
  ],
};

type Sample = typeof SAMPLE & Record<string, unknown>;

function withInvoice(patch: Record<string, unknown>, index = 0): Sample {
  const copy = structuredClone(SAMPLE) as Sample;
  copy.invoices[index] = { ...copy.invoices[0]!, ...patch };
  return copy;
}

function problems(raw: unknown): string[] {
  const r = parseClaimInput(raw);
  if (r.success) throw new Error('expected the input to be refused');
  return r.problems;
}

describe('claim input schema', () => {
  test('accepts the documented sample', () => {
    const r = parseClaimInput(SAMPLE);
    expect(r.success).toBe(true);
    if (r.success) expect(r.data.invoices[0]!.payments).toEqual([{ date: '2025-03-01', amount: 20000 }]);
  });

  test('accepts a contractual rate with two decimals and an optional completion date', () => {
    const raw = { ...withInvoice({ completionDate: '2025-01-05' }), contractualRatePercent: 12.15 };
    expect(parseClaimInput(raw).success).toBe(true);
  });

  test('refuses unknown keys, at any level', () => {
    const raw = { ...withInvoice({ vat: 200 }), note: 'x' };
    expect(problems(raw)).toEqual(
      expect.arrayContaining(['(top level): unknown key "note"', 'invoices[0]: unknown key "vat"']),
    );
  });

  test('refuses decimal and negative amounts', () => {
    expect(problems(withInvoice({ total: 1200.5 }))).toEqual([
      expect.stringMatching(/^invoices\[0\]\.total: amount must be a whole number of minor units/),
    ]);
    expect(problems(withInvoice({ total: -100 }))).toEqual(['invoices[0].total: amount must be greater than zero']);
    expect(problems(withInvoice({ payments: [{ date: '2025-03-01', amount: -5 }] }))).toEqual([
      'invoices[0].payments[0].amount: amount must be greater than zero',
    ]);
  });

  test('refuses payments that add up to more than the total', () => {
    const raw = withInvoice({
      payments: [
        { date: '2025-03-01', amount: 100000 },
        { date: '2025-03-05', amount: 20001 },
      ],
    });
    expect(problems(raw)).toEqual([
      'invoices[0].payments: payments add up to 120001, more than the total 120000 (minor units)',
    ]);
  });

  test('refuses dates that do not exist and a due date before the issue date', () => {
    expect(problems(withInvoice({ issueDate: '2025-02-30' }))).toEqual([
      'invoices[0].issueDate: "2025-02-30" is not a calendar date written YYYY-MM-DD',
    ]);
    expect(problems(withInvoice({ dueDate: '2025-01-09' }))).toEqual([
      'invoices[0].dueDate: due date 2025-01-09 is before the issue date 2025-01-10',
    ]);
    expect(problems({ ...SAMPLE, formalNoticeDate: '01/03/2025' })).toEqual([
      'formalNoticeDate: "01/03/2025" is not a calendar date written YYYY-MM-DD',
    ]);
  });

  test('refuses duplicate invoice ids', () => {
    const raw = structuredClone(SAMPLE) as Sample;
    raw.invoices.push({ ...raw.invoices[0]! });
    expect(problems(raw)).toEqual(['invoices[1].id: duplicate invoice id "F1" (already used by invoices[0])']);
  });

  test('reports every problem at once, cross-field ones included', () => {
    const raw = structuredClone(SAMPLE) as Sample;
    raw.invoices.push({ ...raw.invoices[0]!, issueDate: 'soon' });
    raw.invoices.push({ ...raw.invoices[0]!, id: 'F3', dueDate: '2024-12-31' });
    (raw as Record<string, unknown>).currency = 'EURO';
    expect(problems(raw)).toEqual(
      expect.arrayContaining([
        'currency: currency must be an ISO 4217 code in capitals, e.g. "EUR"',
        'invoices[1].issueDate: "soon" is not a calendar date written YYYY-MM-DD',
        'invoices[1].id: duplicate invoice id "F1" (already used by invoices[0])',
        'invoices[2].dueDate: due date 2024-12-31 is before the issue date 2025-01-10',
      ]),
    );
  });

  test('refuses bad kinds, bad rates and an empty invoice list', () => {
    expect(problems({ ...SAMPLE, debtor: { kind: 'consumer' } })).toEqual([
      'debtor.kind: kind must be "company" or "individual"',
    ]);
    expect(problems(withInvoice({ kind: 'quote' }))).toEqual([
      'invoices[0].kind: receivable kind must be "invoice" or "credit_note"',
    ]);
    expect(problems({ ...SAMPLE, contractualRatePercent: 12.155 })).toEqual([
      expect.stringMatching(/^contractualRatePercent: .*at most two decimals/),
    ]);
    expect(problems({ ...SAMPLE, contractualRatePercent: '12' })).toEqual([
      expect.stringMatching(/^contractualRatePercent: contractualRatePercent must be a number/),
    ]);
    expect(problems({ ...SAMPLE, invoices: [] })).toEqual([
      'invoices: invoices must list at least one invoice or credit note',
    ]);
  });

  test('names a missing party', () => {
    const { creditor: _omit, ...rest } = SAMPLE;
    expect(problems(rest)).toEqual(['creditor: is required, e.g. {"kind":"company"}']);
  });
});
