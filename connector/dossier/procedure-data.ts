/**
 * Loads config/legal/fr/procedures.yaml (the figures of the procedures the dossier recommends) and
 * config/legal/fr/courts.yaml (the territory of each court, by commune) once and validates them.
 * A missing or invalid file is an explicit error naming every problem, never a silent default.
 */
import { CourtsFileSchema, type CourtsFile } from '../../config/legal/courts-data.schema';
import { ProceduresFileSchema, type ProceduresFile } from '../../config/legal/procedure-data.schema';
import { LegalDataError, parseLegalYaml, readLegalYaml } from '../claim/legal-data';
import { bundledPath } from '../paths';

export type CourtsData = CourtsFile;
export type ProcedureData = ProceduresFile & { courts: CourtsData };

export const PROCEDURES_FILE = 'procedures.yaml';
export const COURTS_FILE = 'courts.yaml';

/**
 * procedures.yaml is read and validated here; courts.yaml (4,000 lines, about a second to parse
 * and validate) only when a court is first looked up, so that commands which never name a court
 * do not pay for it. `config check` and the daemon's start call `checkCourts` to read it up front.
 */
export function loadProcedureData(dir: string = bundledPath('config', 'legal', 'fr')): ProcedureData {
  const procedures = readLegalYaml(dir, PROCEDURES_FILE, ProceduresFileSchema);
  let courts: CourtsData | undefined;
  const data = { ...procedures } as ProcedureData;
  Object.defineProperty(data, 'courts', {
    enumerable: true,
    get: () => (courts ??= loadCourts(dir, procedures)),
  });
  return data;
}

/** Reads courts.yaml now: a broken file is reported where the user checks the configuration, not at the first dossier. */
export function checkCourts(data: ProcedureData): void {
  // eslint-disable-next-line @typescript-eslint/no-meaningless-void-operator -- reading the lazy property is what loads the file
  void data.courts;
}

function loadCourts(dir: string, procedures: ProceduresFile): CourtsData {
  const courts = readLegalYaml(dir, COURTS_FILE, CourtsFileSchema);
  // The TAE are tribunaux de commerce renamed (loi 2023-1059 art. 26): each needs its territory.
  const missing = procedures.economicActivitiesCourts.seats.filter(
    (seat) => !courts.courts.some((c) => c.kind === 'tribunal_de_commerce' && c.seat === seat),
  );
  if (missing.length)
    throw new LegalDataError(
      dir,
      missing.map(
        (seat) =>
          `${COURTS_FILE}: courts: no tribunal_de_commerce with seat "${seat}", a tribunal des activités économiques of ${PROCEDURES_FILE}`,
      ),
    );
  return courts;
}

export function parseProcedureData(text: string, dir = '(text)'): ProceduresFile {
  return parseLegalYaml(text, dir, PROCEDURES_FILE, ProceduresFileSchema);
}

export function parseCourtsData(text: string, dir = '(text)'): CourtsData {
  return parseLegalYaml(text, dir, COURTS_FILE, CourtsFileSchema);
}
