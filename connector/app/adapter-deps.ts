import { CredentialKeyring } from '../credentials/keyring';
import type { Logger } from '../log/logger';
import type { AdapterDeps } from '../ports/erp';
import type { CredentialStore } from '../ports/credentials';
import type { RequestLimiterFactory } from '../ports/request-limiter';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';

/**
 * What the adapter of one connection receives: the clock, the logger, and that connection's
 * credential store, opened (and its key read from the environment) only when the adapter first
 * asks for it. A key that is missing or malformed is then reported to the connection that needs
 * it, naming the variable, never to an Odoo connection that stores no token.
 */
export function adapterDepsFor(
  connectionId: string,
  deps: {
    store: Store;
    clock: Clock;
    /** Real time when `clock` is simulated (AdapterDeps.wallClock). */
    wallClock?: Clock;
    logger: Logger;
    env?: NodeJS.ProcessEnv;
    limiters?: RequestLimiterFactory;
  },
): AdapterDeps {
  let credentials: CredentialStore | undefined;
  const wallClock = deps.wallClock ?? deps.clock;
  return {
    clock: deps.clock,
    ...(deps.wallClock ? { wallClock: deps.wallClock } : {}),
    logger: deps.logger,
    ...(deps.limiters ? { limiters: deps.limiters } : {}),
    credentials: () =>
      (credentials ??= deps.store.credentials(connectionId, {
        keyring: CredentialKeyring.fromEnv(deps.env),
        // Stored-at instants and refresh leases are real time.
        clock: wallClock,
      })),
  };
}
