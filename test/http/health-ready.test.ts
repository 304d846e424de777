import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../connector/app/http/api';
import { BullMqJobQueue } from '../../connector/jobs/bullmq-queue';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { systemClock } from '../../connector/time/clock';
import { memoryLogger } from '../helpers/logger';
import { describeWithService } from '../helpers/service-suite';
import { seed } from '../cases/case-fixtures';

/**
 * The probes: GET /health and GET /ready answer without a token and say nothing but a status;
 * /ready checks every dependency the daemon uses and names what is down. Redis runs on a port of
 * its own here, so that the test can kill it and start it again (the shared one is left alone).
 */

const TOKEN = 'rcv_health_ready_health_ready_health_ready';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function redisServerInstalled(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A throw-away Redis: nothing saved, nothing appended, killed like a crash. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server did not listen on ${port}`);
    await sleep(50);
  }
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describeWithService(
  { name: 'redis-server', available: redisServerInstalled, where: 'PATH', why: ' (not installed)' },
  'GET /health and GET /ready',
  () => {
    let port: number;
    let redis: ChildProcess;
    let store: Store;
    let queue: BullMqJobQueue;
    let app: FastifyInstance;
    const probe = async (url: string, token?: string) => {
      const r = await app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: r.statusCode, body: r.json<unknown>() };
    };

    beforeAll(async () => {
      port = await freePort();
      redis = await startRedis(port);
      store = await openSqliteStore(':memory:');
      await store.migrate();
      await seed(store);
      queue = new BullMqJobQueue({
        url: `redis://127.0.0.1:${port}`,
        prefix: 'recouvra-ready',
        logger: { error: () => undefined },
      });
      app = buildApi({
        store,
        queue,
        config: { token: TOKEN, host: '127.0.0.1', port: 0 },
        clock: systemClock,
        logger: memoryLogger('debug').logger,
      });
      await app.ready();
    });

    afterAll(async () => {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when the setup failed before it
      await app?.close();
      // BullMQ closes its connections cleanly only with Redis there: it is started once more for that.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when the setup failed before it
      if (redis && (redis.exitCode !== null || redis.signalCode !== null)) redis = await startRedis(port);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when the setup failed before it
      await queue?.close();
      await kill(redis);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when the setup failed before it
      await store?.close().catch(() => undefined);
    });

    it('answer without a token, with a status and nothing else, while the cases, jobs and metrics still need it', async () => {
      expect(await probe('/health')).toEqual({ status: 200, body: { status: 'ok' } });
      expect(await probe('/ready')).toEqual({ status: 200, body: { status: 'ready' } });
      for (const url of ['/cases', '/jobs/failed', '/quarantine', '/metrics', '/legal/status'])
        expect((await probe(url)).status).toBe(401);
      expect((await probe('/cases', TOKEN)).status).toBe(200);
    });

    it('/ready is 503 and names Redis while Redis is down, and ready again once it is back; /health stays 200', async () => {
      await kill(redis);
      expect(await probe('/ready')).toEqual({ status: 503, body: { status: 'not_ready', down: ['redis'] } });
      expect(await probe('/health')).toEqual({ status: 200, body: { status: 'ok' } });
      redis = await startRedis(port);
      // BullMQ reconnects on its own, after a back-off of a second or more.
      const deadline = Date.now() + 30_000;
      let last = await probe('/ready');
      while (last.status !== 200 && Date.now() < deadline) {
        await sleep(250);
        last = await probe('/ready');
      }
      expect(last).toEqual({ status: 200, body: { status: 'ready' } });
    });

    it('/ready names every dependency that is down: the store, and Redis with it', async () => {
      await kill(redis);
      await store.close();
      expect(await probe('/ready')).toEqual({ status: 503, body: { status: 'not_ready', down: ['store', 'redis'] } });
    });
  },
);
