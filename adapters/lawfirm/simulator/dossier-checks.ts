import { createHash } from 'node:crypto';
import { isValidSiren } from '../../../connector/model/identifiers';
import type { DocumentUpload, DossierRequest } from './request.schema';

/**
 * The simulated firm's reading of a dossier, in two tiers, each listing every problem at once:
 * - `dossierProblems`: the dossier cannot be worked as sent (`422 dossier_invalid`, no file);
 * - `meritsRejections`: the firm opens the file and declines it (`201`, `status: rejected`).
 * The file drop has no answer but its acknowledgement: both tiers become `rejected` there, with
 * the same words (./file-drop-firm.ts).
 */

export interface FieldProblem {
  field: string;
  message: string;
}

/** Ceiling of the procédure simplifiée des petites créances: €5,000 principal plus interest since 1 Jan 2020 (CPCE R125-1; french-recovery-law.md §7). */
export const PETITES_CREANCES_CEILING_EUR_CENTS = 500_000;
/** Commercial claims prescribe in 5 years (C. com. L110-4); a professional's claim on a consumer in 2 (C. conso L218-2). french-recovery-law.md §4. */
export const PRESCRIPTION_YEARS = { company: 5, individual: 2 } as const;

/** An entry of the dossier's evidence list; a null hash waits for whatever document comes under that name. */
export interface ListedDocument {
  name: string;
  sha256: string | null;
}

export function listedDocuments(dossier: DossierRequest): ListedDocument[] {
  return (dossier.documents ?? []).map((d) => ({ name: d.name, sha256: d.sha256 ?? null }));
}

export function sha256Hex(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The bytes of an upload, or the problem with its base64. */
export function decodeUpload(doc: DocumentUpload): Buffer | string {
  const content = Buffer.from(doc.contentBase64, 'base64');
  // Node's decoder skips what it cannot read: re-encoding tells a truncated or padded-wrong text apart.
  if (content.toString('base64') !== doc.contentBase64)
    return 'contentBase64 is not canonical base64 (RFC 4648 §4, padded)';
  return content;
}

/** Problems with uploaded documents: base64, hash, duplicate names, and names the dossier lists with another hash. */
export function documentProblems(
  documents: readonly DocumentUpload[],
  listed: readonly ListedDocument[],
  prefix = 'documents',
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const names = new Set<string>();
  documents.forEach((doc, i) => {
    const field = `${prefix}[${i}]`;
    if (names.has(doc.name)) problems.push({ field: `${field}.name`, message: `"${doc.name}" is sent twice` });
    names.add(doc.name);
    const content = decodeUpload(doc);
    if (typeof content === 'string') problems.push({ field: `${field}.contentBase64`, message: content });
    else if (sha256Hex(content) !== doc.sha256)
      problems.push({ field: `${field}.sha256`, message: `does not match the content of "${doc.name}"` });
    const contradiction = listedHashProblem(doc, listed, field);
    if (contradiction) problems.push(contradiction);
  });
  return problems;
}

/** A document whose name the dossier lists with another hash (the bordereau and the piece disagree). */
export function listedHashProblem(
  doc: { name: string; sha256: string },
  listed: readonly ListedDocument[],
  field: string,
): FieldProblem | undefined {
  const entry = listed.find((l) => l.name === doc.name);
  if (entry && entry.sha256 !== null && entry.sha256 !== doc.sha256)
    return { field: `${field}.sha256`, message: `the dossier lists "${doc.name}" with another sha256` };
  return undefined;
}

/** Every problem of the dossier and its uploaded documents (`422 dossier_invalid`). */
export function dossierProblems(dossier: DossierRequest, documents: readonly DocumentUpload[]): FieldProblem[] {
  return [...dossierContentProblems(dossier), ...documentProblems(documents, listedDocuments(dossier))];
}

/**
 * The dossier's own problems, its documents aside: no address to serve, an invalid SIREN,
 * amounts that do not add up, a line due before it was issued. The file drop uses these alone:
 * its documents were checked against the manifest when the folder was read.
 */
export function dossierContentProblems(dossier: DossierRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { debtor, claim } = dossier;
  const servable = debtor.addresses.some(
    (a) => a.lines.some((l) => l.trim() !== '') && a.postalCode.trim() !== '' && a.city.trim() !== '',
  );
  if (!servable)
    problems.push({
      field: 'dossier.debtor.addresses',
      message: 'no address to serve the debtor: at least one address with a line, a postal code and a city is needed',
    });
  if (debtor.siren !== undefined && !isValidSiren(debtor.siren))
    problems.push({ field: 'dossier.debtor.siren', message: 'not a valid SIREN (9 digits passing the Luhn check)' });
  if (claim.total !== claim.principal + claim.interest + claim.indemnity) {
    problems.push({
      field: 'dossier.claim.total',
      message: `${claim.total} is not principal + interest + indemnity (${claim.principal + claim.interest + claim.indemnity})`,
    });
  }
  for (const part of ['principal', 'interest', 'indemnity'] as const) {
    const sum = claim.lines.reduce((s, l) => s + l[part], 0);
    if (sum !== claim[part])
      problems.push({
        field: `dossier.claim.${part}`,
        message: `${claim[part]} is not the sum of the lines' ${part} (${sum})`,
      });
  }
  if (claim.principal <= 0)
    problems.push({
      field: 'dossier.claim.principal',
      message: 'nothing to claim: the principal must be more than zero',
    });
  claim.lines.forEach((l, i) => {
    if (l.interest < 0 || l.indemnity < 0)
      problems.push({ field: `dossier.claim.lines[${i}]`, message: 'interest and indemnity cannot be negative' });
    if (l.dueDate < l.issueDate)
      problems.push({ field: `dossier.claim.lines[${i}].dueDate`, message: 'falls before the issue date' });
  });
  return problems;
}

/** Why the firm declines a well-formed dossier, in the words it writes to the creditor (French). */
export function meritsRejections(dossier: DossierRequest, procedures: ReadonlySet<string>): string[] {
  const reasons: string[] = [];
  const { claim } = dossier;
  if (!procedures.has(dossier.recommendedProcedure))
    reasons.push(`Procédure non pratiquée par le cabinet : ${dossier.recommendedProcedure}`);
  if (
    dossier.recommendedProcedure === 'petites_creances' &&
    claim.currency === 'EUR' &&
    claim.principal + claim.interest > PETITES_CREANCES_CEILING_EUR_CENTS
  ) {
    reasons.push(
      'Montant supérieur au plafond de 5 000 € (principal et intérêts) de la procédure simplifiée des petites créances (CPCE R125-1)',
    );
  }
  const years = PRESCRIPTION_YEARS[dossier.debtor.kind];
  const barred = claim.lines
    .filter((l) => l.kind !== 'credit_note' && addYears(l.dueDate, years) < claim.asOf)
    .map((l) => l.number);
  if (barred.length > 0) {
    const text = dossier.debtor.kind === 'company' ? 'C. com. L110-4' : 'C. conso L218-2';
    reasons.push(
      `Créance prescrite : ${barred.join(', ')} échue${barred.length > 1 ? 's' : ''} depuis plus de ${years} ans (${text})`,
    );
  }
  return reasons;
}

function addYears(isoDate: string, years: number): string {
  return `${String(Number(isoDate.slice(0, 4)) + years).padStart(4, '0')}${isoDate.slice(4)}`;
}
