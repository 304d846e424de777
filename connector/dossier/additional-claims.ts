/**
 * What a recovery lawyer claims beyond principal, interest and the fixed indemnities, built from
 * the dossier's claim and recommendation, the costs the controller entered and the creditor's
 * terms of sale. Pure: the dossier builder passes everything in.
 *
 * - Recovery costs on proof (C. com. L441-10 II): between professionals, costs beyond the 40 EUR
 *   per invoice give an "indemnisation complémentaire, sur justification". Against a consumer
 *   they stay with the creditor (CPCE L111-8 al. 2).
 * - Clause pénale (C. civ. 1231-5): a share of the principal the terms of sale stipulate, claimed
 *   apart because the judge may reduce it; against a consumer the clause must first pass the
 *   unfair-terms check (C. conso L212-1), as computeClaim says of a contractual rate.
 * - CPC 700: a request; its amount is the creditor's choice or the firm's assessment.
 * - Court costs: the filing fee the data knows, never a figure the sources disagree on.
 * - Capitalisation (C. civ. 1343-2): interest due for a full year bears interest only if the
 *   contract or a court says so, so it is asked of the court in an assignation au fond, never
 *   compounded here; courts refuse it against a consumer (Cass. 1re civ. 9 Feb 2012 n° 11-14.605).
 */
import type { TermsOfSale } from '../../config/terms-of-sale.schema';
import { formatBasisPoints, percentToBasisPoints } from '../claim/basis-points';
import type { RecordedRecoveryCost } from '../cases/recovery-cost';
import { RECEIPT_EXTENSION } from '../cases/recovery-cost';
import type { AdditionalClaims, CourtKind, Dossier, DossierDocument, ProcedureKind } from '../model/dossier.schema';
import { formatMoney } from '../model/money.schema';
import type { StoredDocument } from '../store/store';
import { addDays, addYears, type IsoDate } from '../time/calendar-date';
import type { CostsData } from './costs-data';
import { FR } from './fr.wording';

const W = FR.additional;

export const ARTICLES = {
  recoveryCosts: 'C. com. L441-10 II',
  penaltyClause: 'C. civ. 1231-5',
  article700: 'CPC 700',
  capitalisation: 'C. civ. 1343-2',
} as const;

export interface AdditionalClaimsInput {
  asOf: IsoDate;
  claim: Pick<Dossier['claim'], 'currency' | 'principal' | 'indemnity' | 'lines'>;
  /** An individual debtor is a consumer, as the claim treats them (no L441-10, no 40 EUR). */
  debtorKind: 'company' | 'individual';
  creditorKind: 'company' | 'individual';
  recommendedProcedure: ProcedureKind;
  courtKind: CourtKind;
  /** The costs the case's journal records (connector/cases/recovery-cost.ts). */
  costs: readonly RecordedRecoveryCost[];
  /** The case's stored documents: the receipts among them. */
  documents: readonly StoredDocument[];
  /** Names the dossier's documents already use: a receipt gets another. */
  takenNames: ReadonlySet<string>;
  termsOfSale?: TermsOfSale | undefined;
  costsData?: CostsData | undefined;
}

export interface AdditionalClaimsResult {
  additionalClaims: AdditionalClaims;
  /** The receipts, for the dossier's documents (kind `other`). */
  documents: DossierDocument[];
  /** For the dossier's warnings: what the firm or the controller must check. */
  warnings: string[];
}

export function additionalClaimsOf(input: AdditionalClaimsInput): AdditionalClaimsResult {
  const warnings: string[] = [];
  const money = (n: number) => formatMoney(n, input.claim.currency);
  const consumer = input.debtorKind === 'individual';
  const { recoveryCosts, documents } = recoveryCostsOf(input, consumer, money, warnings);
  const penaltyClause = penaltyClauseOf(input, consumer, money, warnings);
  return {
    additionalClaims: {
      currency: input.claim.currency,
      recoveryCosts,
      penaltyClause,
      article700: article700Of(input),
      courtCosts: courtCostsOf(input),
      capitalisation: capitalisationOf(input, consumer, money),
    },
    documents,
    warnings,
  };
}

function recoveryCostsOf(
  input: AdditionalClaimsInput,
  consumer: boolean,
  money: (n: number) => string,
  warnings: string[],
): { recoveryCosts: AdditionalClaims['recoveryCosts']; documents: DossierDocument[] } {
  const none = { recoveryCosts: null, documents: [] };
  if (input.costs.length === 0) return none;
  const entered = W.costsNotClaimed(input.costs.length);
  if (consumer) {
    warnings.push(W.consumerCosts(entered));
    return none;
  }
  if (input.creditorKind !== 'company') {
    warnings.push(W.individualCreditorCosts({ head: entered, article: ARTICLES.recoveryCosts }));
    return none;
  }
  const byId = new Map(input.documents.map((d) => [d.id, d]));
  const names = new Set(input.takenNames);
  const lines: NonNullable<AdditionalClaims['recoveryCosts']>['costs'] = [];
  const documents: DossierDocument[] = [];
  for (const cost of input.costs) {
    if (cost.currency !== input.claim.currency) {
      warnings.push(
        W.costOtherCurrency({
          amount: formatMoney(cost.amount, cost.currency),
          on: cost.date,
          currency: input.claim.currency,
        }),
      );
      continue;
    }
    if (cost.date > input.asOf) {
      warnings.push(W.costAfterHandOff({ amount: money(cost.amount), on: cost.date, asOf: input.asOf }));
      continue;
    }
    const receipt = byId.get(cost.documentId);
    if (!receipt) {
      // Without its receipt the cost is not proven: L441-10 II asks for a justification.
      warnings.push(
        W.costWithoutReceipt({
          amount: money(cost.amount),
          on: cost.date,
          label: cost.label,
          documentId: cost.documentId,
        }),
      );
      continue;
    }
    const extension = (RECEIPT_EXTENSION as Partial<Record<string, string>>)[receipt.mediaType] ?? 'bin';
    let name = `receipt-${cost.date}.${extension}`;
    for (let n = 2; names.has(name); n++) name = `receipt-${cost.date}-${n}.${extension}`;
    names.add(name);
    documents.push({
      ref: receipt.id,
      kind: 'other',
      name,
      mediaType: receipt.mediaType,
      sha256: receipt.sha256,
      provenAt: null,
    });
    lines.push({ date: cost.date, label: cost.label, amount: cost.amount, documentRef: receipt.id });
  }
  if (lines.length === 0) return none;
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const fixed = input.claim.indemnity;
  const complementary = Math.max(0, total - fixed);
  const note =
    complementary > 0
      ? W.complementary({
          article: ARTICLES.recoveryCosts,
          total: money(total),
          fixed: money(fixed),
          complementary: money(complementary),
        })
      : W.noComplementary({ article: ARTICLES.recoveryCosts, total: money(total), fixed: money(fixed) });
  return {
    recoveryCosts: {
      article: ARTICLES.recoveryCosts,
      costs: lines,
      total,
      fixedIndemnities: fixed,
      complementaryIndemnity: complementary,
      note,
    },
    documents,
  };
}

function penaltyClauseOf(
  input: AdditionalClaimsInput,
  consumer: boolean,
  money: (n: number) => string,
  warnings: string[],
): AdditionalClaims['penaltyClause'] {
  const clause = input.termsOfSale?.penaltyClause;
  if (!clause) return null;
  const bps = percentToBasisPoints(clause.percent);
  // The configuration schema has refused anything else.
  if (bps === null)
    throw new Error(
      `internal: penalty clause percent "${String(clause.percent)}" passed the schema but is not a percentage`,
    );
  const base = Math.max(0, input.claim.principal);
  const computed = roundedShare(base, bps);
  const clauseWarnings: string[] = [];
  let minimum: number | null = null;
  if (clause.minimum !== undefined) {
    if (input.claim.currency === 'EUR') minimum = clause.minimum;
    else clauseWarnings.push(W.clauseMinimumOtherCurrency(input.claim.currency));
  }
  const amount = minimum === null ? computed : Math.max(computed, minimum);
  const rate = formatBasisPoints(bps);
  const how = W.clauseHow({
    rate,
    base: money(base),
    computed: money(computed),
    minimum: minimum !== null && minimum > computed ? money(minimum) : null,
  });
  if (consumer) clauseWarnings.push(W.clauseConsumer({ reference: clause.reference, article: ARTICLES.penaltyClause }));
  warnings.push(...clauseWarnings);
  return {
    reference: clause.reference,
    article: ARTICLES.penaltyClause,
    ratePercent: rate,
    base,
    minimum,
    amount,
    label: W.clauseLabel({ reference: clause.reference, article: ARTICLES.penaltyClause, how }),
    warnings: clauseWarnings,
  };
}

/** `amount × bps / 10,000` rounded half-up to the minor unit, in integers (BigInt: no float holds a share of money). */
function roundedShare(amount: number, bps: number): number {
  return Number((BigInt(amount) * BigInt(bps) + 5_000n) / 10_000n);
}

function article700Of(input: AdditionalClaimsInput): AdditionalClaims['article700'] {
  const configured = input.termsOfSale?.article700?.amount;
  if (configured === undefined) {
    return { article: ARTICLES.article700, amount: null, note: W.article700ToAssess(ARTICLES.article700) };
  }
  if (input.claim.currency !== 'EUR') {
    return {
      article: ARTICLES.article700,
      amount: null,
      note: W.article700OtherCurrency({ currency: input.claim.currency, article: ARTICLES.article700 }),
    };
  }
  return {
    article: ARTICLES.article700,
    amount: configured,
    note: W.article700Asked({ amount: formatMoney(configured, 'EUR'), article: ARTICLES.article700 }),
  };
}

function courtCostsOf(input: AdditionalClaimsInput): AdditionalClaims['courtCosts'] {
  const head = { procedure: input.recommendedProcedure, court: input.courtKind };
  const unknown = (reason: string): AdditionalClaims['courtCosts'] => ({
    ...head,
    currency: input.claim.currency,
    amount: null,
    verified: false,
    range: null,
    reason,
    sources: [],
  });
  if (!input.costsData) return unknown(W.noCostsData);
  const entry = input.costsData.courtFees.find(
    (e) => e.procedure === input.recommendedProcedure && e.court === input.courtKind,
  );
  if (!entry) return unknown(W.noCostFigure({ procedure: input.recommendedProcedure, court: input.courtKind }));
  const service = W.service;
  if (entry.verified && entry.amount) {
    return {
      ...head,
      currency: entry.amount.currency,
      amount: entry.amount.amount,
      verified: true,
      range: null,
      reason: W.courtCost({
        what: entry.what,
        amount: formatMoney(entry.amount.amount, entry.amount.currency),
        service,
      }),
      sources: entry.sources,
    };
  }
  const range = entry.range ? { from: entry.range.from, to: entry.range.to } : null;
  const currency = entry.range?.currency ?? input.claim.currency;
  return {
    ...head,
    currency,
    amount: null,
    verified: false,
    range,
    reason: W.courtCostUnverified({ what: entry.what, note: entry.note ?? '[UNVERIFIED]', service }),
    sources: entry.sources,
  };
}

function capitalisationOf(
  input: AdditionalClaimsInput,
  consumer: boolean,
  money: (n: number) => string,
): AdditionalClaims['capitalisation'] {
  const invoices: AdditionalClaims['capitalisation']['invoices'] = [];
  let nearest: { number: string; from: IsoDate; on: IsoDate } | undefined;
  for (const line of input.claim.lines) {
    const first = line.segments[0];
    const last = line.segments.at(-1);
    if (line.kind !== 'invoice' || line.interest <= 0 || !first || !last) continue;
    // Days are counted inclusively: interest from 2025-04-21 has run a full year on 2026-04-20,
    // the anniversary of the day before it started (so from 29 February to 28 February).
    const fullYearOn = addYears(addDays(first.from, -1), 1);
    if (fullYearOn <= last.to)
      invoices.push({ number: line.number, interestFrom: first.from, fullYearOn, interest: line.interest });
    else if (!nearest || fullYearOn < nearest.on) nearest = { number: line.number, from: first.from, on: fullYearOn };
  }
  const article = ARTICLES.capitalisation;
  const not = (why: string): AdditionalClaims['capitalisation'] => ({
    proposed: false,
    article,
    invoices,
    reason: W.notProposed(why),
  });
  if (consumer) return not(W.capitalisationConsumer);
  if (input.recommendedProcedure !== 'assignation_au_fond')
    return not(W.capitalisationOtherProcedure({ article, procedure: input.recommendedProcedure }));
  if (invoices.length === 0) return not(W.capitalisationNoFullYear({ asOf: input.asOf, nearest, article }));
  const listed = invoices
    .map((i) => W.capitalisationItem({ number: i.number, from: i.interestFrom, interest: money(i.interest) }))
    .join(', ');
  return {
    proposed: true,
    article,
    invoices,
    reason: W.capitalisationProposed({ article, listed }),
  };
}
