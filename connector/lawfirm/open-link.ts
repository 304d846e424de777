import { createHash } from 'node:crypto';
import { HttpLawFirmPartner, webhookSecrets, type PartnerDocument } from '../../adapters/lawfirm';
import { FileDropPartner } from '../../adapters/lawfirm/file-drop';
import type { Config } from '../../config/config.schema';
import type { Policy } from '../../config/policy.schema';
import type { LegalData } from '../claim/legal-data';
import { buildDossier, type ProcedureData } from '../dossier';
import type { Logger } from '../log/logger';
import type { Action } from '../model/action.schema';
import { policyFor } from '../policy/decide';
import type { Store } from '../store/store';
import { businessDate, type Clock } from '../time/clock';
import type { BuiltDossier } from './dossier-performer';
import { LawFirmLink } from './link';

/** The link to the configured partner over its transport; undefined without `lawfirm:`. */
export function openLawFirmLink(config: Config, deps: { store: Store; clock: Clock; logger: Logger; onApplied?: LawFirmLink['options']['onApplied']; afterApplied?: LawFirmLink['options']['afterApplied'] }): LawFirmLink | undefined {
  const lf = config.lawfirm;
  if (!lf) return undefined;
  const partner = lf.transport === 'file-drop' ? new FileDropPartner({ outbound: lf.fileDrop!.outbound, inbound: lf.fileDrop!.inbound, clock: deps.clock }) : new HttpLawFirmPartner({ config: lf.api! });
  return new LawFirmLink({
    id: lf.id,
    partner,
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    ...(lf.transport === 'api' ? { webhook: { secrets: webhookSecrets(lf.api!), toleranceSeconds: lf.api!.toleranceSeconds } } : {}),
    ...(deps.onApplied ? { onApplied: deps.onApplied } : {}),
    ...(deps.afterApplied ? { afterApplied: deps.afterApplied } : {}),
  });
}

export interface DossierBuilderDeps {
  config: Config;
  store: Store;
  clock: Clock;
  legal: LegalData;
  procedures: ProcedureData;
  policies: ReadonlyMap<string, Policy>;
}

/**
 * Builds the dossier of a `dossier` row's case as of today (the claim is computed at hand-off),
 * with the documents whose bytes the store holds (the proofs of delivery). Invoice PDFs the
 * ledger holds are listed by the dossier without a hash: fetching them from the ERP is not done
 * yet, so they are not attached.
 */
export function dossierBuilder(deps: DossierBuilderDeps): (action: Action) => Promise<BuiltDossier> {
  const { config, store, clock } = deps;
  return async (action) => {
    const c = await store.getCase(action.caseId);
    const debtor = c ? await store.getDebtor(c.debtorId) : undefined;
    if (!c || !debtor) throw new Error(`outbox row ${action.id}: case ${action.caseId} or its debtor is missing`);
    const items = (await store.listReceivablesOfCase(c.id)).filter((r) => r.open > 0);
    const policy = policyFor({ case: c, debtor, items }, deps.policies, config.dunning.defaultPolicy, config.dunning.overrides);
    const company = config.company;
    const dossier = await buildDossier(store, c.id, businessDate(clock, company.timezone), {
      legal: deps.legal,
      procedures: deps.procedures,
      policy,
      creditor: { name: company.name, ...(company.siren ? { siren: company.siren } : {}), ...(company.address ? { address: company.address } : {}), ...(company.contact?.email ? { email: company.contact.email } : {}) },
      timeZone: company.timezone,
      clock,
      ...(config.legal.dayCount ? { dayCount: config.legal.dayCount } : {}),
    });
    const documents: PartnerDocument[] = [];
    for (const ref of dossier.documents) {
      if (ref.sha256 === null) continue;
      const stored = await store.getDocument(ref.ref);
      if (!stored) continue;
      documents.push({ name: ref.name, kind: ref.kind, mediaType: stored.mediaType, content: stored.content, sha256: createHash('sha256').update(stored.content).digest('hex') });
    }
    return { dossier, documents };
  };
}
