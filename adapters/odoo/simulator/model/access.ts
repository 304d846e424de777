import type { AclOperation } from './fault';
import { ADMIN_UID, BILLING_UID, PORTAL_UID } from './seed';

/** 'all' for administrators; otherwise the operations granted per model (ir.model.access, simplified). */
export type Acl = 'all' | Map<string, Set<AclOperation>>;

export interface UserAccount {
  readonly password: string;
  /** Used in place of the password since 14.0 (erp-apis.md §1.2), and as the JSON-2 bearer key. */
  readonly apiKey: string;
  acl: Acl;
}

/**
 * Groups named in access errors, as "Category/Group". account.move and ir.model are the lists a real
 * 18.0 gave for a read (v18-29, v18-26); the same lists are used for the other operations and versions
 * [UNVERIFIED]. The other models' groups are ours [UNVERIFIED].
 */
export const ACL_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'account.move': [
    'Invoicing/Administrator',
    'Invoicing/Invoicing',
    'Technical/Show Accounting Features - Readonly',
    'User types/Portal',
  ],
  'ir.model': ['Administration/Access Rights'],
  'mail.activity': ['User types/Internal User'],
  'mail.message': ['User types/Internal User'],
};
export const DEFAULT_ACL_GROUPS: readonly string[] = ['Administration/Settings'];

export function allows(acl: Acl, model: string, operation: AclOperation): boolean {
  return acl === 'all' || acl.get(model)?.has(operation) === true;
}

/**
 * The seeded users: the administrator, a least-privilege integration user (billing rights, as a
 * connector should be given), and a portal user who cannot see accounting.
 */
export function seedAccounts(): Map<number, UserAccount> {
  const billing = new Map<string, Set<AclOperation>>();
  const grant = (acl: Map<string, Set<AclOperation>>, model: string, ...ops: AclOperation[]) =>
    acl.set(model, new Set(ops));
  grant(billing, 'account.move', 'read', 'write', 'create');
  grant(billing, 'res.partner', 'read', 'write', 'create');
  // No ir.model: an Invoicing / Billing user may not read it (v18-26), though it may name one in a create (v18-53).
  for (const m of [
    'res.company',
    'res.currency',
    'res.country',
    'res.users',
    'mail.activity.type',
    'mail.message.subtype',
  ])
    grant(billing, m, 'read');
  grant(billing, 'mail.message', 'read', 'create');
  grant(billing, 'mail.activity', 'read', 'write', 'create', 'unlink');
  // Invoice PDFs (the dossier handed to the law firm): billing users read and attach files.
  grant(billing, 'ir.attachment', 'read', 'create');
  const portal = new Map<string, Set<AclOperation>>();
  for (const m of ['res.partner', 'res.company', 'res.currency', 'res.country']) grant(portal, m, 'read');
  return new Map<number, UserAccount>([
    [ADMIN_UID, { password: 'admin', apiKey: 'admin-api-key', acl: 'all' }],
    [BILLING_UID, { password: 'recouvra', apiKey: 'recouvra-api-key', acl: billing }],
    [PORTAL_UID, { password: 'portal', apiKey: 'portal-api-key', acl: portal }],
  ]);
}
