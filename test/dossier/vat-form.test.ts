import { buildDossier } from '../../connector/dossier';
import type { Store } from '../../connector/store/store';

import { DEBTORS, openStore, recordEscalation, seedWorld, dossierDeps } from './fixtures';
import { b2bWorld } from './worlds';

/**
 * A VAT number the ledger keeps in another form than its plain one ("CHE-252.770.490TVA") is left
 * out of the dossier, with a warning, instead of a dossier the file drop's XSD refuses (crash test:
 * such a dossier stayed unsent, in doubt).
 */
describe('the debtor VAT number in the dossier', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore();
  });
  afterEach(() => store.close());

  const build = async (vat: string) => {
    const world = b2bWorld({
      debtor: { ...DEBTORS.merchant, registration: { ...DEBTORS.merchant.registration, vat } },
    });
    const caseId = await seedWorld(store, world);
    await recordEscalation(
      store,
      caseId,
      world.policy,
      '2026-04-20',
      world.items.map((r) => r.id),
    );
    return buildDossier(store, caseId, '2026-04-20', dossierDeps(world));
  };

  it('left out with a warning when it is not in its plain form', async () => {
    const dossier = await build('CHE-252.770.490TVA');
    expect(dossier.debtor.vat).toBeUndefined();
    expect(dossier.warnings).toContain(
      "le numéro de TVA « CHE-252.770.490TVA » de la comptabilité n'a pas la forme d'un numéro de TVA intracommunautaire (deux lettres, puis 2 à 13 lettres ou chiffres) : il est omis ; le vérifier (VIES) avant toute saisine",
    );
  });

  it('kept in its plain form', async () => {
    const dossier = await build('CHE252770490TVA');
    expect(dossier.debtor.vat).toBe('CHE252770490TVA');
    expect(dossier.warnings.join(' ')).not.toContain('numéro de TVA');
  });
});
