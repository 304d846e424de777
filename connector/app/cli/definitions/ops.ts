import { Command, Option } from 'commander';
import { JOB_NAMES } from '../../../jobs/job-queue';
import { emit } from '../command-result';
import { implementation } from './lazy';
import { FAILED_JOBS_PAGE } from './option-values';
import { storeCommand } from './store';

type Opts = { config?: string; json?: boolean };

/** `recouvra jobs failed` and `recouvra quarantine`. */
export function opsCommands(): Command[] {
  const jobs = new Command('jobs').description("the daemon's job queue");
  jobs.addCommand(
    storeCommand('failed', 'jobs parked as failed after their last attempt, newest first, with their error')
      .addOption(new Option('--name <name>', 'only jobs of this name').choices(JOB_NAMES))
      .option('--limit <n>', `at most this many (1–${FAILED_JOBS_PAGE.max}, default ${FAILED_JOBS_PAGE.default})`)
      .action(async (opts: Opts & { name?: string; limit?: string }) =>
        emit(await implementation('ops-command').runFailedJobs(opts)),
      ),
  );
  const quarantine = storeCommand(
    'quarantine',
    'records a sync refused (the mapping found them invalid), with the reason',
  )
    .option('--connection <id>', 'only the records of this connection')
    .action(async (opts: Opts & { connection?: string }) =>
      emit(await implementation('ops-command').runQuarantine(opts)),
    );
  return [jobs, quarantine];
}
