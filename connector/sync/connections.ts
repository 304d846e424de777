import type { AdapterDeps, AdapterRegistry, ConnectionWriteBack, ErpAdapter, WriteBackKind } from '../ports/erp';
import { AdapterError } from '../ports/adapter-error';

/** A configured connection's adapter, with the settings its own schema fills in. */
export interface ConnectionAdapter {
  adapter: ErpAdapter;
  /** The connection entry as the adapter's schema parsed it (defaults included). */
  settings: Record<string, unknown>;
}

/**
 * Creates the adapter of one `connections:` entry through the registry. loadConfig validated the
 * entry already; parsing it again here gives the adapter its defaults.
 */
export function createConnectionAdapter(
  conn: { id: string; type: string },
  registry: AdapterRegistry,
  deps: AdapterDeps,
): ConnectionAdapter {
  const def = registry[conn.type];
  if (!def)
    throw new AdapterError({
      code: 'UNKNOWN_CONNECTION_TYPE',
      kind: 'config',
      userMessage: `connection ${conn.id}: no adapter for type "${conn.type}" (known: ${Object.keys(registry).join(', ') || 'none'})`,
    });
  const settings = def.configSchema.parse(conn);
  return { adapter: def.create(settings, deps), settings };
}

/**
 * What the ledger of each configured connection can take, from the configuration alone (no
 * connection is opened): the evaluation records no row a ledger cannot perform. Entries were
 * validated when the configuration was loaded; an unknown type counts as not configured.
 */
export function connectionWriteBack(
  connections: readonly { id: string; type: string }[],
  registry: AdapterRegistry,
): ConnectionWriteBack {
  const kinds = new Map<string, readonly WriteBackKind[]>();
  for (const conn of connections) {
    const def = registry[conn.type];
    if (def) kinds.set(conn.id, def.writeBackKinds(conn));
  }
  return (connection) => kinds.get(connection);
}
