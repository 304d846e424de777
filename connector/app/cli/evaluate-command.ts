import { formatMoney } from '../../model/money.schema';
import { bundledPath } from '../../paths';
import { decide, policyFor } from '../../policy/decide';
import { evaluate, type Evaluation } from '../../policy/evaluate';
import { importPortfolio, readPortfolio } from '../../portfolio';
import { loadRuntime } from '../runtime';
import { openStore } from '../../store/open-store';
import { openSqliteStore } from '../../store/sqlite';
import type { CaseSnapshot, Store } from '../../store/store';
import { assertIsoDate, type IsoDate } from '../../time/calendar-date';
import { businessDate, systemClock, type Clock } from '../../time/clock';
import type { CommandResult } from './command-result';

export interface EvaluateArgs {
  config?: string;
  sample?: boolean;
  portfolio?: string;
  asOf?: string;
  json?: boolean;
  record?: boolean;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  /** Called every PROGRESS_EVERY cases and at the end, with the number of cases evaluated. */
  onProgress?: (evaluated: number, done: boolean) => void;
}

const PROGRESS_EVERY = 5_000;

interface Row {
  caseId: string;
  debtor: string;
  debtorKind: string;
  currency: string;
  policy: string;
  evaluation: Evaluation;
  recorded: boolean;
}

export const SAMPLE_PORTFOLIO = bundledPath('config', 'samples', 'portfolio.json');

/**
 * Evaluates every case of the store (after importing a portfolio, if given) with the
 * configured policies and reports, per case, the step that is due and why. With --record
 * the due steps become decisions and outbox rows (nothing is sent by this command).
 */
export async function runEvaluate(args: EvaluateArgs): Promise<CommandResult> {
  const clock = args.clock ?? systemClock;
  let store: Store | undefined;
  try {
    const rt = loadRuntime(args.config, args.env);
    const file = args.sample ? SAMPLE_PORTFOLIO : args.portfolio;
    const portfolio = file ? readPortfolio(file) : undefined;
    const asOf: IsoDate = args.asOf
      ? assertIsoDate(args.asOf, '--as-of')
      : (portfolio?.asOf ?? businessDate(clock, rt.config.company.timezone));
    // The sample runs on a throw-away database unless a configuration names one.
    store = args.sample && !args.config ? await openSqliteStore(':memory:') : await openStore(rt.config.store);
    await store.migrate();
    const now = clock.now();
    if (portfolio) await importPortfolio(store, portfolio, now.toISOString());

    const rows: Row[] = [];
    const failures: string[] = [];
    let seen = 0;
    for await (const snap of store.cases.streamCaseSnapshots()) {
      try {
        rows.push(await evaluateOne(store, snap, rt, asOf, now, args.record ?? false));
      } catch (e) {
        // One bad case is reported and skipped; the others are still evaluated.
        failures.push(`case ${snap.case.id} (${snap.debtor.name}): ${(e as Error).message}`);
      }
      if (++seen % PROGRESS_EVERY === 0) args.onProgress?.(seen, false);
    }
    args.onProgress?.(seen, true);
    rt.logger.close();
    const stderr = failures.length
      ? `${failures.length} case(s) could not be evaluated:\n${failures.map((f) => `  ${f}`).join('\n')}\n`
      : '';
    const stdout = args.json
      ? `${JSON.stringify({ asOf, cases: rows.map(jsonRow) }, null, 2)}\n`
      : renderText(rows, asOf, rt.config.company.locale);
    return { exitCode: failures.length ? 1 : 0, stdout, stderr };
  } catch (e) {
    return { exitCode: 1, stdout: '', stderr: `${(e as Error).message}\n` };
  } finally {
    await store?.close();
  }
}

async function evaluateOne(
  store: Store,
  snap: CaseSnapshot,
  rt: ReturnType<typeof loadRuntime>,
  asOf: IsoDate,
  now: Date,
  record: boolean,
): Promise<Row> {
  const policy = policyFor(snap, rt.policies, rt.config.dunning.defaultPolicy, rt.config.dunning.overrides);
  let evaluation: Evaluation;
  let recorded = false;
  if (record) {
    const r = await decide(store, snap, policy, asOf, now, rt.context);
    evaluation = r.evaluation;
    recorded = r.recorded;
  } else {
    evaluation = evaluate(snap, policy, asOf, rt.context);
  }
  return {
    caseId: snap.case.id,
    debtor: snap.debtor.name,
    debtorKind: snap.debtor.kind,
    currency: snap.case.currency,
    policy: `${policy.id} v${policy.version}`,
    evaluation,
    recorded,
  };
}

function jsonRow(r: Row) {
  const e = r.evaluation;
  return {
    caseId: r.caseId,
    debtor: r.debtor,
    currency: r.currency,
    policy: r.policy,
    status: e.status,
    step: 'step' in e ? e.step.id : null,
    dueOn: 'dueOn' in e ? e.dueOn : null,
    requiresApproval: e.status === 'due' ? e.step.requiresApproval : null,
    itemIds: e.status === 'due' ? e.itemIds : [],
    amounts: e.amounts,
    reasons: e.reasons,
    recorded: r.recorded,
  };
}

const STATUS_LABEL: Record<Evaluation['status'], string> = {
  due: 'DUE',
  waiting: 'WAITING',
  paused: 'PAUSED',
  nothing_due: 'NOTHING DUE',
  awaiting_approval: 'AWAITING APPROVAL',
  completed: 'LADDER DONE',
  blocked: 'BLOCKED',
};

function renderText(rows: Row[], asOf: IsoDate, locale: string): string {
  const out: string[] = [`Evaluated ${rows.length} case(s) as of ${asOf}.`, ''];
  const order: Evaluation['status'][] = [
    'due',
    'blocked',
    'awaiting_approval',
    'waiting',
    'paused',
    'nothing_due',
    'completed',
  ];
  const sorted = [...rows].sort(
    (a, b) =>
      order.indexOf(a.evaluation.status) - order.indexOf(b.evaluation.status) || a.debtor.localeCompare(b.debtor),
  );
  for (const r of sorted) {
    const e = r.evaluation;
    const money = (n: number) => formatMoney(n, r.currency, locale);
    out.push(
      `${r.debtor} (${r.debtorKind}) · ${r.currency} · ${r.policy} · net open ${money(e.amounts.open)}, overdue ${money(e.amounts.overdue)}`,
    );
    let head = `  → ${STATUS_LABEL[e.status]}`;
    if (e.status === 'due')
      head += ` ${e.step.id} (${e.step.kind}${e.step.channels.length ? ` by ${e.step.channels.join(' + ')}` : ''}) since ${e.dueOn}${e.step.requiresApproval ? ', needs approval' : ''}${r.recorded ? ' — decision recorded' : ''}`;
    else if (e.status === 'waiting') head += ` next: ${e.step.id} on ${e.dueOn}`;
    else if (e.status === 'paused') head += e.until ? ` until ${e.until}` : ' until someone acts';
    else if (e.status === 'blocked') head += ` ${e.step.id}`;
    out.push(head);
    for (const reason of e.reasons) out.push(`      · ${reason.message}`);
    out.push('');
  }
  const counts = order
    .map((s) => [s, rows.filter((r) => r.evaluation.status === s).length] as const)
    .filter(([, n]) => n > 0);
  out.push(`Summary: ${counts.map(([s, n]) => `${n} ${STATUS_LABEL[s].toLowerCase()}`).join(', ')}.`);
  return `${out.join('\n')}\n`;
}

/** A counter on one terminal line, cleared at the end so it does not mix with the report. */
export function terminalProgress(evaluated: number, done: boolean): void {
  process.stderr.write(done ? '\r\x1b[K' : `\revaluated ${evaluated.toLocaleString('en')} cases…`);
}
