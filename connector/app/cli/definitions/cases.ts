import { Command, InvalidArgumentError, Option } from 'commander';
import type { ItemMarkCommand } from '../case-actions-command';
import { emit } from '../command-result';
import { implementation } from './lazy';
import { APPROVALS_PAGE, CALL_OUTCOMES, CASE_STAGES, JOURNAL_PAGE_MAX } from './option-values';
import { storeCommand } from './store';

type Opts = { config?: string; json?: boolean; connection?: string };

const CASE_ARGUMENT =
  'case: its id or the reference letters and ledger notes print (case_…), an invoice number (INV/2025/00137) or an item id';
const ITEM_ARGUMENT = 'item: its id (as `recouvra cases show` prints it) or its invoice number (INV/2025/00137)';
const CONNECTION_OPTION = [
  '--connection <id>',
  'look the invoice number up in this connection only (when it is in several)',
] as const;

/** The commands of connector/app/cli/case-actions-command.ts, run when called. */
const actions = () => implementation('case-actions-command');

/** Output to stdout as it is produced, for the listings that stream. */
const stdoutSink = () => implementation('cases-command').streamSink(process.stdout);

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number above 0');
  return n;
}

/** `recouvra cases list | show | journal | attention | pause | resume | cost`. */
export function casesCommand(): Command {
  const cases = new Command('cases').description('recovery cases (one debtor × company × currency)');
  cases
    .command('list')
    .description('list cases with their debtor, stage, open items and open amount net of credit notes')
    .option(
      '-c, --config <file>',
      'configuration file (YAML); default: built-in defaults (store ./data/recouvra.sqlite)',
    )
    .option('--json', 'print JSON instead of text')
    .addOption(new Option('--stage <stage>', 'only cases at this stage').choices(CASE_STAGES))
    .option('--limit <n>', 'at most this many cases', positiveInt)
    .action(async (opts: { config?: string; json?: boolean; stage?: string; limit?: number }) => {
      emit(await implementation('cases-command').runCasesList({ ...opts, write: stdoutSink() }));
    });
  cases.addCommand(
    storeCommand(
      'show',
      'one case: debtor, amounts, open items, the step waiting for approval, the last lines of its journal',
    )
      .argument('<case>', CASE_ARGUMENT)
      .option(...CONNECTION_OPTION)
      .action(async (caseId: string, opts: Opts) => emit(await actions().runCaseShow({ ...opts, caseId }))),
  );
  cases.addCommand(
    storeCommand('journal', "a case's journal, oldest first")
      .argument('<case>', CASE_ARGUMENT)
      .option(...CONNECTION_OPTION)
      .option('--after <seq>', 'only the entries after this sequence number')
      .option(
        '--limit <n>',
        `one page of at most this many entries (1–${JOURNAL_PAGE_MAX}), and the --after of the next; default: the whole journal`,
      )
      .action(async (caseId: string, opts: Opts & { after?: string; limit?: string }) =>
        emit(await actions().runCaseJournal({ ...opts, caseId, write: stdoutSink() })),
      ),
  );
  cases.addCommand(
    storeCommand(
      'attention',
      'the cases that stopped with no next step (answered after the formal notice, escalation held or rejected, refused by the firm, debtor unreachable, failed for good): why, and what to do',
    ).action(async (opts: Opts) => emit(await actions().runAttention(opts))),
  );
  cases.addCommand(
    storeCommand('pause', 'stop dunning on a case, until a date or until resumed')
      .argument('<case>', CASE_ARGUMENT)
      .option(...CONNECTION_OPTION)
      .option('--reason <text>', 'why (required; journalled)')
      .option('--until <date>', 'last day of the pause (YYYY-MM-DD); default: until resumed')
      .action(async (caseId: string, opts: Opts & { reason?: string; until?: string }) =>
        emit(await actions().runPause({ ...opts, caseId })),
      ),
  );
  cases.addCommand(
    storeCommand('resume', 'lift the pause of a case')
      .argument('<case>', CASE_ARGUMENT)
      .option(...CONNECTION_OPTION)
      .action(async (caseId: string, opts: Opts) => emit(await actions().runResume({ ...opts, caseId }))),
  );
  cases.addCommand(
    storeCommand(
      'cost',
      'record a cost of recovery beyond the 40 EUR, with its receipt: the dossier claims it between professionals (C. com. L441-10 II)',
    )
      .argument('<case>', CASE_ARGUMENT)
      .option(...CONNECTION_OPTION)
      .option('--amount <amount>', 'what the cost came to, in major units, e.g. 120.50 or 120,50 (required)')
      .option('--on <date>', 'the day it was paid (YYYY-MM-DD, today or before; required)')
      .option('--label <text>', 'what it is, as the receipt says (required; journalled)')
      .option(
        '--receipt <file>',
        'the receipt: a PDF, PNG or JPEG file of at most 10 MiB (required; stored as a document of the case)',
      )
      .option('--key <key>', 'idempotency key: the same key records the cost once (default: the cost and its receipt)')
      .action(
        async (
          caseId: string,
          opts: Opts & { amount?: string; on?: string; label?: string; receipt?: string; key?: string },
        ) => emit(await actions().runCaseCost({ ...opts, caseId })),
      ),
  );
  return cases;
}

/** `approvals`, `approve`, `reject`, `items`, `promise`, `call-result`, `actions`. */
export function caseActionCommands(): Command[] {
  const approvals = storeCommand(
    'approvals',
    'the cases whose next step waits for approval, with the step and the amounts it saw',
  )
    .option('--limit <n>', `at most this many (1–${APPROVALS_PAGE.max}, default ${APPROVALS_PAGE.default})`)
    .option('--after <case>', 'the page after this case id (as the previous page says)')
    .action(async (opts: Opts & { limit?: string; after?: string }) => emit(await actions().runApprovals(opts)));
  const approve = storeCommand(
    'approve',
    'perform the step waiting for approval: its letters and messages are queued for the daemon',
  )
    .argument('<case>', CASE_ARGUMENT)
    .option(...CONNECTION_OPTION)
    .action(async (caseId: string, opts: Opts) => emit(await actions().runApprove({ ...opts, caseId })));
  const reject = storeCommand(
    'reject',
    'refuse the step waiting for approval: the case goes back to the stage of its last step',
  )
    .argument('<case>', CASE_ARGUMENT)
    .option(...CONNECTION_OPTION)
    .option('--reason <text>', 'why (required; journalled)')
    .action(async (caseId: string, opts: Opts & { reason?: string }) =>
      emit(await actions().runReject({ ...opts, caseId })),
    );

  const items = new Command('items').description('mark an invoice or credit note: disputed, or excluded from dunning');
  const marks: [ItemMarkCommand, string][] = [
    ['dispute', 'the debtor disputes the item: the policy leaves it out of its messages (or pauses the case)'],
    ['undispute', 'lift the dispute'],
    ['exclude', 'leave the item out of dunning'],
    ['include', 'lift the exclusion'],
  ];
  for (const [mark, description] of marks) {
    const cmd = storeCommand(mark, description)
      .argument('<item>', ITEM_ARGUMENT)
      .option(...CONNECTION_OPTION);
    if (mark === 'dispute' || mark === 'exclude') cmd.option('--reason <text>', 'why (required; journalled)');
    cmd.action(async (itemId: string, opts: Opts & { reason?: string }) =>
      emit(await actions().runItemMark({ ...opts, mark, itemId })),
    );
    items.addCommand(cmd);
  }

  const promise = storeCommand(
    'promise',
    "record a debtor's promise to pay: dunning waits until the date (plus the policy's grace)",
  )
    .addOption(
      new Option(
        '--case <case>',
        'the open invoices of this case (id, reference or one of its invoice numbers), oldest due first up to the amount',
      ).conflicts('item'),
    )
    .addOption(new Option('--item <item>', 'this invoice (id or number)').conflicts('case'))
    .option(...CONNECTION_OPTION)
    .option('--date <date>', 'promised by this date (YYYY-MM-DD, today or later; required)')
    .option('--amount <amount>', 'promised amount in major units, e.g. 1250,50 or 1250.50; default: everything open')
    .action(async (opts: Opts & { case?: string; item?: string; date?: string; amount?: string }) => {
      const { case: caseId, item: itemId, ...rest } = opts;
      emit(
        await actions().runPromise({
          ...rest,
          ...(caseId === undefined ? {} : { caseId }),
          ...(itemId === undefined ? {} : { itemId }),
        }),
      );
    });

  const callResult = storeCommand('call-result', 'record the outcome of the phone call a phone task asked for')
    .argument('<action>', 'the phone task (action id)')
    .addOption(new Option('--outcome <outcome>', 'what came of the call (required)').choices(CALL_OUTCOMES))
    .option('--note <text>', 'what was said')
    .option('--date <date>', 'with --outcome promise: promised by this date (YYYY-MM-DD)')
    .option('--amount <amount>', 'with --outcome promise: promised amount in major units; default: everything open')
    .action(
      async (actionId: string, opts: Opts & { outcome?: string; note?: string; date?: string; amount?: string }) =>
        emit(await actions().runCallResult({ ...opts, actionId })),
    );

  const outbox = new Command('actions').description('outbox rows: what the daemon sends');
  outbox.addCommand(
    storeCommand(
      'retry',
      'send again a row that failed for good, once its cause is fixed (same idempotency key: sent at most once)',
    )
      .argument('<action>', 'action id (as `recouvra cases attention` names it)')
      .action(async (actionId: string, opts: Opts) => emit(await actions().runActionRetry({ ...opts, actionId }))),
  );

  return [approvals, approve, reject, items, promise, callResult, outbox];
}
