import { loadFrenchLegalData, prescriptionOf, prescriptionWarnings } from '../../connector/claim';

const legal = loadFrenchLegalData();

describe('prescriptionOf', () => {
  test('between professionals: 5 years (L110-4) from the issue date when no completion date is known', () => {
    // issued 2020-03-10, due 2020-04-10: start = min(2020-03-10, 2020-04-10) = 2020-03-10; + 5 years = 2025-03-10.
    // as-of 2025-01-01 → 31 + 28 + 9 = 68 days left.
    const p = prescriptionOf(
      { issueDate: '2020-03-10', dueDate: '2020-04-10', payments: [] },
      'company',
      'company',
      '2025-01-01',
      legal,
    );
    expect(p).toMatchObject({
      startsOn: '2020-03-10',
      prescribesOn: '2025-03-10',
      prescribed: false,
      daysLeft: 68,
      years: 5,
      article: 'C. com. L110-4',
      startFromIssueDate: true,
    });
  });

  test('professional → consumer: 2 years (L218-2); the last day is still open, the next one is not', () => {
    // completion 2023-04-20 before the due date 2023-06-01: start 2023-04-20, + 2 years = 2025-04-20.
    const item = { issueDate: '2023-05-02', dueDate: '2023-06-01', completionDate: '2023-04-20', payments: [] };
    expect(prescriptionOf(item, 'individual', 'company', '2025-04-20', legal)).toMatchObject({
      startsOn: '2023-04-20',
      prescribesOn: '2025-04-20',
      prescribed: false,
      daysLeft: 0,
      article: 'C. conso L218-2',
    });
    expect(prescriptionOf(item, 'individual', 'company', '2025-04-21', legal)).toMatchObject({
      prescribed: true,
      daysLeft: -1,
    });
  });

  test('the earlier of completion and due date starts the period (conservative)', () => {
    // completion 2023-07-15 is after the due date 2023-06-01: the due date starts it → 2025-06-01.
    const p = prescriptionOf(
      { issueDate: '2023-05-02', dueDate: '2023-06-01', completionDate: '2023-07-15', payments: [] },
      'individual',
      'company',
      '2024-01-01',
      legal,
    );
    expect(p).toMatchObject({ startsOn: '2023-06-01', prescribesOn: '2025-06-01', startFromIssueDate: false });
  });

  test('the last partial payment on or before as-of restarts the period (C. civ. 2240)', () => {
    // B2C: payments 2024-02-01 and 2024-09-10 (a later one, 2025-02-01, is after as-of and ignored):
    // start 2024-09-10, + 2 years = 2026-09-10.
    const p = prescriptionOf(
      {
        issueDate: '2023-05-02',
        dueDate: '2023-06-01',
        payments: [{ date: '2024-09-10' }, { date: '2024-02-01' }, { date: '2025-02-01' }],
      },
      'individual',
      'company',
      '2025-01-01',
      legal,
    );
    expect(p).toMatchObject({
      startsOn: '2024-09-10',
      prescribesOn: '2026-09-10',
      restartedBy: '2024-09-10',
      prescribed: false,
    });
  });

  test('a private-individual creditor falls under the civil rule (C. civ. 2224, 5 years); 29 February ends on 28 February', () => {
    const p = prescriptionOf(
      { issueDate: '2024-02-29', dueDate: '2024-03-31', payments: [] },
      'company',
      'individual',
      '2025-01-01',
      legal,
    );
    expect(p).toMatchObject({ startsOn: '2024-02-29', prescribesOn: '2029-02-28', years: 5, article: 'C. civ. 2224' });
  });
});

describe('prescriptionWarnings', () => {
  const item = { id: 'F9', issueDate: '2020-03-10', dueDate: '2020-04-10', payments: [] };

  test('warns when the claim prescribes within the warning window (default 90 days)', () => {
    const warnings = prescriptionWarnings(item, 'company', 'company', '2025-01-01', legal);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^F9 : la créance se prescrit à l'issue du 10\/03\/2025, dans 68 jours \(5 ans, C\. com\. L110-4, à compter du 10\/03\/2020\)/,
    );
    expect(warnings[0]).toContain(
      "faute de date d'achèvement de la prestation, le délai a été compté à partir de la date d'émission de la facture, le 10/03/2020",
    );
    expect(warnings[0]).toContain(
      'par une demande en justice ou une injonction de payer signifiée au débiteur (C. civ. 2241)',
    );
    expect(warnings[0]).toMatch(
      /une mise en demeure n'interrompt pas la prescription \(Cass\. com\., 18 mai 2022, n° 20-23\.204\)$/,
    );
  });

  test('the window is configurable', () => {
    expect(prescriptionWarnings(item, 'company', 'company', '2025-01-01', legal, 30)).toEqual([]);
    expect(prescriptionWarnings(item, 'company', 'company', '2025-01-01', legal, 68)).toHaveLength(1);
    expect(prescriptionWarnings(item, 'company', 'company', '2025-01-01', legal, 67)).toEqual([]);
  });

  test('a prescribed claim gets its own warning', () => {
    const warnings = prescriptionWarnings(item, 'company', 'company', '2025-03-11', legal);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^F9 : la créance s'est prescrite à l'issue du 10\/03\/2025 \(5 ans, C\. com\. L110-4, à compter du 10\/03\/2020\).*: elle ne peut plus être poursuivie en justice/,
      ),
    ]);
  });

  test('on its last day, and after a partial payment that restarted the period (C. civ. 2240)', () => {
    expect(prescriptionWarnings(item, 'company', 'company', '2025-03-10', legal)).toEqual([
      expect.stringMatching(/^F9 : la créance se prescrit à l'issue du 10\/03\/2025, c'est-à-dire ce jour \(/),
    ]);
    const paid = { ...item, completionDate: '2020-03-01', payments: [{ date: '2021-02-15' }] };
    const [warning] = prescriptionWarnings(paid, 'company', 'company', '2026-01-15', legal);
    expect(warning).toMatch(
      /^F9 : la créance se prescrit à l'issue du 15\/02\/2026, dans 31 jours \(5 ans, C\. com\. L110-4, à compter du 15\/02\/2021, date du dernier paiement partiel, qui vaut reconnaissance de la dette, C\. civ\. 2240\) : /,
    );
    expect(warning).not.toContain("date d'émission");
  });

  test('no warning far from the end of the period', () => {
    expect(prescriptionWarnings(item, 'company', 'company', '2021-01-01', legal)).toEqual([]);
  });
});
