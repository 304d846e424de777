/**
 * Loads the French legal data (config/legal/fr/*.yaml) once, validates it, and turns every
 * percentage into integer basis points. The claim computation only ever sees `LegalData`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  IndemnityFileSchema,
  LimitationFileSchema,
  RatesFileSchema,
  ratesFileCrossProblems,
  type SemesterRateEntry,
} from '../../config/legal/legal-data.schema';
import { bundledPath } from '../paths';
import type { IsoDate, Semester } from '../time/calendar-date';
import { percentToBasisPoints } from './basis-points';
import { formatIssues, issuePath } from './zod-issues';

export interface SemesterRates {
  semester: Semester;
  /** ECB MRO rate in force on 1 January / 1 July, in basis points (3.15 % → 315). */
  ecbMroBps: number;
  /** Legal interest rate, "tous les autres cas" (professional creditor), in basis points. */
  legalRateOtherBps: number;
  /** Legal interest rate when the creditor is a private individual, in basis points. */
  legalRateIndividualCreditorBps: number;
  sources: readonly string[];
  /** Where the figures come from: the rates file, or the configuration entry that added or replaced them. */
  origin: string;
}

export interface LimitationPeriod {
  years: number;
  article: string;
  startRule: string;
  sources: readonly string[];
}

export interface LegalData {
  /** Keyed by semester (`2025-H1`); a semester that is not there has no known rate. */
  rates: ReadonlyMap<Semester, SemesterRates>;
  indemnity: {
    /** Minor units of `currency` (4000 = 40.00 EUR). */
    amount: number;
    currency: string;
    since: IsoDate;
    article: string;
    sources: readonly string[];
  };
  limitation: {
    betweenProfessionals: LimitationPeriod;
    professionalToConsumer: LimitationPeriod;
    civil: LimitationPeriod;
  };
}

/** The legal data files are unreadable or invalid; `problems` lists each as `file: path: message`. */
export class LegalDataError extends Error {
  readonly code = 'LEGAL_DATA_INVALID';
  constructor(
    readonly dir: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid French legal data in ${dir}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'LegalDataError';
  }
}

export const LEGAL_FILES = { rates: 'rates.yaml', indemnity: 'indemnity.yaml', limitation: 'limitation.yaml' } as const;

export function loadFrenchLegalData(dir: string = bundledPath('config', 'legal', 'fr')): LegalData {
  const problems: string[] = [];
  const rates = readValidated(dir, LEGAL_FILES.rates, RatesFileSchema, problems, ratesFileCrossProblems);
  const indemnity = readValidated(dir, LEGAL_FILES.indemnity, IndemnityFileSchema, problems);
  const limitation = readValidated(dir, LEGAL_FILES.limitation, LimitationFileSchema, problems);
  if (problems.length > 0 || !rates || !indemnity || !limitation) throw new LegalDataError(dir, problems);
  return buildLegalData({ rates, indemnity, limitation }, join(dir, LEGAL_FILES.rates));
}

/**
 * The legal data with the rates of the configuration (`legal.rates`) laid over the file's: an
 * entry adds its semester, or replaces the file's figures for it. Entries were validated by the
 * configuration schema, with the same rules as the file.
 */
export function withConfiguredRates(
  legal: LegalData,
  entries: readonly SemesterRateEntry[],
  origin: (index: number) => string,
): LegalData {
  if (entries.length === 0) return legal;
  const rates = new Map(legal.rates);
  entries.forEach((entry, index) => rates.set(entry.semester as Semester, semesterRates(entry, origin(index))));
  return { ...legal, rates };
}

function semesterRates(entry: SemesterRateEntry, origin: string): SemesterRates {
  return {
    semester: entry.semester as Semester,
    ecbMroBps: bps(entry.ecbMroPercent),
    legalRateOtherBps: bps(entry.legalRateOtherPercent),
    legalRateIndividualCreditorBps: bps(entry.legalRateIndividualCreditorPercent),
    sources: entry.sources,
    origin,
  };
}

/** Builds `LegalData` from already-parsed file contents (also used by tests to vary one figure). */
export function buildLegalData(
  files: {
    rates: z.infer<typeof RatesFileSchema>;
    indemnity: z.infer<typeof IndemnityFileSchema>;
    limitation: z.infer<typeof LimitationFileSchema>;
  },
  ratesOrigin: string = LEGAL_FILES.rates,
): LegalData {
  const rates = new Map<Semester, SemesterRates>();
  for (const entry of files.rates.rates) rates.set(entry.semester as Semester, semesterRates(entry, ratesOrigin));
  return {
    rates,
    indemnity: { ...files.indemnity },
    limitation: {
      betweenProfessionals: { ...files.limitation.betweenProfessionals },
      professionalToConsumer: { ...files.limitation.professionalToConsumer },
      civil: { ...files.limitation.civil },
    },
  };
}

function bps(percent: string | number): number {
  const value = percentToBasisPoints(percent);
  // The schema has already refused anything else; reaching this is a programming error.
  if (value === null) throw new Error(`internal: "${String(percent)}" passed the schema but is not a percentage`);
  return value;
}

/** One legal YAML file of `dir`, validated by `schema`; every problem in one LegalDataError naming the file. */
export function readLegalYaml<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  const problems: string[] = [];
  const value = readValidated(dir, file, schema, problems);
  if (problems.length > 0 || value === undefined) throw new LegalDataError(dir, problems);
  return value;
}

/** The same for a text already read (tests, a file given inline). */
export function parseLegalYaml<T>(text: string, dir: string, file: string, schema: z.ZodType<T>): T {
  const problems: string[] = [];
  const value = validated(text, file, schema, problems);
  if (problems.length > 0 || value === undefined) throw new LegalDataError(dir, problems);
  return value;
}

function readValidated<T>(
  dir: string,
  file: string,
  schema: z.ZodType<T>,
  problems: string[],
  crossProblems: (raw: unknown) => { path: (string | number)[]; message: string }[] = () => [],
): T | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, file), 'utf8');
  } catch (err) {
    problems.push(
      `${file}: (file): cannot read ${join(dir, file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
    return undefined;
  }
  return validated(text, file, schema, problems, crossProblems);
}

function validated<T>(
  text: string,
  file: string,
  schema: z.ZodType<T>,
  problems: string[],
  crossProblems: (raw: unknown) => { path: (string | number)[]; message: string }[] = () => [],
): T | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : `offset ${e.pos[0]}`;
      // yaml appends " at line L, column C:" and a code excerpt; the position is given once, up front.
      const message = (e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, '');
      problems.push(`${file}: ${where}: ${message}`);
    }
    return undefined;
  }
  const raw: unknown = doc.toJS();
  const result = schema.safeParse(raw);
  if (!result.success) {
    const lines = formatIssues(result.error.issues);
    for (const p of crossProblems(raw)) lines.push(`${issuePath(p.path)}: ${p.message}`);
    for (const line of new Set(lines)) problems.push(`${file}: ${line}`);
    return undefined;
  }
  return result.data;
}
