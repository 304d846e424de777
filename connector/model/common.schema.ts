import { z } from 'zod';
import { isIsoDate } from '../time/calendar-date';

export const IsoDateSchema = z
  .string({ error: 'date must be a string written YYYY-MM-DD' })
  .refine(isIsoDate, { error: (iss) => `"${String(iss.input)}" is not a calendar date written YYYY-MM-DD` });

export const IsoDateTimeSchema = z.iso.datetime({
  offset: true,
  error: 'timestamp must be ISO 8601 with a time zone, e.g. 2025-03-01T09:30:00Z',
});

export const IdSchema = z
  .string()
  .min(1, { error: 'id must not be empty' })
  .max(200, { error: 'id is longer than 200 characters' });

/**
 * A configured ERP connection's id (`connections[].id`). It prefixes the id of everything read
 * through the connection (`odoo:account.move:42`), so it stays short, lower-case and stable.
 */
export const ConnectionIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  error: 'connection id must be lower-case letters, digits, "-" or "_" (at most 63)',
});

/** Where a record comes from: the ERP family, the configured connection, and the id in that system. */
export const SourceRefSchema = z.strictObject({
  system: z.string().min(1),
  connection: z.string().min(1),
  id: z.string().min(1),
});
export type SourceRef = z.infer<typeof SourceRefSchema>;

export const LanguageSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, { error: 'language must be a code like "fr" or "fr-FR"' });
