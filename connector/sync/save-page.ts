import { casesOpenedBy, settleCases } from '../cases/case-lifecycle';
import type { Store, SyncPage } from '../store/store';

/**
 * Saves one page of a sync in one unit of work: the cases its receivables open, its records,
 * closures, quarantine and cursor, the amounts it recovered (at the stage each case was then),
 * the cases it settles or reopens, then its journal lines (last,
 * so that they may name a case the page opened). A crash leaves the page wholly saved or not at all.
 */
export async function saveSyncPage(store: Store, page: SyncPage): Promise<void> {
  await store.transaction(async (tx) => {
    const { journal = [], ...records } = page;
    if (records.receivables?.length) await tx.cases.insertMissingCases(casesOpenedBy(records.receivables, page.at));
    const { recovered = [], ...written } = records;
    await tx.sync.writePage(written);
    if (recovered.length > 0) await tx.kpis.tallyRecoveries(recovered, page.at);
    const lines = [...(await settleCases(tx, page)), ...journal];
    if (lines.length > 0) await tx.cases.appendJournalEntries(lines);
  });
}
