import type { FieldDef, FieldType, Selection } from './types';

/**
 * The fields of the Odoo addon `recouvra_status` (adapters/odoo/addon/), for a database that has
 * it installed (`OdooDatabaseOptions.recouvraStatus`). Names, types, labels and selections are the
 * addon's Python declarations, which test/adapters/odoo-addon compares with these. Field-level
 * `groups` are not modelled: every simulated user sees them. [UNVERIFIED] that a real Odoo leaves
 * out of `fields_get` the fields of a group the user is not in, which would make a connector user
 * outside Invoicing / Billing see no addon.
 */

/** The connector's case stages, with the addon's English labels. */
export const RECOVERY_STAGES: Selection = [
  ['open', 'Open'],
  ['reminding', 'Reminders'],
  ['formal_notice', 'Formal Notice'],
  ['awaiting_approval', 'Awaiting Approval'],
  ['escalated', 'Sent to Law Firm'],
  ['in_procedure', 'Legal Procedure'],
  ['closed', 'Closed'],
];

/** The closed set of procedure states, with the addon's English labels. */
export const PROCEDURE_STATES: Selection = [
  ['submitted', 'File Submitted'],
  ['accepted', 'Accepted by the Firm'],
  ['rejected', 'Rejected by the Firm'],
  ['amicable_phase', "Firm's Amicable Phase"],
  ['filed', 'Claim Filed'],
  ['order_issued', 'Order Issued'],
  ['served', 'Served'],
  ['opposition', "Debtor's Opposition"],
  ['hearing', 'Hearing'],
  ['judgment', 'Judgment'],
  ['enforceable_title', 'Enforceable Title'],
  ['enforcement', 'Enforcement'],
  ['partial_recovery', 'Partial Recovery'],
  ['recovered', 'Recovered'],
  ['irrecoverable', 'Irrecoverable'],
  ['insolvency_declared', 'Insolvency Proceedings'],
  ['withdrawn', 'Withdrawn'],
  ['closed', 'File Closed'],
  ['indeterminate', 'Unknown Status'],
];

/** Stored and read-only in the interface; an RPC `write` is accepted all the same. */
function field(name: string, type: FieldType, string: string, extra: Partial<FieldDef> = {}): FieldDef {
  return { name, type, string, store: true, readonly: true, ...extra };
}

export function recouvraStatusMoveFields(): FieldDef[] {
  return [
    field('recouvra_stage', 'selection', 'Recovery Stage', { selection: RECOVERY_STAGES }),
    field('recouvra_procedure_state', 'selection', 'Procedure State', { selection: PROCEDURE_STATES }),
    field('recouvra_dossier_ref', 'char', 'Law Firm File'),
    field('recouvra_last_event', 'char', 'Last Recovery Event'),
    field('recouvra_last_event_date', 'datetime', 'Last Event Date'),
    field('recouvra_next_deadline', 'date', 'Next Recovery Deadline'),
  ];
}

export function recouvraStatusPartnerFields(): FieldDef[] {
  return [
    field('recouvra_stage', 'selection', 'Recovery Stage', { selection: RECOVERY_STAGES }),
    field('recouvra_amount', 'monetary', 'Amount in Recovery', { currencyField: 'recouvra_currency_id' }),
    field('recouvra_currency_id', 'many2one', 'Recovery Currency', { relation: 'res.currency' }),
  ];
}
