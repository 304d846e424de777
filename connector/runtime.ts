import type winston from 'winston';
import type { Policy } from '../config/policy.schema';
import type { Config } from '../config/config.schema';
import { ConfigSchema } from '../config/config.schema';
import { loadFrenchLegalData, withConfiguredRates, type LegalData } from './claim/legal-data';
import { loadConfig, type LoadedConfig } from './config/load-config';
import { ProblemsError, type Problem } from './config/problems';
import { createLogger, type LogFormat, type Logger, type LogLevel } from './log/logger';
import { evaluationContext } from './policy/context';
import { escalationGateHook, loadProcedureData, type ProcedureData } from './dossier';
import type { EvaluationContext } from './policy/evaluate';
import { loadPolicies, BUNDLED_POLICIES_DIR } from './policy/load-policies';
import { adapterRegistry } from '../adapters/registry';

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

/** Loads config (or the defaults when no file is given), policies and legal data; every problem is reported together. */
export function loadRuntime(configFile: string | undefined, env: NodeJS.ProcessEnv = process.env, log: LogOverrides = {}): Runtime {
  const loaded: LoadedConfig = configFile ? loadConfig(configFile, { env, registry: adapterRegistry }) : { config: ConfigSchema.parse({ version: 1 }), secrets: [], warnings: [], file: '(defaults)' };
  const { config } = loaded;
  const problems: Problem[] = [];
  let policies = new Map<string, Policy>();
  try {
    policies = loadPolicies(config.dunning.policiesDir ?? BUNDLED_POLICIES_DIR);
  } catch (e) {
    if (e instanceof ProblemsError) problems.push(...e.problems);
    else throw e;
  }
  if (policies.size > 0) {
    for (const kind of ['company', 'individual'] as const) {
      const id = config.dunning.defaultPolicy[kind];
      const policy = policies.get(id);
      if (!policy) problems.push({ file: loaded.file, path: ['dunning', 'defaultPolicy', kind], message: `policy "${id}" does not exist (known: ${[...policies.keys()].join(', ')})` });
      else if (!policy.appliesTo.debtorKinds.includes(kind)) problems.push({ file: loaded.file, path: ['dunning', 'defaultPolicy', kind], message: `policy "${id}" does not apply to ${kind} debtors` });
    }
    for (const [debtorId, id] of Object.entries(config.dunning.overrides)) {
      if (!policies.has(id)) problems.push({ file: loaded.file, path: ['dunning', 'overrides', debtorId], message: `policy "${id}" does not exist` });
    }
  }
  let legal: LegalData | undefined;
  let procedures: ProcedureData | undefined;
  try {
    legal = withConfiguredRates(config.legal.dir ? loadFrenchLegalData(config.legal.dir) : loadFrenchLegalData(), config.legal.rates, (i) => `${loaded.file} legal.rates[${i}]`);
    procedures = config.legal.dir ? loadProcedureData(config.legal.dir) : loadProcedureData();
  } catch (e) {
    problems.push({ file: config.legal.dir ?? 'config/legal/fr', path: ['legal'], message: (e as Error).message });
  }
  if (problems.length > 0 || !legal || !procedures) throw new ProblemsError('configuration is not usable', problems);
  const secrets = [...loaded.secrets];
  const logger = createLogger({
    level: log.level ?? config.logging.level,
    format: log.format ?? config.logging.format,
    secrets: { values: () => secrets },
    ...(log.transport ? { transport: log.transport } : {}),
  });
  for (const w of loaded.warnings) logger.warn(w);
  // Escalation is decided only when the gate passes (connector/dossier/escalation-gate.ts).
  const context = { ...evaluationContext(legal), locale: config.company.locale, escalationGate: escalationGateHook({ legal, procedures, timeZone: config.company.timezone }) };
  return { config, secrets, warnings: loaded.warnings, logger, policies, legal, procedures, context };
}
