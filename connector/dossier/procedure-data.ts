/**
 * Loads config/legal/fr/procedures.yaml (the figures of the procedures the dossier recommends)
 * once and validates it. A missing or invalid file is an explicit error naming every problem,
 * never a silent default.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { ProceduresFileSchema, type ProceduresFile } from '../../config/legal/procedure-data.schema';
import { LegalDataError } from '../claim/legal-data';
import { formatIssues } from '../claim/zod-issues';
import { bundledPath } from '../paths';

export type ProcedureData = ProceduresFile;

export const PROCEDURES_FILE = 'procedures.yaml';

export function loadProcedureData(dir: string = bundledPath('config', 'legal', 'fr')): ProcedureData {
  const path = join(dir, PROCEDURES_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new LegalDataError(dir, [`${PROCEDURES_FILE}: (file): cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return parseProcedureData(text, dir);
}

export function parseProcedureData(text: string, dir = '(text)'): ProcedureData {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new LegalDataError(
      dir,
      doc.errors.map((e) => `${PROCEDURES_FILE}: ${e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : `offset ${e.pos[0]}`}: ${e.message.split('\n')[0] ?? e.code}`),
    );
  }
  const result = ProceduresFileSchema.safeParse(doc.toJS());
  if (!result.success) throw new LegalDataError(dir, formatIssues(result.error.issues).map((line) => `${PROCEDURES_FILE}: ${line}`));
  return result.data;
}
