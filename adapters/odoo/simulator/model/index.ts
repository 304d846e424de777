/**
 * In-memory Odoo database behind the Odoo simulator: seeded records, RPC-visible methods through
 * `OdooDatabase.call`, faults shaped like Odoo's, and controls for tests. No HTTP here.
 */
export {
  createOdooDatabase,
  DEFAULT_NOW,
  keysetDomain,
  OdooDatabase,
  OPEN_RECEIVABLE_DOMAIN,
  type CallEntry,
  type LateTransaction,
  type OdooDatabaseOptions,
  type PaymentOptions,
} from './database';
export {
  compileDomain,
  compileRecordDomain,
  evaluateDomain,
  parseDomain,
  OPERATORS,
  type DomainNode,
  type Operator,
  type Predicate,
} from './domain';
export { Faults, OdooFault, pyRepr, type AclOperation, type FaultCode, type FaultKind } from './fault';
export { moveOrder, paymentStates, MODEL_NAMES, type ModelName } from './schema';
export { ADMIN_UID, BILLING_UID, CURRENCY, COUNTRY, PORTAL_UID, XMLIDS } from './seed';
export {
  ODOO_VERSIONS,
  type CustomFieldType,
  type FieldDef,
  type FieldType,
  type OdooRecord,
  type OdooValue,
  type OdooVersion,
  type User,
} from './types';
