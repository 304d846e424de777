import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { CredentialKeyring } from '../../connector/credentials/keyring';
import { refreshToken } from '../../connector/credentials/refresh';
import { openPostgresStore } from '../../connector/store/postgres';
import { openSqliteStore } from '../../connector/store/sqlite';
import { tokenEndpointClient } from './token-endpoint';

/**
 * One worker process getting a connection's tokens through `refreshToken`, as a daemon process
 * would (processes.test.ts starts several). It reads where the store and the token endpoint are
 * from RECOUVRA_TEST_WORKER, the key from RECOUVRA_CREDENTIALS_KEY and the client secret from
 * RECOUVRA_TEST_CLIENT_SECRET; prints `ready`, waits for a line on stdin, then prints one JSON
 * line: the outcome and a fingerprint of the refresh token it ends with, never a token.
 *
 * `dieAfterReceiving`: the process kills itself (SIGKILL) as soon as the token endpoint's answer
 * has been read, before anything is stored.
 */
export interface WorkerConfig {
  store: { driver: 'sqlite'; path: string } | { driver: 'postgres'; url: string; schema: string };
  connectionId: string;
  endpoint: { url: string; clientId: string };
  owner: string;
  leaseMs: number;
  requestTimeoutMs: number;
  dieAfterReceiving?: boolean;
}

export function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env['RECOUVRA_TEST_WORKER'] ?? '') as WorkerConfig;
  const store =
    config.store.driver === 'sqlite'
      ? await openSqliteStore(config.store.path)
      : await openPostgresStore({ url: config.store.url, schema: config.store.schema, poolSize: 1 });
  try {
    const credentials = store.credentials(config.connectionId, { keyring: CredentialKeyring.fromEnv() });
    const call = tokenEndpointClient(
      { ...config.endpoint, clientSecret: process.env['RECOUVRA_TEST_CLIENT_SECRET'] ?? '' },
      config.dieAfterReceiving === true ? () => process.kill(process.pid, 'SIGKILL') : undefined,
    );
    process.stdout.write('ready\n');
    await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
    try {
      const result = await refreshToken(credentials, call, {
        owner: config.owner,
        leaseMs: config.leaseMs,
        requestTimeoutMs: config.requestTimeoutMs,
        pollMs: 25,
      });
      print({
        outcome: result.outcome,
        version: result.version,
        refreshToken: fingerprint(result.tokens.refreshToken),
      });
    } catch (error) {
      const e = error as { code?: unknown; name?: unknown; message?: unknown };
      print({ error: e.code ?? e.name, message: e.message });
    }
  } finally {
    await store.close();
  }
}

function print(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
