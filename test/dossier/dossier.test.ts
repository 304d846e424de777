import { buildDossier, claimedReceivables, dossierIdOf, DossierError, type DossierDeps } from '../../connector/dossier';
import { DossierSchema, type Dossier } from '../../connector/model/dossier.schema';
import type { Store } from '../../connector/store/store';
import { fixedClock } from '../../connector/time/clock';
import {
  caseOfDebtor,
  CREDITOR,
  DEBTORS,
  item,
  openStore,
  plain,
  PROOF_BYTES,
  recordEscalation,
  seedWorld,
  sha256,
  type World,
  dossierDeps,
} from './fixtures';
import { AV1, b2bWorld, consumerWorld, FAC1, FAC2 } from './worlds';

const HAND_OFF = '2026-04-20';

describe('the dossier', () => {
  let store: Store;
  beforeEach(async () => (store = await openStore()));
  afterEach(() => store.close());

  const deps = dossierDeps;

  async function handOff(
    world: World,
    asOf = HAND_OFF,
    over: Partial<DossierDeps> = {},
  ): Promise<{ caseId: string; dossier: Dossier; decisionId: string }> {
    const caseId = await seedWorld(store, world);
    const decisionId = await recordEscalation(
      store,
      caseId,
      world.policy,
      asOf,
      world.items.map((r) => r.id),
    );
    return { caseId, decisionId, dossier: await buildDossier(store, caseId, asOf, deps(world, over)) };
  }

  describe('the claim, against hand computations', () => {
    it('between professionals: L441-10 interest by semester across 1 July and 1 January, a partial payment imputed on interest first (C. civ. 1343-1), 40 EUR per invoice', async () => {
      const { dossier } = await handOff(b2bWorld());
      // FAC-2025-0101, 2,000.00 EUR due 2025-06-10, 500.00 EUR paid 2025-09-15, as of 2026-04-20:
      //   2025-06-11..06-30   20 d × 2,000.00 × 13.15 % (ECB 3.15 + 10) / 365 =  14.4110
      //   2025-07-01..09-15   77 d × 2,000.00 × 12.15 % (ECB 2.15 + 10) / 365 =  51.2630
      //     accrued on 2025-09-15: 65.6740 → 65.67; the 500.00 pay 65.67 of interest, 434.33 of principal: base 1,565.67
      //   2025-09-16..12-31  107 d × 1,565.67 × 12.15 % / 365              =  55.7657
      //   2026-01-01..04-20  110 d × 1,565.67 × 12.15 % (2026-H1)  / 365   =  57.3293
      //                                                 interest left = 113.0950 → 113.09; principal 1,565.67
      //   (principal-first would claim 1,500.00 and 174.03: 4.73 EUR less, see below)
      // FAC-2025-0102, 4,500.00 EUR due 2026-01-15: 95 d × 4,500.00 × 12.15 % / 365 = 142.3048 → 142.30
      const [fac1, fac2, credit] = dossier.claim.lines;
      expect(fac1).toMatchObject({
        number: 'FAC-2025-0101',
        total: 200_000,
        ledgerOpen: 150_000,
        principal: 156_567,
        interest: 11_309,
        indemnity: 4_000,
        payments: [{ date: '2025-09-15', amount: 50_000 }],
        imputed: [{ date: '2025-09-15', amount: 50_000, toInterest: 6_567, toPrincipal: 43_433 }],
      });
      expect(fac1!.segments.map((s) => [s.from, s.to, s.days, s.ratePercent, s.base])).toEqual([
        ['2025-06-11', '2025-06-30', 20, '13.15', 200_000],
        ['2025-07-01', '2025-09-15', 77, '12.15', 200_000],
        ['2025-09-16', '2025-12-31', 107, '12.15', 156_567],
        ['2026-01-01', '2026-04-20', 110, '12.15', 156_567],
      ]);
      expect(fac2).toMatchObject({
        number: 'FAC-2025-0102',
        ledgerOpen: 450_000,
        principal: 450_000,
        interest: 14_230,
        indemnity: 4_000,
        imputed: [],
      });
      expect(credit).toMatchObject({
        kind: 'credit_note',
        number: 'AV-2026-0001',
        principal: -20_000,
        interest: 0,
        indemnity: 0,
      });
      expect(credit).not.toHaveProperty('ledgerOpen');
      expect(dossier.claim).toMatchObject({
        asOf: HAND_OFF,
        currency: 'EUR',
        rule: 'C. com. L441-10 (between professionals)',
        imputation: 'interest-first',
        principal: 586_567,
        interest: 25_539,
        indemnity: 8_000,
        total: 620_106,
      });
      // The firm reads why the principal is above what the ledger shows.
      expect(dossier.claim.warnings.map(plain)).toContain(
        "FAC-2025-0101 : la comptabilité indique 1 500,00 € restant dû, la créance 1 565,67 € en principal : 65,67 € sur les 500,00 € payés le 15/09/2025 ont d'abord été imputés sur les intérêts alors échus (C. civ. 1343-1), de sorte qu'autant du prix reste dû ; paramétrer legal.imputation: principal-first pour ne réclamer que le montant indiqué en comptabilité",
      );
    });

    it('principal-first (legal.imputation) claims what the ledger shows, and says nothing of 1343-1', async () => {
      const { dossier } = await handOff(b2bWorld(), HAND_OFF, { imputation: 'principal-first' });
      // FAC-2025-0101: 14.4110 + 51.2630 + 107 d and 110 d on 1,500.00 (53.4267 + 54.9247) = 174.0253 → 174.03
      expect(dossier.claim.lines[0]).toMatchObject({
        ledgerOpen: 150_000,
        principal: 150_000,
        interest: 17_403,
        imputed: [],
      });
      expect(dossier.claim).toMatchObject({
        imputation: 'principal-first',
        principal: 580_000,
        interest: 31_633,
        indemnity: 8_000,
        total: 619_633,
      });
      expect(dossier.claim.warnings.some((w) => w.includes('1343-1'))).toBe(false);
    });

    it('a credit note the ledger ties to a claimed invoice comes off its interest base from its date', async () => {
      const { dossier } = await handOff(b2bWorld({ items: [FAC1, FAC2, { ...AV1, creditOf: FAC2.id }] }));
      // AV-2026-0001, 200.00 EUR of 2026-01-20, credits FAC-2025-0102 (4,500.00 EUR due 2026-01-15):
      //   2026-01-16..01-20    5 d × 4,500.00 × 12.15 % / 365 =   7.4897
      //   2026-01-21..04-20   90 d × 4,300.00 × 12.15 % / 365 = 128.8233
      //                                                  sum = 136.3130 → 136.31 (not 142.30: 5.99 EUR less)
      const [fac1, fac2, credit] = dossier.claim.lines;
      expect(fac1).toMatchObject({ interest: 11_309 });
      expect(fac2).toMatchObject({ number: 'FAC-2025-0102', principal: 430_000, interest: 13_631, indemnity: 4_000 });
      expect(credit).toMatchObject({ kind: 'credit_note', number: 'AV-2026-0001', principal: 0 });
      expect(dossier.claim).toMatchObject({ principal: 586_567, interest: 24_940, indemnity: 8_000, total: 619_507 });
    });

    it('consumer: legal interest ("autres cas") from the receipt of the formal notice, across 1 January, no indemnity', async () => {
      const { dossier } = await handOff(consumerWorld(120_000), '2026-02-20');
      // 1,200.00 EUR; formal notice received 2025-12-18 (acknowledgement), as of 2026-02-20:
      //   2025-12-19..12-31  13 d × 1,200.00 × 2.76 % / 365 = 1.1796
      //   2026-01-01..02-20  51 d × 1,200.00 × 2.62 % / 365 = 4.3929
      //                                               sum = 5.5725 → 5.57
      const [line] = dossier.claim.lines;
      expect(line!.segments.map((s) => [s.from, s.to, s.days, s.ratePercent, s.rateKind])).toEqual([
        ['2025-12-19', '2025-12-31', 13, '2.76', 'legal-rate-other'],
        ['2026-01-01', '2026-02-20', 51, '2.62', 'legal-rate-other'],
      ]);
      expect(dossier.claim).toMatchObject({ principal: 120_000, interest: 557, indemnity: 0, total: 120_557 });
    });

    it('says when the recorded payments do not explain the open amount, and computes on what is open', async () => {
      const w = b2bWorld({ payments: [] });
      const { dossier } = await handOff({
        ...w,
        items: w.items.map((r) => (r.number === 'FAC-2025-0102' ? { ...r, open: 400_000 } : r)),
      });
      expect(dossier.claim.lines[1]).toMatchObject({ total: 450_000, principal: 400_000, payments: [] });
      expect(dossier.claim.warnings.map(plain)).toContain(
        "FAC-2025-0102 : les paiements enregistrés (0,00 €) n'expliquent pas le montant restant dû (4 000,00 € sur 4 500,00 €) : les intérêts sont calculés sur le montant restant dû à compter de l'échéance",
      );
    });
  });

  describe('identity', () => {
    it('a Luhn-invalid SIREN of the debtor is refused, naming the number', async () => {
      const world = b2bWorld({ debtor: { ...DEBTORS.merchant, registration: { siren: '552100555' } } });
      const error = await handOff(world).then(
        () => undefined,
        (e: unknown) => e as DossierError,
      );
      expect(error).toBeInstanceOf(DossierError);
      expect(error!.code).toBe('INVALID_IDENTIFIER');
      expect(error!.problems).toEqual(['SIREN "552100555" is not 9 digits passing the Luhn checksum']);
    });

    it("a SIRET that is not the SIREN's, or a bad creditor SIREN, is refused too", async () => {
      const bad = await handOff(
        b2bWorld({ debtor: { ...DEBTORS.merchant, registration: { siren: '552100554', siret: '73282932000074' } } }),
      ).catch((e: unknown) => e);
      expect((bad as DossierError).problems).toEqual([
        'SIRET "73282932000074" does not start with the SIREN "552100554"',
      ]);
      await store.close();
      store = await openStore();
      const creditor = await handOff(b2bWorld(), HAND_OFF, { creditor: { ...CREDITOR, siren: '732829321' } }).catch(
        (e: unknown) => e,
      );
      expect(creditor).toMatchObject({
        code: 'INVALID_IDENTIFIER',
        problems: ['SIREN "732829321" is not 9 digits passing the Luhn checksum'],
      });
    });

    it('carries the registered office, the legal form and the identifiers; a company without SIREN is flagged', async () => {
      const { dossier } = await handOff(b2bWorld());
      expect(dossier.debtor).toEqual({
        name: 'Garage Lemoine SARL',
        kind: 'company',
        legalForm: { category: 'merchant', label: 'SARL', source: 'name' },
        siren: '552100554',
        siret: '55210055400013',
        addresses: [
          {
            kind: 'registered_office',
            lines: ['4 quai de la Fosse'],
            postalCode: '44000',
            city: 'Nantes',
            country: 'FR',
          },
        ],
        emails: ['compta@lemoine.example'],
      });
      expect(dossier.creditor).toMatchObject({
        name: 'Recouvra Demo SAS',
        siren: '732829320',
        legalForm: { category: 'merchant' },
      });
      await store.close();
      store = await openStore();
      const noSiren = await handOff(b2bWorld({ debtor: { ...DEBTORS.merchant, registration: {} } }));
      expect(noSiren.dossier.warnings).toContain(
        "le débiteur n'a ni SIREN ni SIRET en comptabilité : l'identifier au registre (recherche-entreprises.api.gouv.fr) avant toute saisine",
      );
    });
  });

  describe('evidence', () => {
    it('lists the reminders and the formal notice in journal order, with channel, date and template; calls by outcome only', async () => {
      const world = b2bWorld({
        operations: [
          (ops) =>
            ops.recordCallResult(
              'act-phone-call-phone_task',
              'claire.martin',
              { outcome: 'no_answer', note: 'left a message with his daughter' },
              new Date('2026-02-06T14:00:00Z'),
            ),
        ],
      });
      const { dossier } = await handOff(world);
      expect(dossier.evidence.messages.map((m) => [m.on, m.step, m.channel, m.template])).toEqual([
        ['2026-01-20', 'reminder', 'email', 'reminder-1'],
        ['2026-01-30', 'reminder', 'email', 'reminder-2'],
        ['2026-01-30', 'reminder', 'sms', 'reminder-2'],
        ['2026-03-25', 'formal_notice', 'registered_letter', 'formal-notice'],
        ['2026-03-25', 'formal_notice', 'email', 'formal-notice'],
      ]);
      const seqs = dossier.evidence.messages.map((m) => m.journalSeq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(dossier.evidence.messages[3]).toMatchObject({
        deliveryStatus: 'delivered',
        trackingNumber: expect.any(String),
      });
      expect(dossier.evidence.messages[0]).toMatchObject({
        messageId: expect.stringMatching(/^<[0-9a-f]{32}@recouvra\.example>$/),
        summary: 'e-mail "reminder-1" sent to 1 recipient(s)',
      });
      expect(dossier.evidence.calls).toEqual([
        { journalSeq: expect.any(Number), on: '2026-02-06', outcome: 'no_answer' },
      ]);
      expect(JSON.stringify(dossier)).not.toContain('his daughter');
    });

    it('references the proofs of delivery by the sha256 of the stored bytes, with the notice’s dates', async () => {
      const { dossier } = await handOff(b2bWorld());
      const ack = 'proof:act-formal-notice-registered_letter:acknowledgement_of_receipt';
      const stored = await store.deliveries.getDocument(ack);
      expect(stored!.sha256).toBe(sha256(PROOF_BYTES.ack));
      expect(dossier.evidence.formalNotice).toEqual({
        stepId: 'formal-notice',
        sentOn: '2026-03-25',
        channels: ['registered_letter', 'email'],
        receivedOn: '2026-04-03',
        startsOn: '2026-04-03',
        startBasis: 'acknowledgement_of_receipt',
        deadlineDays: 8,
        deadlineEndsOn: '2026-04-11',
        proofs: [
          {
            documentRef: ack,
            kind: 'acknowledgement_of_receipt',
            sha256: sha256(PROOF_BYTES.ack),
            provenAt: '2026-04-03T09:15:00.000Z',
          },
          {
            documentRef: 'proof:act-formal-notice-registered_letter:deposit_proof',
            kind: 'deposit_proof',
            sha256: sha256(PROOF_BYTES.deposit),
            provenAt: '2026-03-25T16:00:00.000Z',
          },
        ],
      });
      expect(dossier.documents.filter((d) => d.kind === 'proof_of_delivery').map((d) => [d.ref, d.sha256])).toEqual([
        [ack, sha256(PROOF_BYTES.ack)],
        ['proof:act-formal-notice-registered_letter:deposit_proof', sha256(PROOF_BYTES.deposit)],
      ]);
      // The invoice PDF the ledger holds is a slot: the performer fetches and hashes it.
      expect(dossier.documents[0]).toEqual({
        ref: 'invoice:FAC-2025-0101',
        kind: 'invoice',
        name: 'invoice-FAC-2025-0101.pdf',
        mediaType: 'application/pdf',
        sha256: null,
        provenAt: null,
      });
      expect(dossier.claim.lines.map((l) => l.documentRef)).toEqual(['invoice:FAC-2025-0101', null, null]);
      expect(new Set(dossier.documents.map((d) => d.name)).size).toBe(dossier.documents.length);
    });

    it('disputes and promises with their outcome', async () => {
      const world = b2bWorld({
        operations: [
          (ops) =>
            ops.promiseToPay(
              { receivableId: 'odoo:move:101' },
              'claire.martin',
              { date: '2026-02-20', amount: 50_000 },
              new Date('2026-02-10T10:00:00Z'),
            ),
          (ops) =>
            ops.markItem(
              'odoo:move:102',
              'claire.martin',
              { disputed: { reason: 'late delivery' } },
              new Date('2026-02-12T10:00:00Z'),
            ),
          (ops) => ops.markItem('odoo:move:102', 'claire.martin', { disputed: null }, new Date('2026-03-01T10:00:00Z')),
        ],
      });
      const { dossier } = await handOff(world);
      expect(dossier.evidence.promises).toEqual([
        {
          recordedOn: '2026-02-10',
          promisedFor: '2026-02-20',
          amount: 50_000,
          invoiceNumbers: ['FAC-2025-0101'],
          outcome: 'broken',
        },
      ]);
      expect(dossier.evidence.disputes).toEqual([
        {
          invoiceNumber: 'FAC-2025-0102',
          since: '2026-02-12',
          reason: 'late delivery',
          outcome: 'lifted',
          liftedOn: '2026-03-01',
        },
      ]);
    });
  });

  it('sends only what the procedure needs: no phone, no internal ids, no other case, one address', async () => {
    const other = item(DEBTORS.merchant, 'odoo:move:900', {
      number: 'FAC-USD-0900',
      currency: 'USD',
      dueDate: '2026-01-10',
      total: 99_900,
      open: 99_900,
    });
    const world = b2bWorld();
    const caseId = await seedWorld(store, { ...world, items: [...world.items, other] });
    expect(caseOfDebtor(DEBTORS.merchant, 'USD')).not.toBe(caseId);
    await recordEscalation(
      store,
      caseId,
      world.policy,
      HAND_OFF,
      world.items.map((r) => r.id),
    );
    const dossier = await buildDossier(store, caseId, HAND_OFF, deps(world));
    const text = JSON.stringify(dossier);
    for (const absent of [
      '+33 6 12 34 56 78',
      'phones',
      'odoo:partner:7',
      'odoo:move:',
      'odoo-main',
      'demo:company',
      'receivableId',
      'Service comptable',
      'FAC-USD-0900',
      'actionId',
      'act-formal-notice-email',
      'dec-',
    ]) {
      expect(text).not.toContain(absent);
    }
    expect(Object.keys(dossier.debtor).sort()).toEqual([
      'addresses',
      'emails',
      'kind',
      'legalForm',
      'name',
      'siren',
      'siret',
    ]);
    // The schema itself refuses a phone number smuggled in.
    expect(
      DossierSchema.safeParse({ ...dossier, debtor: { ...dossier.debtor, phones: ['+33 6 12 34 56 78'] } }).success,
    ).toBe(false);
  });

  it('the receivables it claims are found again by kind and number (it carries no internal id)', async () => {
    const { caseId, dossier } = await handOff(b2bWorld());
    const stored = JSON.parse(JSON.stringify(dossier)) as Record<string, unknown>;
    expect((await claimedReceivables(store, caseId, stored)).map((r) => r.id).sort()).toEqual([
      'odoo:move:101',
      'odoo:move:102',
      'odoo:move:103',
    ]);
  });

  it('its id is derived from the case and the escalation decision; its dates from the hand-off date and the clock', async () => {
    const world = b2bWorld();
    const { caseId, decisionId, dossier } = await handOff(world);
    expect(dossier.id).toBe(dossierIdOf(caseId, decisionId));
    expect(dossier.id).toMatch(/^dos_[0-9a-f]{24}$/);
    expect(dossier.createdAt).toBe('2026-04-20T10:00:00.000Z');
    const later = await buildDossier(
      store,
      caseId,
      '2026-04-22',
      deps(world, { clock: fixedClock('2026-04-22T08:00:00Z') }),
    );
    expect(later.id).toBe(dossier.id);
    expect(later.createdAt).toBe('2026-04-22T08:00:00.000Z');
    expect(later.claim.asOf).toBe('2026-04-22');
    expect(later.claim.interest).toBeGreaterThan(dossier.claim.interest);
    expect(dossierIdOf(caseId, 'dec-escalation-2026-05-01')).not.toBe(dossier.id);
  });

  it('is refused without an escalation decision, and when the gate fails at hand-off', async () => {
    const world = b2bWorld();
    const caseId = await seedWorld(store, world);
    await expect(buildDossier(store, caseId, HAND_OFF, deps(world))).rejects.toMatchObject({
      code: 'NO_ESCALATION_DECISION',
    });
    await recordEscalation(
      store,
      caseId,
      world.policy,
      HAND_OFF,
      world.items.map((r) => r.id),
    );
    // Paid in part after the decision: the file no longer goes.
    await store.sync.upsertPayments([
      {
        id: 'odoo:payment:77',
        source: { system: 'odoo', connection: 'odoo-main', id: '77' },
        debtorId: DEBTORS.merchant.id,
        companyId: 'demo:company:1',
        date: '2026-04-21',
        currency: 'EUR',
        amount: 10_000,
        allocations: [{ receivableId: 'odoo:move:102', amount: 10_000 }],
      },
    ]);
    const error = await buildDossier(store, caseId, '2026-04-22', deps(world)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ESCALATION_GATE_FAILED' });
    expect((error as DossierError).problems.map(plain)).toEqual([
      'unanswered: le débiteur a répondu à la mise en demeure envoyée le 25/03/2026 : paiement de 100,00 € le 21/04/2026 (FAC-2025-0102)',
    ]);
  });

  it('a company without a registered office in the ledger is served at its billing address, flagged', async () => {
    const d = { ...DEBTORS.merchant, addresses: [DEBTORS.merchant.addresses[0]!] };
    const { dossier } = await handOff(b2bWorld({ debtor: d }));
    expect(dossier.debtor.addresses).toEqual([d.addresses[0]]);
    expect(dossier.warnings).toContain(
      "aucune adresse de siège social en comptabilité : l'adresse de facturation est indiquée ; vérifier le siège social au registre, la compétence territoriale du tribunal en dépend",
    );
  });
});
