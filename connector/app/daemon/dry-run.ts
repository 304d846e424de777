import { randomUUID } from 'node:crypto';
import type { PostalProvider } from '../../ports/postal';
import type { SmsProvider } from '../../ports/sms';
import type { EmailChannel } from '../../ports/email';
import { formalNoticeInput, actionContext, NOTHING_LEFT } from '../../outbox/action-documents';
import { isTemplateName, reminderLetter, reminderSms, renderTemplate } from '../../documents';
import type { JobQueue } from '../../jobs/job-queue';
import type { Logger } from '../../log/logger';
import type { Action, ActionKind } from '../../model/action.schema';
import { AdapterError } from '../../ports/adapter-error';
import type { Daemon, EvaluationRun } from './daemon';
import { buildPerformers, smsRecipient, type PerformerDeps, type Performers } from './performers';

/**
 * The go-live dry run (`recouvra run --dry-run`): the daemon syncs, decides and journals as
 * usual, and sends nothing — no e-mail, SMS, letter, ledger write or dossier.
 *
 * How nothing is sent without losing anything: the dispatcher is given no performer at all. It
 * claims rows only of the kinds it has a performer for (outbox/dispatch.ts), so every outbox row
 * stays exactly as it was decided — pending, no attempt counted, no lease, its `notBefore`
 * unchanged — and the real run that follows performs it as if the dry run had not happened.
 * Performers that recorded "would send" and then handed the row back were the other way, and
 * each leaves a trace on the row: a failure is an attempt (and a permanent failure once the
 * retry budget is spent), and a "slow down" answer moves `notBefore` and stops the pass after
 * one row per kind. Nor does the dry run render and keep anything (a formal notice is kept as a
 * case document when it first goes out: one kept by a dry run would be sent later with the dry
 * run's date).
 *
 * What would go out is read from the store instead (`report`): each pending row is looked at as
 * its performer would — which kinds have a performer comes from `buildPerformers` itself, given
 * inert channels — and checked without any I/O outside the store: the message's text and
 * recipients are built, a formal notice's claim is computed, a letter needs an address, an SMS a
 * French mobile. Nothing is written.
 */

export type DryRunOutcome =
  /** Due now, and its performer would go ahead. */
  | 'would_send'
  /** Due now, and its performer would fail: the reason says why. */
  | 'would_fail'
  /** Every invoice it covered was settled since: done without sending. */
  | 'settled'
  /** Its channel is not configured: the row waits in the outbox (the real run does the same). */
  | 'no_channel'
  /** Not due yet (a retry's delay, a channel's hours). */
  | 'later';

export interface DryRunRow {
  actionId: string;
  caseId: string;
  kind: ActionKind;
  template: string | null;
  outcome: DryRunOutcome;
  /** What the message would be (a subject) or why it would fail. Names ids, never people. */
  detail?: string;
}

export interface DryRunReport {
  /** When the store was read (ISO 8601). */
  at: string;
  /** Pending outbox rows in the store, all of which the report covers. */
  pending: number;
  rows: DryRunRow[];
}

export interface DryRunOutbox extends Performers {
  /** What the pending outbox rows would do now; reads the store, writes nothing. */
  report: () => Promise<DryRunReport>;
}

const MESSAGE_KINDS: readonly ActionKind[] = ['email', 'sms', 'letter', 'registered_letter'];
const LEDGER_KINDS: readonly ActionKind[] = ['ledger_note', 'ledger_activity', 'phone_task'];

/** Refuses every call: a channel the dry run hands to `buildPerformers` only to learn which kinds it would perform. */
function inert(what: string): never {
  throw new Error(`dry run: the ${what} must never be used`);
}
const inertEmail: EmailChannel = {
  send: () => inert('e-mail channel'),
  verify: () => inert('e-mail channel'),
  close: () => undefined,
};
const inertSms: SmsProvider = { send: () => inert('SMS provider'), status: () => inert('SMS provider') };
const inertPostal: PostalProvider = {
  send: () => inert('postal provider'),
  status: () => inert('postal provider'),
  proof: () => inert('postal provider'),
};

export function dryRunOutbox(deps: PerformerDeps): DryRunOutbox {
  const { config, store, legal, clock } = deps;
  // The kinds the real run would perform with this configuration: the same function decides.
  const channels = config.channels;
  const real = buildPerformers({
    ...deps,
    ...(channels.email ? { email: inertEmail } : {}),
    ...(channels.sms ? { sms: inertSms } : {}),
    ...(channels.postal ? { postal: inertPostal } : {}),
  });
  const performed = new Set(Object.keys(real.performers) as ActionKind[]);

  const look = async (
    action: Action,
    now: string,
  ): Promise<Omit<DryRunRow, 'actionId' | 'caseId' | 'kind' | 'template'>> => {
    if (!performed.has(action.kind))
      return { outcome: 'no_channel', detail: `no ${action.kind} channel in the configuration` };
    if (action.notBefore > now) return { outcome: 'later', detail: `not before ${action.notBefore}` };
    if (!MESSAGE_KINDS.includes(action.kind))
      return {
        outcome: 'would_send',
        detail: LEDGER_KINDS.includes(action.kind) ? 'written in the ledger' : 'dossier handed to the law firm',
      };
    try {
      const ctx = await actionContext(store, config, legal, action);
      if (ctx === NOTHING_LEFT) return { outcome: 'settled', detail: NOTHING_LEFT };
      const template = action.template ?? (action.kind === 'email' ? 'reminder-1' : 'formal-notice');
      if (action.kind === 'email') {
        const notice =
          template === 'formal-notice'
            ? formalNoticeInput(ctx, config, legal, ['registered_letter', 'email'])
            : undefined;
        const rendered = renderTemplate(template, notice ?? ctx.input);
        if (rendered.to.length === 0)
          return { outcome: 'would_fail', detail: `debtor ${ctx.debtor.id} has no e-mail address in the ledger` };
        return { outcome: 'would_send', detail: `e-mail "${rendered.subject}"` };
      }
      if (action.kind === 'sms') {
        if (!smsRecipient(ctx.debtor))
          return { outcome: 'would_fail', detail: `debtor ${ctx.debtor.id} has no French mobile number in the ledger` };
        reminderSms(ctx.input);
        return { outcome: 'would_send', detail: 'SMS' };
      }
      if (!ctx.input.debtor.address)
        return { outcome: 'would_fail', detail: `debtor ${ctx.debtor.id} has no postal address in the ledger` };
      if (template === 'formal-notice')
        formalNoticeInput(
          ctx,
          config,
          legal,
          action.kind === 'registered_letter' ? ['registered_letter', 'email'] : ['email'],
        );
      else if (isTemplateName(template) && template !== 'formal-notice') reminderLetter(template, ctx.input);
      else return { outcome: 'would_fail', detail: `no letter for template "${template}"` };
      return {
        outcome: 'would_send',
        detail: `${action.kind === 'registered_letter' ? 'registered letter' : 'letter'} (${template})`,
      };
    } catch (e) {
      return {
        outcome: 'would_fail',
        detail: e instanceof AdapterError ? `${e.code}: ${e.userMessage}` : e instanceof Error ? e.message : String(e),
      };
    }
  };

  return {
    // None: every row stays pending, untouched, for the real run (see above).
    performers: {},
    providers: {},
    close: async () => undefined,
    report: async () => {
      const at = clock.now().toISOString();
      const pending = await store.outbox.listActions({ status: 'pending' });
      const rows: DryRunRow[] = [];
      for (const action of pending)
        rows.push({
          actionId: action.id,
          caseId: action.caseId,
          kind: action.kind,
          template: action.template,
          ...(await look(action, at)),
        });
      return { at, pending: pending.length, rows };
    },
  };
}

/** What a kind does, for people: messages go to debtors, the rest to the ledger or the firm. */
const KIND_WORDS: Record<ActionKind, string> = {
  email: 'e-mail',
  sms: 'SMS',
  letter: 'letter',
  registered_letter: 'registered letter',
  phone_task: 'phone task in the ledger',
  ledger_note: 'note in the ledger',
  ledger_activity: 'activity in the ledger',
  dossier: 'dossier to the law firm',
};

/** What the real run would do with a row, in words: the headline of the summary counts these. */
function family(row: DryRunRow): string {
  if (row.kind === 'dossier') return 'hand over';
  if (LEDGER_KINDS.includes(row.kind)) return 'write';
  return row.template === 'formal-notice' ? 'send formal' : 'send reminder';
}
const FAMILY_WORDS: Record<string, (n: number) => string> = {
  'send reminder': (n) => `send ${n} reminder(s)`,
  'send formal': (n) => `send ${n} formal notice(s)`,
  write: (n) => `write ${n} note(s), activit(ies) or phone task(s) in the ledger`,
  'hand over': (n) => `hand ${n} dossier(s) to the law firm`,
};

function countBy<T>(items: readonly T[], key: (t: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The summary a person reads at the end of a dry run: what would go out, by kind and channel. */
export function formatDryRunReport(report: DryRunReport): string {
  const of = (o: DryRunOutcome) => report.rows.filter((r) => r.outcome === o);
  const send = of('would_send');
  const lines = [
    `DRY RUN as of ${report.at}: nothing was sent. ${report.pending} outbox row(s) are pending and stay so for the real run.`,
  ];
  if (send.length === 0) lines.push('Nothing would go out now.');
  else {
    const families = countBy(send, family);
    lines.push(
      `Started for real now, it would at once ${Object.keys(FAMILY_WORDS)
        .flatMap((f) => families.filter(([g]) => g === f).map(([, n]) => FAMILY_WORDS[f]!(n)))
        .join(', ')}.`,
    );
    lines.push('By channel:');
    for (const [kind, n] of countBy(send, (r) => r.kind)) {
      const templates = countBy(
        send.filter((r) => r.kind === kind && r.template),
        (r) => r.template!,
      );
      lines.push(
        `  ${KIND_WORDS[kind as ActionKind].padEnd(26)} ${String(n).padStart(6)}${templates.length ? `   ${templates.map(([t, c]) => `${t} ${c}`).join(', ')}` : ''}`,
      );
    }
  }
  const fail = of('would_fail');
  if (fail.length > 0) {
    lines.push(`Would fail now: ${fail.length} (a person must act before the real run):`);
    // One line per reason with the debtor's id taken out, so that a reason shared by many rows reads once.
    for (const [reason, n] of countBy(
      fail,
      (r) => `${r.kind}: ${(r.detail ?? '').replace(/debtor \S+/g, 'debtor …')}`,
    ).slice(0, 10))
      lines.push(`  ${String(n).padStart(5)} × ${reason}`);
  }
  const settled = of('settled').length;
  if (settled > 0) lines.push(`Settled since they were decided (done without sending): ${settled}`);
  const noChannel = of('no_channel');
  if (noChannel.length > 0)
    lines.push(
      `Waiting for a channel the configuration does not have: ${countBy(noChannel, (r) => r.kind)
        .map(([k, n]) => `${KIND_WORDS[k as ActionKind]} ${n}`)
        .join(', ')}`,
    );
  const later = of('later').length;
  if (later > 0) lines.push(`Due later (retry delays, contact hours): ${later}`);
  return `${lines.join('\n')}\n`;
}

/** `--once`: one sync of every connection, one evaluation of every case, through the daemon's own jobs; then the caller reports. */
export async function dryRunOnce(parts: {
  daemon: Daemon;
  queue: JobQueue;
  connections: Iterable<string>;
  logger: Logger;
  pollMs?: number;
}): Promise<EvaluationRun> {
  const run = randomUUID();
  for (const id of parts.connections) {
    const jobId = `sync/${id}/dry-run/${run}`;
    await parts.queue.enqueue('sync', { connection: id }, { jobId });
    for (;;) {
      const job = await parts.queue.getJob(jobId);
      if (job?.status === 'completed') break;
      if (job?.status === 'failed') {
        // Cases are evaluated on what the store holds: the report still says what that would send.
        parts.logger.error(
          `dry run: the sync of ${id} failed (${job.error ?? 'no reason given'}); evaluating what the store already holds`,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, parts.pollMs ?? 200));
    }
  }
  return parts.daemon.evaluate();
}
