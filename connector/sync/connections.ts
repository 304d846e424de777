import type { AdapterDeps, AdapterRegistry, ErpAdapter } from './adapter';
import { AdapterError } from './adapter-error';

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
