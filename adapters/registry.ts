import { registryEntry, type AdapterRegistry } from '../connector/sync/adapter';
import { OdooConnectionSchema, type OdooConnection } from './odoo/config.schema';

/** The Odoo adapter's code (its RPC clients and wire formats), loaded when a connection is first created. */
const odoo = () => (module.require('./odoo') as typeof import('./odoo')).odooAdapter;

/**
 * Every ERP adapter, by the `type` a connection names in the configuration. Adding an ERP is
 * a folder in adapters/, a folder in mappings/, and one line here; nothing in connector/ changes.
 * Checking a configuration needs only an adapter's schema: its code is loaded when a connection
 * is created, so the commands that only read the store start without it.
 */
export const adapterRegistry: AdapterRegistry = Object.freeze({
  odoo: registryEntry<OdooConnection>({
    type: 'odoo',
    displayName: 'Odoo (16.0–19.0, XML-RPC or JSON-2)',
    configSchema: OdooConnectionSchema,
    create: (config, deps) => odoo().create(config, deps),
  }),
});
