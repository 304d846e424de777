import { execFileSync } from 'node:child_process';
import { describeWithService } from './service-suite';
import { randomBytes } from 'node:crypto';

/**
 * The Redis the tests use. Every test run works under key prefixes of its own and deletes them
 * afterwards, so it may be a shared development Redis; RECOUVRA_TEST_REDIS_URL points elsewhere.
 */
export const TEST_REDIS_URL = process.env.RECOUVRA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** How long to wait for the server before deciding it is not there (ms). */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * True when Redis answers PING at `url`. Synchronous, because jest registers tests
 * synchronously: the check runs in a child node process, speaking RESP over a plain socket so
 * that the tests need no Redis client of their own.
 */
export function redisAvailableSync(url = TEST_REDIS_URL): boolean {
  const probe = `
    const net = require('node:net');
    const u = new URL(process.env.PROBE_URL);
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const command = (...args) => '*' + args.length + '\\r\\n' + args.map((a) => '$' + Buffer.byteLength(a) + '\\r\\n' + a + '\\r\\n').join('');
    let reply = '';
    socket.setTimeout(${CONNECT_TIMEOUT_MS}, () => process.exit(1));
    socket.on('error', () => process.exit(1));
    socket.on('connect', () => {
      if (u.password) socket.write(u.username ? command('AUTH', decodeURIComponent(u.username), decodeURIComponent(u.password)) : command('AUTH', decodeURIComponent(u.password)));
      socket.write(command('PING'));
    });
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.startsWith('-')) process.exit(1);
      if (reply.includes('+PONG')) process.exit(0);
    });
  `;
  if (!/^redis:\/\//.test(url)) return false;
  try {
    execFileSync(process.execPath, ['-e', probe], {
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
 * `describe` for suites that need Redis. Without a server the suite is skipped with a message,
 * except on CI (CI=true), where a missing server must fail the run rather than let the Redis
 * queue go untested.
 */
export function describeWithRedis(title: string, body: () => void): void {
  describeWithService(
    {
      name: 'Redis',
      available: redisAvailableSync,
      where: redactedUrl(TEST_REDIS_URL),
      why: ' (or refuses its credentials)',
    },
    title,
    body,
  );
}

/** A key prefix no other test run will pick, so parallel jest workers never share keys. */
export function freshRedisPrefix(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
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
