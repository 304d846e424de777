import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CredentialKeyring } from '../../connector/credentials/keyring';
import type { CredentialSecret, OAuthTokens } from '../../connector/ports/credentials';
import { openPostgresStore } from '../../connector/store/postgres';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';
import { fingerprint, type WorkerConfig } from './refresh-worker';
import { FakeTokenEndpoint, type RotationMode } from './token-endpoint';

/**
 * The refresh protocol between real processes, each with its own connections to the store, on the
 * system clock, against a token endpoint on loopback: several processes at once, and a process
 * killed (SIGKILL) right after the endpoint answered, before it stored anything.
 */

const HOOK = resolve(__dirname, '..', 'helpers', 'ts-require.js');
const WORKER = resolve(__dirname, 'refresh-worker.ts');
const LEASE_MS = 3_000;
const REQUEST_TIMEOUT_MS = 1_500;
const PROCESS_TEST_TIMEOUT_MS = 90_000;

interface WorkerProcess {
  ready: Promise<void>;
  go(): void;
  done: Promise<{ output: Record<string, unknown> | undefined; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWorker(config: WorkerConfig, env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['-r', HOOK, WORKER], {
    env: { ...process.env, ...env, RECOUVRA_TEST_WORKER: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady!: () => void;
  let failReady!: (error: Error) => void;
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    markReady = resolveReady;
    failReady = rejectReady;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<{
    output: Record<string, unknown> | undefined;
    signal: NodeJS.Signals | null;
    stderr: string;
  }>((r) =>
    child.once('exit', (_code, signal) => {
      // A worker that exits before it is ready fails the test at once rather than at the timeout.
      failReady(new Error(`the worker exited before it was ready: ${stderr}`));
      const last = stdout.trim().split('\n').at(-1);
      const output = last === undefined || last === 'ready' ? undefined : (JSON.parse(last) as Record<string, unknown>);
      r({ output, signal, stderr });
    }),
  );
  return { ready, go: () => child.stdin.write('go\n'), done };
}

function describeProcesses(
  name: string,
  target: () => Promise<{ store: Store; location: WorkerConfig['store'] }>,
): void {
  describe(`refreshToken between processes: ${name}`, () => {
    let store: Store;
    let location: WorkerConfig['store'];
    let endpoint: FakeTokenEndpoint;
    const key = randomBytes(32);
    const keyring = new CredentialKeyring(key);

    beforeEach(async () => {
      ({ store, location } = await target());
    });

    afterEach(async () => {
      await endpoint.stop();
      await store.close();
    });

    const begin = async (mode: RotationMode): Promise<OAuthTokens> => {
      endpoint = await new FakeTokenEndpoint(mode).start();
      const initial = endpoint.authorize(new Date());
      const written = await store
        .credentials('qbo-a', { keyring })
        .compareAndSet(0, initial as unknown as CredentialSecret);
      expect(written.ok).toBe(true);
      return initial;
    };
    const worker = (owner: string, dieAfterReceiving = false): WorkerProcess =>
      startWorker(
        {
          store: location,
          connectionId: 'qbo-a',
          endpoint: { url: endpoint.url, clientId: endpoint.clientId },
          owner,
          leaseMs: LEASE_MS,
          requestTimeoutMs: REQUEST_TIMEOUT_MS,
          dieAfterReceiving,
        },
        { RECOUVRA_CREDENTIALS_KEY: key.toString('base64'), RECOUVRA_TEST_CLIENT_SECRET: endpoint.clientSecret },
      );
    const stored = async () => (await store.credentials('qbo-a', { keyring }).read())!;

    it(
      'three processes at once: one refresh, and all of them end with the newest refresh token',
      async () => {
        const initial = await begin('strict');
        endpoint.delayMs = 400;
        const workers = ['p1', 'p2', 'p3'].map((owner) => worker(owner));
        await Promise.all(workers.map((w) => w.ready));
        for (const w of workers) w.go();
        const results = await Promise.all(workers.map((w) => w.done));

        expect(endpoint.refreshRequests).toBe(1);
        expect(endpoint.refusals).toBe(0);
        const outputs = results.map((r) => r.output);
        expect(outputs.map((o) => o?.['outcome']).sort()).toEqual(['adopted', 'adopted', 'refreshed']);
        const now = await stored();
        const tokens = now.secret as unknown as OAuthTokens;
        expect(now.version).toBe(2);
        expect(tokens.refreshToken).toBe(endpoint.newestRefreshToken);
        expect(tokens.refreshToken).not.toBe(initial.refreshToken);
        expect(endpoint.isValid(tokens.refreshToken)).toBe(true);
        for (const o of outputs)
          expect(o).toMatchObject({ version: 2, refreshToken: fingerprint(tokens.refreshToken) });
      },
      PROCESS_TEST_TIMEOUT_MS,
    );

    for (const mode of ['grace', 'strict'] as const) {
      it(
        `a process killed after the endpoint answered, before storing (${mode} rotation): the next one waits for its lease, then ${mode === 'grace' ? 'refreshes with the previous token' : 'reports that the connection must be authorized again'}`,
        async () => {
          const initial = await begin(mode);
          const a = worker('worker-a', true);
          const b = worker('worker-b');
          await Promise.all([a.ready, b.ready]);
          a.go();
          const killed = await a.done;
          expect(killed.signal).toBe('SIGKILL');
          expect(killed.output).toBeUndefined();
          expect(endpoint.refreshRequests).toBe(1);
          const lost = endpoint.newestRefreshToken;
          const left = await stored();
          expect(left.version).toBe(1);
          expect(left.secret).toStrictEqual(initial);
          expect(left.lease?.owner).toBe('worker-a');

          b.go();
          const next = await b.done;
          // B did not call the endpoint while A's lease lasted.
          expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(left.lease!.expiresAt));
          expect(endpoint.refreshRequests).toBe(2);
          const after = await stored();
          if (mode === 'grace') {
            expect(next.output).toMatchObject({ outcome: 'refreshed', version: 2 });
            const tokens = after.secret as unknown as OAuthTokens;
            expect(tokens.refreshToken).toBe(endpoint.newestRefreshToken);
            expect(next.output?.['refreshToken']).toBe(fingerprint(tokens.refreshToken));
            expect([initial.refreshToken, lost]).not.toContain(tokens.refreshToken);
            expect(endpoint.isValid(tokens.refreshToken)).toBe(true);
          } else {
            expect(next.output).toMatchObject({ error: 'reauthorization_required' });
            expect(next.output?.['message']).toContain('a refresh started by worker-a did not store its result');
            expect(endpoint.refusals).toBe(1);
            // The refusal is stored with the refused tokens: version 2, no lease.
            expect(after.version).toBe(2);
            expect(after.secret).toMatchObject({
              ...initial,
              refused: { reason: expect.stringContaining('worker-a') },
            });
            expect(after.lease).toBeUndefined();
            // A process started later (a restart, another worker) fails at once and calls nobody.
            const c = worker('worker-c');
            await c.ready;
            c.go();
            const third = await c.done;
            expect(third.output).toMatchObject({ error: 'reauthorization_required' });
            expect(third.output?.['message']).toContain('no refresh is tried until the connection is authorized again');
            expect(endpoint.refreshRequests).toBe(2);
            expect((await stored()).version).toBe(2);
          }
          expect(`${JSON.stringify(next.output)}${next.stderr}`).not.toContain(initial.refreshToken);
        },
        PROCESS_TEST_TIMEOUT_MS,
      );
    }
  });
}

const root = mkdtempSync(join(tmpdir(), 'recouvra-credential-processes-'));
let files = 0;
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describeProcesses('SQLite file', async () => {
  const path = join(root, `store-${++files}.db`);
  const store = await openSqliteStore(path);
  await store.migrate();
  return { store, location: { driver: 'sqlite', path } };
});

describeWithPostgres('PostgreSQL credential store between processes', () => {
  const prefix = freshSchemaName('recouvra_credproc');
  const schemas: string[] = [];
  afterAll(async () => {
    await dropSchemas(schemas);
  });

  describeProcesses('PostgreSQL', async () => {
    const schema = `${prefix}_${schemas.length + 1}`;
    schemas.push(schema);
    const store = await openPostgresStore({ url: TEST_POSTGRES_URL, schema, poolSize: 2 });
    await store.migrate();
    return { store, location: { driver: 'postgres', url: TEST_POSTGRES_URL, schema } };
  });
});
