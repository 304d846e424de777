import { CaseStageSchema } from '../../connector/model/case.schema';
import { minorUnitDigits } from '../../connector/model/money.schema';
import { toMinorUnits } from '../../mappings/odoo/to-canonical';

/**
 * The Odoo addon `recouvra_status` (addon/<series>/, README there): the stored fields it adds to
 * invoices and partners, and the values the connector writes into them. Pure: the writer does the
 * calls. test/adapters/odoo-addon checks these names against the addon's Python.
 */

/** `fields_get` of account.move lists it when the addon is installed and the user is in its group. */
export const ADDON_DETECTION_FIELD = 'recouvra_stage';

export const ADDON_MOVE_FIELDS = {
  stage: 'recouvra_stage',
  procedureState: 'recouvra_procedure_state',
  dossierRef: 'recouvra_dossier_ref',
  lastEvent: 'recouvra_last_event',
  lastEventDate: 'recouvra_last_event_date',
  nextDeadline: 'recouvra_next_deadline',
} as const;

export const ADDON_PARTNER_FIELDS = {
  stage: 'recouvra_stage',
  amount: 'recouvra_amount',
  currency: 'recouvra_currency_id',
} as const;

/**
 * What the installed addon takes, as its `fields_get` says: its fields on account.move, and the
 * keys of its two selections (an addon older than the connector may lack a newer value, which Odoo
 * would refuse with "Wrong value").
 */
export interface StatusAddon {
  moveFields: ReadonlySet<string>;
  stages: ReadonlySet<string>;
  procedureStates: ReadonlySet<string>;
}

/** The addon from a `fields_get` answer (attributes `type` and `selection`), or undefined when it is not installed. */
export function statusAddonOf(fields: Readonly<Record<string, unknown>>): StatusAddon | undefined {
  if (!Object.hasOwn(fields, ADDON_DETECTION_FIELD)) return undefined;
  const keys = (name: string) => {
    const selection = (fields[name] as { selection?: unknown } | undefined)?.selection;
    return new Set(
      (Array.isArray(selection) ? selection : [])
        .map((pair: unknown): unknown => (Array.isArray(pair) ? (pair as unknown[])[0] : undefined))
        .filter((k): k is string => typeof k === 'string'),
    );
  };
  return {
    moveFields: new Set(Object.values(ADDON_MOVE_FIELDS).filter((f) => Object.hasOwn(fields, f))),
    stages: keys(ADDON_MOVE_FIELDS.stage),
    procedureStates: keys(ADDON_MOVE_FIELDS.procedureState),
  };
}

/** Stages of a case being worked, between `open` and `closed`, in the order a case moves through them. */
export const IN_RECOVERY_STAGES: readonly string[] = CaseStageSchema.options.filter(
  (s) => s !== 'open' && s !== 'closed',
);

/** The longest last-event text written: the first line of a note, cut so that a list column stays readable. */
export const LAST_EVENT_MAX_CHARS = 200;

export type OdooScalar = string | number | false;

/** What one write-back tells about an invoice's recovery. */
export interface InvoiceStatus {
  stage?: string | undefined;
  procedureState?: string | undefined;
  /** A note: its first line is the last event, `at` when the event happened (else when it was written). */
  lastEvent?: { text: string; at: Date } | undefined;
  /** The law firm's file (WriteBackRequest.recovery). */
  dossierRef?: string | undefined;
  /** The next date that matters, YYYY-MM-DD. */
  nextDeadline?: string | undefined;
}

/**
 * The addon's invoice fields for a status: only the fields the addon has and the selection values
 * it knows; a value it does not know is left out and named in `refused`.
 */
export function invoiceStatusValues(
  addon: StatusAddon,
  status: InvoiceStatus,
): { vals: Record<string, OdooScalar>; refused: string[] } {
  const vals: Record<string, OdooScalar> = {};
  const refused: string[] = [];
  const put = (field: string, value: OdooScalar) => {
    if (addon.moveFields.has(field)) vals[field] = value;
  };
  if (status.stage !== undefined) {
    if (addon.stages.has(status.stage)) put(ADDON_MOVE_FIELDS.stage, status.stage);
    else refused.push(`the installed recouvra_status has no stage "${status.stage}": upgrade it`);
  }
  if (status.procedureState !== undefined) {
    if (addon.procedureStates.has(status.procedureState)) put(ADDON_MOVE_FIELDS.procedureState, status.procedureState);
    else refused.push(`the installed recouvra_status has no procedure state "${status.procedureState}": upgrade it`);
  }
  if (status.dossierRef !== undefined) put(ADDON_MOVE_FIELDS.dossierRef, status.dossierRef);
  // Odoo's date on the wire is the ISO day (erp-apis.md §1.3).
  if (status.nextDeadline !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(status.nextDeadline))
    put(ADDON_MOVE_FIELDS.nextDeadline, status.nextDeadline);
  const text = status.lastEvent && firstLine(status.lastEvent.text);
  if (status.lastEvent && text) {
    put(ADDON_MOVE_FIELDS.lastEvent, text);
    put(ADDON_MOVE_FIELDS.lastEventDate, odooDatetime(status.lastEvent.at));
  }
  return { vals, refused };
}

/** The first line with text, trimmed and cut at LAST_EVENT_MAX_CHARS. */
export function firstLine(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (line === undefined) return undefined;
  return line.length <= LAST_EVENT_MAX_CHARS ? line : `${line.slice(0, LAST_EVENT_MAX_CHARS - 1)}…`;
}

/** Odoo's datetime on the wire: UTC, `YYYY-MM-DD HH:MM:SS` (erp-apis.md §1.3). */
export function odooDatetime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A field the writer must not write on its own: the last event's date moves only with the last
 * event itself, so that a note written again (found by its marker after a crash) keeps the date it
 * was first recorded with.
 */
export const WRITTEN_WITH: Readonly<Record<string, string>> = {
  [ADDON_MOVE_FIELDS.lastEventDate]: ADDON_MOVE_FIELDS.lastEvent,
};

/** One of a partner's invoices in recovery, as `search_read` returns it. */
export interface InvoiceInRecovery {
  recouvra_stage?: unknown;
  amount_residual?: unknown;
  currency_id?: unknown;
}

/**
 * A partner's recovery from its invoices in recovery: the most advanced stage among them, and
 * what is still due on those in `currency` (an ISO code) in its minor units — Odoo's floats made
 * whole first, summed as integers. `amount` is a reason instead when an amount is not a whole
 * number of minor units.
 */
export function partnerRecovery(
  invoices: readonly InvoiceInRecovery[],
  currency: string,
): { stage: string | undefined; amount: number | string } {
  let rank = -1;
  let amount: number | string = 0;
  for (const invoice of invoices) {
    const at = IN_RECOVERY_STAGES.indexOf(String(invoice.recouvra_stage));
    if (at > rank) rank = at;
    const code: unknown = Array.isArray(invoice.currency_id) ? (invoice.currency_id as unknown[])[1] : undefined;
    if (code !== currency || typeof amount === 'string') continue;
    const minor =
      typeof invoice.amount_residual === 'number'
        ? toMinorUnits(invoice.amount_residual, currency)
        : `amount_residual ${String(invoice.amount_residual)} is not a number`;
    amount = typeof minor === 'string' ? minor : amount + minor;
  }
  return { stage: rank < 0 ? undefined : IN_RECOVERY_STAGES[rank], amount };
}

/** Minor units → the float in major units that Odoo's Monetary takes (Money rules: DESIGN.md). */
export function toMajorUnits(minor: number, currency: string): number {
  return minor / 10 ** minorUnitDigits(currency);
}
