import { z } from 'zod';
import { IsoDateSchema } from '../../connector/model/common.schema';
import { isValidTimeZone } from '../../connector/time/calendar-date';
import { DEFAULT_CONTACT_WINDOW, minutes, WEEKDAYS } from './contact-window';
import { senderIdProblem } from './sender-id';

/**
 * The SMS channel's provider settings. Units are in each key's comment. The API key belongs in
 * an environment variable (`apiKey: ${SMS_API_KEY}`): values taken from the environment are
 * never logged, and the client never writes the key into an error.
 */

const HHMM = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { error: 'a time is written HH:MM, from 00:00 to 24:00' });

export const ContactWindowSchema = z.strictObject({
  /** IANA time zone the hours are read in. Default Europe/Paris. */
  timeZone: z
    .string()
    .refine(isValidTimeZone, { error: (iss) => `"${String(iss.input)}" is not an IANA time zone such as Europe/Paris` })
    .default(DEFAULT_CONTACT_WINDOW.timeZone),
  /** Days on which SMS may leave. Default Monday to Friday. */
  days: z
    .array(z.enum(WEEKDAYS, { error: `a day is one of ${WEEKDAYS.join(', ')}` }))
    .min(1, { error: 'give at least one day' })
    .default([...DEFAULT_CONTACT_WINDOW.days]),
  /** Local hours "HH:MM" (from included, to excluded). Default 10:00–13:00 and 14:00–20:00. */
  ranges: z
    .array(
      z
        .strictObject({ from: HHMM, to: HHMM })
        .refine((r) => minutes(r.from) < minutes(r.to), { error: 'a range must end after it starts' }),
    )
    .min(1, { error: 'give at least one range of hours' })
    .default(DEFAULT_CONTACT_WINDOW.ranges.map((r) => ({ ...r }))),
  /** `FR`: never on a French public holiday; `none`: holidays are ordinary days. Default FR. */
  publicHolidays: z.enum(['FR', 'none']).default('FR'),
  /** More dates (YYYY-MM-DD) without SMS, e.g. Alsace-Moselle's 26 December. Default none. */
  extraHolidays: z.array(IsoDateSchema).default([]),
});
export type ContactWindowConfig = z.infer<typeof ContactWindowSchema>;

export const SenderIdSchema = z.string().superRefine((value, ctx) => {
  const problem = senderIdProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const SmsConfigSchema = z.strictObject({
  /** Base URL of the provider's API speaking the contract in adapters/sms/README.md, e.g. https://sms.example.com (no /v1). */
  baseUrl: z.url({
    protocol: /^https?$/,
    error: 'baseUrl must be an http:// or https:// address such as https://sms.example.com',
  }),
  /** Bearer API key; write it as ${SMS_API_KEY} and set the variable. */
  apiKey: z.string().min(1, { error: 'apiKey must not be empty' }),
  /** Default sender shown on phones: letters and digits, at most 11, at least one letter. */
  senderId: SenderIdSchema,
  /** Timeout of one HTTP request (ms). Default 10000. */
  timeoutMs: z.number().int().min(1_000).max(120_000).default(10_000),
  /** Longest text accepted, in billed SMS parts (153 GSM-7 or 67 UCS-2 characters each). Default 3. */
  maxSegments: z.number().int().min(1).max(10).default(3),
  /** When SMS may leave; the client refuses to send outside it. */
  contactWindow: ContactWindowSchema.prefault({}),
});
export type SmsConfig = z.infer<typeof SmsConfigSchema>;
