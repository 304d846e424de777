import { z } from 'zod';
import type { WriteBackKind } from '../../connector/ports/erp';
import { ErpConnectionBaseSchema } from '../../connector/sync/connection-base.schema';
import { DEFAULT_CUSTOMER_ACCOUNT_PREFIXES, MAX_PAGE_ROWS } from './limits';

/**
 * One `connections:` entry of type `sage-100-fr`: Sage 100 France (Comptabilité, with Gestion
 * commerciale when present), read from its SQL Server database through a read-only SQL login
 * (shared/reference/sage.md §4.1, §4.4 (c)). Either a SQL Server (`host`, `database`, `user`,
 * `password` — put it in an environment variable, `password: ${SAGE100_PASSWORD}`: values taken
 * from the environment are never logged) or, for the demo and the tests only, a fixture file
 * (`fixture: path.sqlite`, written by `recouvra simulate sage-100-fr`) with Sage 100's layout on
 * SQLite. Never both.
 */

/** SQL Server's default TCP port (https://learn.microsoft.com/en-us/sql/sql-server/install/configure-the-windows-firewall-to-allow-sql-server-access). */
export const SQL_SERVER_DEFAULT_PORT = 1433;

/** Sage 100 is read only for the connector: nothing is written back into its ledger (sage.md §4.4 (c)). */
export const SAGE_100_WRITE_BACK: readonly WriteBackKind[] = Object.freeze([]);

const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export const Sage100ConnectionSchema = ErpConnectionBaseSchema.extend({
  type: z.literal('sage-100-fr'),
  /** The SQL Server host (name or address) of the Sage 100 database; a named instance goes in `instanceName`. */
  host: z.string().trim().min(1, { error: 'host must name the SQL Server of the Sage 100 database' }).optional(),
  /** TCP port (default 1433); ignored when `instanceName` is set (SQL Browser tells the port). */
  port: z.number().int().min(1).max(65_535).default(SQL_SERVER_DEFAULT_PORT),
  /** A named SQL Server instance (SAGE100 in `SERVER\SAGE100`), if any. */
  instanceName: z.string().trim().min(1).optional(),
  /** The company's database (one per Sage 100 company file). */
  database: z.string().trim().min(1, { error: 'database must name the company database' }).optional(),
  /** A SQL Server login with SELECT only on the Sage tables (`recouvra connections check` proves it). */
  user: z.string().trim().min(1, { error: 'user must name the read-only SQL login' }).optional(),
  /** The login's password: `${ENV_VAR}`, never written in the file. */
  password: z.string().min(1, { error: 'password must not be empty (put it in an environment variable)' }).optional(),
  /** TLS to SQL Server (default true); false only on a trusted LAN with a server that has no certificate. */
  encrypt: z.boolean().default(true),
  /** Accept the server's self-signed certificate (default false): common on SME servers, weaker. */
  trustServerCertificate: z.boolean().default(false),
  /** Connection timeout (ms, default 15,000). */
  connectTimeoutMs: z.number().int().min(1_000).max(120_000).default(15_000),
  /** Timeout of one query (ms, default 60,000). */
  requestTimeoutMs: z.number().int().min(1_000).max(600_000).default(60_000),
  /**
   * FOR THE DEMO AND TESTS ONLY: a fixture database file (SQLite, Sage 100's layout) written by
   * `recouvra simulate sage-100-fr`, opened read-only, instead of a SQL Server.
   */
  fixture: z.string().trim().min(1).optional(),
  /** The schema of Sage's tables (default dbo; "Company Schema (optional)" in sage.md §4.1). */
  schema: z
    .string()
    .regex(SQL_IDENTIFIER, { error: 'schema must be a plain SQL identifier (letters, digits, _)' })
    .default('dbo'),
  /** Prefixes of the general accounts holding customer receivables (digits; default ["411"], sage.md §4.2). */
  accountPrefixes: z
    .array(z.string().regex(/^\d{1,13}$/, { error: 'an account prefix is 1 to 13 digits, e.g. "411"' }))
    .min(1, { error: 'accountPrefixes must name at least one account prefix' })
    .default([...DEFAULT_CUSTOMER_ACCOUNT_PREFIXES]),
  /** ISO 4217 code of the file's accounting currency, in which EC_Montant is kept (default EUR). */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: 'currency is an ISO 4217 code such as "EUR"' })
    .default('EUR'),
  /**
   * How far back (seconds, default 600) each incremental read starts before the saved cursor, so
   * that a change committed late with an older cbModification is still read (README "Not verified").
   */
  changeOverlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(24 * 3_600)
    .default(600),
  /** Lines or customers per query (rows; at most 5,000). */
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_ROWS, { error: `pageSize is at most ${MAX_PAGE_ROWS} for Sage 100` })
    .default(500),
}).superRefine((c, ctx) => {
  if (c.fixture !== undefined) {
    for (const key of ['host', 'instanceName', 'database', 'user', 'password'] as const)
      if (c[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} and fixture exclude each other: a connection reads either a SQL Server or a fixture file`,
        });
    return;
  }
  for (const key of ['host', 'database', 'user', 'password'] as const)
    if (c[key] === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} is required to reach the Sage 100 SQL Server (or give fixture: for the demo)`,
      });
});
export type Sage100Connection = z.infer<typeof Sage100ConnectionSchema>;
