import type { ActionKind } from '../model/action.schema';
import { AdapterError } from '../ports/adapter-error';
import type { LaneName } from './lanes.schema';

/**
 * Where each kind of outbox row goes, so that one destination down delays only itself: the
 * dispatcher runs one lane per destination, all at once, each with a few workers of its own.
 * The ledger kinds go to the ERP connection their case's items come from (a phone task is an
 * activity in the ledger: performers.ts), one lane per connection.
 */

export const LANE_OF_KIND: Readonly<Record<ActionKind, LaneName>> = {
  ledger_note: 'erp',
  ledger_activity: 'erp',
  phone_task: 'erp',
  email: 'email',
  sms: 'sms',
  letter: 'postal',
  registered_letter: 'postal',
  dossier: 'lawfirm',
};

export interface LaneSettings {
  /** Rows of this destination performed at once (per ERP connection for `erp`). */
  concurrency: number;
}

/**
 * One row at a time into each ledger: Odoo serves a connection with a few workers, the adapter
 * sends one connection's calls one after another anyway (adapters/odoo/session.ts), and a case's
 * notes are read in the order they were written. SMTP servers take a few sessions at once; the
 * SMS and postal providers a couple of requests; a dossier (PDFs, evidence) one at a time.
 * Configurable (`daemon.lanes`).
 */
export const DEFAULT_LANES: Readonly<Record<LaneName, LaneSettings>> = {
  erp: { concurrency: 1 },
  email: { concurrency: 4 },
  sms: { concurrency: 2 },
  postal: { concurrency: 2 },
  lawfirm: { concurrency: 1 },
};

/**
 * Codes of the failures that say the destination itself cannot be reached now — no connection, a
 * timeout, an answer lost on the way, a server error (a proxy answers 502/503 when the server
 * behind it is down) — rather than something about one row. After one of them the lane stops
 * for this run: the next rows would each spend their timeout on the same outage, and every
 * other destination would wait for the run to end.
 */
const DESTINATION_DOWN = new Set([
  // adapters/odoo/transport/classify.ts
  'ODOO_UNREACHABLE',
  'ODOO_NETWORK_ERROR',
  'ODOO_SERVER_ERROR',
  // connector/channels/email/smtp-errors.ts
  'EMAIL_CONNECTION',
  'EMAIL_TIMEOUT',
  // adapters/sms/classify.ts, adapters/postal/classify.ts, adapters/lawfirm/classify.ts
  'SMS_UNREACHABLE',
  'SMS_ANSWER_LOST',
  'SMS_PROVIDER_ERROR',
  'POSTAL_UNREACHABLE',
  'POSTAL_ANSWER_LOST',
  'POSTAL_PROVIDER_ERROR',
  'LAWFIRM_UNREACHABLE',
  'LAWFIRM_ANSWER_LOST',
  'LAWFIRM_PARTNER_ERROR',
]);

/** Whether a performer's failure says its destination is down (see DESTINATION_DOWN); a temporary failure only. */
export function destinationDown(error: unknown): boolean {
  return error instanceof AdapterError && error.kind === 'transient' && DESTINATION_DOWN.has(error.code);
}
