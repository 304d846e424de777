import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  runCaseJournal,
  runCaseShow,
  runItemMark,
  runPause,
  runPromise,
} from '../../connector/app/cli/case-actions-command';
import type { CommandResult } from '../../connector/app/cli/command-result';
import { buildProgram } from '../../connector/app/cli/main';
import { formatMoney } from '../../connector/model/money.schema';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { CASE_ID, handClock, R1 } from '../cases/case-fixtures';
import { BE_137, BE_CASE_ID, seedTwoLedgers, SHARED_NUMBER } from '../cases/reference-fixtures';
import { captureOutput } from './odoo-fixture';

/** The controller types what they read (an invoice number, the case reference of a letter); a number in two ledgers asks which. */

const clock = handClock('2025-03-24T09:00:00.000Z');

async function world(): Promise<{ config: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-cli-refs-'));
  const path = join(dir, 'store.sqlite');
  await inStore(path, async (store) => {
    await store.migrate();
    await seedTwoLedgers(store);
  });
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `version: 1\nstore:\n  driver: sqlite\n  sqlite:\n    path: ${path}\n`);
  return { config, path };
}

async function inStore<T>(path: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(path);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function ok(r: CommandResult): string {
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return r.stdout;
}

describe('recouvra: references people read', () => {
  it('cases show INV/2025/00137 --connection odoo-be shows the Belgian case; the case reference in capitals works too', async () => {
    const { config } = await world();
    expect(ok(await runCaseShow({ config, clock, caseId: SHARED_NUMBER, connection: 'odoo-be' }))).toContain(
      `Brasserie Van Damme SRL (company) · open · EUR  [${BE_CASE_ID}]`,
    );
    expect(ok(await runCaseShow({ config, clock, caseId: CASE_ID.toUpperCase() }))).toContain(`[${CASE_ID}]`);
    expect(ok(await runCaseShow({ config, clock, caseId: R1.number }))).toContain(`[${CASE_ID}]`);
  });

  it('a number in two connections: exit 1, the connections listed, and --connection asked for; nothing changed', async () => {
    const { config, path } = await world();
    const r = await runPause({ config, clock, caseId: SHARED_NUMBER, reason: 'called' });
    expect(r).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `invoice number ${SHARED_NUMBER} is in 2 connections (odoo-be, odoo-main): say which one with --connection <id> (API: ?connection=<id>) (AMBIGUOUS_REFERENCE)\n`,
    });
    await inStore(path, async (store) => {
      expect((await store.cases.getCase(CASE_ID))?.manualPause).toBeNull();
      expect((await store.cases.getCase(BE_CASE_ID))?.manualPause).toBeNull();
    });
    expect(
      ok(await runPause({ config, clock, caseId: SHARED_NUMBER, connection: 'odoo-be', reason: 'called' })),
    ).toContain('Brasserie Van Damme SRL');
    await inStore(path, async (store) =>
      expect((await store.cases.getCase(BE_CASE_ID))?.manualPause).toEqual({ reason: 'called', until: null }),
    );
  });

  it('items and promises take invoice numbers', async () => {
    const { config, path } = await world();
    expect(
      ok(
        await runItemMark({
          config,
          clock,
          mark: 'dispute',
          itemId: SHARED_NUMBER,
          connection: 'odoo-be',
          reason: 'goods returned',
        }),
      ),
    ).toContain(
      `${SHARED_NUMBER} (invoice, ${formatMoney(1_250_050, 'EUR', 'fr-FR')} open) is disputed: goods returned`,
    );
    expect(ok(await runPromise({ config, clock, itemId: R1.number, date: '2025-04-10' }))).toContain(
      'Promise to pay recorded',
    );
    await inStore(path, async (store) => {
      expect((await store.sync.getReceivable(BE_137.id))?.disputed?.reason).toBe('goods returned');
      expect((await store.sync.getReceivable(R1.id))?.promiseToPay?.date).toBe('2025-04-10');
    });
  });

  it('unknown: "not found" names what was searched', async () => {
    const { config } = await world();
    expect(await runCaseShow({ config, clock, caseId: 'INV/2099/1' })).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'no case INV/2099/1: searched case ids, item ids and invoice numbers (CASE_NOT_FOUND)\n',
    });
    expect(
      (await runItemMark({ config, clock, mark: 'exclude', itemId: R1.number, connection: 'odoo-be', reason: 'x' }))
        .stderr,
    ).toBe(
      `no item ${R1.number} in connection odoo-be: searched item ids and invoice numbers; the invoice number is in connection odoo-main (ITEM_NOT_FOUND)\n`,
    );
  });

  describe('cases journal', () => {
    const append = (path: string, n: number) =>
      inStore(path, async (store) => {
        for (let i = 0; i < n; i++)
          await store.cases.appendJournal({
            caseId: CASE_ID,
            at: '2025-03-20T08:00:00.000Z',
            actor: { kind: 'system', id: 't' },
            type: 'note',
            summary: `line ${i + 1}`,
            data: {},
          });
      });

    it('--limit prints one page and the --after of the next; the next page ends the journal', async () => {
      const { config, path } = await world();
      await append(path, 5);
      const first = ok(await runCaseJournal({ config, clock, caseId: R1.number, limit: '3' }));
      expect(first.split('\n').filter((l) => l.includes('line '))).toHaveLength(3);
      expect(first).toContain('3 journal entries; the next page: --after 3.');
      const second = ok(await runCaseJournal({ config, clock, caseId: CASE_ID, limit: '3', after: '3' }));
      expect(second).toContain('line 5');
      expect(second).toContain('2 journal entries.\n');
      expect(
        JSON.parse(ok(await runCaseJournal({ config, clock, caseId: CASE_ID, limit: '2', json: true }))),
      ).toMatchObject({ entries: [{ seq: 1 }, { seq: 2 }], next: 2 });
      expect((await runCaseJournal({ config, clock, caseId: CASE_ID, limit: '0' })).stderr).toBe(
        '--limit must be a whole number from 1 to 1000, got "0"\n',
      );
    });

    it('without --limit, the whole journal is written as it is read, page after page (1,000 at a time)', async () => {
      const { config, path } = await world();
      await append(path, 2_345);
      const chunks: string[] = [];
      const r = await runCaseJournal({ config, clock, caseId: CASE_ID, write: (c) => void chunks.push(c) });
      expect(r).toEqual({ exitCode: 0, stdout: '', stderr: '' });
      const lines = chunks.join('').trimEnd().split('\n');
      expect(lines).toHaveLength(2_346);
      expect(lines[0]).toContain('line 1');
      expect(lines[2_344]).toContain('line 2345');
      expect(lines[2_345]).toBe('2345 journal entries.');
      expect(chunks.length).toBeGreaterThan(2_345);
      const json = JSON.parse(
        ok(await runCaseJournal({ config, clock, caseId: CASE_ID, json: true, after: '2340' })),
      ) as { entries: { seq: number }[]; next: null };
      expect([json.entries.map((e) => e.seq), json.next]).toEqual([[2341, 2342, 2343, 2344, 2345], null]);
      expect(
        JSON.parse(ok(await runCaseJournal({ config, clock, caseId: CASE_ID, json: true, after: '9999' }))),
      ).toEqual({ entries: [], next: null });
    });
  });

  it('the program takes --connection, --limit and the new commands', async () => {
    const { config } = await world();
    const run = async (argv: string[]) => {
      const before = process.exitCode;
      try {
        const { stdout, stderr } = await captureOutput(() => buildProgram().parseAsync(['node', 'recouvra', ...argv]));
        return { exitCode: process.exitCode ?? 0, stdout, stderr };
      } finally {
        process.exitCode = before;
      }
    };
    const shown = await run(['cases', 'show', SHARED_NUMBER, '--connection', 'odoo-be', '-c', config, '--json']);
    expect(shown.stderr).toBe('');
    expect(JSON.parse(shown.stdout)).toMatchObject({ case: { id: BE_CASE_ID } });
    expect((await run(['items', 'exclude', SHARED_NUMBER, '--reason', 'x', '-c', config])).stderr).toContain(
      '(AMBIGUOUS_REFERENCE)',
    );
    const journal = await run(['cases', 'journal', R1.number, '--limit', '1', '-c', config, '--json']);
    expect(journal.stderr).toBe('');
    expect(JSON.parse(journal.stdout)).toEqual({ entries: [], next: null });
    const attention = await run(['cases', 'attention', '-c', config]);
    expect(attention).toEqual({ exitCode: 0, stdout: 'No case needs attention.\n', stderr: '' });
    expect((await run(['actions', 'retry', 'act-none', '-c', config])).stderr).toBe(
      'no action act-none (ACTION_NOT_FOUND)\n',
    );
  });
});
