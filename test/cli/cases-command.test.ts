import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCasesList, type CaseListing } from '../../connector/app/cli/cases-command';
import { buildProgram } from '../../connector/app/cli/main';
import { runSync } from '../../connector/app/cli/sync-command';
import { formatMoney } from '../../connector/model/money.schema';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import {
  captureOutput,
  customerMoves,
  isOpen,
  ODOO_KEY,
  startOdoo,
  writeConfig,
  type OdooFixture,
} from './odoo-fixture';

const env = { ...process.env, ODOO_KEY };

function parse(stdout: string): CaseListing[] {
  return JSON.parse(stdout) as CaseListing[];
}

async function withStore<T>(path: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(path);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('recouvra cases list', () => {
  let fx: OdooFixture;
  let config: string;
  let storePath: string;
  let all: CaseListing[];
  /** The case holding the open credit note made by reversing a partly paid invoice. */
  let creditCaseDebtor: string;

  beforeAll(async () => {
    fx = await startOdoo(200);
    // Reversing a partly paid invoice leaves an open credit note for what was paid; pick one
    // whose customer owes other invoices in the same currency, so the case nets them.
    const moves = customerMoves(fx.db);
    const openInvoices = moves.filter((m) => isOpen(m) && m.move_type === 'out_invoice');
    const partial = openInvoices.find(
      (m) =>
        m.payment_state === 'partial' &&
        openInvoices.some(
          (o) =>
            o.id !== m.id &&
            o.payment_state !== 'partial' &&
            o.currency_id[0] === m.currency_id[0] &&
            o.commercial_partner_id &&
            m.commercial_partner_id &&
            o.commercial_partner_id[0] === m.commercial_partner_id[0],
        ),
    )!;
    fx.db.reverseInvoice(partial.id);
    creditCaseDebtor = `odoo1:res.partner:${(partial.commercial_partner_id as [number, string])[0]}`;

    config = writeConfig(fx, 'cases', [{ id: 'odoo1', keyVar: 'ODOO_KEY' }]);
    storePath = join(fx.dir, 'cases.sqlite');
    const synced = await captureOutput(() => runSync({ config, once: true, env }));
    expect(synced.result.exitCode).toBe(0);
    const r = await runCasesList({ config, json: true, env });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    all = parse(r.stdout);
  });
  afterAll(() => fx.stop());

  it('--json lists every case with its open items; openAmount is invoices minus credit notes, as in the store', async () => {
    await withStore(storePath, async (store) => {
      const cases = await store.cases.listCases();
      expect(all.map((c) => c.id)).toEqual(cases.map((c) => c.id));
      for (const listing of all) {
        const open = (await store.sync.listReceivablesOfCase(listing.id)).filter((r) => r.open > 0);
        expect(listing.openItems.map((i) => i.id)).toEqual(open.map((r) => r.id));
        expect(listing.openAmount).toBe(open.reduce((sum, r) => sum + (r.kind === 'invoice' ? r.open : -r.open), 0));
        expect(listing.debtor.name).toBe((await store.sync.getDebtor(listing.debtor.id))!.name);
      }
    });
    const withCredit = all.find(
      (c) => c.debtor.id === creditCaseDebtor && c.openItems.some((i) => i.kind === 'credit_note'),
    )!;
    const invoices = withCredit.openItems.filter((i) => i.kind === 'invoice').reduce((s, i) => s + i.open, 0);
    const credit = withCredit.openItems.filter((i) => i.kind === 'credit_note').reduce((s, i) => s + i.open, 0);
    expect(invoices).toBeGreaterThan(0);
    expect(credit).toBeGreaterThan(0);
    expect(withCredit.openAmount).toBe(invoices - credit);
    expect(Object.keys(withCredit.openItems[0]!).sort()).toEqual(['dueDate', 'id', 'kind', 'number', 'open']);
  });

  it('the open amounts add up, per currency, to what Odoo holds open', () => {
    const odoo = new Map<string, number>();
    for (const m of customerMoves(fx.db).filter(isOpen)) {
      const cents = Math.round(m.amount_residual * 100) * (m.move_type === 'out_refund' ? -1 : 1);
      odoo.set(m.currency_id[1], (odoo.get(m.currency_id[1]) ?? 0) + cents);
    }
    const listed = new Map<string, number>();
    for (const c of all) listed.set(c.currency, (listed.get(c.currency) ?? 0) + c.openAmount);
    for (const [currency, total] of listed) if (total === 0 && !odoo.has(currency)) listed.delete(currency);
    expect(listed).toEqual(odoo);
  });

  it('reads the cases in keyset pages: any page size gives the same list, --limit keeps the first N', async () => {
    const paged = parse((await runCasesList({ config, json: true, env, batchSize: 3 })).stdout);
    expect(paged).toEqual(all);
    const limited = parse((await runCasesList({ config, json: true, env, batchSize: 3, limit: 7 })).stdout);
    expect(limited).toEqual(all.slice(0, 7));
  });

  it('--stage keeps the cases at that stage', async () => {
    expect(all.every((c) => c.stage === 'open')).toBe(true);
    const picked = all[3]!;
    await withStore(storePath, async (store) => {
      const c = (await store.cases.getCase(picked.id))!;
      await store.cases.saveCase({ ...c, stage: 'reminding' });
    });
    const reminding = parse((await runCasesList({ config, json: true, env, stage: 'reminding' })).stdout);
    expect(reminding.map((c) => c.id)).toEqual([picked.id]);
    expect(parse((await runCasesList({ config, json: true, env, stage: 'open' })).stdout)).toHaveLength(all.length - 1);
    await withStore(storePath, async (store) => {
      const c = (await store.cases.getCase(picked.id))!;
      await store.cases.saveCase({ ...c, stage: 'open' });
    });
    const bad = await runCasesList({ config, env, stage: 'paid' });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('--stage must be one of open, reminding');
  });

  it('the text report shows the debtor, stage, items and amounts in the company locale', async () => {
    const r = await runCasesList({ config, env });
    expect(r.exitCode).toBe(0);
    const c = all.find((x) => x.openItems.length >= 2 && x.openItems.every((i) => i.kind === 'invoice'))!;
    expect(r.stdout).toContain(
      `${c.debtor.name} · open · ${c.currency} · ${c.openItems.length} open item(s) · ${formatMoney(c.openAmount, c.currency, 'fr-FR')}  [${c.id}]`,
    );
    const item = c.openItems[0]!;
    const itemLine = r.stdout.split('\n').find((l) => l.startsWith(`    ${item.number} `))!;
    expect(itemLine.split(/ {2,}/)).toEqual([
      '',
      item.number,
      item.kind,
      `due ${item.dueDate}`,
      formatMoney(item.open, c.currency, 'fr-FR'),
    ]);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe(`${all.length} case(s).`);
    // A credit note is listed with the credit it gives, as a negative amount.
    const credit = all.flatMap((x) =>
      x.openItems.filter((i) => i.kind === 'credit_note').map((i) => ({ ...i, currency: x.currency })),
    )[0]!;
    const creditLine = r.stdout.split('\n').find((l) => l.startsWith(`    ${credit.number} `))!;
    expect(creditLine.split(/ {2,}/)).toEqual([
      '',
      credit.number,
      'credit note',
      `due ${credit.dueDate}`,
      formatMoney(-credit.open, credit.currency, 'fr-FR'),
    ]);

    const english = join(fx.dir, 'english.yaml');
    writeFileSync(
      english,
      `version: 1\ncompany:\n  locale: en-US\nstore:\n  driver: sqlite\n  sqlite:\n    path: ${storePath}\n`,
    );
    const en = await runCasesList({ config: english });
    expect(en.stdout).toContain(
      `${c.openItems.length} open item(s) · ${formatMoney(c.openAmount, c.currency, 'en-US')}`,
    );
  });

  it('is wired into the recouvra program', async () => {
    const before = process.exitCode;
    try {
      const { stdout } = await captureOutput(() =>
        buildProgram().parseAsync([
          'node',
          'recouvra',
          'cases',
          'list',
          '--config',
          join(fx.dir, 'english.yaml'),
          '--json',
          '--limit',
          '2',
        ]),
      );
      expect(process.exitCode).toBe(0);
      expect(parse(stdout)).toEqual(all.slice(0, 2));
    } finally {
      process.exitCode = before;
    }
  });
});

describe('recouvra cases list without a store', () => {
  it('says there is nothing yet and creates no database (default configuration: ./data/recouvra.sqlite)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recouvra-cases-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const text = await runCasesList({});
      expect(text.exitCode).toBe(0);
      expect(text.stdout).toContain('No cases: there is no store at ./data/recouvra.sqlite yet');
      const json = await runCasesList({ json: true });
      expect(parse(json.stdout)).toEqual([]);
      expect(existsSync(join(dir, 'data'))).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });

  it('an empty store lists no case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recouvra-cases-'));
    const path = join(dir, 'empty.sqlite');
    await withStore(path, (s) => s.migrate());
    const config = join(dir, 'c.yaml');
    writeFileSync(config, `version: 1\nstore:\n  driver: sqlite\n  sqlite:\n    path: ${path}\n`);
    expect((await runCasesList({ config, json: true })).stdout).toBe('[]\n');
    expect((await runCasesList({ config })).stdout).toBe('0 case(s).\n');
  });
});
