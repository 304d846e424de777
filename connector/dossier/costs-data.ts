/**
 * Loads config/legal/fr/costs.yaml (the court's filing fees the dossier lists as court costs)
 * once and validates it. A missing or invalid file is an explicit error naming every problem,
 * never a silent default.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { CostsFileSchema, type CostsFile } from '../../config/legal/costs-data.schema';
import { LegalDataError } from '../claim/legal-data';
import { formatIssues } from '../claim/zod-issues';
import { bundledPath } from '../paths';

export type CostsData = CostsFile;

export const COSTS_FILE = 'costs.yaml';

export function loadCostsData(dir: string = bundledPath('config', 'legal', 'fr')): CostsData {
  const path = join(dir, COSTS_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new LegalDataError(dir, [`${COSTS_FILE}: (file): cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return parseCostsData(text, dir);
}

export function parseCostsData(text: string, dir = '(text)'): CostsData {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new LegalDataError(
      dir,
      doc.errors.map((e) => `${COSTS_FILE}: ${e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : `offset ${e.pos[0]}`}: ${e.message.split('\n')[0] ?? e.code}`),
    );
  }
  const result = CostsFileSchema.safeParse(doc.toJS());
  if (!result.success) throw new LegalDataError(dir, formatIssues(result.error.issues).map((line) => `${COSTS_FILE}: ${line}`));
  return result.data;
}
