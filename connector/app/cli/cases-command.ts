import { CaseStageSchema, type Case, type CaseStage } from '../../model/case.schema';
import { formatMoney } from '../../model/money.schema';
import type { Receivable } from '../../model/receivable.schema';
import type { Store } from '../../store/store';
import type { CommandResult } from './command-result';
import { NoStoreYet, withConfiguredStore } from './store-command';

export interface CasesListArgs {
  config?: string;
  json?: boolean;
  stage?: string;
  limit?: number;
  env?: NodeJS.ProcessEnv;
  /** Receives the output as it is produced; default: collected into the result's stdout. */
  write?: (chunk: string) => void | Promise<void>;
  /** Cases read per store query (keyset pages). */
  batchSize?: number;
}

/** Cases read per `listCases` call: the list never holds more than this many cases at once. */
const BATCH = 500;

export interface CaseListing {
  id: string;
  debtor: { id: string; name: string };
  stage: CaseStage;
  currency: string;
  openItems: { id: string; number: string; kind: Receivable['kind']; dueDate: string; open: number }[];
  /** Open invoices minus open credit notes, in minor units (negative when credit exceeds debt). */
  openAmount: number;
}

/**
 * `recouvra cases list`: every case (or those at one stage) with its debtor, its open items and
 * its open amount net of credit notes, read in keyset pages of the case id.
 */
export async function runCasesList(args: CasesListArgs): Promise<CommandResult> {
  let collected = '';
  const write = args.write ?? ((chunk: string) => void (collected += chunk));
  const json = args.json ?? false;
  try {
    const stage = args.stage === undefined ? undefined : parseStage(args.stage);
    if (args.limit !== undefined && !(Number.isSafeInteger(args.limit) && args.limit > 0))
      throw new Error(`--limit must be a whole number above 0, got ${args.limit}`);
    try {
      await withConfiguredStore(args, async ({ config, store }) => {
        const locale = config.company.locale;
        if (json) await write('[');
        let count = 0;
        const batch = args.batchSize ?? BATCH;
        let afterId: string | undefined;
        for (;;) {
          const want = args.limit === undefined ? batch : Math.min(batch, args.limit - count);
          if (want <= 0) break;
          const cases = await store.cases.listCases({
            ...(stage ? { stage } : {}),
            limit: want,
            ...(afterId ? { afterId } : {}),
          });
          for (const c of cases) {
            const listing = await listingOf(store, c);
            await write(
              json
                ? `${count === 0 ? '\n' : ',\n'}${indent(JSON.stringify(listing, null, 2))}`
                : renderText(listing, locale),
            );
            count++;
          }
          if (cases.length < want) break;
          afterId = cases[cases.length - 1]!.id;
        }
        await write(
          json
            ? `${count === 0 ? '' : '\n'}]\n`
            : `${count} case(s)${stage ? ` at stage ${stage}` : ''}${args.limit !== undefined && count === args.limit ? ` (--limit ${args.limit})` : ''}.\n`,
        );
      });
    } catch (e) {
      // Listing must not create an empty database where there is none.
      if (!(e instanceof NoStoreYet)) throw e;
      await write(json ? '[]\n' : `No cases: ${e.message}.\n`);
    }
    return { exitCode: 0, stdout: collected, stderr: '' };
  } catch (e) {
    if (e instanceof OutputClosed) return { exitCode: 0, stdout: collected, stderr: '' };
    return { exitCode: 1, stdout: collected, stderr: `${(e as Error).message}\n` };
  }
}

function parseStage(value: string): CaseStage {
  const parsed = CaseStageSchema.safeParse(value);
  if (!parsed.success) throw new Error(`--stage must be one of ${CaseStageSchema.options.join(', ')}, got "${value}"`);
  return parsed.data;
}

async function listingOf(store: Store, c: Case): Promise<CaseListing> {
  const debtor = await store.sync.getDebtor(c.debtorId);
  const items = (await store.sync.listReceivablesOfCase(c.id)).filter((r) => r.open > 0);
  const openAmount = items.reduce((sum, r) => sum + (r.kind === 'credit_note' ? -r.open : r.open), 0);
  return {
    id: c.id,
    debtor: { id: c.debtorId, name: debtor?.name ?? `(unknown debtor ${c.debtorId})` },
    stage: c.stage,
    currency: c.currency,
    openItems: items.map((r) => ({ id: r.id, number: r.number, kind: r.kind, dueDate: r.dueDate, open: r.open })),
    openAmount,
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function renderText(l: CaseListing, locale: string): string {
  const money = (n: number) => formatMoney(n, l.currency, locale);
  const lines = [
    `${l.debtor.name} · ${l.stage} · ${l.currency} · ${l.openItems.length} open item(s) · ${money(l.openAmount)}  [${l.id}]`,
  ];
  for (const item of l.openItems)
    lines.push(
      `    ${item.number.padEnd(18)} ${item.kind === 'credit_note' ? 'credit note' : 'invoice    '}  due ${item.dueDate}  ${money(item.kind === 'credit_note' ? -item.open : item.open)}`,
    );
  return `${lines.join('\n')}\n`;
}

/** The reader of stdout went away (`recouvra cases list | head`): the listing stops, quietly. */
export class OutputClosed extends Error {}

/** Writes to a stream, waiting while its buffer is full, so a long listing never piles up in memory. */
export function streamSink(stream: NodeJS.WritableStream): (chunk: string) => Promise<void> {
  let failure: NodeJS.ErrnoException | undefined;
  stream.on('error', (e: NodeJS.ErrnoException) => (failure ??= e));
  const check = () => {
    if (failure) throw failure.code === 'EPIPE' ? new OutputClosed() : failure;
  };
  return async (chunk) => {
    check();
    if (!stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('error', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('error', done);
      });
      check();
    }
  };
}
