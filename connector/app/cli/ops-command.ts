import { JOB_NAMES, type JobInfo, type JobName } from '../../jobs/job-queue';
import { openJobQueue } from '../../jobs/open-queue';
import type { QuarantinedRecord } from '../../store/store';
import { localTime, type TextView } from './case-text';
import type { CommandResult } from './command-result';
import { FAILED_JOBS_PAGE } from './definitions/option-values';
import { requireId, wholeNumber } from './operation-arguments';
import { ArgumentError, runStoreCommand, toJson, type StoreCommandArgs } from './store-command';

/**
 * What went wrong in the daemon, as the API's GET /jobs/failed and GET /quarantine show it:
 * jobs parked as failed (read through the configured queue, as the API does) and records the
 * mapping refused.
 */

/** `recouvra jobs failed [--name NAME] [--limit N]`. */
export async function runFailedJobs(
  args: StoreCommandArgs & { name?: string; limit?: string },
): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => {
      const name = args.name === undefined ? undefined : JOB_NAMES.find((n) => n === args.name);
      if (args.name !== undefined && name === undefined)
        throw new ArgumentError(`--name must be one of ${JOB_NAMES.join(', ')}, got "${args.name}"`);
      return { name, limit: wholeNumber(args.limit, '--limit', 1, FAILED_JOBS_PAGE.max) ?? FAILED_JOBS_PAGE.default };
    },
    async ({ config, store }, { name, limit }) => {
      const queue = openJobQueue(config.queue, { store });
      try {
        const jobs = await queue.failed(name, limit);
        return args.json
          ? toJson({ jobs })
          : renderJobs(jobs, name, { locale: config.company.locale, timeZone: config.company.timezone });
      } finally {
        await queue.close();
      }
    },
    (_checked, missing) => (args.json ? toJson({ jobs: [] }) : `No failed jobs: ${missing.message}.\n`),
  );
}

/** `recouvra quarantine [--connection ID]`. */
export async function runQuarantine(args: StoreCommandArgs & { connection?: string }): Promise<CommandResult> {
  return runStoreCommand(
    args,
    () => (args.connection === undefined ? undefined : requireId(args.connection, 'connection')),
    async ({ config, store }, connection) => {
      const records = await store.sync.listQuarantined(connection);
      return args.json
        ? toJson({ records })
        : renderQuarantine(records, connection, { locale: config.company.locale, timeZone: config.company.timezone });
    },
    (_connection, missing) => (args.json ? toJson({ records: [] }) : `No quarantined records: ${missing.message}.\n`),
  );
}

function renderJobs(jobs: readonly JobInfo[], name: JobName | undefined, view: TextView): string {
  const lines = jobs.map(
    (j) =>
      `${j.finishedAt ? localTime(j.finishedAt, view) : '(not finished)  '}  ${j.id}  failed after ${j.attemptsMade} attempt(s): ${j.error ?? '(no error recorded)'}`,
  );
  lines.push(`${jobs.length} failed ${name ?? ''}${name ? ' ' : ''}job(s).`);
  return `${lines.join('\n')}\n`;
}

function renderQuarantine(
  records: readonly QuarantinedRecord[],
  connection: string | undefined,
  view: TextView,
): string {
  const lines = records.map(
    (r) => `${localTime(r.at, view)}  ${r.connection}/${r.stream}  record ${r.sourceId}: ${r.reason}`,
  );
  lines.push(`${records.length} quarantined record(s)${connection ? ` of connection ${connection}` : ''}.`);
  return `${lines.join('\n')}\n`;
}
