import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** `recouvra run` as a process of its own, built (dist/), as an integrator runs it. */

const CLI = resolve(__dirname, '..', '..', 'dist', 'connector', 'app', 'cli', 'main.js');

export interface CliProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves once a line matching `pattern` was written; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** The exit code (null when killed by a signal), the signal, and when it came (ms after `since`). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function startCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[] } = {},
): CliProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let text = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const w of waiters.filter((x) => x.pattern.test(text))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal, at: Date.now() })),
  );
  return {
    child,
    output: () => text,
    waitFor: (pattern, timeoutMs) =>
      new Promise<void>((resolveWait, reject) => {
        if (pattern.test(text)) return resolveWait();
        const timer = setTimeout(
          () => reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; output:\n${text}`)),
          timeoutMs,
        );
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolveWait()) });
        void exited.then(() =>
          setTimeout(() => reject(new Error(`exited without ${String(pattern)}; output:\n${text}`)), 100),
        );
      }),
    exited,
  };
}

/** Resolves with the exit, or rejects (after killing the process) when it has not come within `timeoutMs`. */
export async function exitWithin(
  cli: CliProcess,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`still running ${timeoutMs} ms later; output:\n${cli.output()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([cli.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A fresh folder with `recouvra.yaml` holding `yaml`. */
export function configIn(yaml: (dir: string) => string): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-start-'));
  const config = join(dir, 'recouvra.yaml');
  writeFileSync(config, yaml(dir));
  return { dir, config };
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}
