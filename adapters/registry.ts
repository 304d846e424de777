import { registryEntry, type AdapterRegistry } from '../connector/sync/adapter';
import { odooAdapter } from './odoo';

/**
 * Every ERP adapter, by the `type` a connection names in the configuration. Adding an ERP is
 * a folder in adapters/, a folder in mappings/, and one line here; nothing in connector/ changes.
 */
export const adapterRegistry: AdapterRegistry = Object.freeze({
  odoo: registryEntry(odooAdapter),
});
