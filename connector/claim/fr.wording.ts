/**
 * Every sentence the claim computation writes (`ClaimResult.warnings`), in French: the law firm
 * reads them in the dossier's `claim.warnings`, and `recouvra claim` prints them. compute-claim.ts
 * and limitation.ts decide what is said; this file only says it, in the same legal French as the
 * dossier's own texts (connector/dossier/fr.wording.ts).
 *
 * Conventions (those of the dossier):
 * - dates arrive as ISO calendar dates and are written `05/12/2026` (`frDate`);
 * - amounts arrive in minor units and are written `1 234,56 €` (`formatMoney`, fr-FR);
 * - rates arrive as basis points (or, for the input's contractual rate, as the percentage it
 *   gave) and are written `12,15 %`; a semester `2025-H1` is written "premier semestre 2025";
 * - article references, case-law citations in their French form ("Cass. com., 18 mai 2022,
 *   n° 20-23.204"), input field names (`formalNoticeDate`) and markers (`[M]`, `[?]`,
 *   `[UNVERIFIED]`) stay as they are. Each text starts with the item's id when it concerns one
 *   item: the dossier replaces the id with the invoice number.
 */
import { formatMoney } from '../model/money.schema';
import type { Semester } from '../time/calendar-date';
import { frDate } from '../time/fr-date';
import { formatBasisPoints, percentToBasisPoints } from './basis-points';

const D = frDate;

/** 1215 → `12,15 %`. */
function rate(bps: number): string {
  return `${formatBasisPoints(bps).replace('.', ',')} %`;
}

/** `2025-H1` → `premier semestre 2025`. */
function semester(s: Semester): string {
  const [year, half] = s.split('-H');
  return `${half === '1' ? 'premier' : 'second'} semestre ${year}`;
}

/** A contractual rate as the input gave it: `20` → `20,00 %`; a value that is not a valid percentage as it is. */
function inputRate(percent: number): string {
  const bps = percentToBasisPoints(percent);
  return bps === null ? `${String(percent).replace('.', ',')} %` : rate(bps);
}

function days(n: number): string {
  return `${n} ${Math.abs(n) <= 1 ? 'jour' : 'jours'}`;
}

/** The basis of a limitation period, as the dossier's gate writes it: "5 ans, C. com. L110-4, à compter du …". */
function prescriptionBasis(p: { years: number; article: string; startsOn: string; restarted: boolean }): string {
  return `${p.years} ${p.years === 1 ? 'an' : 'ans'}, ${p.article}, à compter du ${D(p.startsOn)}${p.restarted ? ', date du dernier paiement partiel, qui vaut reconnaissance de la dette, C. civ. 2240' : ''}`;
}

function issueDateCaveat(issueDate: string | null): string {
  return issueDate === null
    ? ''
    : ` ; faute de date d'achèvement de la prestation, le délai a été compté à partir de la date d'émission de la facture, le ${D(issueDate)} ` +
        "(la jurisprudence le fait courir de l'achèvement de la prestation ou de la livraison : renseigner completionDate si elle est postérieure)";
}

export const CLAIM_FR = {
  /** C. com. L622-28, R622-23: the opening judgment of insolvency proceedings. */
  insolvency: (p: { openedOn: string; interestUntil: string }) =>
    `procédure collective ouverte le ${D(p.openedOn)} : les intérêts sont comptés jusqu'au ${D(p.interestUntil)} (le jugement d'ouverture en arrête le cours, C. com. L622-28) ` +
    `et l'indemnité forfaitaire pour frais de recouvrement n'est retenue que sur les factures déjà en retard à cette date ; déclarer la créance telle qu'elle s'établissait au jour du jugement d'ouverture, le ${D(p.openedOn)} (C. com. R622-23)`,

  paymentAfterAsOf: (p: { id: string; amount: number; currency: string; on: string; asOf: string }) =>
    `${p.id} : le paiement de ${formatMoney(p.amount, p.currency)} du ${D(p.on)} est postérieur à la date d'arrêté du décompte (${D(p.asOf)}) et n'a pas été pris en compte`,

  notYetDue: (p: { id: string; dueDate: string; asOf: string; principal: number; currency: string }) =>
    `${p.id} : l'échéance du ${D(p.dueDate)} n'est pas dépassée au ${D(p.asOf)} : ni intérêts de retard ni indemnité à ce jour ; ` +
    `son principal restant dû (${formatMoney(p.principal, p.currency)}) est compris dans le total`,

  /** C. com. L441-10 II, D441-5: the 40 € fixed indemnity is set in euros. */
  indemnityOtherCurrency: (p: { article: string; amount: number; indemnityCurrency: string; currency: string }) =>
    `aucune indemnité forfaitaire pour frais de recouvrement n'est calculée : ${p.article} la fixe à ${formatMoney(p.amount, p.indemnityCurrency)} et la créance est libellée en ${p.currency} ; ` +
    "la convertir au taux de change retenu et l'ajouter manuellement, ou réclamer sur justification les frais de recouvrement réellement exposés (L441-10 II)",

  indemnityNotYetInForce: (p: { id: string; dueDate: string; article: string; since: string }) =>
    `${p.id} : échue le ${D(p.dueDate)}, avant l'entrée en vigueur de l'indemnité forfaitaire pour frais de recouvrement de ${p.article} (${D(p.since)}) : aucune indemnité`,

  creditNoteUnrelated: (id: string) =>
    `${id} : l'avoir vient en déduction du principal mais ne réduit l'assiette des intérêts d'aucune facture ; ` +
    "s'il a réglé une partie d'une facture, l'enregistrer comme un paiement de cette facture, à la date de son imputation",

  creditNoteExceeds: (p: { id: string; excess: number; currency: string; invoice: string; on: string }) =>
    `${p.id} : l'avoir excède de ${formatMoney(p.excess, p.currency)} ce qui restait dû sur ${p.invoice} le ${D(p.on)} ; cet excédent vient en déduction du total`,

  creditNoteAfterAsOf: (p: { id: string; on: string; asOf: string; invoice: string }) =>
    `${p.id} : l'avoir du ${D(p.on)} est postérieur à la date d'arrêté du décompte (${D(p.asOf)}) et n'a pas été déduit de ${p.invoice}`,

  /** The contractual rate is not applied to a claim outside L441-10. */
  contractualRateIndividualCreditor: (percent: number) =>
    `taux contractuel (contractualRatePercent) de ${inputRate(percent)} non appliqué : pour un créancier particulier, la créance porte intérêts au taux de l'intérêt légal ; ` +
    "une clause contractuelle d'intérêts de retard doit être réclamée séparément, et le juge peut la modérer (C. civ. 1231-5)",
  contractualRateConsumer: (percent: number) =>
    `taux contractuel (contractualRatePercent) de ${inputRate(percent)} non appliqué à l'encontre d'un consommateur : le taux de l'intérêt légal « autres cas » est réclamé à sa place (C. civ. 1231-6, 1344-1) ; ` +
    "la clause contractuelle doit d'abord être examinée au regard de la réglementation des clauses abusives (C. conso L212-1), et le juge peut la modérer (C. civ. 1231-5)",

  /** C. civ. 1344-1: outside L441-10, moratory interest runs from the mise en demeure. */
  noFormalNotice:
    "aucune date de mise en demeure : les intérêts moratoires ne courent qu'à compter de la mise en demeure (C. civ. 1344-1), aucun intérêt n'est donc réclamé ; " +
    "adresser une mise en demeure par lettre recommandée avec demande d'avis de réception (LRAR) et renseigner formalNoticeDate à la date de sa réception",
  noticeNotBeforeAsOf: (p: { notice: string; asOf: string }) =>
    `la mise en demeure du ${D(p.notice)} n'est pas antérieure à la date d'arrêté du décompte (${D(p.asOf)}) : aucun intérêt n'a encore couru (C. civ. 1344-1)`,

  /** C. com. L441-10 II: a contractual rate may not be below 3 × the legal interest rate. */
  contractualRateBelowFloor: (p: {
    contractualPercent: number;
    semester: Semester;
    legalRateBps: number;
    floorBps: number;
    ecbBps: number;
    defaultBps: number;
  }) => {
    const s = semester(p.semester);
    return (
      `le taux contractuel de ${inputRate(p.contractualPercent)} est inférieur au plancher de L441-10 pour le ${s} (3 × le taux de l'intérêt légal de ${rate(p.legalRateBps)} = ${rate(p.floorBps)}) : ` +
      `le taux de ${rate(p.floorBps)} a été appliqué pour le ${s} ; le juge peut aussi tenir la clause pour inefficace et appliquer le taux supplétif de L441-10, ` +
      `soit le taux BCE de ${rate(p.ecbBps)} majoré de 10 points = ${rate(p.defaultBps)} pour le ${s} ; ` +
      'corriger le taux dans les conditions générales de vente (un taux non conforme est passible de sanction, L441-16)'
    );
  },

  /** Limitation (limitation.ts): C. com. L110-4, C. conso L218-2, C. civ. 2224; interruption C. civ. 2240-2241. */
  prescribed: (p: {
    id: string;
    prescribesOn: string;
    years: number;
    article: string;
    startsOn: string;
    restarted: boolean;
    issueDate: string | null;
  }) =>
    `${p.id} : la créance s'est prescrite à l'issue du ${D(p.prescribesOn)} (${prescriptionBasis(p)})${issueDateCaveat(p.issueDate)} : elle ne peut plus être poursuivie en justice ; ` +
    'ne pas la réclamer comme une dette exigible, sauf interruption non enregistrée ici (reconnaissance écrite, demande en justice, C. civ. 2240-2241)',
  prescribesSoon: (p: {
    id: string;
    prescribesOn: string;
    daysLeft: number;
    years: number;
    article: string;
    startsOn: string;
    restarted: boolean;
    issueDate: string | null;
  }) =>
    `${p.id} : la créance se prescrit à l'issue du ${D(p.prescribesOn)}, ${p.daysLeft === 0 ? "c'est-à-dire ce jour" : `dans ${days(p.daysLeft)}`} (${prescriptionBasis(p)})${issueDateCaveat(p.issueDate)} : ` +
    "interrompre la prescription d'ici là par une demande en justice ou une injonction de payer signifiée au débiteur (C. civ. 2241), ou obtenir du débiteur une reconnaissance écrite (C. civ. 2240) ; " +
    "une mise en demeure n'interrompt pas la prescription (Cass. com., 18 mai 2022, n° 20-23.204)",
};

export type ClaimWording = typeof CLAIM_FR;
