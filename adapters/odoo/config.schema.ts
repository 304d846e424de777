import { z } from 'zod';
import { ErpConnectionBaseSchema } from '../../connector/sync/connection-base.schema';
import type { WriteBackKind } from '../../connector/ports/erp';

/**
 * One `connections:` entry of type `odoo`: the settings every connection has (`id`, `pageSize`
 * — the `search_read` limit here —, `fullReconciliationHours`: connector/sync/connection-base.schema.ts)
 * and Odoo's own. Units are in each key's comment; README.md ("Odoo connection") documents them
 * for users. The API key belongs in an environment variable (`apiKey: ${ODOO_API_KEY}`): values
 * taken from the environment are never logged.
 */

const CUSTOM_FIELD = z
  .string()
  .regex(/^x_[a-z0-9_]+$/, { error: 'a custom Odoo field name starts with x_ (e.g. x_recovery_stage)' });

export const OdooConnectionSchema = ErpConnectionBaseSchema.extend({
  type: z.literal('odoo'),
  /** Base URL of the Odoo server, e.g. https://erp.example.com (no path). */
  url: z.url({
    protocol: /^https?$/,
    error: 'url must be an http:// or https:// address such as https://erp.example.com',
  }),
  /** Odoo database name (Settings › Activate developer mode shows it; on Odoo.sh/Online, the sub-domain's database). */
  database: z.string().min(1, { error: 'database must not be empty' }),
  /** Login of the integration user (an e-mail on Odoo Online). */
  login: z.string().min(1, { error: 'login must not be empty' }),
  /** API key of that user (Preferences › Account Security › New API Key); put it in ${ENV}. */
  apiKey: z.string().min(1, { error: 'apiKey must not be empty' }),
  /** auto: JSON-2 on 19.0 and later, XML-RPC before (erp-apis.md §1.1). */
  protocol: z.enum(['auto', 'xmlrpc', 'json2']).default('auto'),
  /** Timeout of one HTTP request (ms). */
  timeoutMs: z.number().int().min(1_000).max(600_000).default(60_000),
  /**
   * The largest answer taken from this Odoo, in bytes, counted decoded (after gzip): a bigger one
   * fails the call with ODOO_RESPONSE_TOO_LARGE instead of filling the memory. Default 32 MiB.
   */
  maxResponseBytes: z
    .number({ error: 'maxResponseBytes must be a number of bytes' })
    .int({ error: 'maxResponseBytes must be a whole number of bytes' })
    .min(1024 * 1024, {
      error: 'maxResponseBytes must be at least 1048576 (1 MiB): a page of records is larger than that',
    })
    .max(1024 * 1024 * 1024, { error: 'maxResponseBytes is at most 1073741824 (1 GiB)' })
    .default(32 * 1024 * 1024),
  /**
   * Each incremental run re-reads this many seconds before its saved cursor: write_date is the
   * start of the writing transaction, so a late commit carries an older date (erp-apis.md §1.6).
   */
  overlapSeconds: z.number().int().min(0).max(86_400).default(600),
  /** Only these res.company ids (multi-company databases); default: every company the user sees. */
  companyIds: z.array(z.number().int().positive()).min(1).optional(),
  writeBack: z
    .strictObject({
      /** Custom fields to keep the recovery stage and procedure state in, when they exist on account.move (detected by fields_get, never assumed). */
      stageField: CUSTOM_FIELD.default('x_recovery_stage'),
      procedureField: CUSTOM_FIELD.default('x_recovery_procedure'),
      /** res.users id that receives activities (approve an escalation, call the debtor); default: the integration user. */
      activityUserId: z.number().int().positive().optional(),
      /** mail.activity.type id of the activities; default: Odoo's own default for the document (To-Do). */
      activityTypeId: z.number().int().positive().optional(),
    })
    .default({ stageField: 'x_recovery_stage', procedureField: 'x_recovery_procedure' }),
});
export type OdooConnection = z.infer<typeof OdooConnectionSchema>;

/**
 * Every Odoo takes internal notes (`message_post`) and activities (`mail.activity`) without an
 * addon; the recovery `x_` fields are written where `fields_get` finds them and skipped, with the
 * reason, where it does not (writer.ts).
 */
export const ODOO_WRITE_BACK: readonly WriteBackKind[] = Object.freeze(['note', 'activity', 'fields']);
