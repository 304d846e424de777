/**
 * Loads config/legal/fr/costs.yaml (the court's filing fees the dossier lists as court costs)
 * once and validates it. A missing or invalid file is an explicit error naming every problem,
 * never a silent default.
 */
import { CostsFileSchema, type CostsFile } from '../../config/legal/costs-data.schema';
import { parseLegalYaml, readLegalYaml } from '../claim/legal-data';
import { bundledPath } from '../paths';

export type CostsData = CostsFile;

export const COSTS_FILE = 'costs.yaml';

export function loadCostsData(dir: string = bundledPath('config', 'legal', 'fr')): CostsData {
  return readLegalYaml(dir, COSTS_FILE, CostsFileSchema);
}

export function parseCostsData(text: string, dir = '(text)'): CostsData {
  return parseLegalYaml(text, dir, COSTS_FILE, CostsFileSchema);
}
