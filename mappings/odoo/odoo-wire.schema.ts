import { z } from 'zod';

/**
 * Odoo's raw record shapes as `search_read` returns them over XML-RPC or JSON-2
 * (erp-apis.md §1.3, §1.5). Deliberately permissive: Odoo sends `false` for every empty
 * value (never null), many2one fields as `[id, "display name"]`, dates as strings. The
 * strict checks happen in the mappers, which quarantine what they cannot map.
 */

const OdooFalse = z.literal(false);
export const OdooMany2oneWire = z.union([z.tuple([z.number().int(), z.string()]), OdooFalse]);
export const OdooCharWire = z.union([z.string(), OdooFalse]);

export const OdooMoveWireSchema = z.looseObject({
  id: z.number().int().positive(),
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
  id: z.number().int().positive(),
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
