/**
 * How the law treats a party for the choice of court (reference §6, "Competent court"): the
 * tribunal de commerce hears merchants, commercial companies and artisans (C. com. L721-3);
 * the tribunal judiciaire hears non-merchants (consumers, liberal professions, SCI,
 * associations). The ledger does not hold the legal form, so it comes, best first, from the
 * caller (a register lookup), from an INSEE legal-category code, from the name, or from the
 * debtor's kind; anything not read from a register is flagged for confirmation.
 */
import type { DebtorKind } from '../model/debtor.schema';
import type { LegalCategory, LegalForm } from '../model/dossier.schema';
import { FR } from './fr.wording';

/**
 * What a caller may know of a party's legal form: a category and label, or the INSEE code
 * (`nature_juridique`) with, for an entrepreneur individuel, the kind of activity (the code alone
 * does not say it).
 */
export type DeclaredLegalForm = { category: LegalCategory; label: string } | { inseeCode: string; activity?: Activity };

/** An entrepreneur individuel's activity: commercial and artisanal ones go to the commercial court (C. com. L721-3). */
export type Activity = 'commercial' | 'artisanal' | 'liberal';

/**
 * Legal forms recognised in a name, most specific first. Upper-case acronyms only match as
 * whole words in capitals ("SA" in "Transports Bernard SA", not "Sa" in a surname).
 * Sociétés d'exercice libéral have a commercial form but a civil object: they are put with the
 * liberal professions ([?]: not covered by the reference; confirm before filing).
 */
const NAME_PATTERNS: readonly { pattern: RegExp; category: LegalCategory; label: string }[] = [
  { pattern: /\bSEL(?:ARL|AS|ASU|AFA|CA)\b/, category: 'liberal_profession', label: "société d'exercice libéral" },
  { pattern: /\bSC[PM]\b/, category: 'liberal_profession', label: 'société civile professionnelle ou de moyens' },
  { pattern: /\bSCI\b/, category: 'civil_company', label: 'SCI' },
  { pattern: /\b(?:SCEA|GAEC|SC)\b/, category: 'civil_company', label: 'société civile' },
  { pattern: /\bsoci[ée]t[ée] civile\b/i, category: 'civil_company', label: 'société civile' },
  { pattern: /\bassociation\b/i, category: 'association', label: 'association' },
  { pattern: /\b(?:SASU|SAS|SARL|EURL|SNC|SCS|SCA|SA|SE)\b/, category: 'merchant', label: 'société commerciale' },
];

export function legalFormFromName(name: string): LegalForm | undefined {
  for (const { pattern, category, label } of NAME_PATTERNS) {
    const m = pattern.exec(name);
    if (m) return { category, label: category === 'merchant' ? m[0] : label, source: 'name' };
  }
  return undefined;
}

/**
 * INSEE "catégories juridiques" ([M]: from memory, not in the reference; check the INSEE
 * nomenclature): 1000 entrepreneur individuel; 5xxx sociétés commerciales, of which x585 are
 * sociétés d'exercice libéral; 65xx sociétés civiles; 92xx associations.
 */
export function legalFormFromInseeCode(code: string, activity?: Activity): LegalForm {
  const c = code.trim();
  if (c === '1000') return entrepreneurIndividuel(activity);
  if (/^\d{4}$/.test(c)) {
    if (/^5\d85$/.test(c))
      return { category: 'liberal_profession', label: `société d'exercice libéral (INSEE ${c})`, source: 'insee' };
    if (c.startsWith('5')) return { category: 'merchant', label: `société commerciale (INSEE ${c})`, source: 'insee' };
    if (c.startsWith('65')) return { category: 'civil_company', label: `société civile (INSEE ${c})`, source: 'insee' };
    if (c.startsWith('92')) return { category: 'association', label: `association (INSEE ${c})`, source: 'insee' };
  }
  // An entrepreneur individuel may be a trader, an artisan or a liberal profession: the code
  // alone does not say which court hears them.
  return { category: 'unknown', label: FR.legalForm.inseeCategory(c), source: 'insee' };
}

/**
 * Since 2022 (loi 2021-1729; C. com. L721-3) the tribunal de commerce hears artisans as it hears
 * traders: an entrepreneur individuel with a commercial or artisanal activity is a merchant for
 * competence; a liberal one goes to the tribunal judiciaire. Without the activity (or with
 * another one, e.g. agricultural, not covered by the reference), the court is to confirm.
 */
function entrepreneurIndividuel(activity: Activity | undefined): LegalForm {
  if (activity === 'commercial' || activity === 'artisanal')
    return {
      category: 'merchant',
      label: `entrepreneur individuel, ${activity === 'artisanal' ? 'artisan' : 'commerçant'} (INSEE 1000)`,
      source: 'insee',
    };
  if (activity === 'liberal')
    return {
      category: 'liberal_profession',
      label: 'entrepreneur individuel, profession libérale (INSEE 1000)',
      source: 'insee',
    };
  return { category: 'unknown', label: FR.legalForm.entrepreneurUnknownActivity, source: 'insee' };
}

export function resolveLegalForm(party: { name: string; kind: DebtorKind }, declared?: DeclaredLegalForm): LegalForm {
  if (declared && 'inseeCode' in declared) return legalFormFromInseeCode(declared.inseeCode, declared.activity);
  if (declared) return { category: declared.category, label: declared.label, source: 'declared' };
  // A private person in the ledger is a consumer for the claim rules (claim-input.schema.ts).
  if (party.kind === 'individual') return { category: 'consumer', label: 'particulier', source: 'debtor_kind' };
  return legalFormFromName(party.name) ?? { category: 'unknown', label: FR.legalForm.unknown, source: 'unknown' };
}

/** Before the tribunal de commerce (C. com. L721-3): commercial companies, traders, artisans. */
export function isMerchant(form: LegalForm): boolean {
  return form.category === 'merchant';
}
