import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfigCheck } from '../../connector/app/cli/config-command';
import { formatProblem, ProblemsError } from '../../connector/config/problems';
import { loadRuntime, type RuntimeChecks } from '../../connector/app/runtime';

/** A folder of its own for each test: the configuration and whatever folders it names. */
function workspace(): string {
  return mkdtempSync(join(tmpdir(), 'recouvra-all-problems-'));
}

function write(dir: string, lines: string[]): string {
  const file = join(dir, 'recouvra.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The error loadRuntime throws, or a failure when it loads. */
function failure(file: string, checks: RuntimeChecks = {}): ProblemsError {
  try {
    loadRuntime(file, {}, {}, checks).logger.close();
  } catch (e) {
    if (e instanceof ProblemsError) return e;
    throw e;
  }
  throw new Error(`${file} loaded without a problem`);
}

describe('loadRuntime: every problem of a configuration in one run', () => {
  it('lists the schema problems and the later ones together, each at its line, column and key', () => {
    const dir = workspace();
    const file = write(dir, [
      'version: 1', //                               1
      'store:', //                                   2
      '  driver: mysql', //                          3  schema
      'logging:', //                                 4
      '  levle: debug', //                           5  schema
      'dunning:', //                                 6
      '  defaultPolicy:', //                         7
      '    company: fr-b2x', //                      8  no such policy
      '  overrides:', //                             9
      '    DEBTOR-7: ghost', //                      10 no such policy
      'legal:', //                                   11
      `  dir: ${join(dir, 'legal-nowhere')}`, //     12 no such folder
    ]);
    const e = failure(file);
    const lines = e.problems.map(formatProblem);
    expect(lines).toHaveLength(5);
    expect(lines).toEqual([
      `${file}:3:11  store.driver: store.driver must be "sqlite" or "postgres"`,
      `${file}:5:3  logging.levle: unknown key "levle" — did you mean "level"? (allowed here: format, level)`,
      `${file}:8:14  dunning.defaultPolicy.company: policy "fr-b2x" does not exist (known: fr-b2b, fr-b2c)`,
      `${file}:10:15  dunning.overrides.DEBTOR-7: policy "ghost" does not exist (known: fr-b2b, fr-b2c)`,
      `${file}:12:8  legal.dir: folder ${join(dir, 'legal-nowhere')} does not exist`,
    ]);
    expect(e.message.split('\n')[0]).toBe(`configuration ${file} is invalid: 5 problems`);
  });

  it('a file whose only problem is found after the schema reports it as before', () => {
    const file = write(workspace(), ['version: 1', 'dunning:', '  defaultPolicy:', '    individual: nope']);
    const e = failure(file);
    expect(e.message).toBe(
      `configuration is not usable: 1 problem\n  ${file}:4:17  dunning.defaultPolicy.individual: policy "nope" does not exist (known: fr-b2b, fr-b2c)`,
    );
  });

  it('a policies folder that does not exist is one problem, not one per policy it should hold', () => {
    const dir = workspace();
    const file = write(dir, [
      'version: 1',
      'dunning:',
      `  policiesDir: ${join(dir, 'policies-nowhere')}`,
      '  defaultPolicy: { company: mine-b2b, individual: mine-b2c }',
      '  overrides: { D1: mine-special, D2: mine-other }',
    ]);
    const e = failure(file);
    expect(e.problems.map(formatProblem)).toEqual([
      `${file}:3:16  dunning.policiesDir: folder ${join(dir, 'policies-nowhere')} does not exist`,
    ]);
  });

  it('a policies folder with a broken file reports that file, not every id that names a policy', () => {
    const dir = workspace();
    mkdirSync(join(dir, 'policies'));
    cpSync('config/policies', join(dir, 'policies'), { recursive: true });
    writeFileSync(join(dir, 'policies', 'broken.yaml'), 'id: [\n');
    const file = write(dir, [
      'version: 1',
      'dunning:',
      `  policiesDir: ${join(dir, 'policies')}`,
      '  defaultPolicy: { company: fr-b2b, individual: mine }',
      '  overrides: { D1: other }',
    ]);
    const e = failure(file);
    expect(e.problems.length).toBeGreaterThan(0);
    expect(e.problems.every((p) => p.file === join(dir, 'policies', 'broken.yaml'))).toBe(true);
  });

  it('a dunning section the schema refused is not also checked for policy ids', () => {
    const file = write(workspace(), ['version: 1', 'dunning:', '  defaultPolicy: { company: nope }', '  overrides: 3']);
    const e = failure(file);
    expect(e.problems.map(formatProblem)).toEqual([
      expect.stringMatching(new RegExp(`^${file}:4:\\d+  dunning\\.overrides: `)),
    ]);
  });

  it('a legal.dir that is not there is reported even when another legal key is wrong', () => {
    const dir = workspace();
    const file = write(dir, ['version: 1', 'legal:', '  dayCount: 30/360', `  dir: ${join(dir, 'nowhere')}`]);
    const e = failure(file);
    expect(e.problems.map((p) => `${p.line}:${p.path.join('.')}`)).toEqual(['3:legal.dayCount', '4:legal.dir']);
  });

  it('a legal.dir with broken files names each file; a legal.dir that is a file is one problem', () => {
    const dir = workspace();
    cpSync('config/legal/fr', join(dir, 'legal'), { recursive: true });
    writeFileSync(join(dir, 'legal', 'rates.yaml'), 'rates: 3\n');
    writeFileSync(join(dir, 'legal', 'procedures.yaml'), 'a: [\n');
    const broken = failure(write(dir, ['version: 1', 'legal:', `  dir: ${join(dir, 'legal')}`]));
    expect(broken.problems.map(formatProblem)).toEqual([
      `${join(dir, 'legal', 'rates.yaml')}  rates: rates must be a list of semester entries`,
      expect.stringMatching(new RegExp(`^${join(dir, 'legal', 'procedures.yaml')}:2:1  YAML: `)),
    ]);
    const aFile = failure(write(dir, ['version: 1', 'legal:', `  dir: ${join(dir, 'legal', 'rates.yaml')}`]));
    expect(aFile.problems.map(formatProblem)).toEqual([
      expect.stringContaining(`legal.dir: folder ${join(dir, 'legal', 'rates.yaml')} is not a folder`),
    ]);
  });

  it('still loads a sound configuration', () => {
    const rt = loadRuntime('config/example.yaml', {}, {}, { everything: true });
    expect([...rt.policies.keys()]).toEqual(['fr-b2b', 'fr-b2c']);
    rt.logger.close();
  });
});

describe('recouvra config check: what is otherwise met later is listed with the rest', () => {
  it('names the file-drop folder that is not there, the courts and costs files and the schema problems in one run', () => {
    const dir = workspace();
    cpSync('config/legal/fr', join(dir, 'legal'), { recursive: true });
    writeFileSync(join(dir, 'legal', 'costs.yaml'), 'courtFees: nope\n');
    writeFileSync(join(dir, 'legal', 'courts.yaml'), 'courts: 3\n');
    mkdirSync(join(dir, 'outbound'));
    const file = write(dir, [
      'version: 1',
      'daemon: { syncCron: often }',
      'legal:',
      `  dir: ${join(dir, 'legal')}`,
      'lawfirm:',
      '  id: firm',
      '  transport: file-drop',
      '  fileDrop:',
      `    outbound: ${join(dir, 'outbound')}`,
      `    inbound: ${join(dir, 'inbound')}`,
    ]);
    const r = runConfigCheck(file, {});
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/: 7 problems\n/); // four of them in courts.yaml
    expect(r.stderr).toContain(`${file}:2:21  daemon.syncCron: "often" is not a cron expression`);
    expect(r.stderr).toContain(`${join(dir, 'legal', 'costs.yaml')}  courtFees: `);
    expect(r.stderr).toContain(`${join(dir, 'legal', 'courts.yaml')}  courts: `);
    expect(r.stderr).toContain(
      `${file}:10:14  lawfirm.fileDrop.inbound: folder ${join(dir, 'inbound')} does not exist`,
    );
    expect(r.stderr).not.toContain('lawfirm.fileDrop.outbound');
  });
});
