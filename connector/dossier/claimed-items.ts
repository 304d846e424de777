/**
 * The receivables a dossier claims. The dossier names invoices by their numbers only (no
 * internal id leaves the connector), so the items are found again among the case's by kind
 * and number: French invoice numbers are unique within the issuing company's sequence.
 */
import type { Receivable } from '../model/receivable.schema';
import type { Store } from '../store/store';

/** A dossier as sent, or as stored (`StoredDossier.content`). */
export type DossierClaimLines = { claim?: { lines?: readonly { kind?: unknown; number?: unknown }[] } };

export function matchClaimedReceivables(receivables: readonly Receivable[], dossier: DossierClaimLines): Receivable[] {
  const wanted = new Set(
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a key matched against receivables' kinds: a kind that is not a string matches none either way
    (dossier.claim?.lines ?? []).map((l) => `${String(l.kind ?? 'invoice')}\u0000${String(l.number)}`),
  );
  return receivables.filter((r) => wanted.has(`${r.kind}\u0000${r.number}`));
}

export async function claimedReceivables(
  store: Store,
  caseId: string,
  dossier: DossierClaimLines,
): Promise<Receivable[]> {
  return matchClaimedReceivables(await store.sync.listReceivablesOfCase(caseId), dossier);
}
