import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QuickBooksConnectionSchema, type QuickBooksConnection } from '../../../adapters/quickbooks/config.schema';
import { consentUrl, HARD_EXPIRY_KEY, requestTokens } from '../../../adapters/quickbooks/oauth';
import { SageActiveClient } from '../../../adapters/sage-active/client';
import { SageActiveReader } from '../../../adapters/sage-active/reader';
import { SageActiveConnectionSchema, type SageActiveConnection } from '../../../adapters/sage-active/config.schema';
import * as sageOAuth from '../../../adapters/sage-active/oauth';
import { CredentialKeyring } from '../../credentials/keyring';
import { tokensAfter } from '../../credentials/refresh';
import {
  RefreshTokenRejectedError,
  type CredentialSecret,
  type CredentialStore,
  type OAuthTokens,
  type StoredCredential,
} from '../../ports/credentials';
import { AdapterError } from '../../ports/adapter-error';
import type { AdapterRegistry } from '../../ports/erp';
import { openStore } from '../../store/open-store';
import { systemClock, type Clock } from '../../time/clock';
import type { CommandResult } from './command-result';
import { messageOf, storeCommandConfig } from './store-command';

export interface ConnectArgs {
  config: string;
  connection: string;
  /** Port of the loopback callback (default 8765); 0 picks a free one (tests). */
  port?: number;
  /** The redirect URI registered with the provider; default the loopback callback on `port`. */
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

export type ConnectQuickBooksArgs = ConnectArgs;
export type ConnectSageActiveArgs = ConnectArgs;

const DEFAULT_PORT = 8765;

/**
 * `recouvra connect quickbooks --connection ID`: the OAuth 2 authorization-code flow (erp-apis.md
 * §2.8). It prints the consent URL, waits on a loopback callback for Intuit's redirect (`code`,
 * `state`, `realmId`), checks `state` and that the company is the one configured, exchanges the code
 * at the token endpoint and stores the tokens, encrypted, in the connection's credential store
 * (overwriting an earlier authorization: this is also how a company is reconnected).
 */
export function runConnectQuickBooks(args: ConnectQuickBooksArgs): Promise<CommandResult> {
  return runConnect('quickbooks', args, async ({ entry, clock, authorize, storeTokens }) => {
    const qbo: QuickBooksConnection = QuickBooksConnectionSchema.parse(entry);
    const { code, redirectUri } = await authorize({
      provider: 'Intuit',
      redirectUri: (port) => `http://localhost:${port}/callback`,
      consentUrl: (redirect, state) => consentUrl(qbo, redirect, state),
      intro: `Open this address to connect the QuickBooks company ${qbo.realmId}:`,
      check: (params) => {
        const realm = params.get('realmId');
        if (realm === qbo.realmId) return undefined;
        return {
          error: `the company chosen in Intuit's page is ${realm ?? '(none)'}, but the connection is configured for ${qbo.realmId}: choose that company, or change realmId`,
          page: `This is company ${realm ?? '(none)'}, not ${qbo.realmId}. Nothing was stored.`,
        };
      },
    });
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
    await storeTokens(tokens);
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
  });
}

/**
 * `recouvra connect sage-active --connection ID`: Sage Active's sign-in (sage.md §2.1), the
 * authorization code with PKCE: it prints the consent URL (with the S256 challenge), waits on the
 * loopback callback, exchanges the code (it lives 60 s) with the verifier, then lists the
 * `organizations` the signed-in user can open. The configured organizationId among them: the
 * tokens are stored, encrypted, whatever refresh token came back (replacing an earlier
 * authorization: this is also how a refused one is reconnected). Not among them (another user
 * signed in, or the id is not set yet): the organisations are printed with their ids, nothing is
 * stored, and the exit status is 1, so that the grant of a user who cannot open the organisation is
 * never kept as the connection's.
 */
export function runConnectSageActive(args: ConnectSageActiveArgs): Promise<CommandResult> {
  return runConnect('sage-active', args, async ({ entry, clock, authorize, storeTokens }) => {
    const sage: SageActiveConnection = SageActiveConnectionSchema.parse(entry);
    const { verifier, challenge } = sageOAuth.pkcePair();
    const { code, redirectUri } = await authorize({
      provider: 'Sage',
      // RFC 8252 §7.3: a native app's loopback redirect names the IP literal, not `localhost`,
      // which may resolve to an address the callback does not listen on. Whether Sage accepts
      // loopback redirect URIs at all is UNVERIFIED (sage.md §2.8 question 5): --redirect-uri otherwise.
      redirectUri: (port) => `http://127.0.0.1:${port}/callback`,
      consentUrl: (redirect, state) => sageOAuth.consentUrl(sage, redirect, state, challenge),
      intro: `Open this address to sign in to Sage Active and let Recouvra read and write for connection ${sage.id}:`,
    });
    let grant;
    try {
      grant = await sageOAuth.requestTokens(sage, { type: 'authorization_code', code, redirectUri, verifier });
    } catch (e) {
      // requestTokens words invalid_grant for a refresh token; here it is the code (sage.md §2.1).
      if (e instanceof RefreshTokenRejectedError)
        throw new Error(
          `Sage refused the authorization code (used already, or older than its 60 s): run the command again (${e.message})`,
          { cause: e },
        );
      throw e;
    }
    if (!grant.refreshToken)
      throw new AdapterError({
        code: 'SAGE_NO_REFRESH_TOKEN',
        kind: 'config',
        userMessage: `connection ${sage.id}: Sage's answer has no refresh token (offline_access was not granted); nothing was stored: consent to every access asked, and check that the app may ask offline_access`,
      });
    const tokens = tokensAfter(
      { accessToken: '', accessTokenExpiresAt: clock.now().toISOString(), refreshToken: grant.refreshToken },
      grant,
      clock.now(),
      sage.id,
    );
    const organizations = await sageOrganizations(sage, tokens, clock);
    const chosen = organizations.find((o) => o.id.toLowerCase() === sage.organizationId.toLowerCase());
    if (!chosen) {
      const where = `organizationId of connection ${sage.id} (${args.config})`;
      return {
        exitCode: 1,
        stdout:
          organizations.length === 0
            ? ''
            : `The user who signed in can open these Sage Active organisations:\n${organizations
                .map(
                  (o) =>
                    `  ${o.id}  ${o.socialName ?? '(no name)'}${o.legislationCode ? ` (${o.legislationCode})` : ''}\n`,
                )
                .join('')}Put the id of the one to read in ${where}, then run this command again.\n`,
        stderr:
          `recouvra connect sage-active: the organisation ${sage.organizationId} configured is not one the signed-in user can open` +
          (organizations.length === 0
            ? ' (the user can open none: sign in with a user of the organisation)'
            : ': choose one of those listed, or sign in with a user who has access to it') +
          '; nothing was stored\n',
      };
    }
    await storeTokens(tokens);
    return {
      exitCode: 0,
      stdout:
        `Connected the Sage Active organisation ${chosen.socialName ?? '(no name)'} (${chosen.id}) to connection ${sage.id}: tokens stored, encrypted, in the store.\n` +
        // sage.md §2.1: the refresh token's lifetime is "server-configured", unknown to us.
        'Sage does not say how long the authorization lasts: if it ends or is revoked, the connection says so and this command connects it again.\n',
      stderr: '',
    };
  });
}

/**
 * The organisations the tokens just received open, read as the adapter's check reads them (only
 * the fields that stay on `organizations` after Sage's announced 2026-06 change, sage.md §2.1). The
 * tokens are held in memory for this one query: they are stored only once the organisation is known
 * to be among these.
 */
function sageOrganizations(config: SageActiveConnection, tokens: OAuthTokens, clock: Clock) {
  const client = new SageActiveClient({ config, clock, credentials: () => heldTokens(config.id, tokens, clock) });
  return new SageActiveReader(client, config).organizations();
}

/**
 * A credential store holding the tokens just received, in memory, for the query made before they
 * are stored. They are fresh, so nothing refreshes them; one Sage refuses at once cannot be
 * refreshed here either (that would loop on a lease never given), and says so.
 */
function heldTokens(connectionId: string, tokens: OAuthTokens, clock: Clock): CredentialStore {
  const credential: StoredCredential = {
    connectionId,
    secret: tokens as unknown as CredentialSecret,
    version: 1,
    updatedAt: clock.now().toISOString(),
    lease: undefined,
  };
  return {
    connectionId,
    read: () => Promise.resolve(credential),
    storedVersion: () => Promise.resolve(1),
    compareAndSet: () => Promise.resolve({ ok: false, current: credential }),
    acquireRefreshLease: () =>
      Promise.reject(new Error('Sage refused the access token it had just issued; run the command again')),
    releaseRefreshLease: () => Promise.resolve(false),
  };
}

interface ConnectSession {
  /** The connection's entry as configured, for the adapter's schema. */
  entry: { id: string; type: string };
  clock: Clock;
  /**
   * Opens the loopback callback, tells the consent URL, and waits for the provider's redirect:
   * its code once `state` matches and `check` (the provider's own fields) finds nothing wrong.
   */
  authorize: (input: {
    /** The provider in a person's words ("Intuit"). */
    provider: string;
    /** The default redirect URI for the callback's port. */
    redirectUri: (port: number) => string;
    consentUrl: (redirectUri: string, state: string) => string;
    /** The line before the consent URL. */
    intro: string;
    check?: (params: URLSearchParams) => { error: string; page: string } | undefined;
  }) => Promise<{ code: string; redirectUri: string }>;
  /** Stores the tokens, encrypted, replacing whatever the connection had. */
  storeTokens: (tokens: OAuthTokens) => Promise<void>;
}

/**
 * What every `recouvra connect <erp>` does around the provider's own steps: finds the connection
 * and checks its type, reads the credentials key first (a missing RECOUVRA_CREDENTIALS_KEY is said
 * before anyone is sent to sign in), runs the loopback callback, stores the tokens, and turns any
 * failure into exit status 1 with a message naming no secret.
 */
async function runConnect(
  erp: string,
  args: ConnectArgs,
  flow: (session: ConnectSession) => Promise<CommandResult>,
): Promise<CommandResult> {
  const clock = args.clock ?? systemClock;
  let server: Server | undefined;
  try {
    const config = storeCommandConfig(args);
    const entry = config.connections.find((c) => c.id === args.connection);
    if (!entry)
      throw new Error(
        `no connection "${args.connection}" in ${args.config} (connections: ${config.connections.map((c) => c.id).join(', ') || 'none'})`,
      );
    if (entry.type !== erp) throw new Error(`connection "${args.connection}" is of type ${entry.type}, not ${erp}`);
    const keyring = CredentialKeyring.fromEnv(args.env ?? process.env);
    return await flow({
      entry,
      clock,
      authorize: async (input) => {
        const state = randomBytes(24).toString('hex');
        const callback = await waitForCallback(args.port ?? DEFAULT_PORT, state, input.provider, input.check);
        server = callback.server;
        const port = (server.address() as AddressInfo).port;
        const redirectUri = args.redirectUri ?? input.redirectUri(port);
        const url = input.consentUrl(redirectUri, state);
        (args.onConsentUrl ?? ((u) => process.stderr.write(`${input.intro}\n${u}\n`)))(url);
        const code = await withTimeout(callback.code, (args.timeoutSeconds ?? 600) * 1000);
        return { code, redirectUri };
      },
      storeTokens: async (tokens) => {
        const store = await openStore(config.store);
        try {
          await store.migrate();
          const credentials = store.credentials(entry.id, { keyring, clock });
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
      },
    });
  } catch (e) {
    return {
      exitCode: 1,
      stdout: '',
      stderr: `recouvra connect ${erp}: ${e instanceof AdapterError ? e.userMessage : messageOf(e)}\n`,
    };
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  }
}

/**
 * The loopback server that receives the provider's redirect: resolves with the code once `state`
 * matches and `check` passes; an error the provider sent back, or one `check` finds, ends the wait.
 */
async function waitForCallback(
  port: number,
  state: string,
  provider: string,
  check?: (params: URLSearchParams) => { error: string; page: string } | undefined,
): Promise<{ server: Server; code: Promise<string> }> {
  let settle!: { resolve: (code: string) => void; reject: (e: Error) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody may be waiting on `code` yet when the provider answers at once (a test, a quick person): not an unhandled rejection.
  code.catch(() => undefined);
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
        settle.reject(new Error(`${provider} answered ${error}: the company was not connected`));
        return page(400, `${provider} answered ${error}. Nothing was stored.`);
      }
      const refused = check?.(url.searchParams);
      if (refused) {
        settle.reject(new Error(refused.error));
        return page(400, refused.page);
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
