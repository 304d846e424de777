import { reactive } from '@odoo/owl';
import type { Role, SessionUser } from './api-types';

/** Who is signed in, and the token every state-changing call carries. */
export interface Session {
  user: SessionUser | null;
  csrfToken: string | null;
  /** The first GET /api/session has answered. */
  checked: boolean;
}

export function createSession(): Session {
  return reactive({ user: null, csrfToken: null, checked: false });
}

/** Case actions (pause, marks, promises, call results): controllers and approvers. */
export function canAct(role: Role | undefined): boolean {
  return role === 'controller' || role === 'approver';
}

/** Approve or reject an escalation: approvers only. */
export function canApprove(role: Role | undefined): boolean {
  return role === 'approver';
}
