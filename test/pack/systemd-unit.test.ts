import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigSchema } from '../../config/config.schema';
import { bundledPath } from '../../connector/paths';
import { describeWithService } from '../helpers/service-suite';

/**
 * config/systemd/recouvra.service: what the README installs. Checked with systemd's own
 * `systemd-analyze verify` (and `security` for the hardening), offline: no systemd needs to run.
 */

const UNIT = bundledPath('config', 'systemd', 'recouvra.service');
const SERVICE_CONFIG = bundledPath('config', 'systemd', 'recouvra.yaml');
const INSTALLED_CLI = '/opt/recouvra/node_modules/.bin/recouvra';
const ANALYZE = '/usr/bin/systemd-analyze';

const unitText = readFileSync(UNIT, 'utf8');
/** `Key=value` lines of the [Service] section (a key given twice keeps its values in order). */
function serviceSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) section = line;
    else if (section === '[Service]' && line && !line.startsWith('#')) {
      const at = line.indexOf('=');
      settings.set(line.slice(0, at), [...(settings.get(line.slice(0, at)) ?? []), line.slice(at + 1)]);
    }
  }
  return settings;
}
const service = serviceSettings(unitText);
const one = (key: string) => service.get(key)?.at(-1);
/** systemd time spans as this unit writes them: `45s`, `2min`, or bare seconds. */
function seconds(span: string): number {
  const m = /^(\d+)\s*(s|sec|min)?$/.exec(span.trim());
  if (!m) throw new Error(`time span "${span}" is not in a form this test reads`);
  return Number(m[1]) * (m[2] === 'min' ? 60 : 1);
}

describe('the systemd unit', () => {
  it('runs the installed CLI as its own user, restarts on failure, reads its secrets from the env file', () => {
    expect(one('ExecStart')).toBe(`${INSTALLED_CLI} run --config /etc/recouvra/recouvra.yaml`);
    expect(one('User')).toBe('recouvra');
    expect(one('Restart')).toBe('on-failure');
    expect(one('EnvironmentFile')).toBe('/etc/recouvra/recouvra.env');
    expect(one('KillSignal')).toBe('SIGTERM');
  });

  it('is hardened: no new privileges, read-only system, no home, private /tmp, writes only to its state folder', () => {
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('ReadWritePaths')).toBe('/var/lib/recouvra');
    expect(one('StateDirectory')).toBe('recouvra');
    // V8 compiles to executable memory: this one would stop node at its first JIT.
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('waits for the drain on SIGTERM: TimeoutStopSec is above daemon.drainTimeoutMs (default and service configuration)', () => {
    const stop = seconds(one('TimeoutStopSec')!);
    const defaultDrain = ConfigSchema.parse({ version: 1 }).daemon.drainTimeoutMs;
    const serviceDrain = (parse(readFileSync(SERVICE_CONFIG, 'utf8')) as { daemon: { drainTimeoutMs: number } }).daemon
      .drainTimeoutMs;
    // Closing the API, the adapters and the store follows the drain: a margin of at least 10 s.
    expect(stop * 1000).toBeGreaterThanOrEqual(Math.max(defaultDrain, serviceDrain) + 10_000);
  });

  it("keeps the service configuration's store inside the folder it may write", () => {
    const config = parse(readFileSync(SERVICE_CONFIG, 'utf8')) as { store: { sqlite: { path: string } } };
    expect(config.store.sqlite.path.startsWith(`${one('ReadWritePaths')}/`)).toBe(true);
  });
});

describeWithService(
  { name: 'systemd-analyze', available: () => existsSync(ANALYZE), where: ANALYZE, why: ' (apt-get install systemd)' },
  'systemd-analyze on the unit',
  () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'recouvra-unit-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /**
     * `verify` checks that ExecStart's program exists and is executable, and this machine has no
     * /opt/recouvra. The unit is checked as written except for that one path, which points at an
     * executable made here in its place; everything else (keys, values, sections) is the file's.
     */
    function placed(text: string, name: string): string {
      const cli = join(dir, 'opt/recouvra/node_modules/.bin/recouvra');
      mkdirSync(join(cli, '..'), { recursive: true });
      writeFileSync(cli, '#!/bin/sh\nexit 0\n');
      chmodSync(cli, 0o755);
      expect(text).toContain(`ExecStart=${INSTALLED_CLI} `);
      const file = join(dir, name);
      writeFileSync(file, text.split(`ExecStart=${INSTALLED_CLI} `).join(`ExecStart=${cli} `));
      return file;
    }
    const analyze = (...args: string[]) => {
      const r = spawnSync(ANALYZE, args, {
        encoding: 'utf8',
        env: { ...process.env, SYSTEMD_LOG_COLOR: '0', SYSTEMD_PAGER: '' },
      });
      return { status: r.status, output: `${r.stdout}${r.stderr}` };
    };
    /** What verify said about this unit file (not about units of the machine it runs on). */
    const about = (output: string, file: string) =>
      output.split('\n').filter((l) => l.includes(file) || l.includes('recouvra'));

    it('verify passes with nothing to say about the unit', () => {
      const file = placed(unitText, 'recouvra.service');
      const r = analyze('verify', file);
      expect(about(r.output, file)).toEqual([]);
      expect(r.status).toBe(0);
    });

    it('verify would report a mistake: the check above can fail', () => {
      const file = placed(unitText.replace('ProtectHome=yes', 'ProtectHom=yes'), 'recouvra-misspelt.service');
      const r = analyze('verify', file);
      expect(about(r.output, file).join('\n')).toContain("Unknown key 'ProtectHom'");
    });

    it('security rates the hardening: exposure at most 2.5 of 10', () => {
      const file = placed(unitText, 'recouvra.service');
      const r = analyze('security', '--offline=yes', file);
      const exposure = /Overall exposure level for recouvra\.service: (\d+\.\d)/.exec(r.output);
      expect(exposure).not.toBeNull();
      expect(Number(exposure![1])).toBeLessThanOrEqual(2.5);
      // Without the hardening lines the same measure reads high: it does measure them.
      const bare = placed(
        unitText
          .split('\n')
          .filter((l) => !/^(Protect|Restrict|Private|System|Capability|NoNew|Lock|Remove|UMask)/.test(l))
          .join('\n'),
        'recouvra-bare.service',
      );
      const weak = /Overall exposure level for recouvra-bare\.service: (\d+\.\d)/.exec(
        analyze('security', '--offline=yes', bare).output,
      );
      expect(Number(weak![1])).toBeGreaterThan(5);
    });
  },
);
