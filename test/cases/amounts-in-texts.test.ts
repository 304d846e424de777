import { CaseOperations } from '../../connector/cases';
import { formatMoney } from '../../connector/model/money.schema';
import { approvalActivity, phoneCallActivity, stageNoteText } from '../../connector/outbox/ledger-texts';
import { decide } from '../../connector/policy/decide';
import { evaluate } from '../../connector/policy/evaluate';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { CASE_ID, CONTEXT, handClock, POLICY, R1, seed, snapshotOf, TIME_ZONE } from './case-fixtures';

/** Journal lines, reasons and ledger texts carry amounts as the company's locale writes them, with the case reference a controller can type. */

const de = (minor: number) => formatMoney(minor, 'EUR', 'de-DE');
const MINOR_UNITS = /\b\d{3,} EUR\b|minor units/;

describe('amounts written in the company locale', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    await seed(store);
  });
  afterEach(() => store.close());

  it("a decision's journal line says the net open amount in the locale of the evaluation context", async () => {
    await decide(store, await snapshotOf(store), POLICY, '2025-03-15', new Date('2025-03-15T12:00:00.000Z'), {
      ...CONTEXT,
      locale: 'de-DE',
    });
    const line = (await store.cases.readJournal(CASE_ID)).find((e) => e.type === 'decision')!;
    // R1 1,000.00 + R2 500.00 − the credit note 100.00.
    expect(line.summary).toBe(`reminder-1 decided (reminder by email) covering 2 item(s), net open ${de(140_000)}`);
    expect(line.data['amounts']).toMatchObject({ open: 140_000 });
  });

  it('reasons with amounts (a minimum balance) are in the locale; fr-FR without one', () => {
    const snapshot = {
      case: {
        id: CASE_ID,
        debtorId: R1.debtorId,
        companyId: R1.companyId,
        currency: 'EUR',
        stage: 'open' as const,
        policyId: null,
        lastStep: null,
        lastContactOn: null,
        manualPause: null,
        pendingApproval: null,
        openedAt: '2025-03-01T00:00:00.000Z',
        updatedAt: '2025-03-01T00:00:00.000Z',
      },
      debtor: {
        id: R1.debtorId,
        source: { system: 'odoo', connection: 'odoo-main', id: '7' },
        name: 'x',
        kind: 'company' as const,
        registration: {},
        addresses: [],
        emails: [],
        phones: [],
        language: 'fr',
        flags: { doNotContact: false, insolvency: null },
      },
      items: [R1],
    };
    const policy = { ...POLICY, minimumBalance: { EUR: 200_000 } };
    const reason = (locale?: string) =>
      evaluate(snapshot, policy, '2025-03-20', { ...CONTEXT, ...(locale ? { locale } : {}) }).reasons.find(
        (r) => r.code === 'BELOW_MINIMUM_BALANCE',
      )?.message;
    expect(reason('de-DE')).toBe(`net open amount ${de(100_000)} is below the policy minimum ${de(200_000)}`);
    expect(reason()).toBe(
      `net open amount ${formatMoney(100_000, 'EUR', 'fr-FR')} is below the policy minimum ${formatMoney(200_000, 'EUR', 'fr-FR')}`,
    );
    expect(reason()).not.toMatch(MINOR_UNITS);
  });

  it("a controller's promise and its refusal are in the locale given to the operations", async () => {
    const ops = new CaseOperations({
      store,
      clock: handClock('2025-03-24T09:00:00.000Z'),
      timeZone: TIME_ZONE,
      locale: 'de-DE',
    });
    await expect(
      ops.promiseToPay({ caseId: CASE_ID }, 'claire', { date: '2025-04-05', amount: 150_001 }),
    ).rejects.toThrow(`${de(150_001)} promised is more than the ${de(150_000)} open`);
    await ops.promiseToPay({ caseId: CASE_ID }, 'claire', { date: '2025-04-05', amount: 120_000 });
    const line = (await store.cases.readJournal(CASE_ID)).at(-1)!;
    expect(line.summary).toBe(`promise to pay ${de(120_000)} by 2025-04-05, recorded by claire`);
  });

  it('the notes and tasks written in the ledger carry the case reference and amounts in the locale', () => {
    const amounts = { currency: 'EUR', open: 4_248_900, overdue: 42_489, credit: 0 };
    const step = { id: 'reminder-1', kind: 'reminder' as const, channels: ['email' as const] };
    const note = stageNoteText({ step, asOf: '2025-03-15', amounts, itemCount: 2, locale: 'fr-FR', caseRef: CASE_ID });
    expect(note).toContain(
      `${formatMoney(4_248_900, 'EUR', 'fr-FR')} ouverts, dont ${formatMoney(42_489, 'EUR', 'fr-FR')} échus`,
    );
    expect(note.split('\n').at(-1)).toBe(`Réf. Recouvra : ${CASE_ID}`);
    const call = phoneCallActivity({
      asOf: '2025-03-15',
      amounts,
      debtorName: 'Garage Lemoine SARL',
      phones: [],
      locale: 'fr-FR',
      caseRef: CASE_ID,
    });
    expect(call.text).toContain(`Réf. Recouvra : ${CASE_ID}`);
    expect(approvalActivity({ step, asOf: '2025-03-15', amounts, debtorName: 'x', caseRef: CASE_ID }).text).toContain(
      `Réf. Recouvra : ${CASE_ID}`,
    );
    for (const text of [note, call.text]) expect(text).not.toMatch(MINOR_UNITS);
  });
});
