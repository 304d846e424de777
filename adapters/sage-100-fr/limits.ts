/*
 * The read model's limits, apart from the queries so that the configuration schema can use them
 * without loading Kysely (checking a configuration loads only the schemas: adapters/registry.ts).
 */

/** Upper bound on a page, so that one page stays one short read. */
export const MAX_PAGE_ROWS = 5_000;

/**
 * Keys per `IN (…)` list: SQL Server takes at most 2,100 parameters in a request
 * (https://learn.microsoft.com/en-us/sql/sql-server/maximum-capacity-specifications-for-sql-server,
 * "Parameters per user-defined function"/"per stored procedure"; tedious sends a parameterised
 * batch through sp_executesql). 500 leaves room for the rest of the query.
 */
export const MAX_KEYS_PER_QUERY = 500;

/**
 * General accounts whose lines are customer receivables. §4.2 gives `CG_Num LIKE '411%'` as the
 * pattern public code uses; a file with other customer accounts (416 "clients douteux", say)
 * passes its own prefixes.
 */
export const DEFAULT_CUSTOMER_ACCOUNT_PREFIXES: readonly string[] = ['411'];
