import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type winston from 'winston';
import type { Policy } from '../../config/policy.schema';
import type { Config } from '../../config/config.schema';
import { LegalDataError, loadFrenchLegalData, withConfiguredRates, type LegalData } from '../claim/legal-data';
import { inspectConfig, invalidConfigHeading, readConfigText, type ConfigInspection } from '../config/load-config';
import { ProblemsError, type Problem } from '../config/problems';
import { createLogger, type LogFormat, type Logger, type LogLevel } from '../log/logger';
import { evaluationContext } from '../policy/context';
import { escalationGateHook, loadProcedureData, type ProcedureData } from '../dossier';
import { loadCostsData } from '../dossier/costs-data';
import { checkCourts } from '../dossier/procedure-data';
import type { EvaluationContext } from '../policy/evaluate';
import { loadPolicies, BUNDLED_POLICIES_DIR } from '../policy/load-policies';
import { adapterRegistry } from '../../adapters/registry';
import { connectionWriteBack } from '../sync/connections';

/**
 * Everything a command needs, built once from the configuration: logger with the secrets to
 * redact, policies, legal data. The store is opened by the commands that need it.
 */
export interface Runtime {
  config: Config;
  /** Values the logger redacts wherever they appear; read at every line, so a secret added later (the demo's keys) is redacted too. */
  secrets: string[];
  warnings: string[];
  logger: Logger;
  policies: Map<string, Policy>;
  legal: LegalData;
  /** Procedure facts (courts, ceilings, deadlines) the escalation gate and the dossier use. */
  procedures: ProcedureData;
  context: EvaluationContext;
}

/** What a caller may set on the logger over the `logging:` configuration (tests capture the log this way). */
export interface LogOverrides {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go instead of stderr. */
  transport?: winston.transport;
}

/** What `loadRuntime` also reads now rather than when first needed. */
export interface RuntimeChecks {
  /**
   * `config check`: also read courts.yaml and costs.yaml (otherwise read at the first dossier) and
   * look for the file-drop folders shared with the firm (otherwise met at the first hand-off).
   */
  everything?: boolean;
}

/**
 * Loads config (or the defaults when no file is given), policies and legal data. Every problem is
 * reported together, in one error: the schema's, then those of every later check whose part of
 * the configuration the schema accepted (a wrong `dunning` section is not also checked for policy
 * ids, a folder that does not exist is one problem, not one per file it should hold).
 */
export function loadRuntime(
  configFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  log: LogOverrides = {},
  checks: RuntimeChecks = {},
): Runtime {
  const inspection = configFile
    ? inspectConfig(configFile, readConfigText(configFile), { env, registry: adapterRegistry })
    : inspectConfig('(defaults)', 'version: 1\n', { env: {} });
  const problems: Problem[] = [...inspection.problems];
  const inFile = (path: (string | number)[], message: string): Problem => ({
    file: inspection.file,
    path,
    message,
    ...inspection.locate(path),
  });

  const policies = checkPolicies(inspection, problems, inFile);
  const legalFound = checkLegal(inspection, problems, inFile, checks);
  if (checks.everything) checkFileDrop(inspection, problems, inFile);

  const loaded = inspection.loaded;
  if (problems.length > 0 || !loaded || !legalFound) {
    throw new ProblemsError(
      inspection.problems.length > 0 ? invalidConfigHeading(inspection.file) : 'configuration is not usable',
      problems,
    );
  }
  const { config } = loaded;
  const { legal, procedures } = legalFound;
  const secrets = [...loaded.secrets];
  const logger = createLogger({
    level: log.level ?? config.logging.level,
    format: log.format ?? config.logging.format,
    secrets: { values: () => secrets },
    ...(log.transport ? { transport: log.transport } : {}),
  });
  for (const w of loaded.warnings) logger.warn(w);
  // Escalation is decided only when the gate passes (connector/dossier/escalation-gate.ts).
  const context = {
    ...evaluationContext(legal),
    locale: config.company.locale,
    escalationGate: escalationGateHook({ legal, procedures, timeZone: config.company.timezone }),
    // No ledger row is recorded that the connection's ledger cannot take (a read-only ledger).
    ledgerWriteBack: connectionWriteBack(config.connections, adapterRegistry),
  };
  return { config, secrets, warnings: loaded.warnings, logger, policies, legal, procedures, context };
}

type InFile = (path: (string | number)[], message: string) => Problem;

/** The policies of `dunning.policiesDir`; their ids are checked against `dunning` only when the whole section is sound. */
function checkPolicies(inspection: ConfigInspection, problems: Problem[], inFile: InFile): Map<string, Policy> {
  if (!inspection.sound(['dunning', 'policiesDir'])) return new Map();
  const written = inspection.rawAt(['dunning', 'policiesDir']);
  const dir = typeof written === 'string' && written !== '' ? written : BUNDLED_POLICIES_DIR;
  if (dir !== BUNDLED_POLICIES_DIR) {
    const missing = folderProblem(dir);
    if (missing) {
      problems.push(inFile(['dunning', 'policiesDir'], missing));
      return new Map();
    }
  }
  let policies: Map<string, Policy>;
  try {
    policies = loadPolicies(dir);
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    // A broken folder is reported once, by its files, not again at every id that names a policy in it.
    problems.push(...e.problems);
    return new Map();
  }
  const dunning = inspection.section('dunning');
  if (!dunning) return policies;
  for (const kind of ['company', 'individual'] as const) {
    const id = dunning.defaultPolicy[kind];
    const policy = policies.get(id);
    if (!policy)
      problems.push(
        inFile(
          ['dunning', 'defaultPolicy', kind],
          `policy "${id}" does not exist (known: ${[...policies.keys()].join(', ')})`,
        ),
      );
    else if (!policy.appliesTo.debtorKinds.includes(kind))
      problems.push(inFile(['dunning', 'defaultPolicy', kind], `policy "${id}" does not apply to ${kind} debtors`));
  }
  for (const [debtorId, id] of Object.entries(dunning.overrides)) {
    if (!policies.has(id))
      problems.push(
        inFile(
          ['dunning', 'overrides', debtorId],
          `policy "${id}" does not exist (known: ${[...policies.keys()].join(', ')})`,
        ),
      );
  }
  return policies;
}

/** The legal data of `legal.dir` (and, with `everything`, the courts and costs read later), with `legal.rates` laid over it. */
function checkLegal(
  inspection: ConfigInspection,
  problems: Problem[],
  inFile: InFile,
  checks: RuntimeChecks,
): { legal: LegalData; procedures: ProcedureData } | undefined {
  if (!inspection.sound(['legal', 'dir'])) return undefined;
  const written = inspection.rawAt(['legal', 'dir']);
  const dir = typeof written === 'string' && written !== '' ? written : undefined;
  if (dir !== undefined) {
    const missing = folderProblem(dir);
    if (missing) {
      problems.push(inFile(['legal', 'dir'], missing));
      return undefined;
    }
  }
  const read = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (e) {
      if (!(e instanceof LegalDataError)) throw e;
      problems.push(...legalProblems(e));
      return undefined;
    }
  };
  let legal = read(() => (dir ? loadFrenchLegalData(dir) : loadFrenchLegalData()));
  const procedures = read(() => (dir ? loadProcedureData(dir) : loadProcedureData()));
  if (checks.everything) {
    if (procedures) read(() => checkCourts(procedures));
    read(() => (dir ? loadCostsData(dir) : loadCostsData()));
  }
  const section = inspection.section('legal');
  if (legal && section)
    legal = withConfiguredRates(legal, section.rates, (i) => `${inspection.file} legal.rates[${i}]`);
  return legal && procedures && section ? { legal, procedures } : undefined;
}

/** The folders shared with a file-drop firm must be there: they are not created, so that a share that failed to mount shows. */
function checkFileDrop(inspection: ConfigInspection, problems: Problem[], inFile: InFile): void {
  const lawfirm = inspection.section('lawfirm');
  if (lawfirm?.transport !== 'file-drop' || !lawfirm.fileDrop) return;
  for (const side of ['outbound', 'inbound'] as const) {
    const missing = folderProblem(lawfirm.fileDrop[side]);
    if (missing) problems.push(inFile(['lawfirm', 'fileDrop', side], missing));
  }
}

/** Why `dir` cannot be used as a folder, or undefined when it can. */
function folderProblem(dir: string): string | undefined {
  const shown = isAbsolute(dir) ? `folder ${dir}` : `folder ${dir} (${resolve(dir)})`;
  try {
    return statSync(dir).isDirectory() ? undefined : `${shown} is not a folder`;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT'
      ? `${shown} does not exist`
      : `${shown} cannot be read: ${(e as Error).message}`;
  }
}

/** `rates.yaml: rates[0].semester: message` (as the legal data files report) → a problem located in that file. */
function legalProblems(e: LegalDataError): Problem[] {
  return e.problems.map((text) => {
    const [name = '', place = '', ...rest] = text.split(': ');
    const file = join(e.dir, name);
    const at = /^line (\d+), column (\d+)$/.exec(place);
    if (at)
      return { file, path: [], place: 'YAML', line: Number(at[1]), column: Number(at[2]), message: rest.join(': ') };
    return { file, path: [], place, message: rest.join(': ') };
  });
}
