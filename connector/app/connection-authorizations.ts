import { CredentialKeyring } from '../credentials/keyring';
import { storedCredentialHealth, type CredentialHealth } from '../credentials/health';
import type { CredentialStore } from '../ports/credentials';
import type { AdapterRegistry } from '../ports/erp';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';

/** One configured connection and, when it works through an OAuth authorization, the state of that. */
export interface ConnectionAuthorization {
  id: string;
  type: string;
  /** Null for a connection whose access is in the configuration (an Odoo API key): nothing ends. */
  authorization: CredentialHealth | null;
}

export interface ConnectionAuthorizationsDeps {
  /** The `connections:` entries as configured (the adapter's schema reads them). */
  connections: readonly { id: string; type: string }[];
  registry: AdapterRegistry;
  /** The store holding the credentials; undefined when there is none yet (nothing is connected). */
  store: Store | undefined;
  clock: Clock;
  /** Where RECOUVRA_CREDENTIALS_KEY is read (default: the process's environment). */
  env?: NodeJS.ProcessEnv;
  /** The configuration's path, put in the reconnect command so that it runs as printed. */
  configFile?: string;
}

/**
 * Reads, at each call, the authorization state of every configured connection whose adapter says
 * it has one (`AdapterDefinition.authorization`), from that connection's credential store: the
 * same answer for `connections check`, GET /ready, GET /connections and the metrics. Nothing is
 * sent to a provider: a refusal is known because the refresher stored it.
 */
export function connectionAuthorizations(deps: ConnectionAuthorizationsDeps): () => Promise<ConnectionAuthorization[]> {
  const opened = new Map<string, CredentialStore>();
  const credentialsOf = (id: string): (() => CredentialStore) | undefined => {
    const store = deps.store;
    if (store === undefined) return undefined;
    return () => {
      let credentials = opened.get(id);
      if (credentials === undefined) {
        // The key is read here, so that a missing one makes this connection unreadable, nothing else.
        credentials = store.credentials(id, { keyring: CredentialKeyring.fromEnv(deps.env), clock: deps.clock });
        opened.set(id, credentials);
      }
      return credentials;
    };
  };
  return async () =>
    Promise.all(
      deps.connections.map(async (connection) => {
        const { id, type } = connection;
        const definition = deps.registry[type];
        if (definition?.authorization === undefined) return { id, type, authorization: null };
        const command = definition.authorization.reconnectCommand(connection, deps.configFile);
        return {
          id,
          type,
          authorization: await storedCredentialHealth(id, credentialsOf(id), deps.clock.now(), command),
        };
      }),
    );
}
