import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { runCaseCost } from '../../connector/app/cli/case-actions-command';
import { buildProgram } from '../../connector/app/cli/main';
import type { CommandResult } from '../../connector/app/cli/command-result';
import { formatMoney } from '../../connector/model/money.schema';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { CASE_ID, handClock } from '../cases/case-fixtures';
import { captureOutput } from './odoo-fixture';
import { CONSUMER_CASE, RECEIPT_PDF, RECEIPT_PNG, seedCostWorld, sha256, USD_CASE } from '../cases/recovery-cost-suite';

/**
 * `recouvra cases cost` on a real SQLite file named by a configuration: the amount typed in
 * major units, the receipt read from a file and kept as a document of the case, refusals as one
 * line with their code, and a cost entered twice recorded once.
 */

const ME = `cli:${userInfo().username}`;
const clock = handClock('2025-03-24T09:00:00.000Z');

interface World {
  dir: string;
  path: string;
  config: string;
  receipt: string;
}

async function world(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-cli-cost-'));
  const path = join(dir, 'store.sqlite');
  await inStore(path, async (store) => {
    await store.migrate();
    await seedCostWorld(store);
  });
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `version: 1\nstore:\n  driver: sqlite\n  sqlite:\n    path: ${path}\n`);
  const receipt = join(dir, 'acte-2025-117.pdf');
  writeFileSync(receipt, RECEIPT_PDF);
  return { dir, path, config, receipt };
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

function refused(r: CommandResult, message: string): void {
  expect(r).toEqual({ exitCode: 1, stdout: '', stderr: `${message}\n` });
}

const costLines = (path: string, caseId = CASE_ID) =>
  inStore(path, async (store) => (await store.cases.readJournal(caseId)).filter((e) => e.type === 'recovery_cost'));

describe('recouvra cases cost', () => {
  it('records "120,50" as 12,050 cents with the receipt file as a document, under the CLI user; entered again, it is recorded once', async () => {
    const w = await world();
    const args = {
      config: w.config,
      caseId: CASE_ID,
      amount: '120,50',
      on: '2025-03-20',
      label: 'constat de commissaire de justice',
      receipt: w.receipt,
      clock,
    };
    const out = ok(await runCaseCost(args));
    expect(out).toMatch(
      new RegExp(
        `^Recovery cost of ${formatMoney(12_050, 'EUR', 'fr-FR').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} on 2025-03-20 \\(constat de commissaire de justice\\) recorded on case ${CASE_ID.replace(/[|]/g, '\\|')} \\(Garage Lemoine SARL\\), with its receipt \\(application/pdf, document receipt:[0-9a-f]{32}\\)\\.\\n$`,
      ),
    );
    const [line] = await costLines(w.path);
    expect(line).toMatchObject({
      actor: { kind: 'user', id: ME },
      data: { amount: 12_050, date: '2025-03-20', sha256: sha256(RECEIPT_PDF) },
    });
    await inStore(w.path, async (store) => {
      const doc = await store.deliveries.getDocument(String(line!.data['documentId']));
      expect(doc!.content.equals(RECEIPT_PDF)).toBe(true);
    });
    // The file's path is not kept: only its bytes.
    expect(JSON.stringify(line)).not.toContain(w.dir);

    expect(ok(await runCaseCost(args))).toMatch(
      /^Already recorded on case .*: recovery cost of .* nothing was added\.\n$/,
    );
    expect(await costLines(w.path)).toHaveLength(1);
  });

  it('--key: the same key records once, another key records the same cost again; --json prints what the API answers', async () => {
    const w = await world();
    const args = {
      config: w.config,
      caseId: CASE_ID,
      amount: '80',
      on: '2025-03-21',
      label: "frais d'agence",
      receipt: w.receipt,
      clock,
      json: true,
    };
    const first = JSON.parse(ok(await runCaseCost({ ...args, key: 'ticket-1' }))) as {
      replayed: boolean;
      cost: { amount: number; documentId: string };
    };
    expect(first).toMatchObject({
      replayed: false,
      cost: { amount: 8_000, currency: 'EUR', mediaType: 'application/pdf' },
    });
    expect(JSON.parse(ok(await runCaseCost({ ...args, key: 'ticket-1' })))).toMatchObject({
      replayed: true,
      cost: { documentId: first.cost.documentId },
    });
    expect(JSON.parse(ok(await runCaseCost({ ...args, key: 'ticket-2' })))).toMatchObject({ replayed: false });
    expect(await costLines(w.path)).toHaveLength(2);
    refused(
      await runCaseCost({ ...args, key: 'with space' }),
      '--key must be 1 to 255 printable ASCII characters without spaces',
    );
  });

  it('a PNG receipt is kept as image/png', async () => {
    const w = await world();
    const scan = join(w.dir, 'scan.png');
    writeFileSync(scan, RECEIPT_PNG);
    ok(
      await runCaseCost({
        config: w.config,
        caseId: CASE_ID,
        amount: '35',
        on: '2025-03-24',
        label: 'recommandé',
        receipt: scan,
        clock,
      }),
    );
    const [line] = await costLines(w.path);
    expect(line!.data['mediaType']).toBe('image/png');
  });

  it('refuses, before anything is written: no receipt, an unreadable one, no amount, 0, a date to come, a consumer, a USD case', async () => {
    const w = await world();
    const base = {
      config: w.config,
      caseId: CASE_ID,
      amount: '120.50',
      on: '2025-03-20',
      label: 'constat',
      receipt: w.receipt,
      clock,
    };
    const { receipt: _receipt, ...noReceipt } = base;
    refused(
      await runCaseCost(noReceipt),
      '--receipt is required: a recovery cost is claimed only on proof (C. com. L441-10 II); give the file of its receipt (PDF, PNG or JPEG)',
    );
    refused(
      await runCaseCost({ ...base, receipt: join(w.dir, 'missing.pdf') }),
      `--receipt ${join(w.dir, 'missing.pdf')} cannot be read (ENOENT)`,
    );
    const { amount: _amount, ...noAmount } = base;
    refused(await runCaseCost(noAmount), '--amount is required: what the cost came to, in major units (120.50)');
    refused(await runCaseCost({ ...base, amount: '0,00' }), '--amount must be above 0, got "0,00"');
    refused(
      await runCaseCost({ ...base, amount: '-5' }),
      '--amount must be an amount in major units with a dot or a comma, such as 120.50 or 120,50, got "-5"',
    );
    refused(
      await runCaseCost({ ...base, on: '2025-03-25' }),
      'a cost dated 2025-03-25 has not been incurred yet (today is 2025-03-24): enter it once it is paid (COST_IN_THE_FUTURE)',
    );
    refused(
      await runCaseCost({ ...base, on: '20/03/2025' }),
      '--on must be a calendar date written YYYY-MM-DD, got "20/03/2025"',
    );
    refused(
      await runCaseCost({ ...base, caseId: CONSUMER_CASE }),
      `case ${CONSUMER_CASE}: the debtor is a consumer; costs of recovery engaged without an enforceable title stay with the creditor (CPCE L111-8 al. 2) and cannot be claimed from them (RECOVERY_COSTS_CONSUMER)`,
    );
    const usd = await runCaseCost({ ...base, caseId: USD_CASE });
    expect(usd.stderr).toContain('(RECOVERY_COSTS_NOT_EUR)');
    refused(
      await runCaseCost({ ...base, caseId: 'case_unknown' }),
      'no case case_unknown: searched case ids, item ids and invoice numbers (CASE_NOT_FOUND)',
    );
    expect(await costLines(w.path)).toEqual([]);
    expect(await costLines(w.path, CONSUMER_CASE)).toEqual([]);
  });
});

describe('wired into the recouvra program', () => {
  it('recouvra cases cost CASE --amount --on --label --receipt -c FILE --json parses its options and records the cost', async () => {
    const w = await world();
    const before = process.exitCode;
    try {
      // The system clock: the date is well in the past.
      const argv = [
        'cases',
        'cost',
        CASE_ID,
        '--amount',
        '120.50',
        '--on',
        '2025-03-20',
        '--label',
        'constat',
        '--receipt',
        w.receipt,
        '-c',
        w.config,
        '--json',
      ];
      const { stdout, stderr } = await captureOutput(() => buildProgram().parseAsync(['node', 'recouvra', ...argv]));
      expect(stderr).toBe('');
      expect(JSON.parse(stdout)).toMatchObject({
        replayed: false,
        cost: { amount: 12_050, date: '2025-03-20', label: 'constat' },
      });
      expect(process.exitCode ?? 0).toBe(0);
    } finally {
      process.exitCode = before;
    }
    expect(await costLines(w.path)).toHaveLength(1);
  });
});
