import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QuickBooksConnectionSchema, type QuickBooksConnection } from '../../../adapters/quickbooks/config.schema';
import { consentUrl, HARD_EXPIRY_KEY, requestTokens } from '../../../adapters/quickbooks/oauth';
import { CredentialKeyring } from '../../credentials/keyring';
import { tokensAfter } from '../../credentials/refresh';
import type { CredentialSecret } from '../../ports/credentials';
import { AdapterError } from '../../ports/adapter-error';
import type { AdapterRegistry } from '../../ports/erp';
import { openStore } from '../../store/open-store';
import { systemClock, type Clock } from '../../time/clock';
import type { CommandResult } from './command-result';
import { messageOf, storeCommandConfig } from './store-command';

export interface ConnectQuickBooksArgs {
  config: string;
  connection: string;
  /** Port of the loopback callback (default 8765); 0 picks a free one (tests). */
  port?: number;
  /** The redirect URI registered in Intuit's developer portal; default http://localhost:<port>/callback. */
  redirectUri?: string;
  /** How long to wait for the consent, in seconds (default 600). */
  timeoutSeconds?: number;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** The adapters whose schemas check the configuration (default: adapters/registry.ts). */
  registry?: AdapterRegistry;
  /** Told the consent URL as soon as it is known (stderr by default). */
  onConsentUrl?: (url: string) => void;
}

const DEFAULT_PORT = 8765;

/**
 * `recouvra connect quickbooks --connection ID`: the OAuth 2 authorization-code flow (erp-apis.md
 * §2.8). It prints the consent URL, waits on a loopback callback for Intuit's redirect (`code`,
 * `state`, `realmId`), checks `state` and that the company is the one configured, exchanges the code
 * at the token endpoint and stores the tokens, encrypted, in the connection's credential store
 * (overwriting an earlier authorization: this is also how a company is reconnected).
 */
export async function runConnectQuickBooks(args: ConnectQuickBooksArgs): Promise<CommandResult> {
  const clock = args.clock ?? systemClock;
  let server: Server | undefined;
  try {
    const config = storeCommandConfig(args);
    const entry = config.connections.find((c) => c.id === args.connection);
    if (!entry)
      throw new Error(
        `no connection "${args.connection}" in ${args.config} (connections: ${config.connections.map((c) => c.id).join(', ') || 'none'})`,
      );
    if (entry.type !== 'quickbooks')
      throw new Error(`connection "${args.connection}" is of type ${entry.type}, not quickbooks`);
    const qbo: QuickBooksConnection = QuickBooksConnectionSchema.parse(entry);
    // The key first: a missing RECOUVRA_CREDENTIALS_KEY is said before anyone is sent to Intuit.
    const keyring = CredentialKeyring.fromEnv(args.env ?? process.env);
    const state = randomBytes(24).toString('hex');
    const callback = await waitForCallback(args.port ?? DEFAULT_PORT, state, qbo.realmId);
    server = callback.server;
    const port = (server.address() as AddressInfo).port;
    const redirectUri = args.redirectUri ?? `http://localhost:${port}/callback`;
    const url = consentUrl(qbo, redirectUri, state);
    (
      args.onConsentUrl ??
      ((u) => process.stderr.write(`Open this address to connect the QuickBooks company ${qbo.realmId}:\n${u}\n`))
    )(url);
    const code = await withTimeout(callback.code, (args.timeoutSeconds ?? 600) * 1000);
    const grant = await requestTokens(
      qbo,
      { type: 'authorization_code', code, redirectUri },
      { now: () => clock.now() },
    );
    if (!grant.refreshToken)
      throw new AdapterError({
        code: 'QBO_NO_REFRESH_TOKEN',
        kind: 'system',
        userMessage: `connection ${qbo.id}: Intuit's answer has no refresh token; nothing was stored`,
      });
    const tokens = tokensAfter(
      { accessToken: '', accessTokenExpiresAt: clock.now().toISOString(), refreshToken: grant.refreshToken },
      grant,
      clock.now(),
      qbo.id,
    );
    const store = await openStore(config.store);
    try {
      await store.migrate();
      const credentials = store.credentials(qbo.id, { keyring, clock });
      // Replaces whatever is stored, even an authorization written with a key since lost: it is not decrypted.
      for (;;) {
        const written = await credentials.compareAndSet(
          await credentials.storedVersion(),
          tokens as unknown as CredentialSecret,
        );
        if (written.ok) break;
      }
    } finally {
      await store.close();
    }
    const hard = tokens.extra?.[HARD_EXPIRY_KEY];
    return {
      exitCode: 0,
      stdout:
        `Connected the QuickBooks company ${qbo.realmId} to connection ${qbo.id}: tokens stored, encrypted, in the store.\n` +
        (tokens.refreshTokenExpiresAt
          ? `The authorization lasts while it is used at least every 100 days (now until ${tokens.refreshTokenExpiresAt.slice(0, 10)}).\n`
          : '') +
        (hard ? `Intuit ends it for good on ${hard.slice(0, 10)}: reconnect before then.\n` : ''),
      stderr: '',
    };
  } catch (e) {
    return {
      exitCode: 1,
      stdout: '',
      stderr: `recouvra connect quickbooks: ${e instanceof AdapterError ? e.userMessage : messageOf(e)}\n`,
    };
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  }
}

/** The loopback server that receives Intuit's redirect: resolves with the code once `state` matches. */
async function waitForCallback(
  port: number,
  state: string,
  realmId: string,
): Promise<{ server: Server; code: Promise<string> }> {
  let settle!: { resolve: (code: string) => void; reject: (e: Error) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const page = (status: number, text: string) => ({ status, text });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const answer = (() => {
      if (url.pathname !== '/callback') return page(404, 'Not found.');
      const error = url.searchParams.get('error');
      const given = url.searchParams.get('state') ?? '';
      // A callback without the state this run sent is not ours (another tab, a forged link): refused, the wait goes on.
      if (given.length !== state.length || !timingSafeEqual(Buffer.from(given), Buffer.from(state)))
        return page(
          400,
          'This authorization was not started by this command (state does not match). Nothing was stored.',
        );
      if (error) {
        settle.reject(new Error(`Intuit answered ${error}: the company was not connected`));
        return page(400, `Intuit answered ${error}. Nothing was stored.`);
      }
      const realm = url.searchParams.get('realmId');
      if (realm !== realmId) {
        settle.reject(
          new Error(
            `the company chosen in Intuit's page is ${realm ?? '(none)'}, but the connection is configured for ${realmId}: choose that company, or change realmId`,
          ),
        );
        return page(400, `This is company ${realm ?? '(none)'}, not ${realmId}. Nothing was stored.`);
      }
      const value = url.searchParams.get('code');
      if (!value) return page(400, 'The answer has no authorization code.');
      settle.resolve(value);
      return page(200, 'Recouvra received the authorization. You can close this page.');
    })();
    res.writeHead(answer.status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${answer.text}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          e.code === 'EADDRINUSE'
            ? `port ${port} is taken: choose another with --port (and register its redirect URI)`
            : e.message,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  return { server, code };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no authorization arrived within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
