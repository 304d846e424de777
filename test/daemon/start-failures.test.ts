import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { configIn, exitWithin, freePort, startCli } from './cli-process';

/**
 * A start that fails, at whatever step, closes what it opened, says in one line what failed and
 * exits non-zero within seconds. Before, a taken API port left the schedules and the queue
 * running: the process logged "Attempt to write logs with no transports" every 15 s and ignored
 * SIGTERM. Each case runs the built CLI; the deadline is generous (loading the CLI takes seconds
 * on a busy machine), the assertion is that the process ends on its own.
 */

const DEADLINE_MS = 30_000;
const env = { RECOUVRA_TEST_API_TOKEN: 'rcv_start_failures_start_failures_0001' };
const sqlite = (dir: string) =>
  `store:\n  driver: sqlite\n  sqlite: { path: ${JSON.stringify(join(dir, 'recouvra.sqlite'))} }`;

async function failedStart(yaml: (dir: string) => string): Promise<{ code: number | null; output: string }> {
  const { config } = configIn(yaml);
  const cli = startCli(['run', '--config', config], { env });
  const exit = await exitWithin(cli, DEADLINE_MS);
  const output = cli.output();
  // Nothing kept running after the failure, with its log already closed.
  expect(output).not.toMatch(/no transports/);
  expect(output.match(/could not start/g)).toHaveLength(1);
  return { code: exit.code, output };
}

describe('recouvra run: a start that fails', () => {
  let holder: Server | undefined;
  afterEach(() => new Promise<void>((r) => (holder ? holder.close(() => r()) : r())));

  it('with the API port taken: exits 1 and names the port', async () => {
    const port = await freePort();
    holder = createServer();
    await new Promise<void>((r) => holder!.listen(port, '127.0.0.1', r));
    const { code, output } = await failedStart(
      (dir) =>
        `version: 1\n${sqlite(dir)}\napi: { enabled: true, host: 127.0.0.1, port: ${port}, token: "\${RECOUVRA_TEST_API_TOKEN}" }\n`,
    );
    expect(code).toBe(1);
    expect(output).toContain(
      `recouvra run could not start: the API cannot listen on 127.0.0.1:${port}: another process holds that port (EADDRINUSE)`,
    );
  });

  it('with the PostgreSQL store unreachable: exits 1 and names the server', async () => {
    const port = await freePort();
    const { code, output } = await failedStart(
      () =>
        `version: 1\nstore:\n  driver: postgres\n  postgres: { url: "postgres://postgres@127.0.0.1:${port}/test", schema: recouvra_nowhere }\n`,
    );
    expect(code).toBe(1);
    expect(output).toMatch(
      new RegExp(`recouvra run could not start: cannot open the PostgreSQL store at 127\\.0\\.0\\.1:${port}/test`),
    );
  });

  it('with the job queue on a Redis that does not answer: exits 1 and names Redis', async () => {
    const port = await freePort();
    const { code, output } = await failedStart(
      (dir) => `version: 1\n${sqlite(dir)}\nqueue: { driver: redis, redis: { url: "redis://127.0.0.1:${port}" } }\n`,
    );
    expect(code).toBe(1);
    expect(output).toContain(
      `recouvra run could not start: the job queue's Redis at redis://127.0.0.1:${port} does not answer within 5000 ms`,
    );
  });

  it('with a broken configuration: exits 1 and lists every problem', async () => {
    const { code, output } = await failedStart(
      () => `version: 1\nstore: { driver: nope }\ndaemon: { syncCron: "often" }\n`,
    );
    expect(code).toBe(1);
    expect(output).toMatch(/recouvra run could not start: configuration .* is invalid: 2 problems/);
    expect(output).toMatch(/store\.driver/);
    expect(output).toMatch(/daemon\.syncCron: "often" is not a cron expression/);
  });
});
