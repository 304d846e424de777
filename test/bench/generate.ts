import type { Debtor, Receivable } from '../../connector/model';
import { openSqliteStore } from '../../connector/store/sqlite';
import { addDays } from '../../connector/time/calendar-date';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

/**
 * Writes a deterministic portfolio into a SQLite store through the Store interface:
 * `debtors` debtors (80 % companies) and `receivables` open items spread over them, mostly
 * EUR with some USD, a few credit notes, disputes and promises.
 * Usage: node generate.js <path> <receivables> <debtors>
 */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function generate(path: string, receivables: number, debtors: number, seed = 42): Promise<{ ms: number }> {
  const started = performance.now();
  const store = await openSqliteStore(path);
  await store.migrate();
  const random = rng(seed);
  const batch = 10_000;
  for (let start = 0; start < debtors; start += batch) {
    const rows: Debtor[] = [];
    for (let i = start; i < Math.min(debtors, start + batch); i++) {
      rows.push({
        id: `bench:partner:${i}`,
        source: { system: 'bench', connection: 'bench', id: String(i) },
        name: `Debtor ${i}`,
        kind: random() < 0.8 ? 'company' : 'individual',
        registration: {},
        addresses: [],
        emails: [`ap${i}@example.com`],
        phones: [],
        language: 'fr',
        flags: { doNotContact: random() < 0.01, insolvency: null },
      });
    }
    await store.transaction((tx) => tx.sync.upsertDebtors(rows));
  }
  const at = new Date('2026-01-01T00:00:00Z').toISOString();
  let made = 0;
  while (made < receivables) {
    const rows: Receivable[] = [];
    for (let k = 0; k < batch && made < receivables; k++, made++) {
      const debtor = made % debtors;
      const issue = addDays('2024-06-01', Math.floor(random() * 600));
      const total = 1_000 + Math.floor(random() * 500_000);
      const kind = random() < 0.05 ? 'credit_note' : 'invoice';
      rows.push({
        id: `bench:move:${made}`,
        source: { system: 'bench', connection: 'bench', id: String(made) },
        kind,
        number: `F-${made}`,
        debtorId: `bench:partner:${debtor}`,
        companyId: 'bench:company:1',
        issueDate: issue,
        dueDate: addDays(issue, 30),
        currency: debtor % 20 === 0 ? 'USD' : 'EUR',
        total,
        open: random() < 0.2 ? Math.floor(total / 2) : total,
        disputed: random() < 0.01 ? { reason: 'price', since: addDays(issue, 40) } : null,
        excluded: null,
        promiseToPay: random() < 0.01 ? { date: '2026-03-20', recordedOn: '2026-03-01' } : null,
        paymentPlan: null,
      });
    }
    await store.transaction((tx) => saveReceivables(tx, rows, at));
  }
  await store.close();
  return { ms: performance.now() - started };
}

if (require.main === module) {
  const [path, receivables, debtors] = process.argv.slice(2);
  generate(path!, Number(receivables), Number(debtors))
    .then((r) => process.stdout.write(`${JSON.stringify(r)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    });
}
