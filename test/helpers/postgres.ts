import { execFileSync } from 'node:child_process';
import { describeWithService } from './service-suite';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Client } from 'pg';

/**
 * The PostgreSQL the tests use. Tests only ever create and drop their own schemas in it, so it
 * may be a shared development database; RECOUVRA_TEST_POSTGRES_URL points them elsewhere.
 */
export const TEST_POSTGRES_URL = process.env.RECOUVRA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** How long to wait for the server before deciding it is not there (ms). */
const CONNECT_TIMEOUT_MS = 2_000;

/** True when PostgreSQL answers `select 1` at `url` within the timeout. */
export async function postgresAvailable(url = TEST_POSTGRES_URL): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The same check, synchronous: jest registers tests synchronously, so whether to run or skip
 * a suite must be known before any `await`. Runs the check in a child node process.
 */
export function postgresAvailableSync(url = TEST_POSTGRES_URL): boolean {
  const probe = `
    const { Client } = require('pg');
    const client = new Client({ connectionString: process.env.PROBE_URL, connectionTimeoutMillis: ${CONNECT_TIMEOUT_MS} });
    client.connect().then(() => client.query('select 1')).then(() => client.end()).then(() => process.exit(0), () => process.exit(1));
  `;
  try {
    execFileSync(process.execPath, ['-e', probe], {
      cwd: resolve(__dirname, '..', '..'),
      env: { ...process.env, PROBE_URL: url },
      stdio: 'ignore',
      timeout: CONNECT_TIMEOUT_MS * 3,
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` for suites that need PostgreSQL. Without a server the suite is skipped with a
 * message, except on CI (CI=true), where a missing server must fail the run rather than let
 * the PostgreSQL driver go untested.
 */
export function describeWithPostgres(title: string, body: () => void): void {
  describeWithService(
    { name: 'PostgreSQL', available: postgresAvailableSync, where: redactedUrl(TEST_POSTGRES_URL) },
    title,
    body,
  );
}

/** A schema name no other test run will pick, so parallel jest workers never share tables. */
export function freshSchemaName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchemas(names: readonly string[], url = TEST_POSTGRES_URL): Promise<void> {
  if (names.length === 0) return;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    for (const name of names) await client.query(`drop schema if exists ${name} cascade`);
  } finally {
    await client.end();
  }
}

function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
