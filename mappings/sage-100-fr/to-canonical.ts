import { DebtorSchema, type Address, type Debtor } from '../../connector/model/debtor.schema';
import { isValidFrenchVat, isValidSiren, isValidSiret } from '../../connector/model/identifiers';
import { withContentVersion, ReceivableSchema, type Receivable } from '../../connector/model/receivable.schema';
import { z } from 'zod';

/**
 * Sage 100 France's customers and accounting lines → the canonical model (shared/reference
 * sage.md §4.2). Pure. The adapter has already decoded what each database driver returns
 * (amounts in cents, dates as YYYY-MM-DD with the 1753-01-01 sentinel as null: adapters/sage-100-fr/values.ts);
 * this module says what the records are, or why one cannot be used, naming the Sage column and
 * never the customer's data.
 *
 * - A receivable is one open accounting line (F_ECRITUREC) on a customer account: an invoice
 *   with several due dates has one debit line per due date, hence one receivable per open line.
 *   Its canonical id is the line's EC_No, the table's primary key (§4.2) that public syncs diff
 *   on (§4.3): it never changes while the line exists. The piece number + account + due date is
 *   not an identity (two lines of a piece can share a due date, and a user may change a due
 *   date), and cbMarq, the row's technical identity, serves as the cursor's tie-break instead.
 * - Lines are grouped by customer and piece (EC_RefPiece). In a piece with an open debit line
 *   (an invoice), the open credit lines are its partial payments: counted in the invoice, not
 *   receivables themselves. In a piece without one, an open credit line is credit the customer
 *   holds (a credit note, an unallocated payment): a credit note.
 * - What remains to pay is settled by reading every source, not by guessing which one Sage keeps
 *   current (§4.2 [UNVERIFIED], §8 #11 and #12): the lines' EC_Montant − EC_MontantRegle, the
 *   piece's net (debits − credits of its open lines) and, when Gestion commerciale holds the
 *   invoice, DO_TotalTTC − DO_MontantRegle. When they disagree the piece's invoice lines are
 *   quarantined with the reason, until the ledger is put right or the question is settled.
 */

export const SAGE_100_SYSTEM = 'sage-100-fr';

export interface Sage100MappingContext {
  connection: string;
  /** ISO 4217 code of the file's accounting currency (EC_Montant is kept in it). */
  currency: string;
}

/** An F_ECRITUREC line as the adapter decoded it: amounts in cents, dates YYYY-MM-DD or null for the sentinel. */
export interface Sage100Line {
  EC_No: number;
  CT_Num: string;
  CG_Num: string;
  EC_Piece: string;
  EC_RefPiece: string;
  EC_Intitule: string;
  EC_Date: string | null;
  EC_Echeance: string | null;
  EC_Sens: number;
  /** Cents, always positive in Sage. */
  EC_Montant: number;
  EC_MontantRegle: number;
  EC_Lettrage: string;
}

/** An F_DOCENTETE sales invoice, decoded. */
export interface Sage100Document {
  DO_Piece: string;
  DO_Tiers: string;
  DO_Type: number;
  DO_Date: string | null;
  DO_TotalTTC: number;
  DO_MontantRegle: number;
}

/** An F_COMPTET customer, decoded (text columns trimmed by the adapter). */
export interface Sage100Customer {
  CT_Num: string;
  CT_Intitule: string;
  CT_Adresse: string;
  CT_Complement: string;
  CT_CodePostal: string;
  CT_Ville: string;
  CT_Pays: string;
  CT_Telephone: string;
  CT_EMail: string;
  CT_Siret: string;
  CT_Identifiant: string;
  CT_Sommeil: number;
}

/** An F_CONTACTT contact, decoded. */
export interface Sage100Contact {
  CT_Num: string;
  CT_No: number;
  CT_Telephone: string;
  CT_TelPortable: string;
  CT_EMail: string;
}

export const sage100Ids = {
  lineSource: (ecNo: number) => `F_ECRITUREC:${ecNo}`,
  line: (ctx: Sage100MappingContext, ecNo: number) => `${ctx.connection}:${sage100Ids.lineSource(ecNo)}`,
  customerSource: (ctNum: string) => `F_COMPTET:${ctNum}`,
  customer: (ctx: Sage100MappingContext, ctNum: string) => `${ctx.connection}:${sage100Ids.customerSource(ctNum)}`,
  company: (ctx: Sage100MappingContext) => `${ctx.connection}:company`,
  /** The EC_No of a canonical receivable id of this connection, or undefined. */
  ecNoOf: (ctx: Sage100MappingContext, id: string): number | undefined => {
    const prefix = `${ctx.connection}:F_ECRITUREC:`;
    if (!id.startsWith(prefix)) return undefined;
    const n = Number(id.slice(prefix.length));
    return /^\d+$/.test(id.slice(prefix.length)) && Number.isSafeInteger(n) ? n : undefined;
  },
};

/** A third-party code as Sage keeps it: up to 17 characters (§4.2), none of which could break an id. */
const CT_NUM = /^[^\s:]{1,17}$/;

export type LineResult =
  | { ecNo: number; outcome: 'receivable'; receivable: Receivable; warnings: string[] }
  /** A partial payment or credit counted in its piece's invoice: nothing of its own to keep. */
  | { ecNo: number; outcome: 'not_a_receivable'; why: string }
  | { ecNo: number; outcome: 'quarantined'; reason: string };

export type CustomerResult =
  { outcome: 'debtor'; debtor: Debtor; warnings: string[] } | { outcome: 'quarantined'; reason: string };

/** The piece a line belongs to: its customer and EC_RefPiece; a line without a reference is a piece of its own. */
export function pieceKey(line: Pick<Sage100Line, 'CT_Num' | 'EC_RefPiece' | 'EC_No'>): string {
  return line.EC_RefPiece === '' ? `#${line.EC_No}` : `${line.CT_Num}\u0000${line.EC_RefPiece}`;
}

/** Whether an open credit line is a payment absorbed by its piece's invoice (not a receivable of its own). */
export function absorbedCredits(lines: readonly Pick<Sage100Line, 'CT_Num' | 'EC_RefPiece' | 'EC_No' | 'EC_Sens'>[]) {
  const withInvoice = new Set(lines.filter((l) => l.EC_Sens === 0).map(pieceKey));
  return (l: Pick<Sage100Line, 'CT_Num' | 'EC_RefPiece' | 'EC_No' | 'EC_Sens'>): boolean =>
    l.EC_Sens === 1 && withInvoice.has(pieceKey(l));
}

/**
 * Maps the OPEN lines of whole pieces (every open line of each piece present: the adapter reads
 * them with openLinesOfPieces), with the sales documents of those pieces. One result per line.
 */
export function openLinesToReceivables(
  lines: readonly Sage100Line[],
  documents: readonly Sage100Document[],
  ctx: Sage100MappingContext,
): LineResult[] {
  const docs = new Map<string, Sage100Document>();
  for (const d of documents) docs.set(`${d.DO_Tiers}\u0000${d.DO_Piece}`, d);
  const pieces = new Map<string, Sage100Line[]>();
  for (const l of lines) {
    const key = pieceKey(l);
    const group = pieces.get(key);
    if (group) group.push(l);
    else pieces.set(key, [l]);
  }
  const out: LineResult[] = [];
  for (const group of pieces.values()) out.push(...mapPiece(group, docs, ctx));
  return out;
}

function mapPiece(group: Sage100Line[], docs: Map<string, Sage100Document>, ctx: Sage100MappingContext): LineResult[] {
  const bad = (l: Sage100Line, why: string): LineResult => ({
    ecNo: l.EC_No,
    outcome: 'quarantined',
    reason: `F_ECRITUREC ${l.EC_No}: ${why}`,
  });
  const wrongSens = group.filter((l) => l.EC_Sens !== 0 && l.EC_Sens !== 1);
  if (wrongSens.length > 0)
    return group.map((l) =>
      wrongSens.includes(l)
        ? bad(l, 'EC_Sens is neither 0 (débit) nor 1 (crédit)')
        : bad(l, 'another open line of its piece has an EC_Sens that is neither 0 nor 1: the piece cannot be netted'),
    );
  const debits = group.filter((l) => l.EC_Sens === 0);
  const credits = group.filter((l) => l.EC_Sens === 1);
  if (debits.length === 0) return credits.map((l) => lineToReceivable(l, 'credit_note', undefined, ctx));

  const out: LineResult[] = credits.map((l) => ({
    ecNo: l.EC_No,
    outcome: 'not_a_receivable',
    why: `an open credit of piece EC_RefPiece with an open invoice line: counted in that invoice`,
  }));
  // The remaining amount, three ways (see the module comment).
  const fromSettlement = debits.reduce((s, l) => s + (l.EC_Montant - l.EC_MontantRegle), 0);
  const pieceNet = debits.reduce((s, l) => s + l.EC_Montant, 0) - credits.reduce((s, l) => s + l.EC_Montant, 0);
  const doc = docs.get(`${debits[0]!.CT_Num}\u0000${debits[0]!.EC_RefPiece}`);
  const fromDocument = doc === undefined ? undefined : doc.DO_TotalTTC - doc.DO_MontantRegle;
  const disagreement: string[] = [];
  if (fromSettlement !== pieceNet)
    disagreement.push(
      'EC_Montant − EC_MontantRegle of its open lines differs from the net of the piece’s open lines (EC_Sens-signed EC_Montant)',
    );
  if (fromDocument !== undefined && fromDocument !== fromSettlement)
    disagreement.push('F_DOCENTETE DO_TotalTTC − DO_MontantRegle differs from EC_Montant − EC_MontantRegle');
  if (fromDocument !== undefined && fromDocument !== pieceNet && fromSettlement === pieceNet)
    disagreement.push('F_DOCENTETE DO_TotalTTC − DO_MontantRegle differs from the net of the piece’s open lines');
  for (const l of debits) {
    if (l.EC_MontantRegle > l.EC_Montant) out.push(bad(l, 'EC_MontantRegle is more than EC_Montant'));
    else if (disagreement.length > 0)
      out.push(
        bad(
          l,
          `its remaining amount is ambiguous: ${disagreement.join('; ')}. Which one Sage keeps current is not known: put the ledger right (lettering, settlement) or report it`,
        ),
      );
    else out.push(lineToReceivable(l, 'invoice', doc, ctx));
  }
  return out;
}

function lineToReceivable(
  l: Sage100Line,
  kind: Receivable['kind'],
  doc: Sage100Document | undefined,
  ctx: Sage100MappingContext,
): LineResult {
  const bad = (why: string): LineResult => ({
    ecNo: l.EC_No,
    outcome: 'quarantined',
    reason: `F_ECRITUREC ${l.EC_No}: ${why}`,
  });
  if (!CT_NUM.test(l.CT_Num)) return bad('CT_Num is not a Sage third-party code');
  const number = l.EC_RefPiece || l.EC_Piece;
  if (number === '') return bad('neither EC_RefPiece nor EC_Piece gives a piece number');
  if (l.EC_MontantRegle > l.EC_Montant) return bad('EC_MontantRegle is more than EC_Montant');
  if (l.EC_Montant <= 0) return bad('EC_Montant is not a positive amount');
  const warnings: string[] = [];
  // The invoice's own date when Gestion commerciale has it; the entry's date otherwise.
  const issueDate = doc?.DO_Date ?? l.EC_Date;
  if (issueDate === null) return bad('EC_Date is empty (1753-01-01)');
  let dueDate = l.EC_Echeance;
  if (dueDate === null) {
    // An invoice without an agreed due date: the law's default term (Code de commerce L441-10 I: 30
    // days after the goods are received or the service performed; french-recovery-law.md §1.1). The
    // ledger keeps no date of receipt: the invoice's date stands for it. A credit note is the
    // customer's to use at once: due on its date.
    dueDate = kind === 'invoice' ? addDays(issueDate, DEFAULT_TERM_DAYS) : issueDate;
    if (kind === 'invoice')
      warnings.push(
        `F_ECRITUREC ${l.EC_No}: EC_Echeance is empty (1753-01-01): taken as due ${DEFAULT_TERM_DAYS} days after its date (L441-10 I default term)`,
      );
  }
  if (dueDate < issueDate)
    return bad(`EC_Echeance is before ${doc?.DO_Date ? 'DO_Date' : 'EC_Date'}: due date is before the issue date`);
  const candidate = {
    id: sage100Ids.line(ctx, l.EC_No),
    source: { system: SAGE_100_SYSTEM, connection: ctx.connection, id: sage100Ids.lineSource(l.EC_No) },
    kind,
    number,
    debtorId: sage100Ids.customer(ctx, l.CT_Num),
    companyId: sage100Ids.company(ctx),
    issueDate,
    dueDate,
    currency: ctx.currency,
    total: l.EC_Montant,
    open: l.EC_Montant - l.EC_MontantRegle,
  };
  // A digest of what is kept: cbModification also moves on changes that keep none of it.
  const parsed = ReceivableSchema.safeParse(withContentVersion(candidate));
  if (!parsed.success) return bad(describe(parsed.error));
  return { ecNo: l.EC_No, outcome: 'receivable', receivable: parsed.data, warnings };
}

/** Why a line read by the incremental read or the reconciliation is no longer open. */
export const LETTERED_REASON = 'was lettered in Sage 100 (matched with a payment, a credit note or a reversal)';
export const DELETED_REASON = 'was deleted in Sage 100 (or moved off the customer accounts)';

/** Country names as Sage keeps them in CT_Pays (free text) → ISO 3166-1 alpha-2 [INFERRED: the usual French spellings]. */
const COUNTRIES: Readonly<Record<string, string>> = {
  FRANCE: 'FR',
  BELGIQUE: 'BE',
  SUISSE: 'CH',
  LUXEMBOURG: 'LU',
  MONACO: 'MC',
  ALLEMAGNE: 'DE',
  ESPAGNE: 'ES',
  ITALIE: 'IT',
  'PAYS-BAS': 'NL',
  'ROYAUME-UNI': 'GB',
  PORTUGAL: 'PT',
};
const PHONE = /^\+?[0-9 ().-]{6,20}$/;
/** The debtor schema's own e-mail rule, so that an address it would refuse is set aside, not the whole customer. */
const EMAIL = z.email();

/** A customer (F_COMPTET) and its contacts (F_CONTACTT) → a debtor. */
export function customerToDebtor(
  c: Sage100Customer,
  contacts: readonly Sage100Contact[],
  ctx: Sage100MappingContext,
): CustomerResult {
  const label = `F_COMPTET ${CT_NUM.test(c.CT_Num) ? c.CT_Num : '(no valid CT_Num)'}`;
  if (!CT_NUM.test(c.CT_Num))
    return { outcome: 'quarantined', reason: `${label}: CT_Num is not a Sage third-party code` };
  if (c.CT_Intitule === '') return { outcome: 'quarantined', reason: `${label}: CT_Intitule (the name) is empty` };
  const ignored: string[] = [];
  const registration: Debtor['registration'] = {};
  const siret = c.CT_Siret.replace(/[\s.]/g, '');
  if (siret !== '') {
    if (isValidSiret(siret)) {
      registration.siret = siret;
      registration.siren = siret.slice(0, 9);
    } else if (isValidSiren(siret)) registration.siren = siret;
    else if (/^\d{14}$/.test(siret) && isValidSiren(siret.slice(0, 9))) {
      registration.siren = siret.slice(0, 9);
      ignored.push('CT_Siret (the SIRET fails its checksum: only its SIREN is kept)');
    } else ignored.push('CT_Siret (not a valid SIRET or SIREN)');
  }
  // CT_Identifiant holds the intra-EU VAT number in French files (§4.2 [SECONDARY]; ICE in Morocco).
  const vat = c.CT_Identifiant.replace(/\s/g, '').toUpperCase();
  if (vat !== '') {
    if (vat.startsWith('FR') ? isValidFrenchVat(vat) : /^[A-Z]{2}[0-9A-Z]{2,13}$/.test(vat)) registration.vat = vat;
    else ignored.push('CT_Identifiant (not a valid VAT number)');
  }
  const addresses: Address[] = [];
  const lines = [c.CT_Adresse, c.CT_Complement].filter((l) => l !== '');
  // An empty CT_Pays in a French file is France [INFERRED].
  const country = c.CT_Pays === '' ? 'FR' : COUNTRIES[c.CT_Pays.toUpperCase()];
  if (lines.length > 0 && c.CT_CodePostal !== '' && c.CT_Ville !== '' && country !== undefined)
    addresses.push({ kind: 'billing', lines, postalCode: c.CT_CodePostal, city: c.CT_Ville, country });
  else if (lines.length > 0 || c.CT_Ville !== '')
    ignored.push(
      country === undefined ? 'the address (CT_Pays is not a known country name)' : 'the address (incomplete)',
    );
  const emails: string[] = [];
  const phones: string[] = [];
  const addEmail = (value: string, column: string) => {
    if (value === '') return;
    if (EMAIL.safeParse(value).success) emails.push(value);
    else ignored.push(`${column} (not an e-mail address)`);
  };
  const addPhone = (value: string, column: string) => {
    if (value === '') return;
    if (PHONE.test(value)) phones.push(value);
    else ignored.push(`${column} (not a phone number)`);
  };
  addEmail(c.CT_EMail, 'CT_EMail');
  addPhone(c.CT_Telephone, 'CT_Telephone');
  for (const k of contacts) {
    addEmail(k.CT_EMail, 'F_CONTACTT CT_EMail');
    addPhone(k.CT_Telephone, 'F_CONTACTT CT_Telephone');
    addPhone(k.CT_TelPortable, 'F_CONTACTT CT_TelPortable');
  }
  const warnings = ignored.length ? [`${label}: ignored ${[...new Set(ignored)].join(', ')}`] : [];
  if (c.CT_Sommeil === 1) warnings.push(`${label}: CT_Sommeil is set (an inactive customer in Sage)`);
  const candidate = {
    id: sage100Ids.customer(ctx, c.CT_Num),
    source: { system: SAGE_100_SYSTEM, connection: ctx.connection, id: sage100Ids.customerSource(c.CT_Num) },
    name: c.CT_Intitule,
    // Sage 100 does not tell a company from a person; a SIRET says company, and so does the default [INFERRED].
    kind: 'company' as const,
    registration,
    addresses,
    emails: [...new Set(emails)],
    phones: [...new Set(phones)],
  };
  const parsed = DebtorSchema.safeParse(candidate);
  if (!parsed.success) return { outcome: 'quarantined', reason: `${label}: ${describe(parsed.error)}` };
  return { outcome: 'debtor', debtor: parsed.data, warnings };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ');
}

/** The default payment term between professionals when none is agreed (Code de commerce L441-10 I). */
const DEFAULT_TERM_DAYS = 30;

/** A YYYY-MM-DD day plus `days` days. */
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
