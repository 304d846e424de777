import { caseClaimFromRecords, loadCaseRecords } from '../../connector/dossier';
import type { Store } from '../../connector/store/store';

import { item, openStore, seedWorld, DEBTORS, type World, dossierDeps } from './fixtures';
import { b2bWorld } from './worlds';

/** The case screen's claim as of a date: the dossier's selection and computation, with no escalation decided. */
describe('the claim of a case as of a date', () => {
  let store: Store;
  beforeEach(async () => (store = await openStore()));
  afterEach(() => store.close());

  const deps = (world: World) => dossierDeps(world);

  it('is the claim the dossier would carry, though no escalation was decided (the hand computation of dossier.test.ts)', async () => {
    const world = b2bWorld();
    const caseId = await seedWorld(store, world);
    const answer = caseClaimFromRecords(await loadCaseRecords(store, caseId), '2026-04-20', deps(world));
    expect(answer.unavailable).toBeUndefined();
    expect(answer.claim).toMatchObject({
      asOf: '2026-04-20',
      currency: 'EUR',
      rule: 'C. com. L441-10 (between professionals)',
      principal: 586_567,
      interest: 25_539,
      indemnity: 8_000,
      total: 620_106,
    });
    expect(answer.claim!.lines.map((l) => l.number)).toEqual(['FAC-2025-0101', 'FAC-2025-0102', 'AV-2026-0001']);
    expect(answer.leftOut).toEqual([]);
  });

  it('lists what it leaves out and why: an invoice not yet due, one excluded from dunning', async () => {
    const M = DEBTORS.merchant;
    const world = b2bWorld({
      items: [
        ...b2bWorld().items,
        item(M, 'odoo:move:104', {
          number: 'FAC-2026-0104',
          issueDate: '2026-04-01',
          dueDate: '2026-05-01',
          total: 90_000,
          open: 90_000,
        }),
        item(M, 'odoo:move:105', {
          number: 'FAC-2026-0105',
          issueDate: '2026-01-05',
          dueDate: '2026-02-05',
          total: 30_000,
          open: 30_000,
          excluded: { reason: 'goodwill gesture under discussion', since: '2026-03-01' },
        }),
      ],
    });
    const caseId = await seedWorld(store, world);
    const answer = caseClaimFromRecords(await loadCaseRecords(store, caseId), '2026-04-20', deps(world));
    expect(answer.leftOut).toEqual([
      { number: 'FAC-2026-0104', reason: 'not_yet_due', open: 90_000 },
      { number: 'FAC-2026-0105', reason: 'excluded', open: 30_000 },
    ]);
    expect(answer.claim!.total).toBe(620_106);
  });

  it('says why there is no claim rather than failing: nothing overdue, or a semester whose rate is not configured yet', async () => {
    const world = b2bWorld();
    const caseId = await seedWorld(store, world);
    const records = await loadCaseRecords(store, caseId);
    const early = caseClaimFromRecords(records, '2025-06-01', deps(world));
    expect(early).toMatchObject({ claim: null, unavailable: 'no overdue invoice is left to claim today' });
    // Today, late 2026: the bundled rates stop before this semester (config/legal/fr).
    const today = caseClaimFromRecords(records, '2026-12-06', deps(world));
    expect(today.claim).toBeNull();
    expect(today.unavailable).toMatch(/2026-H2/);
  });
});
