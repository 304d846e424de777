/**
 * The dossier handed to the law firm: creditor and debtor identity, the claim computed under
 * French law as of the hand-off date, the documents and the evidence, and the recommended
 * procedure with its court, reasons and deadlines. Pure data, JSON-ready: the transport is the
 * partner adapter's job, and the bytes of the documents are fetched by the performer from the
 * refs listed here.
 *
 * The escalation gate is checked again as of the hand-off date (the debtor may have paid or
 * disputed since the decision): a dossier whose gate fails is refused unless a controller
 * overrides it, and the failed conditions then travel with the dossier as warnings.
 *
 * Identifiers: a SIREN or SIRET that fails the Luhn check is REFUSED, not flagged: a wrong number
 * may designate another company, and the court's territory and the service of acts follow from
 * the debtor's identity. The controller fixes it in the ledger and the row is tried again. A
 * company without any SIREN is flagged (the firm identifies it in the register).
 */
import { createHash } from 'node:crypto';
import type { Policy } from '../../config/policy.schema';
import type { TermsOfSale } from '../../config/terms-of-sale.schema';
import { recordedRecoveryCosts } from '../cases/recovery-cost';
import { formatBasisPoints, percentToBasisPoints } from '../claim/basis-points';
import { parseClaimInput, type ClaimInvoice, type PartyKind } from '../claim/claim-input.schema';
import { computeClaim, type ClaimInvoiceResult, type DayCount, type Imputation } from '../claim/compute-claim';
import type { LegalData } from '../claim/legal-data';
import type { Address, Debtor } from '../model/debtor.schema';
import { DossierSchema, type Dossier, type DossierDocument, type DossierInput } from '../model/dossier.schema';
import { isValidFrenchVat, isValidSiren, isValidSiret } from '../model/identifiers';
import { formatMoney } from '../model/money.schema';
import type { Receivable } from '../model/receivable.schema';
import type { Store, StoredDocument } from '../store/store';
import type { IsoDate } from '../time/calendar-date';
import type { Clock } from '../time/clock';
import { additionalClaimsOf } from './additional-claims';
import { loadCaseRecords, type CaseRecords } from './case-records';
import type { CostsData } from './costs-data';
import { DossierError } from './dossier-error';
import { checkEscalation, type EscalationGate } from './escalation-gate';
import { buildEvidence } from './evidence';
import { FR } from './fr.wording';
import { decisionStep, formalNoticeDocumentId } from './formal-notice';
import { resolveLegalForm, type DeclaredLegalForm } from './legal-form';
import type { ProcedureData } from './procedure-data';
import { recommendProcedure, type Circumstances } from './recommend-procedure';

/** The creditor as the configuration knows it (config `company`), plus what the court choice needs. */
export interface CreditorIdentity {
  name: string;
  /** Default company: a professional creditor. */
  kind?: PartyKind;
  /** Its legal form; inferred from the name when absent (and flagged). */
  legalForm?: DeclaredLegalForm;
  siren?: string;
  siret?: string;
  vat?: string;
  /** Registered address: required, the court and the firm need it. */
  address?: Address;
  /** Where the firm writes to the creditor. */
  email?: string;
  /** A creditor outside metropolitan France has 2 more months to declare a claim (R622-24). */
  outsideMetropolitanFrance?: boolean;
}

export interface DossierDeps {
  legal: LegalData;
  procedures: ProcedureData;
  /** The case's policy: its dispute handling and escalation thresholds. */
  policy: Policy;
  creditor: CreditorIdentity;
  /** The company's time zone: journal instants become business dates in it. */
  timeZone: string;
  /** `createdAt` of the dossier. */
  clock: Clock;
  /** Default 'actual/365' (config `legal.dayCount`). */
  dayCount?: DayCount;
  /** Default 'interest-first', C. civ. 1343-1 (config `legal.imputation`). */
  imputation?: Imputation;
  /** Annual late-payment rate of the creditor's terms of sale, in %; absent: the L441-10 default. */
  contractualRatePercent?: number | null;
  /** The debtor's legal form from a register lookup (category and label, or the INSEE code); inferred from the name when absent. */
  debtorLegalForm?: DeclaredLegalForm;
  /** What the controller knows that the ledger does not: recovery threatened, speed matters. */
  circumstances?: Circumstances;
  /** A controller hands the file over although the gate fails (e.g. a disputed claim for an assignation au fond). */
  override?: { reason: string };
  /** The creditor's penalty clause and CPC 700 amount (config `legal.termsOfSale`); absent: neither is claimed. */
  termsOfSale?: TermsOfSale;
  /** Court filing fees (config/legal/fr/costs.yaml, `loadCostsData()`); absent: court costs are left to the firm. */
  costs?: CostsData;
}

/** `dos_` + 24 hex digits of SHA-256(case id, decision id): the same escalation always yields the same dossier id. */
export function dossierIdOf(caseId: string, decisionId: string): string {
  return `dos_${createHash('sha256').update(`${caseId}\u0000${decisionId}`).digest('hex').slice(0, 24)}`;
}

export async function buildDossier(store: Store, caseId: string, asOf: IsoDate, deps: DossierDeps): Promise<Dossier> {
  return dossierFromRecords(await loadCaseRecords(store, caseId), asOf, deps);
}

/** `buildDossier` on records already loaded (pure). */
export function dossierFromRecords(records: CaseRecords, asOf: IsoDate, deps: DossierDeps): Dossier {
  const c = records.case;
  const decision = records.decisions.filter((d) => decisionStep(d).kind === 'escalation').pop();
  if (!decision)
    throw new DossierError(
      'NO_ESCALATION_DECISION',
      `case ${c.id}: no escalation was decided, so no dossier can be built`,
    );
  const creditorKind = deps.creditor.kind ?? 'company';
  const warnings: string[] = [];

  const gate = checkEscalation(records, deps.policy, asOf, {
    legal: deps.legal,
    procedures: deps.procedures,
    timeZone: deps.timeZone,
    creditorKind,
  });
  if (!gate.pass) {
    const failed = gate.conditions.filter((x) => !x.pass).map((x) => `${x.id}: ${x.reason}`);
    if (!deps.override)
      throw new DossierError(
        'ESCALATION_GATE_FAILED',
        `case ${c.id} cannot be handed to the law firm on ${asOf}`,
        failed,
      );
    warnings.push(
      FR.dossier.overridden({ reason: deps.override.reason, failed: gate.conditions.filter((x) => !x.pass) }),
    );
  }
  const selection = gate.selection;
  if (selection.claimed.length === 0)
    throw new DossierError(
      'NOTHING_TO_CLAIM',
      `case ${c.id}: no overdue invoice is left to claim on ${asOf} once excluded, disputed and time-barred invoices are left out`,
    );

  const debtor = debtorIdentity(records.debtor, deps, warnings);
  const creditor = creditorIdentity(deps.creditor);
  const claim = claimOf(records, gate, asOf, deps, creditorKind);
  const documents = documentsOf(gate, selection.claimed, records.documents);
  const invoiceRef = new Map(documents.filter((d) => d.kind === 'invoice').map((d) => [d.name, d.ref]));
  for (const line of claim.lines) line.documentRef = invoiceRef.get(invoiceFileName(line.number)) ?? null;

  if (gate.notice?.sent && gate.notice.sent.startBasis === 'date_sent') {
    warnings.push(
      FR.dossier.noticeWithoutAcknowledgement({ on: gate.notice.sent.on, returned: gate.notice.sent.returned }),
    );
  }
  const earliest = [...selection.prescriptions.values()].sort((a, b) => (a.prescribesOn < b.prescribesOn ? -1 : 1))[0];
  const recommendation = recommendProcedure(
    {
      asOf,
      currency: c.currency,
      claim: { principal: claim.principal, interest: claim.interest, indemnity: claim.indemnity, total: claim.total },
      debtor: {
        kind: records.debtor.kind,
        legalForm: debtor.legalForm,
        seat: debtor.addresses[0] ?? null,
        insolvency: records.debtor.flags.insolvency,
      },
      creditor: {
        legalForm: creditor.legalForm,
        ...(deps.creditor.outsideMetropolitanFrance ? { outsideMetropolitanFrance: true } : {}),
      },
      disputed: selection.disputedClaimed.map((r) =>
        FR.gate.disputedItem({ number: r.number, reason: r.disputed!.reason, since: r.disputed!.since }),
      ),
      ...(deps.circumstances ? { circumstances: deps.circumstances } : {}),
      prescribesOn: earliest ? { on: earliest.prescribesOn, article: earliest.article } : null,
    },
    deps.procedures,
  );

  const additional = additionalClaimsOf({
    asOf,
    claim,
    debtorKind: records.debtor.kind,
    creditorKind,
    recommendedProcedure: recommendation.procedure,
    courtKind: recommendation.court.kind,
    costs: recordedRecoveryCosts(records.journal),
    documents: records.documents,
    takenNames: new Set(documents.map((d) => d.name)),
    termsOfSale: deps.termsOfSale,
    costsData: deps.costs,
  });

  const dossier: DossierInput = {
    id: dossierIdOf(c.id, decision.id),
    caseId: c.id,
    createdAt: deps.clock.now().toISOString(),
    asOf,
    creditor,
    debtor,
    claim,
    documents: [...documents, ...additional.documents],
    evidence: buildEvidence(records, gate.notice, asOf, deps.timeZone),
    recommendedProcedure: recommendation.procedure,
    court: recommendation.court,
    reasons: recommendation.reasons,
    deadlines: recommendation.deadlines,
    lawyer: recommendation.lawyer,
    alternatives: recommendation.alternatives,
    warnings: [...warnings, ...recommendation.warnings, ...additional.warnings],
    additionalClaims: additional.additionalClaims,
  };
  const parsed = DossierSchema.safeParse(dossier);
  if (!parsed.success)
    throw new DossierError(
      'INVALID_DOSSIER',
      `case ${c.id}: the dossier built is invalid`,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  return parsed.data;
}

function checkIdentifiers(
  who: string,
  ids: { siren?: string | undefined; siret?: string | undefined; vat?: string | undefined },
): void {
  const problems: string[] = [];
  if (ids.siren !== undefined && !isValidSiren(ids.siren))
    problems.push(`SIREN "${ids.siren}" is not 9 digits passing the Luhn checksum`);
  if (ids.siret !== undefined && !isValidSiret(ids.siret))
    problems.push(`SIRET "${ids.siret}" is not 14 digits passing the Luhn checksum`);
  if (ids.siren !== undefined && ids.siret !== undefined && !ids.siret.startsWith(ids.siren))
    problems.push(`SIRET "${ids.siret}" does not start with the SIREN "${ids.siren}"`);
  if (ids.vat !== undefined && ids.vat.startsWith('FR') && !isValidFrenchVat(ids.vat))
    problems.push(`VAT number "${ids.vat}" does not match a SIREN with its key`);
  if (problems.length)
    throw new DossierError(
      'INVALID_IDENTIFIER',
      `${who}: a registration number is invalid; correct it in the ledger or the configuration before the file is handed over`,
      problems,
    );
}

/** An intra-community VAT number as the dossier carries it: country prefix, then 2 to 13 letters or digits. */
const VAT_SHAPE = /^[A-Z]{2}[0-9A-Z]{2,13}$/;

function debtorIdentity(d: Debtor, deps: DossierDeps, warnings: string[]): Dossier['debtor'] {
  const { siren, siret } = d.registration;
  // A VAT number the ledger wrote in another form (dots, dashes, a suffix) is left out, said:
  // the firm's contract takes only its plain form, and it is not needed to file.
  const vat = d.registration.vat === undefined || VAT_SHAPE.test(d.registration.vat) ? d.registration.vat : undefined;
  if (d.registration.vat !== undefined && vat === undefined) warnings.push(FR.dossier.vatLeftOut(d.registration.vat));
  checkIdentifiers('debtor', { siren, siret, vat });
  if (d.kind === 'company' && !siren && !siret) warnings.push(FR.dossier.noSiren);
  // The registered office sets the court's territory and is where acts are served; a person's
  // domicile is the address the ledger holds for them. One address only: no delivery sites.
  const office = d.addresses.find((a) => a.kind === 'registered_office');
  const address = office ?? d.addresses.find((a) => a.kind === 'billing') ?? d.addresses[0];
  if (!address)
    throw new DossierError('NO_ADDRESS', 'the debtor has no postal address in the ledger: acts cannot be served');
  if (d.kind === 'company' && !office) warnings.push(FR.dossier.noRegisteredOffice(address.kind));
  return {
    name: d.name,
    kind: d.kind,
    legalForm: resolveLegalForm(d, deps.debtorLegalForm),
    ...(siren ? { siren } : {}),
    ...(siret ? { siret } : {}),
    ...(vat ? { vat } : {}),
    addresses: [address],
    emails: [...d.emails],
  };
}

function creditorIdentity(cr: CreditorIdentity): Dossier['creditor'] {
  checkIdentifiers('creditor (configuration: company)', cr);
  if (!cr.address)
    throw new DossierError(
      'NO_ADDRESS',
      'the creditor has no address (configuration: company.address): the firm and the court need it',
    );
  return {
    name: cr.name,
    legalForm: resolveLegalForm({ name: cr.name, kind: cr.kind ?? 'company' }, cr.legalForm),
    ...(cr.siren ? { siren: cr.siren } : {}),
    ...(cr.siret ? { siret: cr.siret } : {}),
    ...(cr.vat ? { vat: cr.vat } : {}),
    address: cr.address,
    ...(cr.email ? { email: cr.email } : {}),
  };
}

/** The claim of a case as of a date (`caseClaimFromRecords`), and what it leaves out and why. */
export interface CaseClaim {
  asOf: IsoDate;
  /** Null when nothing can be claimed today, `unavailable` saying why. */
  claim: Dossier['claim'] | null;
  /** Open invoices the claim leaves out, by number, each with its reason. */
  leftOut: { number: string; reason: 'not_yet_due' | 'excluded' | 'disputed' | 'prescribed'; open: number }[];
  unavailable?: string;
}

/**
 * What the case could claim as of `asOf`, as the law firm would be handed it today — the same
 * selection (claim-selection.ts) and computation (principal, interest by semester, the fixed
 * indemnity) as the dossier — whether or not an escalation was decided: the case screen's claim.
 * A computation that cannot be made today (a semester's rate not configured yet) is an
 * `unavailable` answer with the reason, not an error.
 */
export function caseClaimFromRecords(records: CaseRecords, asOf: IsoDate, deps: DossierDeps): CaseClaim {
  const creditorKind = deps.creditor.kind ?? 'company';
  const gate = checkEscalation(records, deps.policy, asOf, {
    legal: deps.legal,
    procedures: deps.procedures,
    timeZone: deps.timeZone,
    creditorKind,
  });
  const s = gate.selection;
  const leftOut: CaseClaim['leftOut'] = [
    ...s.notYetDue.map((r) => ({ number: r.number, reason: 'not_yet_due' as const, open: r.open })),
    ...s.excluded.map((r) => ({ number: r.number, reason: 'excluded' as const, open: r.open })),
    ...s.disputedLeftOut.map((r) => ({ number: r.number, reason: 'disputed' as const, open: r.open })),
    ...s.prescribed.map((p) => ({ number: p.item.number, reason: 'prescribed' as const, open: p.item.open })),
  ];
  if (s.claimed.length === 0)
    return { asOf, claim: null, leftOut, unavailable: 'no overdue invoice is left to claim today' };
  try {
    return { asOf, claim: claimOf(records, gate, asOf, deps, creditorKind), leftOut };
  } catch (error) {
    return { asOf, claim: null, leftOut, unavailable: error instanceof Error ? error.message : String(error) };
  }
}

function claimOf(
  records: CaseRecords,
  gate: EscalationGate,
  asOf: IsoDate,
  deps: DossierDeps,
  creditorKind: PartyKind,
): Dossier['claim'] {
  const { claimed, credits } = gate.selection;
  const warnings: string[] = [];
  const paymentsOf = new Map<string, { date: IsoDate; amount: number }[]>();
  const invoices: ClaimInvoice[] = claimed.map((r) => {
    const payments = (records.payments.get(r.id) ?? [])
      .filter((p) => p.date <= asOf)
      .map((p) => ({ date: p.date, amount: p.amount }));
    const paid = payments.reduce((s, p) => s + p.amount, 0);
    if (paid === r.total - r.open) {
      paymentsOf.set(r.id, payments);
      return {
        id: r.id,
        kind: 'invoice',
        total: r.total,
        issueDate: r.issueDate,
        dueDate: r.dueDate,
        ...(r.completionDate ? { completionDate: r.completionDate } : {}),
        payments,
      };
    }
    // The payments the store knows do not explain the open amount (a settlement the ledger
    // made otherwise): interest runs on what is open, which never overstates the claim.
    warnings.push(
      FR.dossier.paymentsDoNotExplain({
        number: r.number,
        paid: formatMoney(paid, r.currency),
        open: formatMoney(r.open, r.currency),
        total: formatMoney(r.total, r.currency),
      }),
    );
    paymentsOf.set(r.id, []);
    return {
      id: r.id,
      kind: 'invoice',
      total: r.open,
      issueDate: r.issueDate,
      dueDate: r.dueDate,
      ...(r.completionDate ? { completionDate: r.completionDate } : {}),
      payments: [],
    };
  });
  // A credit note the ledger ties to a claimed invoice comes off that invoice's interest base from its date.
  const claimedIds = new Set(claimed.map((r) => r.id));
  for (const n of credits)
    invoices.push({
      id: n.id,
      kind: 'credit_note',
      total: n.open,
      issueDate: n.issueDate,
      dueDate: n.issueDate,
      payments: [],
      ...(n.creditOf && claimedIds.has(n.creditOf) ? { relatesTo: n.creditOf } : {}),
    });
  const parsed = parseClaimInput({
    creditor: { kind: creditorKind },
    debtor: { kind: records.debtor.kind },
    currency: records.case.currency,
    contractualRatePercent: deps.contractualRatePercent ?? null,
    // Legal-rate interest runs from the formal notice's receipt (C. civ. 1344-1); L441-10
    // penalties ignore it.
    formalNoticeDate: gate.notice?.sent?.startsOn ?? null,
    // In insolvency proceedings the claim is declared as it stood at the opening judgment (L622-28, R622-23).
    insolvencyOpenedOn: records.debtor.flags.insolvency?.openedOn ?? null,
    invoices,
  });
  if (!parsed.success)
    throw new DossierError('INVALID_DOSSIER', `case ${records.case.id}: the claim cannot be computed`, parsed.problems);
  const result = computeClaim(parsed.data, asOf, deps.legal, {
    ...(deps.dayCount ? { dayCount: deps.dayCount } : {}),
    ...(deps.imputation ? { imputation: deps.imputation } : {}),
  });
  const byId = new Map<string, Receivable>([...claimed, ...credits].map((r) => [r.id, r]));
  return {
    asOf,
    currency: result.currency,
    rule: result.rule,
    dayCount: result.dayCount,
    imputation: result.imputation,
    principal: result.principal,
    interest: result.interest,
    indemnity: result.indemnity,
    total: result.total,
    lines: result.invoices.map((inv) => {
      const r = byId.get(inv.id)!;
      return {
        kind: inv.kind,
        number: r.number,
        issueDate: r.issueDate,
        dueDate: r.dueDate,
        total: r.total,
        principal: inv.principal,
        interest: inv.interest,
        indemnity: inv.indemnity,
        payments: paymentsOf.get(r.id) ?? [],
        ...(inv.kind === 'invoice' ? { ledgerOpen: r.open } : {}),
        imputed: inv.imputed ?? [],
        segments: inv.segments.map((s) => ({
          from: s.from,
          to: s.to,
          days: s.days,
          semester: s.semester,
          ratePercent: formatBasisPoints(percentToBasisPoints(s.ratePercent) ?? 0),
          rateKind: s.rateKind,
          base: s.base,
          interest: s.interest,
        })),
        prescribesOn: inv.prescription?.prescribesOn ?? null,
        documentRef: null,
      };
    }),
    // Claim warnings name items by our ids; the firm reads invoice numbers.
    warnings: [
      ...warnings,
      ...imputationNotes(result.invoices, byId, result.currency),
      ...result.warnings.map((w) => [...byId.values()].reduce((text, r) => text.split(r.id).join(r.number), w)),
    ],
  };
}

/**
 * C. civ. 1343-1 leaves more principal than the ledger shows where a payment paid the interest
 * accrued first: the firm and the controller see the difference explained, invoice by invoice.
 */
function imputationNotes(
  lines: readonly ClaimInvoiceResult[],
  byId: ReadonlyMap<string, Receivable>,
  currency: string,
): string[] {
  const notes: string[] = [];
  for (const line of lines) {
    const r = byId.get(line.id);
    if (!r || line.kind !== 'invoice' || !line.imputed?.length || line.principal <= r.open) continue;
    const paid = line.imputed
      .filter((i) => i.toInterest > 0)
      .map((i) =>
        FR.dossier.imputedPayment({
          toInterest: formatMoney(i.toInterest, currency),
          amount: formatMoney(i.amount, currency),
          on: i.date,
        }),
      );
    notes.push(
      FR.dossier.imputation({
        number: r.number,
        ledgerOpen: formatMoney(r.open, currency),
        principal: formatMoney(line.principal, currency),
        paid,
      }),
    );
  }
  return notes;
}

function invoiceFileName(number: string): string {
  return `invoice-${number.replace(/[^A-Za-z0-9._-]+/g, '-')}.pdf`;
}

function documentsOf(
  gate: EscalationGate,
  claimed: readonly Receivable[],
  stored: readonly StoredDocument[],
): DossierDocument[] {
  const docs: DossierDocument[] = [];
  for (const r of claimed) {
    // The PDF is in the ledger: the performer fetches it by this ref, then hashes it.
    if (r.documentUrl)
      docs.push({
        ref: `invoice:${r.number}`,
        kind: 'invoice',
        name: invoiceFileName(r.number),
        mediaType: 'application/pdf',
        sha256: null,
        provenAt: null,
      });
  }
  const names = new Set(docs.map((d) => d.name));
  // The formal notice as it went out, once per channel that sent it (kept when it was sent: performers.ts).
  for (const ch of gate.notice?.channels ?? []) {
    if (ch.status !== 'done') continue;
    const letter = stored.find((d) => d.id === formalNoticeDocumentId(ch.actionId));
    if (!letter) continue;
    const name = `mise-en-demeure-${ch.channel.replace(/_/g, '-')}.pdf`;
    names.add(name);
    docs.push({
      ref: letter.id,
      kind: 'formal_notice',
      name,
      mediaType: letter.mediaType,
      sha256: letter.sha256,
      provenAt: null,
    });
  }
  for (const ch of gate.notice?.channels ?? []) {
    for (const p of ch.proofs) {
      // Names are unique within the dossier (the firm stores the files by name).
      const base = `${p.kind.replace(/_/g, '-')}${ch.trackingNumber ? `-${ch.trackingNumber}` : ''}`;
      let name = `${base}.pdf`;
      for (let n = 2; names.has(name); n++) name = `${base}-${n}.pdf`;
      names.add(name);
      docs.push({
        ref: p.documentId,
        kind: 'proof_of_delivery',
        name,
        mediaType: p.mediaType,
        sha256: p.sha256,
        provenAt: p.provenAt,
      });
    }
  }
  return docs;
}
