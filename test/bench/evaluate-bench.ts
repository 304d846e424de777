import { loadFrenchLegalData } from '../../connector/claim/legal-data';
import { evaluationContext } from '../../connector/policy/context';
import { policyFor } from '../../connector/policy/decide';
import { evaluate, type Evaluation } from '../../connector/policy/evaluate';
import { loadPolicies } from '../../connector/policy/load-policies';
import type { KyselyStore } from '../../connector/store/kysely-store';
import { openSqliteStore } from '../../connector/store/sqlite';

/**
 * Measures, in one process: a bare scan of the open-item rows, then the same rows streamed as
 * case snapshots and evaluated with the default policies. Prints JSON with both times, their
 * ratio and the peak RSS of the process. Usage: node evaluate-bench.js <path> <asOf>
 */
async function main(path: string, asOf: string): Promise<void> {
  const store = (await openSqliteStore(path)) as KyselyStore;
  const policies = loadPolicies();
  const context = evaluationContext(loadFrenchLegalData());
  const defaults = { company: 'fr-b2b', individual: 'fr-b2c' };

  // Warm the page cache so that neither measurement pays for the first disk read.
  for await (const _ of store.scanOpenReceivableRows()) {
    // Read only.
  }

  let t = performance.now();
  let rows = 0;
  for await (const _ of store.scanOpenReceivableRows()) rows++;
  const scanMs = performance.now() - t;

  t = performance.now();
  let cases = 0;
  let items = 0;
  const byStatus: Record<string, number> = {};
  for await (const snap of store.cases.streamCaseSnapshots()) {
    const e: Evaluation = evaluate(snap, policyFor(snap, policies, defaults), asOf, context);
    cases++;
    items += snap.items.length;
    byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
  }
  const evaluateMs = performance.now() - t;
  await store.close();
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    `${JSON.stringify({ rows, cases, items, scanMs: Math.round(scanMs), evaluateMs: Math.round(evaluateMs), ratio: Number((evaluateMs / scanMs).toFixed(2)), peakRssMb, byStatus })}\n`,
  );
}

main(process.argv[2]!, process.argv[3] ?? '2026-03-15').catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
