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

/** Shorter passwords fall to guessing: the CNIL's 2022 recommendation for a password alone is 12 characters. */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * `recouvra config hash-password`: the argon2id hash of the password given on standard input, for
 * `api.users[].passwordHash`. The password is read from a pipe, never from the command line (where
 * `ps` and the shell's history would keep it) and never printed.
 */
export async function runHashPassword(
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
): Promise<CommandResult> {
  if (input.isTTY)
    return {
      exitCode: 2,
      stdout: '',
      stderr:
        'give the password on standard input, e.g.:  read -rs P && printf %s "$P" | recouvra config hash-password; unset P\n',
    };
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password.length < MIN_PASSWORD_LENGTH)
    return {
      exitCode: 1,
      stdout: '',
      stderr: `the password must be at least ${MIN_PASSWORD_LENGTH} characters; nothing was hashed\n`,
    };
  // Loaded here: the other config commands do not need the argon2 binding.
  const { hashPassword } = module.require('../http/sessions') as typeof import('../http/sessions');
  return { exitCode: 0, stdout: `${await hashPassword(password)}\n`, stderr: '' };
}
