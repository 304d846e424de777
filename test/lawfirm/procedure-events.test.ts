import type { PartnerEvent } from '../../connector/ports/lawfirm';
import { loadProcedureData } from '../../connector/dossier/procedure-data';
import { applyPartnerEvents, procedureActivity, procedureNoteText } from '../../connector/lawfirm/procedure-events';
import { procedureStateOf as mapEventType } from '../../mappings/lawfirm/status-words';
import { performLedgerActions } from '../../connector/outbox/ledger-actions';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import type { ErpAdapter, WriteBackRequest } from '../../connector/ports/erp';
import { AdapterError } from '../../connector/ports/adapter-error';
import { CASE_ID, handClock, R1, R2, seed } from '../cases/case-fixtures';
import { memoryLogger } from '../helpers/logger';

/**
 * Procedure status from the firm into the journal and the ledger: each event once, notes in the
 * order the events were applied, an activity when the controller must act, unknown words kept
 * as `indeterminate`, and nothing written twice when a completion is lost.
 */

describe('procedure events', () => {
  let store: Store;
  /** The ledger: what was written, by key (the adapter's marker), in order. */
  let ledger: {
    key: string;
    kind: string;
    text: string;
    items: string[];
    procedureState?: string;
    recovery?: WriteBackRequest['recovery'];
  }[];
  let failNext = 0;
  const clock = handClock('2026-05-01T09:00:00.000Z');
  const logged = memoryLogger('debug');
  const adapter = {
    writeBackKinds: ['note', 'activity', 'fields'],
    writeBack: async (r: WriteBackRequest) => {
      if (failNext > 0) {
        failNext--;
        throw new AdapterError({ code: 'ODOO_UNREACHABLE', kind: 'transient', userMessage: 'Odoo unreachable' });
      }
      const seen = ledger.some((w) => w.key === r.key);
      if (!seen)
        ledger.push({
          key: r.key,
          kind: r.kind,
          text: r.text,
          items: r.receivableIds,
          ...(r.procedureState ? { procedureState: r.procedureState } : {}),
          ...(r.recovery ? { recovery: r.recovery } : {}),
        });
      return {
        items: r.receivableIds.map((id) => ({
          receivableId: id,
          status: seen ? ('already_written' as const) : ('written' as const),
        })),
      };
    },
  } as unknown as ErpAdapter;
  const apply = (events: PartnerEvent[]) =>
    applyPartnerEvents({ store, clock, logger: logged.logger, partner: 'cabinet', stateOf: mapEventType }, events);
  const perform = () =>
    performLedgerActions({
      store,
      adapters: new Map([['odoo-main', adapter]]),
      clock,
      logger: logged.logger,
      retry: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 0.5 },
    });
  const ev = (id: string, type: string, occurredAt: string, over: Partial<PartnerEvent> = {}): PartnerEvent => ({
    id,
    fileId: 'F-77',
    dossierId: 'dos-1',
    type,
    occurredAt,
    ...over,
  });
  const notes = () => ledger.filter((w) => w.kind === 'note').map((w) => w.key.split('/').pop());

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    await seed(store);
    ledger = [];
    failNext = 0;
    await store.cases.saveCase({ ...(await store.cases.getCase(CASE_ID))!, stage: 'escalated' });
    await store.dossiers.recordDossier(
      {
        id: 'dos-1',
        caseId: CASE_ID,
        actionId: null,
        partner: 'cabinet',
        fileId: 'F-77',
        status: 'submitted',
        state: 'submitted',
        stateAt: '2026-04-20T00:00:00.000Z',
        events: 0,
        content: {
          claim: {
            lines: [
              { kind: 'invoice', number: R1.number },
              { kind: 'invoice', number: R2.number },
            ],
          },
        },
        submittedAt: '2026-04-20T00:00:00.000Z',
        updatedAt: '2026-04-20T00:00:00.000Z',
      },
      [],
    );
  });
  afterEach(() => store.close());

  it('a read-only ledger gets no row for the note or the activity; the journal says so once per kind', async () => {
    const readOnly = (connection: string) => (connection === 'odoo-main' ? [] : undefined);
    const applyReadOnly = (events: PartnerEvent[]) =>
      applyPartnerEvents(
        { store, clock, logger: logged.logger, partner: 'cabinet', stateOf: mapEventType, ledgerWriteBack: readOnly },
        events,
      );
    // A rejection asks the controller to act: a note and an activity, both left out.
    expect((await applyReadOnly([ev('e1', 'rejected', '2026-04-25T10:00:00Z')])).applied).toHaveLength(1);
    expect((await applyReadOnly([ev('e2', 'accepted', '2026-04-26T10:00:00Z')])).applied).toHaveLength(1);
    expect(await store.outbox.listActions({ caseId: CASE_ID })).toEqual([]);
    const journal = await store.cases.readJournal(CASE_ID);
    expect(journal.filter((j) => j.data['ledgerCannotWrite']).map((j) => [j.actor.id, j.summary])).toEqual([
      ['ledger', 'the ledger of connection odoo-main is read-only: no note written back'],
      [
        'ledger',
        'the ledger of connection odoo-main is read-only: no activity (approval request, phone task) written back',
      ],
    ]);
    expect(journal.filter((j) => j.type === 'procedure_event')).toHaveLength(2);
    // A ledger that takes notes gets the note of the next event.
    await applyPartnerEvents(
      {
        store,
        clock,
        logger: logged.logger,
        partner: 'cabinet',
        stateOf: mapEventType,
        ledgerWriteBack: () => ['note'],
      },
      [ev('e3', 'filed', '2026-04-27T10:00:00Z')],
    );
    expect((await store.outbox.listActions({ caseId: CASE_ID })).map((a) => [a.kind, a.subject])).toEqual([
      ['ledger_note', { type: 'procedure_event', eventId: 'cabinet:e3', dossierId: 'dos-1', what: 'note' }],
    ]);
  });

  it('maps the firm’s words to the closed set; anything else is indeterminate', () => {
    expect(mapEventType('order_issued')).toBe('order_issued');
    expect(mapEventType(' Served ')).toBe('served');
    expect(mapEventType('ordonnance')).toBe('order_issued');
    expect(mapEventType('appel interjeté')).toBe('indeterminate');
    expect(mapEventType('indeterminate')).toBe('indeterminate');
  });

  it('journals each event once and writes its note on every invoice of the dossier, in the order applied', async () => {
    const first = await apply([
      ev('e1', 'accepted', '2026-04-21T10:00:00Z'),
      ev('e2', 'filed', '2026-04-25T10:00:00Z'),
      ev('e1', 'accepted', '2026-04-21T10:00:00Z'),
    ]);
    expect(first).toMatchObject({ duplicates: 1, refused: [] });
    expect(first.applied.map((e) => e.seq)).toEqual([1, 2]);
    expect(await apply([ev('e2', 'filed', '2026-04-25T10:00:00Z')])).toMatchObject({ applied: [], duplicates: 1 });
    await perform();
    expect(notes()).toEqual(['cabinet:e1', 'cabinet:e2']);
    expect(ledger.find((w) => w.key.endsWith('cabinet:e2'))).toMatchObject({
      items: [R1.id, R2.id],
      procedureState: 'filed',
      text: expect.stringContaining('requête ou assignation déposée'),
    });
    const journal = (await store.cases.readJournal(CASE_ID)).filter((j) => j.type === 'procedure_event');
    expect(journal.map((j) => j.data['eventId'])).toEqual(['e1', 'e2']);
    expect(journal[0]).toMatchObject({ actor: { kind: 'lawfirm', id: 'cabinet' } });
    expect(await store.dossiers.getDossier('dos-1')).toMatchObject({ status: 'accepted', state: 'filed' });
    expect((await store.cases.getCase(CASE_ID))?.stage).toBe('in_procedure');
  });

  it('an earlier note waiting for a retry is written before a later one', async () => {
    await apply([ev('e1', 'accepted', '2026-04-21T10:00:00Z')]);
    failNext = 1;
    await perform();
    expect(notes()).toEqual([]);
    await apply([
      ev('e2', 'order_issued', '2026-04-28T10:00:00Z', { label: "Ordonnance d'injonction de payer rendue" }),
    ]);
    clock.advance(60_000);
    await perform();
    expect(notes()).toEqual(['cabinet:e1', 'cabinet:e2']);
    // The first row, retried later, finds its note there.
    clock.advance(3_600_000);
    await perform();
    expect(notes()).toEqual(['cabinet:e1', 'cabinet:e2']);
    expect(await store.outbox.listActions({ caseId: CASE_ID, kind: 'ledger_note', status: 'done' })).toHaveLength(2);
  });

  it('out of order: journalled as they come, the state is the latest by occurrence', async () => {
    await apply([ev('e3', 'served', '2026-04-30T10:00:00Z'), ev('e2', 'order_issued', '2026-04-28T10:00:00Z')]);
    expect((await store.dossiers.getDossier('dos-1'))?.state).toBe('served');
  });

  it('asks the controller to act on an unknown status, an opposition or an irrecoverable claim; closes the case when recovered', async () => {
    await apply([
      ev('e1', 'appel interjeté', '2026-04-21T10:00:00Z'),
      ev('e2', 'opposition', '2026-04-22T10:00:00Z'),
      ev('e3', 'irrecoverable', '2026-04-23T10:00:00Z', {
        documents: [{ name: 'certificat.pdf', sha256: 'a'.repeat(64) }],
      }),
    ]);
    await perform();
    const activities = ledger.filter((w) => w.kind === 'activity');
    expect(activities.map((a) => a.text.split('\n').at(-1)).sort()).toEqual([
      "À faire : créance irrécouvrable : émettre la facture rectificative puis récupérer la TVA (CGI art. 272-1) avant le 31 décembre de la deuxième année suivant l'événement.",
      "À faire : le cabinet a envoyé un statut que Recouvra ne connaît pas : le lire et qualifier l'étape.",
      'À faire : le débiteur a formé opposition : la procédure devient contentieuse, décider de la suite avec le cabinet.',
    ]);
    expect((await store.cases.readJournal(CASE_ID)).find((j) => j.data['eventId'] === 'e1')?.summary).toMatch(
      /^unknown status "appel interjeté"/,
    );
    expect(logged.lines().some((l) => l.includes('status we do not know'))).toBe(true);
    expect(await store.dossiers.getDossier('dos-1')).toMatchObject({ status: 'closed', state: 'irrecoverable' });
    expect((await store.cases.getCase(CASE_ID))?.stage).toBe('closed');
  });

  it('the note of an enforceable title states the rate increase and the end of the title, in the company time zone', async () => {
    // Title reported 2026-06-30T23:30Z = 1 July 2026 in Paris: + 2 months = 1 September 2026 (CMF L313-3),
    // + 10 years = 1 July 2036 (CPCE L111-4).
    await apply([
      ev('e9', 'enforceable_title', '2026-06-30T23:30:00Z', { label: 'Ordonnance revêtue de la formule exécutoire' }),
    ]);
    const afterTitle = { procedures: loadProcedureData(), timeZone: 'Europe/Paris' };
    await performLedgerActions({
      store,
      adapters: new Map([['odoo-main', adapter]]),
      clock,
      logger: logged.logger,
      afterTitle,
    });
    const text = ledger.find((w) => w.kind === 'note')!.text;
    // A ledger with recovery fields also gets the firm's file, the event's time and the first deadline.
    expect(ledger.find((w) => w.kind === 'note')!.recovery).toEqual({
      dossierRef: 'F-77',
      eventAt: '2026-06-30T23:30:00Z',
      nextDeadline: '2026-09-01',
    });
    expect(ledger.find((w) => w.kind === 'fields')!.recovery).toEqual({ dossierRef: 'F-77' });
    expect(text).toContain(
      "Taux de l'intérêt légal majoré de 5 points à compter du 01/09/2026, deux mois après que la décision est devenue exécutoire, sauf dispense du juge de l'exécution (CMF L313-3).",
    );
    expect(text).toContain('Titre à exécuter au plus tard le 01/07/2036 (10 ans, CPCE L111-4).');
    // 23:30 UTC on 30 June is 1 July in Paris: the note dates the event as the deadlines count from it.
    expect(text).toContain(
      'Recouvra — procédure judiciaire : titre exécutoire obtenu — Ordonnance revêtue de la formule exécutoire (le 01/07/2026).',
    );
    const opposition = {
      ...(await store.dossiers.listProcedureEvents('dos-1'))[0]!,
      state: 'opposition' as const,
      occurredAt: '2026-12-31T23:30:00.000Z',
    };
    expect(procedureActivity(opposition, afterTitle)?.text).toContain('opposition du débiteur');
    expect(procedureActivity(opposition, afterTitle)?.text).toContain('(le 01/01/2027)');
    expect(procedureActivity(opposition)?.text).toContain('(le 31/12/2026)');
    // Other states carry no deadline; without the data the note is the bare status.
    expect(
      procedureNoteText({ ...(await store.dossiers.listProcedureEvents('dos-1'))[0]!, state: 'served' }, afterTitle),
    ).not.toContain('Taux');
    expect(procedureNoteText((await store.dossiers.listProcedureEvents('dos-1'))[0]!)).not.toContain(
      'Titre à exécuter',
    );
  });

  it('refuses an event for a file that is not ours, writing nothing', async () => {
    const result = await apply([
      ev('x1', 'accepted', '2026-04-21T10:00:00Z', { dossierId: 'dos-unknown', fileId: 'F-unknown' }),
    ]);
    expect(result.refused).toEqual([
      { id: 'x1', reason: 'no dossier dos-unknown (file F-unknown) was handed to this firm' },
    ]);
    expect(await store.dossiers.listProcedureEvents('dos-1')).toEqual([]);
  });

  it('a completion lost after the note was written does not write it twice', async () => {
    await apply([ev('e1', 'accepted', '2026-04-21T10:00:00Z')]);
    await perform();
    const [row] = await store.outbox.listActions({ caseId: CASE_ID, kind: 'ledger_note', status: 'done' });
    await store.outbox.completeAction({
      id: row!.id,
      status: 'pending',
      attempts: 1,
      lastError: null,
      at: clock.now().toISOString(),
      notBefore: clock.now().toISOString(),
    });
    await perform();
    expect(notes()).toEqual(['cabinet:e1']);
    expect((await store.cases.readJournal(CASE_ID)).at(-1)?.summary).toMatch(/already there on 2/);
  });
});
