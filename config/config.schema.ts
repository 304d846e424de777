import { z } from 'zod';
import { ActionKindSchema } from '../connector/model/action.schema';
import { LANE_NAMES, MAX_LANE_CONCURRENCY, type LaneName } from '../connector/outbox/lanes.schema';
import { PostalConfigSchema } from '../adapters/postal/config.schema';
import { SmsConfigSchema } from '../adapters/sms/config.schema';
import { EmailChannelConfigSchema } from '../adapters/email/config.schema';
import { validCron } from '../connector/time/cron';
import { ApiConfigSchema } from '../connector/app/http/api-config.schema';
import { LawFirmConfigSchema } from './lawfirm.schema';
import { QueueConfigSchema } from '../connector/jobs/queue-config.schema';
import { ConnectionIdSchema } from '../connector/model/common.schema';
import { AddressSchema } from '../connector/model/debtor.schema';
import { isValidSiren } from '../connector/model/identifiers';
import { isValidTimeZone } from '../connector/time/calendar-date';
import { ratesFileCrossProblems, SemesterRateEntrySchema } from './legal/legal-data.schema';
import { TermsOfSaleSchema } from './terms-of-sale.schema';

/**
 * The configuration file (YAML), parsed once at start by this one schema. Every key is
 * documented in README.md ("Configuration"); units are in the key's description.
 * Unknown keys are errors: a misspelt option must not be silently ignored.
 */

const SqliteStoreSchema = z.strictObject({
  driver: z.literal('sqlite'),
  sqlite: z
    .strictObject({
      /** Path of the database file, relative to the working directory. */
      path: z.string().min(1).default('./data/recouvra.sqlite'),
    })
    .default({ path: './data/recouvra.sqlite' }),
});

const PostgresStoreSchema = z.strictObject({
  driver: z.literal('postgres'),
  postgres: z.strictObject({
    /** postgres://user:password@host:port/database — put the password in an environment variable. */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: 'postgres.url must start with postgres:// or postgresql://' }),
    /** Schema to use (created if missing); default: the server's search_path. */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, { error: 'schema must be a lower-case SQL identifier' })
      .optional(),
    /** Connections in the pool. */
    poolSize: z.number().int().min(1).max(100).default(10),
  }),
});

export const StoreConfigSchema = z.discriminatedUnion('driver', [SqliteStoreSchema, PostgresStoreSchema], {
  error: 'store.driver must be "sqlite" or "postgres"',
});
export type StoreConfig = z.infer<typeof StoreConfigSchema>;

/**
 * What every `connections:` entry has before its adapter's own schema checks the rest (that
 * schema extends connector/sync/connection-base.schema.ts, the settings every connection shares).
 */
export const ConnectionBaseSchema = z.looseObject({
  id: ConnectionIdSchema,
  type: z.string().min(1),
});

const CronSchema = z.string().refine(validCron, {
  error: (i) =>
    `"${String(i.input)}" is not a cron expression (five fields "min hour day month weekday", or six with seconds first)`,
});

const DAEMON_DEFAULTS = {
  syncCron: '*/5 * * * *',
  reconcileCron: '30 3 * * *',
  evaluateCron: '0 * * * *',
  outboxCron: '*/15 * * * * *',
  trackCron: '*/10 * * * *',
  drainTimeoutMs: 30_000,
};

/** `recouvra run`: what it schedules (cron in company.timezone; the schedules only enqueue jobs). */
export const DaemonConfigSchema = z
  .strictObject({
    /** Incremental sync of each connection. */
    syncCron: CronSchema.default(DAEMON_DEFAULTS.syncCron),
    /** Full reconciliation of each connection (catches deletions). */
    reconcileCron: CronSchema.default(DAEMON_DEFAULTS.reconcileCron),
    /** Policy evaluation of every case (decisions are recorded, then performed from the outbox). */
    evaluateCron: CronSchema.default(DAEMON_DEFAULTS.evaluateCron),
    /** Outbox dispatch (six fields: seconds first). */
    outboxCron: CronSchema.default(DAEMON_DEFAULTS.outboxCron),
    /** Delivery tracking: asks the SMS and postal providers what became of what they accepted, and keeps the proofs. */
    trackCron: CronSchema.default(DAEMON_DEFAULTS.trackCron),
    /** On SIGTERM/SIGINT, how long running jobs may take to finish (ms) before the process exits anyway. */
    drainTimeoutMs: z.number().int().min(0).max(600_000).default(DAEMON_DEFAULTS.drainTimeoutMs),
    /**
     * How long an outbox row is retried after its first failure, per kind, in time rather than
     * attempts: `{ email: { forMinutes: 360, maxDelayMinutes: 30 }, dossier: { forMinutes: 4320 } … }`.
     * Kinds left out keep their defaults (connector/outbox/retry-budget.ts).
     */
    retry: z
      .partialRecord(
        ActionKindSchema,
        z.strictObject({
          forMinutes: z
            .number({ error: 'forMinutes must be a number of minutes' })
            .int({ error: 'forMinutes must be a whole number of minutes' })
            .min(1, { error: 'forMinutes must be at least 1' })
            .max(30 * 24 * 60, { error: 'forMinutes is at most 43200 (30 days)' }),
          maxDelayMinutes: z
            .number({ error: 'maxDelayMinutes must be a number of minutes' })
            .int({ error: 'maxDelayMinutes must be a whole number of minutes' })
            .min(1, { error: 'maxDelayMinutes must be at least 1' })
            .max(24 * 60, { error: 'maxDelayMinutes is at most 1440 (a day)' })
            .default(30),
        }),
        {
          error: `daemon.retry takes action kinds (${ActionKindSchema.options.join(', ')}), each { forMinutes, maxDelayMinutes }`,
        },
      )
      .default({}),
    /**
     * Workers per outbox destination, each destination in a lane of its own so that one down holds
     * only its own rows: `{ erp: { concurrency: 1 }, email: { concurrency: 4 }, sms: …, postal: …,
     * lawfirm: … }` (erp: per ERP connection). Lanes left out keep their defaults (connector/outbox/lanes.ts).
     */
    lanes: z
      .partialRecord(
        z.enum(LANE_NAMES as [LaneName, ...LaneName[]]),
        z.strictObject({
          concurrency: z
            .number({ error: 'concurrency must be a number of workers' })
            .int({ error: 'concurrency must be a whole number of workers' })
            .min(1, { error: 'concurrency must be at least 1' })
            .max(MAX_LANE_CONCURRENCY, { error: `concurrency is at most ${MAX_LANE_CONCURRENCY}` }),
        }),
        { error: `daemon.lanes takes the destinations ${LANE_NAMES.join(', ')}, each { concurrency }` },
      )
      .default({}),
    /**
     * Rehearsals and crash tests only, never in production: business time is `start` when real
     * time is `anchor`, runs `speed` times faster and stops at `stopAt` — the same for every
     * process and every restart. The daemon warns at each start that its clock is simulated.
     */
    simulatedClock: z
      .strictObject({
        start: z.iso.datetime({ offset: true, error: 'daemon.simulatedClock.start must be an ISO 8601 instant' }),
        anchor: z.iso.datetime({
          offset: true,
          error:
            'daemon.simulatedClock.anchor must be an ISO 8601 instant (the real time at which business time is `start`)',
        }),
        speed: z
          .number()
          .positive({
            error: 'daemon.simulatedClock.speed must be a positive number (simulated seconds per real second)',
          })
          .max(10_000_000),
        stopAt: z.iso
          .datetime({ offset: true, error: 'daemon.simulatedClock.stopAt must be an ISO 8601 instant' })
          .optional(),
      })
      .optional(),
  })
  .default({ ...DAEMON_DEFAULTS, retry: {}, lanes: {} });

export const ConfigSchema = z.strictObject({
  /** Version of this file's format. */
  version: z.literal(1, { error: 'version must be 1' }),
  company: z
    .strictObject({
      /** The creditor's name, as printed on letters. */
      name: z.string().min(1).default('Recouvra Demo SAS'),
      /** IANA time zone: business dates (due dates, deadlines) are calendar dates in it. */
      timezone: z
        .string()
        .refine(isValidTimeZone, {
          error: (i) => `unknown time zone "${String(i.input)}" (use an IANA name such as Europe/Paris)`,
        })
        .default('Europe/Paris'),
      /** Locale of user-facing texts (letters, e-mails, notes in the ledger). */
      locale: z.string().default('fr-FR'),
      /** Registered address, printed on letters and e-mails (required to send them). */
      address: AddressSchema.optional(),
      /** SIREN, printed on letters. */
      siren: z
        .string()
        .refine(isValidSiren, { error: 'company.siren must be 9 digits passing the Luhn check' })
        .optional(),
      /** Where debtors write back (questions, disputes, data-protection requests); required to send e-mails and letters. */
      contact: z
        .strictObject({
          email: z.email({ error: 'company.contact.email must be an e-mail address' }),
          phone: z.string().min(1).optional(),
        })
        .optional(),
      /** How debtors pay, printed in reminders and notices. */
      payment: z
        .strictObject({
          iban: z.string().min(1).optional(),
          bic: z.string().min(1).optional(),
          url: z.url().optional(),
        })
        .optional(),
      /** Who signs formal notices. */
      signatory: z.strictObject({ name: z.string().min(1), title: z.string().min(1).optional() }).optional(),
    })
    .default({ name: 'Recouvra Demo SAS', timezone: 'Europe/Paris', locale: 'fr-FR' }),
  store: StoreConfigSchema.default({ driver: 'sqlite', sqlite: { path: './data/recouvra.sqlite' } }),
  logging: z
    .strictObject({
      level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
      /** auto: readable in a terminal, JSON lines otherwise (and always JSON with NODE_ENV=production). */
      format: z.enum(['auto', 'json', 'pretty']).default('auto'),
    })
    .default({ level: 'info', format: 'auto' }),
  dunning: z
    .strictObject({
      /** Folder of policy files (*.yaml); default: the bundled config/policies. */
      policiesDir: z.string().min(1).optional(),
      /** Policy id applied to each kind of debtor. */
      defaultPolicy: z
        .strictObject({ company: z.string().min(1).default('fr-b2b'), individual: z.string().min(1).default('fr-b2c') })
        .default({ company: 'fr-b2b', individual: 'fr-b2c' }),
      /** Per-debtor policy overrides: debtor id → policy id. */
      overrides: z.record(z.string().min(1), z.string().min(1)).default({}),
    })
    .default({ defaultPolicy: { company: 'fr-b2b', individual: 'fr-b2c' }, overrides: {} }),
  legal: z
    .strictObject({
      /** Folder of the legal data tables; default: the bundled config/legal/fr. */
      dir: z.string().min(1).optional(),
      /** Interest day count: actual/365 (default, common practice) or actual/actual (366 in leap years). */
      dayCount: z.enum(['actual/365', 'actual/actual']).default('actual/365'),
      /**
       * How partial payments are imputed in claims, notices and dossiers: interest-first (default,
       * C. civ. 1343-1: a payment pays the interest accrued first) or principal-first (a creditor's
       * choice not to claim interest on the interest so paid; it claims less).
       */
      imputation: z
        .enum(['interest-first', 'principal-first'], {
          error: 'legal.imputation must be interest-first (C. civ. 1343-1) or principal-first',
        })
        .default('interest-first'),
      /** Warn this many days (calendar days) before a claim prescribes. */
      prescriptionWarningDays: z.number().int().min(0).max(3650).default(90),
      /**
       * Rates per semester added to, or replacing, the bundled config/legal/fr/rates.yaml: each entry
       * as in that file (semester, ecbMroPercent, legalRateOtherPercent,
       * legalRateIndividualCreditorPercent, sources). `recouvra legal status` says which are missing.
       */
      rates: z
        .array(SemesterRateEntrySchema, {
          error: 'legal.rates must be a list of semester entries, as in config/legal/fr/rates.yaml',
        })
        .default([]),
      /**
       * The creditor's terms of sale, for the dossier's additional claims: `penaltyClause`
       * ({percent: % of the principal claimed, minimum?: EUR minor units, reference: "CGV art. 9"})
       * and `article700` ({amount?: EUR minor units asked under CPC 700}). Absent: neither is claimed
       * (article 700 is then left for the firm to assess).
       */
      termsOfSale: TermsOfSaleSchema.optional(),
    })
    .superRefine((legal, ctx) => {
      for (const p of ratesFileCrossProblems({ rates: legal.rates }))
        ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
    })
    .default({ dayCount: 'actual/365', imputation: 'interest-first', prescriptionWarningDays: 90, rates: [] }),
  daemon: DaemonConfigSchema,
  /** Where jobs wait: the store (default) or BullMQ on Redis. */
  queue: QueueConfigSchema,
  /** The channels actions go out through; a step using a channel that is not configured waits in the outbox. */
  channels: z
    .strictObject({
      email: EmailChannelConfigSchema.optional(),
      sms: SmsConfigSchema.optional(),
      postal: PostalConfigSchema.optional(),
    })
    .default({}),
  /**
   * The JSON API and Prometheus metrics (connector/app/http/api-config.schema.ts). Optional as a
   * whole: absent, no API is served; present, it is enabled unless `enabled: false`, and then
   * needs `token` (a secret: `${RECOUVRA_API_TOKEN}`).
   */
  api: ApiConfigSchema.optional(),
  /** The law-firm partner escalated files go to (config/lawfirm.schema.ts); absent, dossiers wait in the outbox. */
  lawfirm: LawFirmConfigSchema.optional(),
  /** ERP connections; each entry is validated by its adapter's own schema (see adapters/registry.ts). */
  connections: z.array(ConnectionBaseSchema).default([]),
});
export type Config = z.infer<typeof ConfigSchema>;
