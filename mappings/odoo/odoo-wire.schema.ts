import { z } from 'zod';

/**
 * Odoo's raw record shapes as `search_read` returns them over XML-RPC or JSON-2
 * (erp-apis.md §1.3, §1.5). Deliberately permissive: Odoo sends `false` for every empty
 * value (never null), many2one fields as `[id, "display name"]`, dates as strings. The
 * strict checks happen in the mappers, which quarantine what they cannot map.
 */

const OdooFalse = z.literal(false);
/**
 * An id as it came: a number, or a bigint when the XML-RPC decoder met an integer beyond 2^53
 * (or anything else a broken server sends). The mappers keep only positive safe integers
 * (`odooId` in to-canonical.ts) and quarantine the rest with the field and the value.
 */
export const OdooIdWire = z.unknown();
/** `[id, "display name"]`, or false; checked by the mappers (`many2one` in to-canonical.ts), which name the field and what is wrong with it. */
export const OdooMany2oneWire = z.unknown();
export const OdooCharWire = z.union([z.string(), OdooFalse]);

export const OdooMoveWireSchema = z.looseObject({
  id: OdooIdWire,
  name: OdooCharWire,
  ref: OdooCharWire.optional(),
  move_type: z.string(),
  state: z.string(),
  payment_state: z.string(),
  invoice_date: OdooCharWire,
  invoice_date_due: OdooCharWire,
  amount_total: z.number(),
  amount_residual: z.number(),
  currency_id: OdooMany2oneWire,
  partner_id: OdooMany2oneWire,
  commercial_partner_id: OdooMany2oneWire,
  company_id: OdooMany2oneWire,
  /** A credit note made from an invoice ("Add Credit Note"): that invoice. */
  reversed_entry_id: OdooMany2oneWire.optional(),
  write_date: z.string(),
});
export type OdooMoveWire = z.infer<typeof OdooMoveWireSchema>;

export const OdooPartnerWireSchema = z.looseObject({
  id: OdooIdWire,
  name: OdooCharWire,
  is_company: z.boolean(),
  commercial_partner_id: OdooMany2oneWire.optional(),
  vat: OdooCharWire.optional(),
  /** "Company ID" in recent versions; holds the SIREN for French companies ([UNVERIFIED] on 16.0, §1.5). */
  company_registry: OdooCharWire.optional(),
  /** Added by l10n_fr where installed ([UNVERIFIED] per version, §1.5): detected with fields_get. */
  siret: OdooCharWire.optional(),
  email: OdooCharWire.optional(),
  phone: OdooCharWire.optional(),
  mobile: OdooCharWire.optional(),
  street: OdooCharWire.optional(),
  street2: OdooCharWire.optional(),
  zip: OdooCharWire.optional(),
  city: OdooCharWire.optional(),
  country_code: OdooCharWire.optional(),
  lang: OdooCharWire.optional(),
  write_date: z.string(),
});
export type OdooPartnerWire = z.infer<typeof OdooPartnerWireSchema>;
