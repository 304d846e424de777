import { ProblemsError } from '../../config/problems';
import { loadRuntime } from '../runtime';
import { loadPolicies } from '../../policy/load-policies';
import { rateStatus } from '../../claim/legal-status';
import { dateInZone } from '../../time/calendar-date';
import type { CommandResult } from './command-result';

/** `recouvra config check --config FILE`: validates the file, the policies and the legal data it points to, every problem in one run. */
export function runConfigCheck(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): CommandResult {
  try {
    // Everything, including what is otherwise read at the first dossier or hand-off (courts, costs,
    // the file-drop folders), so that a broken part shows here, listed with all the others.
    const rt = loadRuntime(file, env, {}, { everything: true });
    const rates = rateStatus(rt.legal, dateInZone(now, rt.config.company.timezone));
    const lines = [
      `${file}: OK`,
      `  store: ${rt.config.store.driver}`,
      `  policies: ${[...rt.policies.values()].map((p) => `${p.id} v${p.version}`).join(', ')}`,
      `  legal rates: ${[...rt.legal.rates.keys()].join(', ')}`,
      `  connections: ${rt.config.connections.length ? rt.config.connections.map((c) => `${c.id} (${c.type})`).join(', ') : 'none'}`,
      ...rt.warnings.map((w) => `  warning: ${w}`),
      // Not a failure: the configuration is valid, but claims needing a missing semester will be refused.
      ...rates.warnings.map((w) => `  warning: ${w}`),
    ];
    rt.logger.close();
    return { exitCode: 0, stdout: `${lines.join('\n')}\n`, stderr: '' };
  } catch (e) {
    if (e instanceof ProblemsError) return { exitCode: 1, stdout: '', stderr: `${e.message}\n` };
    return { exitCode: 1, stdout: '', stderr: `${(e as Error).message}\n` };
  }
}

export function runPolicyCheck(dir?: string): CommandResult {
  try {
    const policies = loadPolicies(dir);
    return {
      exitCode: 0,
      stdout:
        [...policies.values()]
          .map((p) => `${p.id} v${p.version}: OK (${p.steps.map((s) => s.id).join(' → ')})`)
          .join('\n') + '\n',
      stderr: '',
    };
  } catch (e) {
    return { exitCode: 1, stdout: '', stderr: `${(e as Error).message}\n` };
  }
}
