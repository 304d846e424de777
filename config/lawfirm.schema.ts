import { z } from 'zod';
import { LawFirmHttpConfigSchema } from '../adapters/lawfirm/config.schema';
import { validCron } from '../connector/time/cron';

/**
 * `lawfirm:` — the partner the connector hands escalated files to (issue 5). Optional: without
 * it, dossier rows wait in the outbox and nothing is polled. One transport per partner: its API
 * (adapters/lawfirm/openapi.yaml, with the signed webhook served at POST /webhooks/lawfirm), or a
 * file drop (adapters/lawfirm/file-drop) for firms without one.
 */
export const LawFirmConfigSchema = z
  .strictObject({
    /** The partner's id: the journal names it as actor, and its events are kept apart by it. */
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
      error: 'lawfirm.id must be lower-case letters, digits, "-" or "_" (at most 63)',
    }),
    /** `api` (default) or `file-drop`. */
    transport: z.enum(['api', 'file-drop'], { error: 'lawfirm.transport must be "api" or "file-drop"' }).default('api'),
    /** With `transport: api`: the firm's API (adapters/lawfirm/config.schema.ts). */
    api: LawFirmHttpConfigSchema.optional(),
    /** With `transport: file-drop`: the folders shared with the firm. */
    fileDrop: z.strictObject({ outbound: z.string().min(1), inbound: z.string().min(1) }).optional(),
    /** How often the firm's events are read (cron); the webhook brings them sooner. */
    pollCron: z
      .string()
      .refine(validCron, { error: (i) => `"${String(i.input)}" is not a cron expression` })
      .default('*/5 * * * *'),
  })
  .superRefine((c, ctx) => {
    if (c.transport === 'api' && !c.api)
      ctx.addIssue({
        code: 'custom',
        path: ['api'],
        message: 'transport "api" needs lawfirm.api (baseUrl, apiKey, webhookSecret)',
      });
    if (c.transport === 'file-drop' && !c.fileDrop)
      ctx.addIssue({
        code: 'custom',
        path: ['fileDrop'],
        message: 'transport "file-drop" needs lawfirm.fileDrop (outbound, inbound)',
      });
  });
export type LawFirmConfig = z.infer<typeof LawFirmConfigSchema>;
