import { checkEscalation, loadCaseRecords } from '../../connector/dossier';
import type { Store } from '../../connector/store/store';
import { B2B, LEGAL, openStore, PROCEDURES, seedWorld, TIME_ZONE } from './fixtures';
import { b2bWorld, NOTICE } from './worlds';

/**
 * A formal notice whose e-mail went out while its registered letter still waits in the outbox is
 * not dated by the e-mail: the letter will date it when it goes. Found by the law-firm crash test:
 * escalations decided on the e-mail's date failed at hand-off once the letter went out.
 */
describe('formal notice: e-mail sent, registered letter still in the outbox', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore();
  });
  afterEach(() => store.close());

  const gateOn = async (asOf: string, pending: ('registered_letter' | 'email')[]) => {
    const caseId = await seedWorld(store, b2bWorld({ notice: { ...NOTICE, ack: undefined, pending } }));
    return checkEscalation(await loadCaseRecords(store, caseId), B2B, asOf, {
      legal: LEGAL,
      procedures: PROCEDURES,
      timeZone: TIME_ZONE,
    });
  };

  it('the deadline does not run from the e-mail: the gate waits for the letter', async () => {
    const gate = await gateOn('2026-05-20', ['registered_letter']);
    const expired = gate.conditions.find((c) => c.id === 'formal_notice_expired')!;
    expect(expired.pass).toBe(false);
    expect(expired.reason).toMatch(
      /^la lettre recommandée de la mise en demeure décidée le .* n'a pas encore été remise au prestataire postal \(.+\) : le délai courra à compter de son envoi$/,
    );
    expect(gate.pass).toBe(false);
  });

  it('with the letter sent and the e-mail still pending, the letter dates the notice as before', async () => {
    const gate = await gateOn('2026-05-20', ['email']);
    expect(gate.conditions.find((c) => c.id === 'formal_notice_expired')!.pass).toBe(true);
  });
});

describe('formal notice: the e-mail went days before the registered letter', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore();
  });
  afterEach(() => store.close());

  it('the gate names the day of the letter, from which the deadline runs', async () => {
    // The letter is performed with the e-mail by the fixtures; here it is dated later through its own row.
    const caseId = await seedWorld(
      store,
      b2bWorld({ notice: { ...NOTICE, ack: undefined, pending: ['registered_letter'] } }),
    );
    const letter = (await store.outbox.listActions({ caseId })).find(
      (a) => a.kind === 'registered_letter' && a.status === 'pending',
    )!;
    await store.outbox.completeAction({
      id: letter.id,
      status: 'done',
      attempts: 1,
      lastError: null,
      at: '2026-04-02T09:00:00.000Z',
      journal: [
        {
          caseId,
          at: '2026-04-02T09:00:00.000Z',
          actor: { kind: 'system', id: 'outbox' },
          type: 'action_performed',
          summary: 'registered letter handed to the postal service',
          data: {
            actionId: letter.id,
            idempotencyKey: letter.idempotencyKey,
            kind: 'registered_letter',
            providerId: 'p-1',
            trackingNumber: '1A0001',
            status: 'accepted',
            template: 'formal-notice',
          },
        },
      ],
    });
    const gate = checkEscalation(await loadCaseRecords(store, caseId), B2B, '2026-05-20', {
      legal: LEGAL,
      procedures: PROCEDURES,
      timeZone: TIME_ZONE,
    });
    const expired = gate.conditions.find((c) => c.id === 'formal_notice_expired')!;
    expect(expired.reason).toMatch(
      /^la mise en demeure adressée par lettre recommandée le 02\/04\/2026 n'a pas d'avis de réception : son délai court à compter du jour de son envoi, le 02\/04\/2026/,
    );
  });
});
