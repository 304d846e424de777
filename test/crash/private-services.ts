import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../connector/app/demo/demo';

/**
 * A Redis and a PostgreSQL of the crash campaign's own, on free loopback ports, that it may stop
 * and start again under a running daemon — never the shared servers other tests use.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PrivateService {
  url: string;
  /** Stops the server (its data kept on disk), then starts it again after `downMs`. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Redis with its append-only file on, as a production Redis under BullMQ keeps its jobs across a restart. */
export async function startPrivateRedis(): Promise<PrivateService> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-redis-'));
  let child: ChildProcess | undefined;
  const up = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      if (ping(port)) return;
      await sleep(100);
    }
    throw new Error(`the private Redis on port ${port} did not start`);
  };
  const down = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    restart: async (downMs) => {
      await down();
      await sleep(downMs);
      await up();
    },
    stop: down,
  };
}

function ping(port: number): boolean {
  try {
    return (
      execFileSync('redis-cli', ['-p', String(port), 'ping'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() === 'PONG'
    );
  } catch {
    return false;
  }
}

/**
 * A PostgreSQL cluster in a temporary folder (initdb, trust on loopback). The server refuses to
 * run as root: when this process is root, the cluster belongs to the `postgres` account.
 * Undefined when no PostgreSQL binaries are installed.
 */
export async function startPrivatePostgres(): Promise<PrivateService | undefined> {
  const bin = postgresBin();
  if (!bin) return undefined;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot)
    chownSync(
      dir,
      Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
      Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
    );
  const run = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'ignore' })
      : execFileSync(join(bin, cmd), args, { stdio: 'ignore' });
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const up = () =>
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
  const down = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  up();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async (downMs) => {
      down();
      await sleep(downMs);
      up();
    },
    stop: async () => {
      try {
        down();
      } catch {
        // Already stopped.
      }
    },
  };
}

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return version ? join(root, version, 'bin') : undefined;
}
