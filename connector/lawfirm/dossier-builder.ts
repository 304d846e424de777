import { createHash } from 'node:crypto';
import type { Config } from '../../config/config.schema';
import type { Policy } from '../../config/policy.schema';
import type { LegalData } from '../claim/legal-data';
import {
  buildDossier,
  caseClaimFromRecords,
  dossierFromRecords,
  type CaseClaim,
  type DossierDeps,
  type ProcedureData,
} from '../dossier';
import { checkEscalation } from '../dossier/escalation-gate';
import { loadCaseRecords } from '../dossier/case-records';
import type { Case } from '../model/case.schema';
import { claimedReceivables } from '../dossier/claimed-items';
import { loadCostsData, type CostsData } from '../dossier/costs-data';
import type { Action } from '../model/action.schema';
import type { DossierDocument } from '../model/dossier.schema';
import type { Receivable } from '../model/receivable.schema';
import { policyFor } from '../policy/decide';
import type { Store } from '../store/store';
import type { ConnectionAdapter } from '../sync/connections';
import { businessDate, type Clock } from '../time/clock';
import type { BuiltDossier } from './dossier-performer';

export interface DossierBuilderDeps {
  config: Config;
  store: Store;
  clock: Clock;
  legal: LegalData;
  procedures: ProcedureData;
  policies: ReadonlyMap<string, Policy>;
  /** The configured connections, by id: invoice PDFs are fetched from the receivable's ledger. */
  connections: ReadonlyMap<string, ConnectionAdapter>;
  /** Court filing fees for the dossier's court costs; default: `costs.yaml` of `legal.dir`, read once here. */
  costs?: CostsData;
}

/** The case, and what building its dossier needs: its policy, the creditor, the legal data. */
async function dossierDepsOf(
  deps: DossierBuilderDeps,
  costs: CostsData,
  caseId: string,
): Promise<{ c: Case; deps: DossierDeps } | undefined> {
  const { config, store, clock } = deps;
  const c = await store.cases.getCase(caseId);
  const debtor = c ? await store.sync.getDebtor(c.debtorId) : undefined;
  if (!c || !debtor) return undefined;
  const items = (await store.sync.listReceivablesOfCase(c.id)).filter((r) => r.open > 0);
  const policy = policyFor(
    { case: c, debtor, items },
    deps.policies,
    config.dunning.defaultPolicy,
    config.dunning.overrides,
  );
  const company = config.company;
  return {
    c,
    deps: {
      legal: deps.legal,
      procedures: deps.procedures,
      policy,
      creditor: {
        name: company.name,
        ...(company.siren ? { siren: company.siren } : {}),
        ...(company.address ? { address: company.address } : {}),
        ...(company.contact?.email ? { email: company.contact.email } : {}),
      },
      timeZone: company.timezone,
      clock,
      dayCount: config.legal.dayCount,
      imputation: config.legal.imputation,
      ...(config.legal.termsOfSale ? { termsOfSale: config.legal.termsOfSale } : {}),
      costs,
    },
  };
}

/** What an approver sees before approving an escalation: the gate as of today and what the firm would be asked for. */
export interface EscalationPreview {
  asOf: string;
  gate: { pass: boolean; conditions: { id: string; pass: boolean; reason: string }[] };
  /** The procedure and court the dossier would recommend; null with `unavailable` when it cannot be built today. */
  recommendation: {
    procedure: string;
    court: { kind: string; name?: string | undefined; territory?: string | undefined };
    reasons: string[];
  } | null;
  /** The claim it would carry (principal, interest and indemnity), minor units. */
  claim: { total: number; currency: string } | null;
  unavailable?: string;
}

/**
 * The escalation preview of a case waiting for approval: the gate checked as of today, and the
 * dossier built as the hand-off would build it (its procedure, court, reasons and claim), kept
 * nowhere and sent nowhere. A gate that fails still shows what would be recommended: the approver
 * sees both. Undefined for a case or debtor not stored.
 */
export function escalationPreview(
  deps: DossierBuilderDeps,
): (caseId: string) => Promise<EscalationPreview | undefined> {
  const costs = deps.costs ?? (deps.config.legal.dir ? loadCostsData(deps.config.legal.dir) : loadCostsData());
  return async (caseId) => {
    const found = await dossierDepsOf(deps, costs, caseId);
    if (!found) return undefined;
    const asOf = businessDate(deps.clock, deps.config.company.timezone);
    const records = await loadCaseRecords(deps.store, caseId);
    const gate = checkEscalation(records, found.deps.policy, asOf, {
      legal: deps.legal,
      procedures: deps.procedures,
      timeZone: found.deps.timeZone,
    });
    const conditions = gate.conditions.map((x) => ({ id: x.id, pass: x.pass, reason: x.reason }));
    try {
      const dossier = dossierFromRecords(records, asOf, { ...found.deps, override: { reason: 'preview' } });
      return {
        asOf,
        gate: { pass: gate.pass, conditions },
        recommendation: { procedure: dossier.recommendedProcedure, court: dossier.court, reasons: dossier.reasons },
        claim: { total: dossier.claim.total, currency: found.c.currency },
      };
    } catch (error) {
      // Whatever stops the dossier today (no escalation decided, nothing left to claim, a legal
      // rate not yet configured for the period) is what the approver must read, not a failed page.
      return {
        asOf,
        gate: { pass: gate.pass, conditions },
        recommendation: null,
        claim: null,
        unavailable: error instanceof Error ? error.message : String(error),
      };
    }
  };
}

/**
 * The claim of a case as of today (build-dossier.ts `caseClaimFromRecords`), for the case
 * screen; undefined for a case or debtor not stored.
 */
export function caseClaim(deps: DossierBuilderDeps): (caseId: string) => Promise<CaseClaim | undefined> {
  const costs = deps.costs ?? (deps.config.legal.dir ? loadCostsData(deps.config.legal.dir) : loadCostsData());
  return async (caseId) => {
    const found = await dossierDepsOf(deps, costs, caseId);
    if (!found) return undefined;
    const asOf = businessDate(deps.clock, deps.config.company.timezone);
    return caseClaimFromRecords(await loadCaseRecords(deps.store, caseId), asOf, found.deps);
  };
}

/**
 * Builds the dossier of a `dossier` row's case as of today (the claim is computed at hand-off),
 * with the documents whose bytes the store holds (the proofs of delivery) and the invoice PDFs
 * the ledger holds (`invoice:<number>` refs, fetched from the receivable's connection; the
 * dossier then lists them with their hash). An invoice whose ledger has no PDF stays listed
 * without a hash and is not attached; a ledger that cannot be asked fails the build, so the
 * outbox row is retried instead of handing off without a PDF the ledger has.
 */
export function dossierBuilder(deps: DossierBuilderDeps): (action: Action) => Promise<BuiltDossier> {
  const { config, store, clock } = deps;
  const costs = deps.costs ?? (config.legal.dir ? loadCostsData(config.legal.dir) : loadCostsData());
  return async (action) => {
    const found = await dossierDepsOf(deps, costs, action.caseId);
    if (!found) throw new Error(`outbox row ${action.id}: case ${action.caseId} or its debtor is missing`);
    const { c } = found;
    const dossier = await buildDossier(store, c.id, businessDate(clock, config.company.timezone), found.deps);
    const documents: BuiltDossier['documents'] = [];
    let claimed: Receivable[] | undefined;
    const listed: DossierDocument[] = [];
    for (const ref of dossier.documents) {
      if (ref.sha256 === null) {
        const number = ref.ref.startsWith(INVOICE_REF) ? ref.ref.slice(INVOICE_REF.length) : undefined;
        claimed ??= number === undefined ? undefined : await claimedReceivables(store, c.id, dossier);
        const pdf = number === undefined ? undefined : await invoicePdfOf(claimed ?? [], number, deps.connections);
        if (!pdf) {
          listed.push(ref);
          continue;
        }
        const sha256 = createHash('sha256').update(pdf.content).digest('hex');
        documents.push({ name: ref.name, kind: ref.kind, mediaType: ref.mediaType, content: pdf.content, sha256 });
        listed.push({ ...ref, sha256 });
        continue;
      }
      listed.push(ref);
      const stored = await store.deliveries.getDocument(ref.ref);
      if (!stored) continue;
      documents.push({
        name: ref.name,
        kind: ref.kind,
        mediaType: stored.mediaType,
        content: stored.content,
        sha256: createHash('sha256').update(stored.content).digest('hex'),
        documentId: stored.id,
      });
    }
    // Invoices the dossier claims without listing a PDF (the ledger gave no link to one): the ERP
    // is asked for the PDF it keeps; one it has is attached and listed.
    claimed ??= await claimedReceivables(store, c.id, dossier);
    const names = new Set(listed.map((d) => d.name));
    for (const r of claimed.filter(
      (x) => x.kind === 'invoice' && !listed.some((d) => d.ref === `${INVOICE_REF}${x.number}`),
    )) {
      const pdf = await invoicePdfOf(claimed, r.number, deps.connections);
      if (!pdf) continue;
      const base = `facture-${r.number.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
      let name = `${base}.pdf`;
      for (let n = 2; names.has(name); n++) name = `${base}-${n}.pdf`;
      names.add(name);
      const sha256 = createHash('sha256').update(pdf.content).digest('hex');
      documents.push({ name, kind: 'invoice', mediaType: 'application/pdf', content: pdf.content, sha256 });
      listed.push({
        ref: `${INVOICE_REF}${r.number}`,
        kind: 'invoice',
        name,
        mediaType: 'application/pdf',
        sha256,
        provenAt: null,
      });
    }
    return { dossier: { ...dossier, documents: listed }, documents };
  };
}

/** The dossier's ref of an invoice PDF the ledger holds (build-dossier.ts). */
const INVOICE_REF = 'invoice:';

/**
 * The PDF of the claimed receivable numbered `number`, from its connection's adapter. Undefined
 * when no claimed receivable has that number, its connection is no longer configured, its
 * adapter cannot fetch PDFs, or the ledger holds none. Errors of the ledger propagate.
 */
async function invoicePdfOf(
  claimed: readonly Receivable[],
  number: string,
  connections: ReadonlyMap<string, ConnectionAdapter>,
): Promise<{ content: Buffer } | undefined> {
  // An invoice and a credit note may share a number in different sequences: the invoice first.
  const r =
    claimed.find((x) => x.number === number && x.kind === 'invoice') ?? claimed.find((x) => x.number === number);
  const adapter = r ? connections.get(r.source.connection)?.adapter : undefined;
  if (!r || !adapter?.invoicePdf) return undefined;
  return adapter.invoicePdf(r.id);
}
