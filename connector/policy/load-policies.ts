import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicySchema, type Policy } from '../../config/policy.schema';
import { keysAt } from '../config/schema-keys';
import { parseYamlFile, problemsFromZod, ProblemsError, type Problem } from '../config/problems';
import { bundledPath } from '../paths';

export const BUNDLED_POLICIES_DIR = bundledPath('config', 'policies');

/** Validates one policy document; every problem is returned, located in the file. */
export function parsePolicy(file: string, text: string): { policy?: Policy; problems: Problem[] } {
  let y;
  try {
    y = parseYamlFile(file, text);
  } catch (e) {
    if (e instanceof ProblemsError) return { problems: e.problems };
    throw e;
  }
  const r = PolicySchema.safeParse(y.data);
  if (r.success) return { policy: r.data, problems: [] };
  return { problems: problemsFromZod(file, r.error, y, (p) => keysAt(PolicySchema, p)) };
}

/** Loads every *.yaml policy of a folder; throws one error listing all problems of all files. */
export function loadPolicies(dir: string = BUNDLED_POLICIES_DIR): Map<string, Policy> {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
      .sort();
  } catch (e) {
    throw new ProblemsError(`cannot read policies folder ${dir}`, [
      { file: dir, path: [], message: (e as Error).message },
    ]);
  }
  const problems: Problem[] = [];
  const policies = new Map<string, Policy>();
  const fileOf = new Map<string, string>();
  if (names.length === 0) problems.push({ file: dir, path: [], message: 'no policy files (*.yaml) in this folder' });
  for (const name of names) {
    const file = join(dir, name);
    const { policy, problems: found } = parsePolicy(file, readFileSync(file, 'utf8'));
    problems.push(...found);
    if (!policy) continue;
    const other = fileOf.get(policy.id);
    if (other) problems.push({ file, path: ['id'], message: `policy id "${policy.id}" is also used by ${other}` });
    fileOf.set(policy.id, file);
    policies.set(policy.id, policy);
  }
  if (problems.length > 0) throw new ProblemsError(`policies in ${dir} are invalid`, problems);
  return policies;
}
