import { Readable } from 'node:stream';
import { verify } from '@node-rs/argon2';
import { ApiUserSchema } from '../../connector/app/http/api-config.schema';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfigCheck, runHashPassword, runPolicyCheck } from '../../connector/app/cli/config-command';

function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-cfg-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('recouvra config check', () => {
  it('accepts the example configuration', () => {
    const r = runConfigCheck('config/example.yaml', {});
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('policies: fr-b2b v1, fr-b2c v1');
    expect(r.stdout).toContain('legal rates: 2023-H1');
  });

  it('exits 1 and lists every problem with file, line and path', () => {
    const path = file(
      'bad.yaml',
      'version: 1\nstore:\n  driver: mysql\nlogging:\n  levle: debug\ndunning:\n  defaultPolicy:\n    company: fr-b2c\n',
    );
    const r = runConfigCheck(path, {});
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${path}:3:`);
    expect(r.stderr).toContain('store.driver: store.driver must be "sqlite" or "postgres"');
    expect(r.stderr).toContain(`${path}:5:3  logging.levle: unknown key "levle" — did you mean "level"?`);
  });

  it('catches a default policy that does not fit the debtor kind', () => {
    const path = file('c.yaml', 'version: 1\ndunning:\n  defaultPolicy:\n    company: fr-b2c\n    individual: nope\n');
    const r = runConfigCheck(path, {});
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('dunning.defaultPolicy.company: policy "fr-b2c" does not apply to company debtors');
    expect(r.stderr).toContain('dunning.defaultPolicy.individual: policy "nope" does not exist');
  });

  it('says so when the file does not exist', () => {
    const r = runConfigCheck('/nonexistent/recouvra.yaml', {});
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('file not found');
  });
});

describe('recouvra policy check', () => {
  it('accepts the bundled policies and shows their ladders', () => {
    const r = runPolicyCheck();
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      'fr-b2b v1: OK (courtesy → reminder-1 → reminder-2 → phone-call → formal-notice → escalation)',
    );
  });
});

describe('recouvra config hash-password', () => {
  it('prints an argon2id hash of the password piped in, which the configuration accepts and which verifies it', async () => {
    const result = await runHashPassword(Readable.from([Buffer.from('correct horse battery\n')]));
    expect(result.exitCode).toBe(0);
    const hash = result.stdout.trim();
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(result.stdout).not.toContain('correct horse');
    // The trailing newline of `echo` is not part of the password.
    expect(await verify(hash, 'correct horse battery')).toBe(true);
    expect(ApiUserSchema.safeParse({ username: 'claire', role: 'approver', passwordHash: hash }).success).toBe(true);
    const short = await runHashPassword(Readable.from([Buffer.from('short')]));
    expect(short).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'the password must be at least 12 characters; nothing was hashed\n',
    });
    const tty = Object.assign(Readable.from([]), { isTTY: true });
    expect((await runHashPassword(tty)).stderr).toContain('printf %s "$P" | recouvra config hash-password');
  });
});
