import { CompiledQuery, sql, type KyselyPlugin, type Migration } from 'kysely';
import { ActionSchema, type Action } from '../../connector/model/action.schema';
import { CaseSchema, caseIdOf, type Case } from '../../connector/model/case.schema';
import { DebtorSchema, type Debtor } from '../../connector/model/debtor.schema';
import { CaseJournalEntrySchema, type CaseJournalEntry } from '../../connector/model/journal.schema';
import { PaymentSchema, type Payment } from '../../connector/model/payment.schema';
import { ReceivableSchema, type Receivable } from '../../connector/model/receivable.schema';
import { KyselyStore } from '../../connector/store/kysely-store';
import { outboxSubjectMigration } from '../../connector/store/migrations/0009-outbox-subject';
import { dossiersByActionMigration } from '../../connector/store/migrations/0010-dossiers-by-action';
import { openReceivablesByArrivalMigration } from '../../connector/store/migrations/0011-open-receivables-by-arrival';
import { kpiIndexesMigration } from '../../connector/store/migrations/0012-kpi-indexes';
import { caseSummariesMigration } from '../../connector/store/migrations/0013-case-summaries';
import { sessionsMigration } from '../../connector/store/migrations/0014-sessions';
import { portfolioSnapshotsMigration } from '../../connector/store/migrations/0015-portfolio-snapshots';
import { recoveryFunnelMigration } from '../../connector/store/migrations/0016-recovery-funnel';
import { erpCallTalliesMigration } from '../../connector/store/migrations/0017-erp-call-tallies';
import { paymentHistoryMigration } from '../../connector/store/migrations/0018-payment-history';
import { StoreError } from '../../connector/store/errors';
import { CASE_SUMMARY_REV } from '../../connector/store/kysely-case-summaries';
import type {
  ApplyProcedureEventInput,
  CaseSnapshot,
  Decision,
  DeliveryCheckInput,
  RecordDecisionInput,
  Store,
  StoredDossier,
  StoredProcedureEvent,
} from '../../connector/store/store';
import { createHash } from 'node:crypto';
import { saveReceivables } from '../../connector/cases/case-lifecycle';
import { saveSyncPage } from '../../connector/sync/save-page';
import { riskOrderKey } from '../../connector/kpis/risk';
import { addDays } from '../../connector/time/calendar-date';
import type { WorklistQuery, WorklistRow } from '../../connector/store/kpi-store';

/**
 * The behaviour every `Store` driver must show, run against each one (sqlite.test.ts,
 * postgres.test.ts). `open` returns a store on an empty database of its own.
 */
export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('migrations', () => {
      it('migrate() a second time is a no-op and keeps the data', async () => {
        await store.sync.upsertDebtors([debtor('d1')]);
        await store.migrate();
        expect(await store.sync.getDebtor('d1')).toStrictEqual(debtor('d1'));
        const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(kyselyOf(store));
        expect(applied.rows.map((r) => r.name)).toEqual([
          '0001-initial',
          '0002-sync-indexes',
          '0003-jobs',
          '0004-deliveries',
          '0005-dossiers',
          '0006-dossier-parts',
          '0007-outbox-first-failure',
          '0008-credentials',
          '0009-outbox-subject',
          '0010-dossiers-by-action',
          '0011-open-receivables-by-arrival',
          '0012-kpi-indexes',
          '0013-case-summaries',
          '0014-sessions',
          '0015-portfolio-snapshots',
          '0016-recovery-funnel',
          '0017-erp-call-tallies',
          '0018-payment-history',
        ]);
      });
      it('an upgraded outbox has each row told its subject from what it held; a row that cannot be told stops the upgrade, named', async () => {
        const c = caseOf('d1');
        await store.cases.saveCase(c);
        await store.outbox.recordDecision(decisionInput(c.id, 'reminder-1'));
        const dossierRow: StoredDossier = {
          id: 'dos-1',
          caseId: c.id,
          actionId: null,
          partner: 'firm',
          fileId: 'F-1',
          status: 'submitted',
          state: 'submitted',
          stateAt: AT,
          events: 0,
          content: {},
          submittedAt: AT,
          updatedAt: AT,
        };
        await store.dossiers.recordDossier(dossierRow, []);
        const loose = (id: string, key: string, over: Partial<Action>): Action =>
          action(c.id, id, { idempotencyKey: key, decisionId: null, subject: { type: 'withdrawal' }, ...over });
        await store.dossiers.applyProcedureEvent({
          event: {
            id: 'firm:e1',
            dossierId: 'dos-1',
            caseId: c.id,
            state: 'accepted',
            sourceState: 'accepted',
            occurredAt: AT,
            receivedAt: AT,
            data: {},
          },
          journal: [],
          actions: [
            loose('act-note', `${c.id}/procedure/note/firm:e1`, { kind: 'ledger_note', template: 'procedure-event' }),
            loose('act-todo', `${c.id}/procedure/activity/firm:e1`, {
              kind: 'ledger_activity',
              template: 'procedure-activity',
            }),
          ],
          at: AT,
        });
        const stored = (await store.cases.getCase(c.id))!;
        await store.cases.applyCaseChange({
          expected: stored,
          caseAfter: stored,
          actions: [
            loose('act-pay', 'dos-1/payment/7', { kind: 'dossier', template: 'payment' }),
            loose('act-out', `${c.id}/withdraw`, { kind: 'dossier', template: 'withdrawal' }),
          ],
          journal: [],
        });
        const db = kyselyOf(store);
        // Back to the schema before 0009: the migrations after it are undone first, newest first.
        const downgrade = async (): Promise<void> => {
          const after0009: [string, Migration][] = [
            ['0018-payment-history', paymentHistoryMigration],
            ['0017-erp-call-tallies', erpCallTalliesMigration(store.driver)],
            ['0016-recovery-funnel', recoveryFunnelMigration(store.driver)],
            ['0015-portfolio-snapshots', portfolioSnapshotsMigration(store.driver)],
            ['0014-sessions', sessionsMigration(store.driver)],
            ['0013-case-summaries', caseSummariesMigration(store.driver)],
            ['0012-kpi-indexes', kpiIndexesMigration],
            ['0011-open-receivables-by-arrival', openReceivablesByArrivalMigration],
            ['0010-dossiers-by-action', dossiersByActionMigration],
          ];
          for (const [name, migration] of after0009) {
            if (!(await sql`select 1 from kysely_migration where name = ${name}`.execute(db)).rows.length) continue;
            await migration.down!(db);
            await sql`delete from kysely_migration where name = ${name}`.execute(db);
          }
          await outboxSubjectMigration(store.driver).down!(db);
          await sql`delete from kysely_migration where name = '0009-outbox-subject'`.execute(db);
        };
        await downgrade();
        await store.migrate();
        const subjects = Object.fromEntries(
          (await store.outbox.listActions({ caseId: c.id })).map((a) => [a.id, a.subject]),
        );
        expect(subjects).toStrictEqual({
          'act-dec-reminder-1': { type: 'decision', decisionId: 'dec-reminder-1' },
          'act-note': { type: 'procedure_event', eventId: 'firm:e1', dossierId: 'dos-1', what: 'note' },
          'act-todo': { type: 'procedure_event', eventId: 'firm:e1', dossierId: 'dos-1', what: 'activity' },
          'act-pay': { type: 'payment_report', dossierId: 'dos-1', journalSeq: 7 },
          'act-out': { type: 'withdrawal' },
        });

        // A row no writer of the previous version made: the upgrade stops, names it, and changes nothing.
        await store.cases.applyCaseChange({
          expected: stored,
          caseAfter: stored,
          actions: [loose('act-odd', `${c.id}/odd`, { kind: 'email', template: 'reminder-1' })],
          journal: [],
        });
        await downgrade();
        await expect(store.migrate()).rejects.toThrow(
          /1 row\(s\) whose subject cannot be told[\s\S]*act-odd \(.*\/odd, pending\): a row of kind email with no decision and template reminder-1/,
        );
        const names = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
        expect(names.rows.map((r) => r.name)).not.toContain('0009-outbox-subject');
        expect(
          (await sql<{ n: number | string }>`select count(*) as n from outbox`.execute(db)).rows.map((r) =>
            Number(r.n),
          ),
        ).toEqual([6]);
      });

      it('reading a row whose subject is malformed names the row', async () => {
        const c = caseOf('d1');
        await store.cases.saveCase(c);
        await store.outbox.recordDecision(decisionInput(c.id, 'reminder-1'));
        await sql`update outbox set subject = '{"type":"decision"}'`.execute(kyselyOf(store));
        await expect(store.outbox.getAction('act-dec-reminder-1')).rejects.toThrow(
          /outbox row act-dec-reminder-1 \(.*\/reminder-1\/email\) has a malformed subject .*decisionId/,
        );
        await sql`update outbox set subject = 'not json'`.execute(kyselyOf(store));
        await expect(store.outbox.listActions({})).rejects.toThrow(
          /outbox row act-dec-reminder-1 .* subject that is not JSON/,
        );
      });
    });

    describe('debtors', () => {
      it('round-trips a debtor with every field set, and one with only the defaults', async () => {
        const full = debtor('d1', {
          kind: 'company',
          registration: { siren: '123456782', siret: '12345678200010', vat: 'FR11123456782' },
          addresses: [
            {
              kind: 'registered_office',
              lines: ['12 rue de la Paix', 'Bâtiment B'],
              postalCode: '75002',
              city: 'Paris',
              country: 'FR',
            },
            { kind: 'billing', lines: ['BP 42'], postalCode: '69001', city: 'Lyon', country: 'FR' },
          ],
          emails: ['compta@acme.fr', 'dg@acme.fr'],
          phones: ['+33 1 23 45 67 89'],
          language: 'en',
          flags: {
            doNotContact: true,
            insolvency: {
              kind: 'redressement',
              openedOn: '2025-02-03',
              publishedOn: '2025-02-10',
              reference: 'RG 25/00123',
            },
          },
        });
        const minimal = DebtorSchema.parse({
          id: 'd2',
          source: source('p2'),
          name: 'Jeanne Martin',
          kind: 'individual',
        });
        await store.sync.upsertDebtors([full, minimal]);
        expect(await store.sync.getDebtor('d1')).toStrictEqual(full);
        expect(await store.sync.getDebtor('d2')).toStrictEqual(minimal);
      });

      it('returns undefined for an unknown id', async () => {
        expect(await store.sync.getDebtor('nobody')).toBeUndefined();
        expect(await store.sync.getReceivable('nothing')).toBeUndefined();
        expect(await store.cases.getCase('case_none')).toBeUndefined();
        expect(await store.outbox.getDecision('none/none')).toBeUndefined();
        expect(await store.sync.getCursor('odoo', 'invoices')).toBeUndefined();
        expect(await store.outbox.getAction('nothing')).toBeUndefined();
      });

      it('upsert replaces a debtor, and the last copy of an id in one batch wins', async () => {
        await store.sync.upsertDebtors([debtor('d1', { name: 'Old name', emails: ['a@b.fr'] })]);
        const renamed = debtor('d1', { name: 'New name', emails: [], flags: { doNotContact: true, insolvency: null } });
        await store.sync.upsertDebtors([debtor('d1', { name: 'Intermediate' }), renamed]);
        expect(await store.sync.getDebtor('d1')).toStrictEqual(renamed);
      });
    });

    describe('receivables and cases', () => {
      it('round-trips a receivable with every optional field set, and one with none', async () => {
        const full = receivable('r1', {
          kind: 'invoice',
          completionDate: '2025-01-05',
          disputed: { reason: 'goods damaged', since: '2025-02-01' },
          excluded: { reason: 'handled by sales', since: '2025-02-02' },
          promiseToPay: { date: '2025-03-15', amount: 5000, recordedOn: '2025-02-20' },
          paymentPlan: {
            instalments: [
              { dueDate: '2025-04-01', amount: 6000 },
              { dueDate: '2025-05-01', amount: 6000 },
            ],
            agreedOn: '2025-03-01',
          },
          documentUrl: 'https://erp.example.com/invoices/r1.pdf',
          sourceVersion: '2025-01-10 08:00:00',
        });
        const bare = receivable('r2');
        expect(bare).not.toHaveProperty('completionDate');
        await store.sync.upsertDebtors([debtor('d1')]);
        await saveReceivables(store, [full, bare], AT);
        expect(await store.sync.getReceivable('r1')).toStrictEqual(full);
        expect(await store.sync.getReceivable('r2')).toStrictEqual(bare);
      });

      it('keeps amounts beyond 32 bits exact', async () => {
        const big = receivable('r1', { total: 2 ** 40 + 1, open: 2 ** 40 - 1 });
        await saveReceivables(store, [big], AT);
        expect(await store.sync.getReceivable('r1')).toStrictEqual(big);
      });

      it('upsert replaces a receivable and keeps one row per id', async () => {
        await saveReceivables(
          store,
          [receivable('r1', { open: 12000, number: 'F-OLD', documentUrl: 'https://erp.example.com/r1.pdf' })],
          AT,
        );
        const paidDown = receivable('r1', { open: 2000, sourceVersion: 'v2' });
        await saveReceivables(store, [paidDown], LATER);
        expect(await store.sync.getReceivable('r1')).toStrictEqual(paidDown);
        expect(await store.sync.listReceivablesOfCase(caseIdOf('d1', 'co1', 'EUR'))).toStrictEqual([paidDown]);
      });

      it('upsert keeps the annotations it is given null for, and takes the ones it brings', async () => {
        const dispute = { reason: 'goods damaged', since: '2025-02-01' };
        const exclusion = { reason: 'handled by sales', since: '2025-02-02' };
        const promise = { date: '2025-03-15', amount: 5000, recordedOn: '2025-02-20' };
        const plan = { instalments: [{ dueDate: '2025-04-01', amount: 6000 }], agreedOn: '2025-03-01' };
        await saveReceivables(store, [receivable('r1'), receivable('r2')], AT);
        await store.cases.applyCaseChange({
          caseAfter: (await store.cases.getCase(caseIdOf('d1', 'co1', 'EUR')))!,
          annotations: [
            {
              receivableId: 'r1',
              set: { disputed: dispute, excluded: exclusion, promiseToPay: promise, paymentPlan: plan },
            },
            { receivableId: 'r2', set: { disputed: dispute } },
          ],
          journal: [],
        });
        const synced = receivable('r1', { open: 9000, sourceVersion: 'v2' });
        const erpDispute = { reason: 'disputed in the ERP', since: '2025-03-01' };
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          receivables: [synced, receivable('r2', { disputed: erpDispute })],
          at: LATER,
        });
        expect(await store.sync.getReceivable('r1')).toStrictEqual({
          ...synced,
          disputed: dispute,
          excluded: exclusion,
          promiseToPay: promise,
          paymentPlan: plan,
        });
        expect((await store.sync.getReceivable('r2'))?.disputed).toStrictEqual(erpDispute);
      });

      it('creates the missing case of each receivable: stage open, opened and updated at `at`', async () => {
        await saveReceivables(store, [receivable('r1'), receivable('r2'), receivable('r3', { currency: 'USD' })], AT);
        const eur = caseIdOf('d1', 'co1', 'EUR');
        expect(await store.cases.getCase(eur)).toStrictEqual(
          CaseSchema.parse({
            id: eur,
            debtorId: 'd1',
            companyId: 'co1',
            currency: 'EUR',
            stage: 'open',
            openedAt: AT,
            updatedAt: AT,
          }),
        );
        expect((await store.cases.getCase(caseIdOf('d1', 'co1', 'USD')))?.currency).toBe('USD');
        expect(await store.cases.listCases()).toHaveLength(2);
      });

      it('never overwrites the state of an existing case', async () => {
        await saveReceivables(store, [receivable('r1')], AT);
        const advanced = {
          ...(await store.cases.getCase(caseIdOf('d1', 'co1', 'EUR')))!,
          stage: 'reminding' as const,
          lastStep: { stepId: 'reminder-1', index: 0, on: '2025-02-15' },
          updatedAt: LATER,
        };
        await store.cases.saveCase(advanced);
        await saveReceivables(store, [receivable('r1', { open: 100 }), receivable('r2')], '2025-06-01T00:00:00Z');
        expect(await store.cases.getCase(advanced.id)).toStrictEqual(advanced);
      });

      it('moves a receivable to the case of its new debtor', async () => {
        await saveReceivables(store, [receivable('r1', { debtorId: 'd1' })], AT);
        await saveReceivables(store, [receivable('r1', { debtorId: 'd2' })], LATER);
        expect(await store.sync.listReceivablesOfCase(caseIdOf('d1', 'co1', 'EUR'))).toEqual([]);
        expect((await store.sync.listReceivablesOfCase(caseIdOf('d2', 'co1', 'EUR'))).map((r) => r.id)).toEqual(['r1']);
        expect((await store.cases.getCase(caseIdOf('d2', 'co1', 'EUR')))?.openedAt).toBe(LATER);
      });

      it("lists a case's receivables, open or not, by due date then id", async () => {
        await saveReceivables(
          store,
          [
            receivable('r-c', { dueDate: '2025-03-01' }),
            receivable('r-b', { dueDate: '2025-02-01', open: 0 }),
            receivable('r-a', { dueDate: '2025-03-01', kind: 'credit_note' }),
            receivable('r-other', { companyId: 'co2' }),
          ],
          AT,
        );
        expect((await store.sync.listReceivablesOfCase(caseIdOf('d1', 'co1', 'EUR'))).map((r) => r.id)).toEqual([
          'r-b',
          'r-a',
          'r-c',
        ]);
      });

      it('round-trips a case with every field set, and saveCase replaces it', async () => {
        const c = caseOf('d1', {
          stage: 'awaiting_approval',
          policyId: 'default-b2b',
          lastStep: { stepId: 'formal-notice', index: 2, on: '2025-03-01' },
          lastContactOn: '2025-03-01',
          manualPause: { reason: 'talking to the debtor', until: '2025-04-01' },
          pendingApproval: { stepId: 'escalate', index: 3, on: '2025-03-20' },
        });
        await store.cases.saveCase(c);
        expect(await store.cases.getCase(c.id)).toStrictEqual(c);
        const closed = { ...c, stage: 'closed' as const, manualPause: null, pendingApproval: null, updatedAt: LATER };
        await store.cases.saveCase(closed);
        expect(await store.cases.getCase(c.id)).toStrictEqual(closed);
      });

      it('lists cases by id, filtered by stage and debtor, paged with afterId and limit', async () => {
        const cases = ['d1', 'd2', 'd3', 'd4'].map((d, i) => caseOf(d, { stage: i % 2 === 0 ? 'open' : 'reminding' }));
        for (const c of cases) await store.cases.saveCase(c);
        const byId = [...cases].sort((a, b) => (a.id < b.id ? -1 : 1));
        expect((await store.cases.listCases()).map((c) => c.id)).toEqual(byId.map((c) => c.id));
        expect((await store.cases.listCases({ stage: 'reminding' })).map((c) => c.debtorId).sort()).toEqual([
          'd2',
          'd4',
        ]);
        expect((await store.cases.listCases({ debtorId: 'd3' })).map((c) => c.debtorId)).toEqual(['d3']);
        const firstPage = await store.cases.listCases({ limit: 2 });
        const secondPage = await store.cases.listCases({ limit: 2, afterId: firstPage[1]!.id });
        expect([...firstPage, ...secondPage].map((c) => c.id)).toEqual(byId.map((c) => c.id));
      });
    });

    describe('receivable states and open ids', () => {
      it('receivableStates returns the state of the ids the store holds, and leaves the others out', async () => {
        await saveReceivables(
          store,
          [
            receivable('r1', { sourceVersion: '2025-03-01 10:00:00', open: 4000 }),
            receivable('r2', { open: 0 }),
            receivable('r3', { currency: 'USD', number: 'INV/0003' }),
          ],
          AT,
        );
        const states = await store.sync.receivableStates(['r3', 'missing', 'r1', 'r2', 'r1']);
        expect(states).toStrictEqual(
          new Map([
            ['r3', { caseId: caseIdOf('d1', 'co1', 'USD'), sourceVersion: undefined, open: 12000, number: 'INV/0003' }],
            [
              'r1',
              {
                caseId: caseIdOf('d1', 'co1', 'EUR'),
                sourceVersion: '2025-03-01 10:00:00',
                open: 4000,
                number: 'F-2025-r1',
              },
            ],
            ['r2', { caseId: caseIdOf('d1', 'co1', 'EUR'), sourceVersion: undefined, open: 0, number: 'F-2025-r2' }],
          ]),
        );
        expect(await store.sync.receivableStates([])).toStrictEqual(new Map());
        expect(await store.sync.receivableStates(['missing'])).toStrictEqual(new Map());
      });

      it('receivableStates answers for more than 500 ids with one query per 500', async () => {
        const held = Array.from({ length: 1203 }, (_, i) =>
          receivable(`r-${String(i).padStart(4, '0')}`, { open: i + 1, sourceVersion: `v${i}` }),
        );
        await saveReceivables(store, held, AT);
        const asked = held.flatMap((r, i) => (i % 4 === 0 ? [r.id, `absent-${i}`] : [r.id]));
        expect(new Set(asked).size).toBe(1504);
        const { store: recording, statements } = recordingStore(store);
        const states = await recording.sync.receivableStates(asked);
        expect(statements).toHaveLength(4);
        expect(states.size).toBe(1203);
        expect([...states.keys()].sort()).toEqual(held.map((r) => r.id));
        expect(states.get('r-1202')).toStrictEqual({
          caseId: caseIdOf('d1', 'co1', 'EUR'),
          sourceVersion: 'v1202',
          open: 1203,
          number: 'F-2025-r-1202',
        });
        expect(states.get('r-0000')?.open).toBe(1);
      });

      it('a page of receivables one of which breaks a rule fails, named, and writes none of them', async () => {
        // Past the schema (a store bug or a hand-made row): the database's own check refuses it.
        const bad = { ...receivable('r-bad'), open: 999_999_999 };
        const attempt = saveReceivables(store, [receivable('r-ok-1'), bad, receivable('r-ok-2')], AT);
        await expect(attempt).rejects.toThrow(StoreError);
        // SQLite writes row by row and names the row; PostgreSQL writes the page in one statement and names it.
        await expect(attempt).rejects.toThrow(store.driver === 'sqlite' ? /receivables "r-bad"/ : /one of 3/);
        const states = await store.sync.receivableStates(['r-ok-1', 'r-bad', 'r-ok-2']);
        expect(states.size).toBe(0);
      });

      it('listOpenReceivableIds lists the open receivables of one connection only', async () => {
        const elsewhere = { system: 'qbo', connection: 'qbo-main', id: '77' };
        await saveReceivables(
          store,
          [
            receivable('r-c'),
            receivable('R-z', { kind: 'credit_note', debtorId: 'd2' }),
            receivable('r-a', { open: 1 }),
            receivable('r-paid', { open: 0 }),
            receivable('r_b', { currency: 'USD' }),
            receivable('q-1', { source: elsewhere }),
            receivable('q-paid', { source: { ...elsewhere, id: '78' }, open: 0 }),
          ],
          AT,
        );
        // In no particular order: sorted here (byte order: upper case before lower case, '-' before '_').
        expect((await store.sync.listOpenReceivableIds('odoo-main')).sort()).toEqual(['R-z', 'r-a', 'r-c', 'r_b']);
        expect(await store.sync.listOpenReceivableIds('qbo-main')).toEqual(['q-1']);
        expect(await store.sync.listOpenReceivableIds('nowhere')).toEqual([]);
      });

      it('listOpenReceivableIds reads the partial index of migration 0011 and sorts nothing', async () => {
        await saveReceivables(store, [receivable('r1'), receivable('r2', { open: 0 })], AT);
        const { store: recording, statements } = recordingStore(store);
        expect(await recording.sync.listOpenReceivableIds('odoo-main')).toEqual(['r1']);
        expect(statements).toHaveLength(1);
        const plan = await explain(store, statements[0]!);
        expect(plan).toMatch(/receivables_open_of_connection/);
        expect(plan).not.toMatch(/sort|b-tree/i);
      });
    });

    describe('payments', () => {
      it('round-trips payments, finds them by receivable, and replaces their allocations', async () => {
        const p1 = payment('p1', {
          date: '2025-03-02',
          amount: 15000,
          allocations: [
            { receivableId: 'r2', amount: 5000 },
            { receivableId: 'r1', amount: 10000 },
          ],
        });
        const p2 = payment('p2', {
          date: '2025-03-01',
          amount: 3000,
          allocations: [{ receivableId: 'r1', amount: 3000 }],
        });
        const unallocated = payment('p3', { amount: 700 });
        await store.sync.upsertPayments([p1, p2, unallocated]);
        expect(await store.sync.listPaymentsOfReceivable('r1')).toStrictEqual([p2, p1]);
        expect(await store.sync.listPaymentsOfReceivable('r2')).toStrictEqual([p1]);
        expect(await store.sync.listPaymentsOfReceivable('r9')).toEqual([]);

        const reallocated = payment('p1', {
          date: '2025-03-02',
          amount: 15000,
          allocations: [{ receivableId: 'r2', amount: 15000 }],
        });
        await store.sync.upsertPayments([reallocated]);
        expect(await store.sync.listPaymentsOfReceivable('r1')).toStrictEqual([p2]);
        expect(await store.sync.listPaymentsOfReceivable('r2')).toStrictEqual([reallocated]);
      });
    });

    describe('journal', () => {
      it('numbers entries 1, 2, 3… per case and reads after a seq', async () => {
        const a = caseOf('d1');
        const b = caseOf('d2');
        await store.cases.saveCase(a);
        await store.cases.saveCase(b);
        const first = await store.cases.appendJournal(entry(a.id, 'case_opened'));
        await store.cases.appendJournal(entry(b.id, 'case_opened'));
        await store.cases.appendJournal(entry(a.id, 'note', { data: { text: 'called the debtor', minutes: 5 } }));
        await store.cases.appendJournal(entry(a.id, 'paused'));
        expect(first).toStrictEqual({ ...entry(a.id, 'case_opened'), seq: 1 });
        const journal = await store.cases.readJournal(a.id);
        expect(journal.map((e) => e.seq)).toEqual([1, 2, 3]);
        expect(journal[1]).toStrictEqual({
          ...entry(a.id, 'note', { data: { text: 'called the debtor', minutes: 5 } }),
          seq: 2,
        });
        expect((await store.cases.readJournal(b.id)).map((e) => e.seq)).toEqual([1]);
        expect((await store.cases.readJournal(a.id, 1)).map((e) => e.type)).toEqual(['note', 'paused']);
      });

      it('gives distinct seqs to concurrent appends on one case', async () => {
        const c = caseOf('d1');
        await store.cases.saveCase(c);
        const appended = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.cases.appendJournal(entry(c.id, 'note', { summary: `note ${i}` }))),
        );
        expect(appended.map((e) => e.seq).sort((x, y) => x! - y!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      });

      it('is refused a raw UPDATE and a raw DELETE by the database itself', async () => {
        const c = caseOf('d1');
        await store.cases.saveCase(c);
        await store.cases.appendJournal(entry(c.id, 'case_opened'));
        const db = kyselyOf(store);
        // Matched on the message, not with toThrow: better-sqlite3's native addon keeps the
        // SqliteError class of the first jest sandbox that loaded it, so in a later test file
        // the error is not `instanceof Error` of this sandbox.
        await expect(sql`update case_journal set summary = 'rewritten'`.execute(db)).rejects.toMatchObject({
          message: expect.stringMatching(/append-only: UPDATE refused/),
        });
        await expect(sql`delete from case_journal`.execute(db)).rejects.toMatchObject({
          message: expect.stringMatching(/append-only: DELETE refused/),
        });
        expect(await store.cases.readJournal(c.id)).toStrictEqual([{ ...entry(c.id, 'case_opened'), seq: 1 }]);
      });

      it('refuses an entry for a case that does not exist, naming the case', async () => {
        await expect(store.cases.appendJournal(entry('case_missing', 'note'))).rejects.toThrow(/case_missing/);
      });
    });

    describe('decisions and outbox', () => {
      it('recordDecision writes the decision, its outbox rows, its journal entries and the case', async () => {
        await saveReceivables(store, [receivable('r1')], AT);
        const input = decisionInput(caseIdOf('d1', 'co1', 'EUR'), 'reminder-1');
        expect(await store.outbox.recordDecision(input)).toBe(true);
        expect(await store.outbox.getDecision(input.decision.idempotencyKey)).toStrictEqual(input.decision);
        expect(await store.outbox.getDecisionById(input.decision.id)).toStrictEqual(input.decision);
        expect(await store.outbox.getDecisionById(input.decision.idempotencyKey)).toBeUndefined();
        expect(await store.outbox.listDecisions(input.decision.caseId)).toStrictEqual([input.decision]);
        expect(await store.outbox.listActions({ caseId: input.decision.caseId })).toStrictEqual(input.actions);
        expect(await store.cases.readJournal(input.decision.caseId)).toStrictEqual(
          input.journal.map((e, i) => ({ ...e, seq: i + 1 })),
        );
        expect(await store.cases.getCase(input.decision.caseId)).toStrictEqual(input.caseAfter);
      });

      it('recordDecision creates the case when it is missing', async () => {
        const input = decisionInput(caseOf('d9').id, 'reminder-1', { caseAfter: caseOf('d9') });
        expect(await store.outbox.recordDecision(input)).toBe(true);
        expect(await store.cases.getCase(input.caseAfter.id)).toStrictEqual(input.caseAfter);
      });

      it('recordDecision with a key already recorded returns false and writes nothing', async () => {
        const caseId = caseOf('d1').id;
        const first = decisionInput(caseId, 'reminder-1');
        expect(await store.outbox.recordDecision(first)).toBe(true);
        const replay = decisionInput(caseId, 'reminder-1', {
          decisionId: 'dec-other',
          actionKey: 'other-key',
          caseAfter: caseOf('d1', { stage: 'formal_notice', updatedAt: LATER }),
        });
        expect(await store.outbox.recordDecision(replay)).toBe(false);
        expect(await store.outbox.listDecisions(caseId)).toStrictEqual([first.decision]);
        expect(await store.outbox.listActions({ caseId })).toStrictEqual(first.actions);
        expect(await store.cases.readJournal(caseId)).toHaveLength(first.journal.length);
        expect(await store.cases.getCase(caseId)).toStrictEqual(first.caseAfter);
      });

      it('recordDecision with `expected` writes only while the stored case still equals it', async () => {
        await saveReceivables(store, [receivable('r1')], AT);
        const seen = (await store.cases.getCase(caseIdOf('d1', 'co1', 'EUR')))!;
        // A controller paused the case after the evaluation read it.
        const paused = { ...seen, manualPause: { until: null, reason: 'talking to them' }, updatedAt: LATER };
        await store.cases.saveCase(paused);
        const stale = {
          ...decisionInput(seen.id, 'reminder-1', { caseAfter: { ...seen, stage: 'reminding', updatedAt: LATER } }),
          expected: seen,
        };
        expect(await store.outbox.recordDecision(stale)).toBe(false);
        expect(await store.cases.getCase(seen.id)).toStrictEqual(paused);
        expect(await store.outbox.getDecision(stale.decision.idempotencyKey)).toBeUndefined();
        expect(await store.outbox.listActions({ caseId: seen.id })).toEqual([]);
        expect(await store.cases.readJournal(seen.id)).toEqual([]);

        const fresh = {
          ...decisionInput(seen.id, 'reminder-1', { caseAfter: { ...paused, stage: 'reminding' } }),
          expected: paused,
        };
        expect(await store.outbox.recordDecision(fresh)).toBe(true);
        expect(await store.cases.getCase(seen.id)).toStrictEqual(fresh.caseAfter);
        // Replayed with the same key: nothing written, the case is not touched either.
        expect(
          await store.outbox.recordDecision({
            ...fresh,
            caseAfter: { ...paused, stage: 'formal_notice' },
            expected: fresh.caseAfter,
          }),
        ).toBe(false);
        expect(await store.cases.getCase(seen.id)).toStrictEqual(fresh.caseAfter);
      });

      it('recordDecision accepts as `expected` the case a snapshot stream gave', async () => {
        await saveReceivables(store, [receivable('r1')], AT);
        await store.sync.upsertDebtors([debtor('d1')]);
        const snapshots: CaseSnapshot[] = [];
        for await (const s of store.cases.streamCaseSnapshots()) snapshots.push(s);
        const seen = snapshots[0]!.case;
        expect(
          await store.outbox.recordDecision({
            ...decisionInput(seen.id, 'reminder-1', { caseAfter: { ...seen, stage: 'reminding', updatedAt: LATER } }),
            expected: seen,
          }),
        ).toBe(true);
      });

      it('records exactly one of two concurrent decisions with the same key', async () => {
        const caseId = caseOf('d1').id;
        await store.cases.saveCase(caseOf('d1'));
        const results = await Promise.all([
          store.outbox.recordDecision(decisionInput(caseId, 'reminder-1', { decisionId: 'dec-a', actionKey: 'key-a' })),
          store.outbox.recordDecision(decisionInput(caseId, 'reminder-1', { decisionId: 'dec-b', actionKey: 'key-b' })),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.outbox.listDecisions(caseId)).toHaveLength(1);
        expect(await store.outbox.listActions({ caseId })).toHaveLength(1);
        expect(await store.cases.readJournal(caseId)).toHaveLength(2);
      });

      it('recordDecision writes nothing when one of its rows is refused', async () => {
        const caseId = caseOf('d1').id;
        const first = decisionInput(caseId, 'reminder-1', { actionKey: 'shared-key' });
        await store.outbox.recordDecision(first);
        const clashing = decisionInput(caseId, 'reminder-2', {
          decisionId: 'dec-2',
          actionKey: 'shared-key',
          caseAfter: caseOf('d1', { stage: 'formal_notice', updatedAt: LATER }),
        });
        await expect(store.outbox.recordDecision(clashing)).rejects.toThrow(/outbox/);
        expect(await store.outbox.getDecision(clashing.decision.idempotencyKey)).toBeUndefined();
        expect(await store.cases.readJournal(caseId)).toHaveLength(first.journal.length);
        expect(await store.cases.getCase(caseId)).toStrictEqual(first.caseAfter);
      });

      it('lists outbox rows by status and case, in notBefore order, with a limit', async () => {
        const a = caseOf('d1');
        const b = caseOf('d2');
        await store.outbox.recordDecision(
          decisionInput(a.id, 'reminder-1', {
            actions: [
              action(a.id, 'a-late', { notBefore: '2025-03-03T08:00:00Z' }),
              action(a.id, 'a-done', { status: 'done', attempts: 1, notBefore: '2025-03-01T08:00:00Z' }),
              action(a.id, 'a-early', {
                notBefore: '2025-03-02T08:00:00Z',
                lastError: 'SMTP 451, retrying',
                attempts: 2,
              }),
            ],
          }),
        );
        await store.outbox.recordDecision(
          decisionInput(b.id, 'reminder-1', {
            decisionId: 'dec-b',
            actions: [action(b.id, 'b-1', { notBefore: '2025-03-01T00:00:00Z' })],
          }),
        );
        expect((await store.outbox.listActions({ status: 'pending' })).map((x) => x.id)).toEqual([
          'b-1',
          'a-early',
          'a-late',
        ]);
        expect((await store.outbox.listActions({ status: 'pending', caseId: a.id })).map((x) => x.id)).toEqual([
          'a-early',
          'a-late',
        ]);
        expect((await store.outbox.listActions({ status: 'done' })).map((x) => x.id)).toEqual(['a-done']);
        expect((await store.outbox.listActions({ status: 'pending', limit: 1 })).map((x) => x.id)).toEqual(['b-1']);
        expect(await store.outbox.listActions({ status: 'failed' })).toEqual([]);
        expect((await store.outbox.listActions({ caseId: a.id })).find((x) => x.id === 'a-early')).toStrictEqual(
          action(a.id, 'a-early', {
            decisionId: 'dec-reminder-1',
            notBefore: '2025-03-02T08:00:00Z',
            lastError: 'SMTP 451, retrying',
            attempts: 2,
          }),
        );
      });

      it('dueActionKinds names the kinds with a row due now, pending or with an expired lease', async () => {
        const a = caseOf('d1');
        await store.outbox.recordDecision(
          decisionInput(a.id, 'reminder-1', {
            actions: [
              action(a.id, 'due-mail', { notBefore: '2025-03-01T08:00:00Z' }),
              action(a.id, 'later-sms', { kind: 'sms', notBefore: '2025-03-09T08:00:00Z' }),
              action(a.id, 'done-note', { kind: 'ledger_note', template: null, status: 'done', attempts: 1 }),
              action(a.id, 'leased-letter', {
                kind: 'letter',
                status: 'in_progress',
                notBefore: '2025-03-01T08:00:20Z',
              }),
            ],
          }),
        );
        expect((await store.outbox.dueActionKinds('2025-03-01T08:00:10Z')).sort()).toEqual(['email']);
        expect((await store.outbox.dueActionKinds('2025-03-01T08:00:30Z')).sort()).toEqual(['email', 'letter']);
        expect((await store.outbox.dueActionKinds('2025-03-10T00:00:00Z')).sort()).toEqual(['email', 'letter', 'sms']);
      });

      it('lists outbox rows by kind, alone or with the other filters', async () => {
        const a = caseOf('d1');
        await store.outbox.recordDecision(
          decisionInput(a.id, 'reminder-1', {
            actions: [
              action(a.id, 'a-mail', { notBefore: '2025-03-02T08:00:00Z' }),
              action(a.id, 'a-letter', { kind: 'letter', template: 'formal-notice' }),
              action(a.id, 'a-note', { kind: 'ledger_note', template: null, notBefore: '2025-03-03T08:00:00Z' }),
              action(a.id, 'a-mail-done', { status: 'done', attempts: 1 }),
            ],
          }),
        );
        expect((await store.outbox.listActions({ kind: 'email' })).map((x) => x.id)).toEqual(['a-mail-done', 'a-mail']);
        expect((await store.outbox.listActions({ kind: 'email', status: 'pending' })).map((x) => x.id)).toEqual([
          'a-mail',
        ]);
        expect((await store.outbox.listActions({ kind: 'ledger_note', caseId: a.id })).map((x) => x.id)).toEqual([
          'a-note',
        ]);
        expect(await store.outbox.listActions({ kind: 'sms' })).toEqual([]);
      });

      it('getAction reads one outbox row by id', async () => {
        const input = decisionInput(caseOf('d1').id, 'reminder-1');
        await store.outbox.recordDecision(input);
        expect(await store.outbox.getAction(input.actions[0]!.id)).toStrictEqual(input.actions[0]);
      });

      it('claimAction takes due rows one at a time, leases them, and takes a row again once its lease ran out', async () => {
        const caseId = caseOf('d1').id;
        const rows = ['a', 'b'].map((id, i) =>
          action(caseId, `act-${id}`, {
            decisionId: 'dec-x',
            idempotencyKey: `${caseId}/x/${id}`,
            notBefore: i === 0 ? AT : '2025-03-01T09:00:05Z',
          }),
        );
        await store.outbox.recordDecision(decisionInput(caseId, 'x', { decisionId: 'dec-x', actions: rows }));
        const now = '2025-03-01T09:00:01Z';
        const first = await store.outbox.claimAction({ kind: 'email', now, leaseUntil: '2025-03-01T09:00:21Z' });
        expect(first).toMatchObject({ id: 'act-a', status: 'in_progress', notBefore: '2025-03-01T09:00:21Z' });
        // The other row is not due yet, the first is leased: nothing to take.
        expect(
          await store.outbox.claimAction({ kind: 'email', now, leaseUntil: '2025-03-01T09:00:21Z' }),
        ).toBeUndefined();
        expect(
          await store.outbox.claimAction({
            kind: 'sms',
            now: '2025-03-01T10:00:00Z',
            leaseUntil: '2025-03-01T10:00:20Z',
          }),
        ).toBeUndefined();
        // Later: the second row is due, then the first, whose worker never finished (in due-time order).
        const later = '2025-03-01T09:00:30Z';
        expect(
          (await store.outbox.claimAction({ kind: 'email', now: later, leaseUntil: '2025-03-01T09:00:50Z' }))?.id,
        ).toBe('act-b');
        expect(
          (await store.outbox.claimAction({ kind: 'email', now: later, leaseUntil: '2025-03-01T09:00:50Z' }))?.id,
        ).toBe('act-a');
        await store.outbox.completeAction({ id: 'act-a', status: 'done', attempts: 1, lastError: null, at: later });
        // A done row is never taken again; the other one is, once its new lease ran out.
        expect(
          await store.outbox.claimAction({
            kind: 'email',
            now: '2025-03-02T00:00:00Z',
            leaseUntil: '2025-03-02T00:00:20Z',
          }),
        ).toMatchObject({ id: 'act-b' });
        expect(
          await store.outbox.claimAction({
            kind: 'email',
            now: '2025-03-03T00:00:00Z',
            leaseUntil: '2025-03-03T00:00:20Z',
          }),
        ).toMatchObject({ id: 'act-b' });
      });

      it('claimAction with a connection takes only the rows of cases whose items come from it, or from none of the listed ones', async () => {
        await saveReceivables(
          store,
          [
            receivable('ra', { debtorId: 'd1', source: { system: 'odoo', connection: 'odoo-a', id: 'move-ra' } }),
            receivable('rb', { debtorId: 'd2', source: { system: 'odoo', connection: 'odoo-b', id: 'move-rb' } }),
            receivable('rc', { debtorId: 'd3', source: { system: 'odoo', connection: 'odoo-gone', id: 'move-rc' } }),
          ],
          AT,
        );
        for (const [d, id] of [
          ['d1', 'note-a'],
          ['d2', 'note-b'],
          ['d3', 'note-c'],
          ['d4', 'note-none'],
        ] as const) {
          const caseId = caseOf(d).id;
          await store.outbox.recordDecision(
            decisionInput(caseId, 'x', {
              decisionId: `dec-${id}`,
              caseAfter: caseOf(d, { stage: 'reminding' }),
              actions: [action(caseId, id, { kind: 'ledger_note', template: null, decisionId: `dec-${id}` })],
            }),
          );
        }
        const claim = (connection: Parameters<Store['outbox']['claimAction']>[0]['connection']) =>
          store.outbox.claimAction({
            kind: 'ledger_note',
            now: '2025-03-01T09:00:01Z',
            leaseUntil: '2025-03-01T09:00:21Z',
            ...(connection ? { connection } : {}),
          });
        expect((await claim({ only: 'odoo-b' }))?.id).toBe('note-b');
        expect(await claim({ only: 'odoo-b' })).toBeUndefined();
        expect(await claim({ only: 'odoo-unknown' })).toBeUndefined();
        // The rows of a connection without a lane of its own (removed from the configuration, or a case with no item left) are not stranded.
        const rest = [
          (await claim({ except: ['odoo-a', 'odoo-b'] }))?.id,
          (await claim({ except: ['odoo-a', 'odoo-b'] }))?.id,
        ].sort();
        expect(rest).toEqual(['note-c', 'note-none']);
        expect(await claim({ except: ['odoo-a', 'odoo-b'] })).toBeUndefined();
        expect((await claim({ only: 'odoo-a' }))?.id).toBe('note-a');
        expect(await claim(undefined)).toBeUndefined();
      });

      it('completeAction records the attempt and appends its journal entries', async () => {
        const input = decisionInput(caseOf('d1').id, 'reminder-1');
        await store.outbox.recordDecision(input);
        const caseId = input.decision.caseId;
        const before = input.actions[0]!;
        const retryAt = '2025-03-02T10:00:00Z';

        await store.outbox.completeAction({
          id: before.id,
          status: 'pending',
          attempts: 1,
          lastError: 'SMTP 451 4.7.1 try again later',
          at: LATER,
          notBefore: retryAt,
          journal: [
            entry(caseId, 'action_failed', {
              at: LATER,
              summary: 'e-mail refused for now, retrying',
              data: { actionId: before.id },
            }),
          ],
        });
        // The failure opens a run of failures; a second one keeps its start (retries are budgeted in time from it).
        expect(await store.outbox.getAction(before.id)).toStrictEqual({
          ...before,
          attempts: 1,
          lastError: 'SMTP 451 4.7.1 try again later',
          notBefore: retryAt,
          firstFailedAt: LATER,
          updatedAt: LATER,
        });
        await store.outbox.completeAction({
          id: before.id,
          status: 'pending',
          attempts: 1,
          lastError: 'SMTP 451 4.7.1 try again later',
          at: LATER.replace('09:30', '09:31'),
          notBefore: retryAt,
        });
        expect(await store.outbox.getAction(before.id)).toMatchObject({ firstFailedAt: LATER });

        const doneAt = '2025-03-02T10:00:05Z';
        await store.outbox.completeAction({
          id: before.id,
          status: 'done',
          attempts: 2,
          lastError: null,
          at: doneAt,
          journal: [
            entry(caseId, 'action_performed', { at: doneAt, summary: 'e-mail sent' }),
            entry(caseId, 'note', { at: doneAt, summary: 'delivery receipt requested' }),
          ],
        });
        // Without notBefore the row keeps the one it had.
        expect(await store.outbox.getAction(before.id)).toStrictEqual({
          ...before,
          status: 'done',
          attempts: 2,
          lastError: null,
          notBefore: retryAt,
          updatedAt: doneAt,
        });
        expect((await store.outbox.listActions({ status: 'done' })).map((x) => x.id)).toEqual([before.id]);
        expect((await store.cases.readJournal(caseId)).map((e) => [e.seq, e.type])).toEqual([
          [1, 'decision'],
          [2, 'approval_requested'],
          [3, 'action_failed'],
          [4, 'action_performed'],
          [5, 'note'],
        ]);

        await store.outbox.completeAction({
          id: before.id,
          status: 'failed',
          attempts: 3,
          lastError: 'mailbox closed',
          at: LATER,
        });
        expect((await store.outbox.getAction(before.id))?.status).toBe('failed');
        expect(await store.cases.readJournal(caseId)).toHaveLength(5);
      });

      it('completeAction changes nothing when one of its journal entries is refused', async () => {
        const input = decisionInput(caseOf('d1').id, 'reminder-1');
        await store.outbox.recordDecision(input);
        const before = input.actions[0]!;
        const attemptCompletion = store.outbox.completeAction({
          id: before.id,
          status: 'done',
          attempts: 1,
          lastError: null,
          at: LATER,
          journal: [entry(input.decision.caseId, 'action_performed'), entry('case_missing', 'note')],
        });
        await expect(attemptCompletion).rejects.toThrow(StoreError);
        await expect(attemptCompletion).rejects.toThrow(/case_missing/);
        expect(await store.outbox.getAction(before.id)).toStrictEqual(before);
        expect(await store.cases.readJournal(input.decision.caseId)).toHaveLength(input.journal.length);
      });

      it('completeAction refuses an unknown id, naming it, and appends nothing', async () => {
        const c = caseOf('d1');
        await store.cases.saveCase(c);
        const failure = await store.outbox
          .completeAction({
            id: 'act-ghost',
            status: 'done',
            attempts: 1,
            lastError: null,
            at: LATER,
            journal: [entry(c.id, 'action_performed')],
          })
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        expect(failure).toBeInstanceOf(StoreError);
        expect((failure as StoreError).message).toMatch(/"act-ghost"/);
        expect((failure as StoreError).table).toBe('outbox');
        expect((failure as StoreError).recordId).toBe('act-ghost');
        expect(await store.cases.readJournal(c.id)).toEqual([]);
      });
    });

    describe('dossiers and procedure events', () => {
      const SUBMITTED = '2025-04-01T10:00:00.000Z';
      const dossier = (caseId: string, over: Partial<StoredDossier> = {}): StoredDossier => ({
        id: 'dos-1',
        caseId,
        actionId: null,
        partner: 'firm',
        fileId: 'F-1',
        status: 'submitted',
        state: 'submitted',
        stateAt: SUBMITTED,
        events: 0,
        content: { id: 'dos-1', claim: { total: 12_000 } },
        submittedAt: SUBMITTED,
        updatedAt: SUBMITTED,
        ...over,
      });
      const event = (
        caseId: string,
        id: string,
        state: StoredProcedureEvent['state'],
        occurredAt: string,
      ): ApplyProcedureEventInput => ({
        event: {
          id: `firm:${id}`,
          dossierId: 'dos-1',
          caseId,
          state,
          sourceState: state,
          occurredAt,
          receivedAt: '2025-05-01T00:00:00.000Z',
          data: { label: state },
        },
        journal: [entry(caseId, 'procedure_event', { data: { eventId: id } })],
        actions: [
          action(caseId, `act-${id}`, {
            kind: 'ledger_note',
            template: 'procedure-event',
            idempotencyKey: `${caseId}/procedure/${id}`,
          }),
        ],
        at: '2025-05-01T00:00:00.000Z',
      });

      it('finds the dossier an outbox row stored by the row’s id', async () => {
        const c = caseOf('d1');
        await store.cases.saveCase(c);
        await store.outbox.recordDecision(decisionInput(c.id, 'reminder-1'));
        const [row] = await store.outbox.listActions({ caseId: c.id });
        expect(await store.dossiers.findDossierOfAction(row!.id)).toBeUndefined();
        await store.dossiers.recordDossier(dossier(c.id, { actionId: row!.id }), []);
        expect(await store.dossiers.findDossierOfAction(row!.id)).toStrictEqual(dossier(c.id, { actionId: row!.id }));
      });

      it('counts a partner’s dossiers by status, its last event received, and the outbox’s dossier rows', async () => {
        expect(await store.dossiers.countPartnerDossiers('firm')).toStrictEqual({
          byStatus: {},
          lastEventAt: null,
          outbox: { pending: 0, failed: 0 },
        });
        const c = caseOf('d1');
        await store.cases.saveCase(c);
        await store.dossiers.recordDossier(dossier(c.id), []);
        await store.dossiers.recordDossier(dossier(c.id, { id: 'dos-2', fileId: 'F-2', status: 'rejected' }), []);
        await store.dossiers.recordDossier(dossier(c.id, { id: 'dos-3', fileId: 'F-3', status: 'accepted' }), []);
        await store.dossiers.recordDossier(
          dossier(c.id, { id: 'dos-4', fileId: 'F-4', status: 'submitted', partner: 'other-firm' }),
          [],
        );
        await store.dossiers.applyProcedureEvent(event(c.id, 'e1', 'accepted', '2025-04-02T00:00:00.000Z'));
        await store.cases.applyCaseChange({
          expected: c,
          caseAfter: c,
          actions: [
            action(c.id, 'act-submit', { kind: 'dossier', template: 'submit', idempotencyKey: `${c.id}/submit` }),
            action(c.id, 'act-pay', { kind: 'dossier', template: 'payment', idempotencyKey: `${c.id}/pay` }),
            action(c.id, 'act-mail', { kind: 'email', idempotencyKey: `${c.id}/mail` }),
          ],
          journal: [],
        });
        await store.outbox.completeAction({ id: 'act-pay', status: 'failed', attempts: 5, lastError: 'x', at: AT });
        expect(await store.dossiers.countPartnerDossiers('firm')).toStrictEqual({
          byStatus: { submitted: 1, rejected: 1, accepted: 1 },
          lastEventAt: '2025-05-01T00:00:00.000Z',
          outbox: { pending: 1, failed: 1 },
        });
        expect((await store.dossiers.countPartnerDossiers('other-firm')).lastEventAt).toBeNull();
      });

      it('records a dossier once, with its journal, and finds it by the firm’s file id', async () => {
        await store.cases.saveCase(caseOf('d1'));
        const c = caseOf('d1').id;
        expect(await store.dossiers.recordDossier(dossier(c), [entry(c, 'dossier_submitted')])).toBe(true);
        expect(
          await store.dossiers.recordDossier(dossier(c, { fileId: 'F-other' }), [entry(c, 'dossier_submitted')]),
        ).toBe(false);
        expect(await store.dossiers.getDossier('dos-1')).toStrictEqual(dossier(c));
        expect((await store.dossiers.findDossierByFile('firm', 'F-1'))?.id).toBe('dos-1');
        expect(await store.dossiers.findDossierByFile('other-firm', 'F-1')).toBeUndefined();
        expect((await store.dossiers.listDossiers({ open: true })).map((d) => d.id)).toEqual(['dos-1']);
        expect(await store.cases.readJournal(c)).toHaveLength(1);
      });

      it('prepares a dossier once with its documents, then records its file once; a refused one no longer counts as open', async () => {
        await store.cases.saveCase(caseOf('d1'));
        const c = caseOf('d1').id;
        const bytes = Buffer.from('%PDF-1.7 invoice');
        const prepared = {
          ...dossier(c),
          fileId: null,
          status: 'prepared' as const,
          contentSha256: 'a'.repeat(64),
          parts: [
            {
              name: 'f.pdf',
              kind: 'invoice',
              mediaType: 'application/pdf',
              sha256: 'b'.repeat(64),
              documentId: 'dossier:dos-1:f.pdf',
            },
          ],
        };
        const doc = {
          id: 'dossier:dos-1:f.pdf',
          caseId: c,
          actionId: null,
          kind: 'invoice',
          mediaType: 'application/pdf',
          content: bytes,
          provenAt: null,
          createdAt: SUBMITTED,
        };
        const first = await store.dossiers.prepareDossier({
          dossier: prepared,
          documents: [doc],
          journal: [entry(c, 'dossier_prepared')],
        });
        expect(first).toMatchObject({
          created: true,
          dossier: { status: 'prepared', fileId: null, contentSha256: 'a'.repeat(64), parts: prepared.parts },
        });
        // Again (a concurrent or later attempt): nothing written, the stored one returned.
        const again = await store.dossiers.prepareDossier({
          dossier: { ...prepared, content: { other: true } },
          documents: [{ ...doc, content: Buffer.from('other') }],
          journal: [entry(c, 'dossier_prepared')],
        });
        expect(again).toMatchObject({ created: false, dossier: { content: prepared.content } });
        expect((await store.deliveries.getDocument('dossier:dos-1:f.pdf'))!.content.equals(bytes)).toBe(true);
        expect((await store.dossiers.listDossiers({ open: true })).map((d) => d.id)).toEqual(['dos-1']);
        expect(
          await store.dossiers.recordSubmission({
            id: 'dos-1',
            fileId: 'F-1',
            at: LATER,
            journal: [entry(c, 'dossier_submitted')],
          }),
        ).toBe(true);
        expect(
          await store.dossiers.recordSubmission({
            id: 'dos-1',
            fileId: 'F-2',
            at: LATER,
            journal: [entry(c, 'dossier_submitted')],
          }),
        ).toBe(false);
        expect(await store.dossiers.getDossier('dos-1')).toMatchObject({ status: 'submitted', fileId: 'F-1' });
        expect(
          await store.dossiers.refusePreparedDossier({
            id: 'dos-1',
            at: LATER,
            journal: [entry(c, 'dossier_refused')],
          }),
        ).toBe(false);
        expect((await store.cases.readJournal(c)).map((j) => j.type)).toEqual([
          'dossier_prepared',
          'dossier_submitted',
        ]);
        // An event moved the status on before the answer: recording the file keeps the status.
        await store.dossiers.prepareDossier({
          dossier: { ...prepared, id: 'dos-2', parts: [] },
          documents: [],
          journal: [],
        });
        await store.dossiers.applyProcedureEvent({
          ...event(c, 'e1', 'accepted', '2025-04-02T00:00:00.000Z'),
          event: { ...event(c, 'e1', 'accepted', '2025-04-02T00:00:00.000Z').event, dossierId: 'dos-2' },
          status: 'accepted',
        });
        expect(await store.dossiers.recordSubmission({ id: 'dos-2', fileId: 'F-9', at: LATER, journal: [] })).toBe(
          true,
        );
        expect(await store.dossiers.getDossier('dos-2')).toMatchObject({ status: 'accepted', fileId: 'F-9' });
        // Refused by the firm (422): no file, no longer open.
        await store.dossiers.prepareDossier({
          dossier: { ...prepared, id: 'dos-3', parts: [] },
          documents: [],
          journal: [],
        });
        expect(
          await store.dossiers.refusePreparedDossier({
            id: 'dos-3',
            at: LATER,
            journal: [entry(c, 'dossier_refused')],
          }),
        ).toBe(true);
        expect((await store.dossiers.listDossiers({ open: true })).map((d) => d.id)).toEqual(['dos-1', 'dos-2']);
      });

      it('applies each event once, numbered in order of application; the state follows the latest by occurrence', async () => {
        await store.cases.saveCase(caseOf('d1'));
        const c = caseOf('d1').id;
        await store.dossiers.recordDossier(dossier(c), []);
        expect(
          (
            await store.dossiers.applyProcedureEvent({
              ...event(c, 'e2', 'filed', '2025-04-10T00:00:00.000Z'),
              status: 'accepted',
              caseStage: 'in_procedure',
            })
          )?.seq,
        ).toBe(1);
        // Older, arriving later (out of order): stored and journalled, the state stays.
        expect(
          (await store.dossiers.applyProcedureEvent(event(c, 'e1', 'accepted', '2025-04-02T00:00:00.000Z')))?.seq,
        ).toBe(2);
        expect(
          await store.dossiers.applyProcedureEvent(event(c, 'e2', 'filed', '2025-04-10T00:00:00.000Z')),
        ).toBeUndefined();
        expect(await store.dossiers.getDossier('dos-1')).toMatchObject({
          state: 'filed',
          stateAt: '2025-04-10T00:00:00.000Z',
          status: 'accepted',
          events: 2,
        });
        expect((await store.cases.getCase(c))?.stage).toBe('in_procedure');
        expect((await store.dossiers.listProcedureEvents('dos-1')).map((e) => [e.seq, e.id, e.state])).toEqual([
          [1, 'firm:e2', 'filed'],
          [2, 'firm:e1', 'accepted'],
        ]);
        // One event is read by its id, as an outbox row's subject names it.
        expect(await store.dossiers.getProcedureEvent('firm:e1')).toStrictEqual(
          (await store.dossiers.listProcedureEvents('dos-1'))[1],
        );
        expect(await store.dossiers.getProcedureEvent('firm:e9')).toBeUndefined();
        expect((await store.outbox.listActions({ caseId: c, kind: 'ledger_note' })).map((a) => a.id).sort()).toEqual([
          'act-e1',
          'act-e2',
        ]);
        expect((await store.cases.readJournal(c)).filter((j) => j.type === 'procedure_event')).toHaveLength(2);
      });

      it('two deliveries of the same event at once apply it once', async () => {
        await store.cases.saveCase(caseOf('d1'));
        const c = caseOf('d1').id;
        await store.dossiers.recordDossier(dossier(c), []);
        const results = await Promise.all(
          [1, 2, 3].map(() =>
            store.dossiers
              .applyProcedureEvent(event(c, 'e1', 'accepted', '2025-04-02T00:00:00.000Z'))
              .catch((e: unknown) => e),
          ),
        );
        expect(results.filter((r) => r !== undefined && !(r instanceof Error))).toHaveLength(1);
        expect(await store.dossiers.listProcedureEvents('dos-1')).toHaveLength(1);
        expect(await store.outbox.listActions({ caseId: c, kind: 'ledger_note' })).toHaveLength(1);
        expect((await store.dossiers.getDossier('dos-1'))?.events).toBe(1);
      });

      it('refuses an event for an unknown dossier or another case, writing nothing', async () => {
        await store.cases.saveCase(caseOf('d1'));
        await store.cases.saveCase(caseOf('d2'));
        const c = caseOf('d1').id;
        await store.dossiers.recordDossier(dossier(c), []);
        await expect(
          store.dossiers.applyProcedureEvent({
            ...event(c, 'e1', 'accepted', SUBMITTED),
            event: { ...event(c, 'e1', 'accepted', SUBMITTED).event, dossierId: 'nope' },
          }),
        ).rejects.toThrow(StoreError);
        await expect(
          store.dossiers.applyProcedureEvent({ ...event(caseOf('d2').id, 'e1', 'accepted', SUBMITTED), actions: [] }),
        ).rejects.toThrow(/belongs to case/);
        expect(await store.dossiers.listProcedureEvents('dos-1')).toEqual([]);
        expect((await store.dossiers.getDossier('dos-1'))?.events).toBe(0);
      });
    });

    describe('deliveries and documents', () => {
      const SENT = '2025-03-01T10:00:00.000Z';
      const DUE = '2025-03-01T16:00:00.000Z';

      async function sentLetters(ids: string[]): Promise<string> {
        const c = caseOf('d1');
        await store.outbox.recordDecision(
          decisionInput(c.id, 'formal-notice', {
            actions: ids.map((id) => action(c.id, id, { kind: 'registered_letter', template: 'formal-notice' })),
          }),
        );
        for (const [i, id] of ids.entries()) {
          await store.outbox.completeAction({
            id,
            status: 'done',
            attempts: 1,
            lastError: null,
            at: SENT,
            delivery: {
              channel: 'registered_letter',
              providerId: `pv-${id}`,
              status: 'accepted',
              nextCheckAt: `2025-03-01T1${6 + i}:00:00.000Z`,
            },
          });
        }
        return c.id;
      }

      const check = (
        actionId: string,
        expectedChecks: number,
        over: Partial<DeliveryCheckInput> = {},
      ): DeliveryCheckInput => ({
        actionId,
        expectedChecks,
        status: 'posted',
        eventsSeen: 3,
        proofs: [],
        final: false,
        nextCheckAt: '2025-03-02T10:00:00.000Z',
        lastError: null,
        at: '2025-03-01T16:00:05.000Z',
        ...over,
      });

      it('a done action with a delivery starts its tracking; performing it again keeps the first', async () => {
        const caseId = await sentLetters(['l1']);
        await store.outbox.completeAction({
          id: 'l1',
          status: 'done',
          attempts: 2,
          lastError: null,
          at: LATER,
          delivery: { channel: 'registered_letter', providerId: 'pv-other', status: 'accepted', nextCheckAt: LATER },
        });
        expect(await store.deliveries.getDelivery('l1')).toStrictEqual({
          actionId: 'l1',
          caseId,
          channel: 'registered_letter',
          providerId: 'pv-l1',
          status: 'accepted',
          eventsSeen: 0,
          proofs: [],
          checks: 0,
          final: false,
          nextCheckAt: DUE,
          lastError: null,
          sentAt: SENT,
          updatedAt: SENT,
        });
      });

      it('an attempt that is not done starts no tracking', async () => {
        const c = caseOf('d1');
        await store.outbox.recordDecision(
          decisionInput(c.id, 'reminder-1', { actions: [action(c.id, 's1', { kind: 'sms', template: 'reminder-1' })] }),
        );
        await store.outbox.completeAction({
          id: 's1',
          status: 'pending',
          attempts: 1,
          lastError: 'SMS 503',
          at: SENT,
          notBefore: LATER,
          delivery: { channel: 'sms', providerId: 'x', status: 'queued', nextCheckAt: DUE },
        });
        expect(await store.deliveries.getDelivery('s1')).toBeUndefined();
        expect(await store.deliveries.listDeliveries()).toEqual([]);
      });

      it('claims due deliveries soonest first, each once until its lease runs out', async () => {
        await sentLetters(['l1', 'l2']);
        expect(
          await store.deliveries.claimDelivery({
            now: '2025-03-01T15:59:59.000Z',
            leaseUntil: '2025-03-01T16:10:00.000Z',
          }),
        ).toBeUndefined();
        const first = await store.deliveries.claimDelivery({
          now: '2025-03-01T18:00:00.000Z',
          leaseUntil: '2025-03-01T18:00:20.000Z',
        });
        expect(first?.actionId).toBe('l1');
        expect(first?.nextCheckAt).toBe('2025-03-01T18:00:20.000Z');
        expect(
          (
            await store.deliveries.claimDelivery({
              now: '2025-03-01T18:00:00.000Z',
              leaseUntil: '2025-03-01T18:00:20.000Z',
            })
          )?.actionId,
        ).toBe('l2');
        expect(
          await store.deliveries.claimDelivery({
            now: '2025-03-01T18:00:10.000Z',
            leaseUntil: '2025-03-01T18:00:30.000Z',
          }),
        ).toBeUndefined();
        // Its worker died: the row is taken again once the lease has passed.
        expect(
          (
            await store.deliveries.claimDelivery({
              now: '2025-03-01T18:00:20.000Z',
              leaseUntil: '2025-03-01T18:00:40.000Z',
            })
          )?.actionId,
        ).toBe('l1');
      });

      it('two workers claiming at once never get the same delivery', async () => {
        await sentLetters(['l1']);
        const claims = await Promise.all(
          [1, 2, 3].map(() =>
            store.deliveries.claimDelivery({ now: '2025-03-02T00:00:00.000Z', leaseUntil: '2025-03-02T00:00:20.000Z' }),
          ),
        );
        expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
      });

      it('records a check with its journal and its proof at once, and keeps the bytes exactly', async () => {
        const caseId = await sentLetters(['l1']);
        const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0xfe, 0x80, 0x0a]);
        const doc = {
          id: 'proof:l1:deposit_proof',
          caseId,
          actionId: 'l1',
          kind: 'deposit_proof',
          mediaType: 'application/pdf',
          content: pdf,
          provenAt: '2025-03-02',
          createdAt: '2025-03-01T16:00:05.000Z',
        };
        const recorded = await store.deliveries.recordDeliveryCheck(
          check('l1', 0, {
            proofs: ['deposit_proof'],
            journal: [entry(caseId, 'proof_received', { data: { documentId: doc.id } })],
            documents: [doc],
          }),
        );
        expect(recorded).toBe(true);
        expect(await store.deliveries.getDelivery('l1')).toMatchObject({
          status: 'posted',
          eventsSeen: 3,
          proofs: ['deposit_proof'],
          checks: 1,
          final: false,
          nextCheckAt: '2025-03-02T10:00:00.000Z',
        });
        const sha256 = createHash('sha256').update(pdf).digest('hex');
        const { content: _content, ...meta } = doc;
        expect(await store.deliveries.listDocuments(caseId)).toStrictEqual([{ ...meta, sha256, size: pdf.length }]);
        const read = await store.deliveries.getDocument(doc.id);
        expect(read?.content.equals(pdf)).toBe(true);
        expect(read?.sha256).toBe(sha256);
        expect((await store.cases.readJournal(caseId)).at(-1)).toMatchObject({
          type: 'proof_received',
          data: { documentId: doc.id },
        });
      });

      it('a check started from an older state writes nothing', async () => {
        const caseId = await sentLetters(['l1']);
        expect(await store.deliveries.recordDeliveryCheck(check('l1', 0))).toBe(true);
        const before = (await store.cases.readJournal(caseId)).length;
        const stale = check('l1', 0, {
          status: 'delivered',
          final: true,
          journal: [entry(caseId, 'delivery_status')],
          documents: [
            {
              id: 'proof:l1:x',
              caseId,
              actionId: 'l1',
              kind: 'x',
              mediaType: 'application/pdf',
              content: Buffer.from('%PDF-'),
              provenAt: null,
              createdAt: AT,
            },
          ],
        });
        expect(await store.deliveries.recordDeliveryCheck(stale)).toBe(false);
        expect(await store.deliveries.getDelivery('l1')).toMatchObject({ status: 'posted', checks: 1, final: false });
        expect(await store.cases.readJournal(caseId)).toHaveLength(before);
        expect(await store.deliveries.listDocuments(caseId)).toEqual([]);
      });

      it('the same proof stored twice keeps the first; final deliveries are no longer claimed', async () => {
        const caseId = await sentLetters(['l1']);
        const doc = (content: string) => ({
          id: 'proof:l1:acknowledgement_of_receipt',
          caseId,
          actionId: 'l1',
          kind: 'acknowledgement_of_receipt',
          mediaType: 'application/pdf',
          content: Buffer.from(content),
          provenAt: '2025-03-04',
          createdAt: AT,
        });
        await store.deliveries.recordDeliveryCheck(check('l1', 0, { documents: [doc('%PDF-first')] }));
        await store.deliveries.recordDeliveryCheck(
          check('l1', 1, { status: 'delivered', final: true, documents: [doc('%PDF-second')] }),
        );
        expect((await store.deliveries.getDocument('proof:l1:acknowledgement_of_receipt'))?.content.toString()).toBe(
          '%PDF-first',
        );
        expect(await store.deliveries.listDeliveries({ final: true })).toHaveLength(1);
        expect(await store.deliveries.listDeliveries({ final: false })).toEqual([]);
        expect(
          await store.deliveries.claimDelivery({
            now: '2030-01-01T00:00:00.000Z',
            leaseUntil: '2030-01-01T00:00:20.000Z',
          }),
        ).toBeUndefined();
      });

      it('keepDocument stores a letter once: a second call returns the first bytes, another case is refused', async () => {
        const caseId = await sentLetters(['l1']);
        const letter = (content: string, forCase = caseId) => ({
          id: 'notice:l1',
          caseId: forCase,
          actionId: 'l1',
          kind: 'formal_notice',
          mediaType: 'application/pdf',
          content: Buffer.from(content),
          provenAt: null,
          createdAt: AT,
        });
        const first = await store.deliveries.keepDocument(letter('%PDF-as-sent'));
        expect(first).toMatchObject({
          id: 'notice:l1',
          kind: 'formal_notice',
          sha256: createHash('sha256').update('%PDF-as-sent').digest('hex'),
          size: 12,
        });
        expect((await store.deliveries.keepDocument(letter('%PDF-rendered-again'))).content.toString()).toBe(
          '%PDF-as-sent',
        );
        await store.cases.saveCase(caseOf('d2'));
        await expect(store.deliveries.keepDocument(letter('%PDF-x', caseOf('d2').id))).rejects.toThrow(
          /belongs to case/,
        );
        expect((await store.deliveries.listDocuments(caseId)).map((d) => d.id)).toEqual(['notice:l1']);
      });

      it('refuses a document of another case, writing nothing', async () => {
        const caseId = await sentLetters(['l1']);
        await store.cases.saveCase(caseOf('d2'));
        const foreign = {
          id: 'proof:l1:y',
          caseId: caseOf('d2').id,
          actionId: 'l1',
          kind: 'y',
          mediaType: 'application/pdf',
          content: Buffer.from('%PDF-'),
          provenAt: null,
          createdAt: AT,
        };
        await expect(store.deliveries.recordDeliveryCheck(check('l1', 0, { documents: [foreign] }))).rejects.toThrow(
          StoreError,
        );
        expect(await store.deliveries.getDelivery('l1')).toMatchObject({ checks: 0, status: 'accepted' });
        expect(await store.deliveries.listDocuments(caseId)).toEqual([]);
        expect(await store.deliveries.listDocuments(caseOf('d2').id)).toEqual([]);
      });
    });

    describe('case changes', () => {
      const dispute = { reason: 'wrong price', since: '2025-03-02' };

      async function awaitingCase(): Promise<Case> {
        await saveReceivables(store, [receivable('r1'), receivable('r2')], AT);
        const c = {
          ...(await store.cases.getCase(caseIdOf('d1', 'co1', 'EUR')))!,
          stage: 'awaiting_approval' as const,
          pendingApproval: { stepId: 'formal-notice', index: 2, on: '2025-03-01' },
        };
        await store.cases.saveCase(c);
        return c;
      }

      it('applyCaseChange writes the case, its outbox rows, its items’ annotations and its journal lines', async () => {
        const before = await awaitingCase();
        const after: Case = {
          ...before,
          stage: 'formal_notice',
          pendingApproval: null,
          lastStep: { stepId: 'formal-notice', index: 2, on: '2025-03-02' },
          updatedAt: LATER,
        };
        const actions = [
          action(before.id, 'act-letter', { kind: 'registered_letter' }),
          action(before.id, 'act-note', { kind: 'ledger_note', template: null }),
        ];
        const journal = [
          entry(before.id, 'approved', { actor: { kind: 'user', id: 'claire' }, at: LATER }),
          entry(before.id, 'item_disputed', { at: LATER }),
        ];
        expect(
          await store.cases.applyCaseChange({
            expected: before,
            caseAfter: after,
            actions,
            annotations: [{ receivableId: 'r2', set: { disputed: dispute } }],
            journal,
          }),
        ).toBe(true);
        expect(await store.cases.getCase(before.id)).toStrictEqual(after);
        expect(await store.outbox.listActions({ caseId: before.id })).toStrictEqual(actions);
        expect(await store.cases.readJournal(before.id)).toStrictEqual(journal.map((e, i) => ({ ...e, seq: i + 1 })));
        expect((await store.sync.getReceivable('r2'))?.disputed).toStrictEqual(dispute);
        expect((await store.sync.getReceivable('r1'))?.disputed).toBeNull();
      });

      it('an annotation changes only the keys it names; null clears one', async () => {
        const c = await awaitingCase();
        const promise = { date: '2025-03-20', recordedOn: '2025-03-02' };
        await store.cases.applyCaseChange({
          caseAfter: c,
          annotations: [{ receivableId: 'r1', set: { disputed: dispute, promiseToPay: promise } }],
          journal: [],
        });
        await store.cases.applyCaseChange({
          caseAfter: c,
          annotations: [{ receivableId: 'r1', set: { disputed: null } }],
          journal: [],
        });
        expect(await store.sync.getReceivable('r1')).toStrictEqual({ ...receivable('r1'), promiseToPay: promise });
      });

      it('applyCaseChange writes nothing and returns false when the case changed since it was read', async () => {
        const before = await awaitingCase();
        const meanwhile = { ...before, manualPause: { reason: 'phoned the debtor', until: null }, updatedAt: LATER };
        await store.cases.saveCase(meanwhile);
        const applied = await store.cases.applyCaseChange({
          expected: before,
          caseAfter: { ...before, stage: 'formal_notice', pendingApproval: null, updatedAt: LATER },
          actions: [action(before.id, 'act-1')],
          annotations: [{ receivableId: 'r1', set: { disputed: dispute } }],
          journal: [entry(before.id, 'approved')],
        });
        expect(applied).toBe(false);
        expect(await store.cases.getCase(before.id)).toStrictEqual(meanwhile);
        expect(await store.outbox.listActions({ caseId: before.id })).toEqual([]);
        expect(await store.cases.readJournal(before.id)).toEqual([]);
        expect((await store.sync.getReceivable('r1'))?.disputed).toBeNull();
      });

      it('applyCaseChange returns false for a case the store does not hold', async () => {
        const ghost = caseOf('d9');
        expect(await store.cases.applyCaseChange({ caseAfter: ghost, journal: [entry(ghost.id, 'note')] })).toBe(false);
        expect(await store.cases.getCase(ghost.id)).toBeUndefined();
      });

      it('applies exactly one of two concurrent changes read from the same state', async () => {
        const before = await awaitingCase();
        const change = (who: string) =>
          store.cases.applyCaseChange({
            expected: before,
            caseAfter: { ...before, stage: 'formal_notice', pendingApproval: null, updatedAt: LATER },
            actions: [action(before.id, `act-${who}`, { idempotencyKey: `${before.id}/approved/${who}` })],
            journal: [entry(before.id, 'approved', { actor: { kind: 'user', id: who } })],
          });
        const results = await Promise.all([change('a'), change('b')]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.outbox.listActions({ caseId: before.id })).toHaveLength(1);
        expect(await store.cases.readJournal(before.id)).toHaveLength(1);
      });

      it('rolls everything back when an annotation names an item of another case, naming it', async () => {
        const before = await awaitingCase();
        await saveReceivables(store, [receivable('r-other', { debtorId: 'd2' })], AT);
        const failure = store.cases.applyCaseChange({
          expected: before,
          caseAfter: { ...before, stage: 'reminding', pendingApproval: null, updatedAt: LATER },
          actions: [action(before.id, 'act-1')],
          annotations: [
            { receivableId: 'r1', set: { disputed: dispute } },
            { receivableId: 'r-other', set: { disputed: dispute } },
          ],
          journal: [entry(before.id, 'item_disputed')],
        });
        await expect(failure).rejects.toThrow(StoreError);
        await expect(failure).rejects.toThrow(/"r-other"/);
        expect(await store.cases.getCase(before.id)).toStrictEqual(before);
        expect(await store.outbox.listActions({ caseId: before.id })).toEqual([]);
        expect(await store.cases.readJournal(before.id)).toEqual([]);
        expect((await store.sync.getReceivable('r1'))?.disputed).toBeNull();
      });

      it('refuses rows of another case before writing anything', async () => {
        const c = await awaitingCase();
        await expect(
          store.cases.applyCaseChange({
            caseAfter: { ...c, stage: 'open' },
            journal: [entry(caseOf('d2').id, 'note')],
          }),
        ).rejects.toThrow(/cannot write rows of case/);
        await expect(
          store.cases.applyCaseChange({ caseAfter: c, actions: [action(caseOf('d2').id, 'act-x')], journal: [] }),
        ).rejects.toThrow(StoreError);
        expect(await store.cases.getCase(c.id)).toStrictEqual(c);
      });

      it('rolls back with the transaction it joins', async () => {
        const before = await awaitingCase();
        await expect(
          store.transaction(async (tx) => {
            await tx.cases.applyCaseChange({
              expected: before,
              caseAfter: { ...before, stage: 'reminding', pendingApproval: null, updatedAt: LATER },
              journal: [entry(before.id, 'rejected')],
            });
            throw new Error('caller failed after the change');
          }),
        ).rejects.toThrow('caller failed');
        expect(await store.cases.getCase(before.id)).toStrictEqual(before);
        expect(await store.cases.readJournal(before.id)).toEqual([]);
      });
    });

    describe('ping', () => {
      it('answers while the store is open and fails once it is closed', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        const other = await open();
        await other.migrate();
        await other.close();
        await expect(other.ping()).rejects.toThrow(StoreError);
      });
    });

    describe('sync pages', () => {
      it('savePage saves the records, the quarantined rows and the cursor', async () => {
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { writeDate: '2025-03-01 10:00:00', id: 41 },
          debtors: [debtor('d1')],
          receivables: [receivable('r1'), receivable('r2', { kind: 'credit_note' })],
          payments: [payment('p1', { allocations: [{ receivableId: 'r1', amount: 1000 }] })],
          quarantined: [
            {
              sourceId: '40',
              reason: 'due date before issue date',
              raw: { id: 40, invoice_date_due: '2024-01-01' },
              at: AT,
            },
          ],
          at: AT,
        });
        expect(await store.sync.getDebtor('d1')).toStrictEqual(debtor('d1'));
        expect(await store.sync.getReceivable('r2')).toStrictEqual(receivable('r2', { kind: 'credit_note' }));
        expect((await store.cases.getCase(caseIdOf('d1', 'co1', 'EUR')))?.openedAt).toBe(AT);
        expect((await store.sync.listPaymentsOfReceivable('r1')).map((p) => p.id)).toEqual(['p1']);
        expect(await store.sync.getCursor('odoo-main', 'invoices')).toStrictEqual({
          connection: 'odoo-main',
          stream: 'invoices',
          value: { writeDate: '2025-03-01 10:00:00', id: 41 },
          updatedAt: AT,
        });

        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { writeDate: '2025-03-02 09:00:00', id: 7 },
          at: LATER,
        });
        expect(await store.sync.getCursor('odoo-main', 'invoices')).toStrictEqual({
          connection: 'odoo-main',
          stream: 'invoices',
          value: { writeDate: '2025-03-02 09:00:00', id: 7 },
          updatedAt: LATER,
        });
        expect(await store.sync.getCursor('odoo-main', 'partners')).toBeUndefined();
      });

      it('savePage writes nothing, not even the cursor, when a record in the middle is refused', async () => {
        await saveSyncPage(store, { connection: 'qbo', stream: 'invoices', cursor: { position: 1 }, at: AT });
        // Past the zod schema, only the database's own constraint can catch this one.
        const broken = { ...receivable('r-bad'), open: 99_999_999 };
        const attemptPage = saveSyncPage(store, {
          connection: 'qbo',
          stream: 'invoices',
          cursor: { position: 2 },
          debtors: [debtor('d1')],
          receivables: [receivable('r1'), broken, receivable('r2')],
          quarantined: [{ sourceId: 'x', reason: 'no customer', raw: {}, at: LATER }],
          at: LATER,
        });
        await expect(attemptPage).rejects.toThrow(StoreError);
        await expect(attemptPage).rejects.toThrow(/receivables/);
        expect(await store.sync.getDebtor('d1')).toBeUndefined();
        expect(await store.sync.getReceivable('r1')).toBeUndefined();
        expect(await store.cases.listCases()).toEqual([]);
        expect(await store.sync.listQuarantined()).toEqual([]);
        expect((await store.sync.getCursor('qbo', 'invoices'))?.value).toEqual({ position: 1 });
      });

      it('keeps quarantined records with their reason, one row per source record', async () => {
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'partners',
          cursor: { id: 3 },
          quarantined: [
            { sourceId: '2', reason: 'name is empty', raw: { id: 2, name: '' }, at: AT },
            { sourceId: '3', reason: 'SIREN fails its checksum', raw: { id: 3, siren: '123456789' }, at: AT },
          ],
          at: AT,
        });
        await saveSyncPage(store, {
          connection: 'qbo',
          stream: 'customers',
          cursor: {},
          quarantined: [{ sourceId: '9', reason: 'bad e-mail', raw: null, at: AT }],
          at: AT,
        });
        // An integer beyond 2^53 (decoded as a bigint) is kept as its digits: JSON.stringify threw, and the sync failed on every run.
        await saveSyncPage(store, {
          connection: 'qbo',
          stream: 'invoices',
          cursor: {},
          quarantined: [
            { sourceId: '9007199254740993', reason: 'id beyond 2^53', raw: { id: 9007199254740993n }, at: AT },
          ],
          at: AT,
        });
        expect((await store.sync.listQuarantined('qbo')).find((q) => q.stream === 'invoices')?.raw).toEqual({
          id: '9007199254740993',
        });
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'partners',
          cursor: { id: 4 },
          quarantined: [{ sourceId: '2', reason: 'name is blank', raw: { id: 2, name: ' ' }, at: LATER }],
          at: LATER,
        });
        expect(await store.sync.listQuarantined('odoo-main')).toStrictEqual([
          {
            connection: 'odoo-main',
            stream: 'partners',
            sourceId: '2',
            reason: 'name is blank',
            raw: { id: 2, name: ' ' },
            at: LATER,
          },
          {
            connection: 'odoo-main',
            stream: 'partners',
            sourceId: '3',
            reason: 'SIREN fails its checksum',
            raw: { id: 3, siren: '123456789' },
            at: AT,
          },
        ]);
        expect((await store.sync.listQuarantined()).map((q) => q.connection)).toEqual([
          'odoo-main',
          'odoo-main',
          'qbo',
          'qbo',
        ]);
      });

      it('closures zero the open amount after the page is upserted, and ignore ids the store does not hold', async () => {
        await saveReceivables(
          store,
          [receivable('r1', { sourceVersion: 'v1' }), receivable('r2'), receivable('r3')],
          AT,
        );
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 2 },
          receivables: [receivable('r2', { open: 3000, number: 'F-2025-r2-bis' }), receivable('r4', { open: 5000 })],
          closures: [
            { id: 'r1', reason: 'paid in another ledger' },
            { id: 'r2', reason: 'cancelled at the source' },
            { id: 'ghost', reason: 'deleted at the source' },
          ],
          at: LATER,
        });
        expect(await store.sync.getReceivable('r1')).toStrictEqual(receivable('r1', { sourceVersion: 'v1', open: 0 }));
        // Closed after its upsert: the page's other fields stay, its open amount does not.
        expect(await store.sync.getReceivable('r2')).toStrictEqual(
          receivable('r2', { open: 0, number: 'F-2025-r2-bis' }),
        );
        expect(await store.sync.getReceivable('r3')).toStrictEqual(receivable('r3'));
        expect((await store.sync.getReceivable('r4'))?.open).toBe(5000);
        expect(await store.sync.getReceivable('ghost')).toBeUndefined();
        expect((await store.sync.listOpenReceivableIds('odoo-main')).sort()).toEqual(['r3', 'r4']);
        expect((await store.sync.getCursor('odoo-main', 'invoices'))?.value).toEqual({ position: 2 });
      });

      it('savePage rolls its closures back, and keeps its cursor, when a journal entry of the page is refused', async () => {
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 1 },
          receivables: [receivable('r1')],
          at: AT,
        });
        const caseId = caseIdOf('d1', 'co1', 'EUR');
        const attemptPage = saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 2 },
          receivables: [receivable('r2')],
          closures: [{ id: 'r1', reason: 'cancelled at the source' }],
          journal: [entry(caseId, 'note', { summary: 'r1 cancelled at the source' }), entry('case_missing', 'note')],
          at: LATER,
        });
        await expect(attemptPage).rejects.toThrow(StoreError);
        await expect(attemptPage).rejects.toThrow(/case_missing/);
        expect((await store.sync.getReceivable('r1'))?.open).toBe(12000);
        expect(await store.sync.getReceivable('r2')).toBeUndefined();
        expect(await store.cases.readJournal(caseId)).toEqual([]);
        expect(await store.sync.getCursor('odoo-main', 'invoices')).toStrictEqual({
          connection: 'odoo-main',
          stream: 'invoices',
          value: { position: 1 },
          updatedAt: AT,
        });
      });

      it('savePage rolls its closures back with the transaction it joins', async () => {
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 1 },
          receivables: [receivable('r1')],
          at: AT,
        });
        await expect(
          store.transaction(async (tx) => {
            await saveSyncPage(tx, {
              connection: 'odoo-main',
              stream: 'invoices',
              cursor: { position: 2 },
              closures: [{ id: 'r1', reason: 'paid elsewhere' }],
              at: LATER,
            });
            expect((await tx.sync.getReceivable('r1'))?.open).toBe(0);
            throw new Error('the run is interrupted');
          }),
        ).rejects.toThrow('interrupted');
        expect((await store.sync.getReceivable('r1'))?.open).toBe(12000);
        expect((await store.sync.getCursor('odoo-main', 'invoices'))?.value).toEqual({ position: 1 });
      });

      it('savePage appends its journal entries with consecutive seqs, also to a case the page creates', async () => {
        const other = caseOf('d2');
        await store.cases.saveCase(other);
        await store.cases.appendJournal(entry(other.id, 'case_opened'));
        const created = caseIdOf('d1', 'co1', 'EUR');
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 1 },
          receivables: [receivable('r1')],
          journal: [
            entry(created, 'case_opened', { at: LATER }),
            entry(other.id, 'note', { summary: 'first' }),
            entry(created, 'note', { summary: 'r1 synced', data: { receivableId: 'r1' } }),
            entry(other.id, 'note', { summary: 'second' }),
          ],
          at: LATER,
        });
        expect(await store.cases.readJournal(created)).toStrictEqual([
          { ...entry(created, 'case_opened', { at: LATER }), seq: 1 },
          { ...entry(created, 'note', { summary: 'r1 synced', data: { receivableId: 'r1' } }), seq: 2 },
        ]);
        expect((await store.cases.readJournal(other.id)).map((e) => [e.seq, e.summary])).toEqual([
          [1, 'case_opened entry'],
          [2, 'first'],
          [3, 'second'],
        ]);
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 2 },
          journal: [entry(created, 'payment_received')],
          at: LATER,
        });
        expect((await store.cases.readJournal(created)).map((e) => e.seq)).toEqual([1, 2, 3]);
      });

      it('savePage without a cursor keeps the saved one', async () => {
        await saveSyncPage(store, { connection: 'odoo-main', stream: 'invoices', cursor: { position: 4 }, at: AT });
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          receivables: [receivable('r1')],
          at: LATER,
        });
        expect((await store.sync.getCursor('odoo-main', 'invoices'))?.value).toEqual({ position: 4 });
        expect(await store.sync.getReceivable('r1')).toBeDefined();
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'fresh',
          receivables: [receivable('r2')],
          at: LATER,
        });
        expect(await store.sync.getCursor('odoo-main', 'fresh')).toBeUndefined();
      });

      it('a case whose last open item is settled closes; one escalated waits; a new open item reopens it from the start', async () => {
        const caseId = caseIdOf('d1', 'co1', 'EUR');
        const escalated = caseIdOf('d2', 'co1', 'EUR');
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 1 },
          receivables: [receivable('r1'), receivable('r2'), receivable('r3', { debtorId: 'd2' })],
          at: AT,
        });
        await store.cases.saveCase({
          ...(await store.cases.getCase(caseId))!,
          stage: 'reminding',
          lastStep: { stepId: 'reminder-1', index: 1, on: '2025-02-10' },
        });
        await store.cases.saveCase({ ...(await store.cases.getCase(escalated))!, stage: 'escalated' });
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 2 },
          receivables: [receivable('r1', { open: 0 })],
          at: AT,
        });
        expect((await store.cases.getCase(caseId))!.stage).toBe('reminding');
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 3 },
          closures: [
            { id: 'r2', reason: 'cancelled' },
            { id: 'r3', reason: 'cancelled' },
          ],
          at: LATER,
        });
        expect((await store.cases.getCase(caseId))!.stage).toBe('closed');
        expect((await store.cases.getCase(escalated))!.stage).toBe('escalated');
        expect((await store.cases.readJournal(caseId)).map((e) => e.type)).toEqual(['case_closed']);
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 4 },
          receivables: [receivable('r4')],
          at: LATER,
        });
        const reopened = (await store.cases.getCase(caseId))!;
        expect(reopened).toMatchObject({ stage: 'open', lastStep: null, pendingApproval: null });
        expect((await store.cases.readJournal(caseId)).map((e) => e.type)).toEqual(['case_closed', 'case_opened']);
      });

      it('releases from quarantine the records of its connection and stream that now map, and only those', async () => {
        const rejected = (sourceId: string) => ({ sourceId, reason: 'failed to map', raw: { id: sourceId }, at: AT });
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 1 },
          quarantined: ['move-r1', 'move-r2', 'move-r3', 'partner-d1', 'pay-p1', 'move-r9'].map(rejected),
          at: AT,
        });
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'credit-notes',
          cursor: {},
          quarantined: [rejected('move-r1')],
          at: AT,
        });
        await saveSyncPage(store, {
          connection: 'qbo-main',
          stream: 'invoices',
          cursor: {},
          quarantined: [rejected('move-r1')],
          at: AT,
        });

        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 2 },
          debtors: [debtor('d1')],
          receivables: [
            receivable('r1'),
            // Same source id as a quarantined row, but another connection's record.
            receivable('q2', { source: { system: 'qbo', connection: 'qbo-main', id: 'move-r2' } }),
            receivable('r3'),
          ],
          payments: [payment('p1')],
          // Saved and rejected in one page: the rejection stands.
          quarantined: [{ sourceId: 'move-r3', reason: 'rejected again', raw: null, at: LATER }],
          at: LATER,
        });
        expect((await store.sync.listQuarantined()).map((q) => `${q.connection}/${q.stream}/${q.sourceId}`)).toEqual([
          'odoo-main/credit-notes/move-r1',
          'odoo-main/invoices/move-r2',
          'odoo-main/invoices/move-r3',
          'odoo-main/invoices/move-r9',
          'qbo-main/invoices/move-r1',
        ]);
        expect((await store.sync.listQuarantined('odoo-main')).find((q) => q.sourceId === 'move-r3')?.reason).toBe(
          'rejected again',
        );
      });

      it('keeps a quarantined record in quarantine when the page that maps it fails', async () => {
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          cursor: { position: 1 },
          quarantined: [{ sourceId: 'move-r1', reason: 'no customer', raw: {}, at: AT }],
          at: AT,
        });
        await expect(
          saveSyncPage(store, {
            connection: 'odoo-main',
            stream: 'invoices',
            cursor: { position: 2 },
            receivables: [receivable('r1')],
            journal: [entry('case_missing', 'note')],
            at: LATER,
          }),
        ).rejects.toThrow(/case_missing/);
        expect((await store.sync.listQuarantined()).map((q) => q.sourceId)).toEqual(['move-r1']);
      });
    });

    describe('transactions', () => {
      it('commits and returns what the callback returns', async () => {
        const result = await store.transaction(async (tx) => {
          await tx.sync.upsertDebtors([debtor('d1')]);
          await saveReceivables(tx, [receivable('r1')], AT);
          return 'done';
        });
        expect(result).toBe('done');
        expect(await store.sync.getReceivable('r1')).toStrictEqual(receivable('r1'));
      });

      it('rolls every write back when the callback throws', async () => {
        const c = caseOf('d1');
        await store.cases.saveCase(c);
        await expect(
          store.transaction(async (tx) => {
            await tx.sync.upsertDebtors([debtor('d1')]);
            await saveReceivables(tx, [receivable('r1')], AT);
            await tx.cases.appendJournal(entry(c.id, 'note'));
            await tx.cases.saveCase({ ...c, stage: 'closed' });
            expect(await tx.sync.getReceivable('r1')).toBeDefined();
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.sync.getDebtor('d1')).toBeUndefined();
        expect(await store.sync.getReceivable('r1')).toBeUndefined();
        expect(await store.cases.readJournal(c.id)).toEqual([]);
        expect(await store.cases.getCase(c.id)).toStrictEqual(c);
      });

      it('nested calls join the outer transaction and roll back with it', async () => {
        await expect(
          store.transaction(async (tx) => {
            const innerResult = await tx.transaction(async (inner) => {
              await inner.sync.upsertDebtors([debtor('d1')]);
              await saveSyncPage(inner, {
                connection: 'c',
                stream: 's',
                cursor: { n: 1 },
                receivables: [receivable('r1')],
                at: AT,
              });
              return 42;
            });
            expect(innerResult).toBe(42);
            expect(await tx.sync.getDebtor('d1')).toBeDefined();
            throw new Error('outer fails after the inner one finished');
          }),
        ).rejects.toThrow('outer fails');
        expect(await store.sync.getDebtor('d1')).toBeUndefined();
        expect(await store.sync.getReceivable('r1')).toBeUndefined();
        expect(await store.sync.getCursor('c', 's')).toBeUndefined();
      });
    });

    describe('case snapshots', () => {
      /** Three streamable cases (one of them empty of open items is not), out of insertion order. */
      async function seedSnapshots(): Promise<{ expected: CaseSnapshot[] }> {
        const debtors = [
          debtor('d1'),
          debtor('d2', {
            name: 'Beta SARL',
            flags: { doNotContact: false, insolvency: { kind: 'liquidation', openedOn: '2025-01-10' } },
          }),
          debtor('d3'),
        ];
        await store.sync.upsertDebtors(debtors);
        const items = [
          receivable('r-05', { debtorId: 'd2', dueDate: '2025-02-10' }),
          receivable('r-01', { debtorId: 'd1', dueDate: '2025-03-01' }),
          receivable('r-02', { debtorId: 'd1', dueDate: '2025-01-15', kind: 'credit_note', total: 3000, open: 3000 }),
          receivable('r-03', {
            debtorId: 'd1',
            dueDate: '2025-01-15',
            disputed: { reason: 'quality', since: '2025-02-01' },
          }),
          receivable('r-04', { debtorId: 'd1', dueDate: '2025-01-01', open: 0 }),
          receivable('r-06', { debtorId: 'd1', companyId: 'co2', dueDate: '2025-02-01' }),
          receivable('r-07', { debtorId: 'd3', open: 0 }),
          receivable('r-08', { debtorId: 'd2', dueDate: '2025-01-10', currency: 'USD' }),
          // Its debtor has not been synced: the case exists but cannot be streamed yet.
          receivable('r-09', { debtorId: 'd-unknown' }),
        ];
        await saveReceivables(store, items, AT);
        const byId = new Map(items.map((r) => [r.id, r]));
        const debtorById = new Map(debtors.map((d) => [d.id, d]));
        const groups: [string, string, string, string[]][] = [
          ['d1', 'co1', 'EUR', ['r-02', 'r-03', 'r-01']],
          ['d1', 'co2', 'EUR', ['r-06']],
          ['d2', 'co1', 'EUR', ['r-05']],
          ['d2', 'co1', 'USD', ['r-08']],
        ];
        const expected = groups
          .map(([d, co, cur, ids]) => ({
            case: CaseSchema.parse({
              id: caseIdOf(d, co, cur),
              debtorId: d,
              companyId: co,
              currency: cur,
              stage: 'open',
              openedAt: AT,
              updatedAt: AT,
            }),
            debtor: debtorById.get(d)!,
            items: ids.map((id) => byId.get(id)!),
          }))
          .sort((a, b) => (a.case.id < b.case.id ? -1 : 1));
        return { expected };
      }

      it('streams one snapshot per case, in case id order, with its open items by due date then id, credit notes included', async () => {
        const { expected } = await seedSnapshots();
        expect(await collect(store.cases.streamCaseSnapshots())).toStrictEqual(expected);
      });

      it('streams the same snapshots whatever the batch size, and inside a transaction', async () => {
        const { expected } = await seedSnapshots();
        for (const batchSize of [1, 2, 3, 1000]) {
          expect(await collect(store.cases.streamCaseSnapshots({ batchSize }))).toStrictEqual(expected);
        }
        await store.transaction(async (tx) => {
          for (const batchSize of [1, 2, 3]) {
            expect(await collect(tx.cases.streamCaseSnapshots({ batchSize }))).toStrictEqual(expected);
          }
        });
      });

      it('lets the consumer write to the store while it iterates', async () => {
        const { expected } = await seedSnapshots();
        let seen = 0;
        for await (const snapshot of store.cases.streamCaseSnapshots({ batchSize: 2 })) {
          seen++;
          const input = decisionInput(snapshot.case.id, 'reminder-1', {
            decisionId: `dec-${seen}`,
            actionKey: `key-${seen}`,
            caseAfter: { ...snapshot.case, stage: 'reminding' },
          });
          expect(await store.outbox.recordDecision(input)).toBe(true);
        }
        expect(seen).toBe(expected.length);
        expect((await store.cases.listCases({ stage: 'reminding' })).map((c) => c.id)).toEqual(
          expected.map((s) => s.case.id),
        );
      });

      it('stops cleanly when the consumer breaks out early', async () => {
        await seedSnapshots();
        for await (const snapshot of store.cases.streamCaseSnapshots()) {
          expect(snapshot.items.length).toBeGreaterThan(0);
          break;
        }
        await store.sync.upsertDebtors([debtor('d4')]);
        expect(await store.sync.getDebtor('d4')).toBeDefined();
      });

      it('scanOpenReceivableRows runs the same query and yields one raw row per open item', async () => {
        const { expected } = await seedSnapshots();
        if (!(store instanceof KyselyStore)) throw new Error('scanOpenReceivableRows belongs to KyselyStore');
        const rows = (await collect(store.scanOpenReceivableRows())) as { id: string }[];
        expect(rows.map((r) => r.id)).toEqual(expected.flatMap((s) => s.items.map((i) => i.id)));
      });
    });

    describe('KPI sums', () => {
      it('sum open items by currency, kind and due date, marked items, worked cases’ invoices by stage, sales by day, and cases by stage', async () => {
        await saveReceivables(store, kpiPortfolio(), AT);
        const c = (await store.cases.getCase(caseIdOf('d1', 'co1', 'EUR')))!;
        await store.cases.saveCase({ ...c, stage: 'reminding' });
        const facts = await store.kpis.portfolioFacts({ salesFrom: '2026-01-01', salesTo: '2026-12-05' });
        const byKey = <T extends object>(rows: T[], key: (r: T) => string) =>
          [...rows].sort((a, b) => key(a).localeCompare(key(b)));
        expect(byKey(facts.openItems, (f) => `${f.currency}${f.kind}${f.dueDate}`)).toEqual([
          { currency: 'EUR', kind: 'credit_note', dueDate: '2026-11-01', items: 1, open: 1000 },
          { currency: 'EUR', kind: 'invoice', dueDate: '2026-08-01', items: 1, open: 3000 },
          { currency: 'EUR', kind: 'invoice', dueDate: '2026-11-20', items: 1, open: 5000 },
          { currency: 'EUR', kind: 'invoice', dueDate: '2026-12-10', items: 1, open: 10000 },
          { currency: 'EUR', kind: 'invoice', dueDate: '2027-01-05', items: 1, open: 900 },
          { currency: 'USD', kind: 'invoice', dueDate: '2026-10-01', items: 1, open: 4000 },
        ]);
        expect(facts.marked).toEqual([{ currency: 'EUR', kind: 'invoice', disputed: 5000, excluded: 0 }]);
        // Only the cases past `open` are read through: the USD case is open.
        expect(facts.stages).toEqual([{ currency: 'EUR', stage: 'reminding', items: 4, open: 18900 }]);
        // Paid or not, every item issued in the range; the one issued on the 6th is after it.
        expect(byKey(facts.sales, (f) => `${f.currency}${f.issueDate}`)).toEqual([
          { currency: 'EUR', kind: 'invoice', issueDate: '2026-07-02', total: 3000 },
          { currency: 'EUR', kind: 'credit_note', issueDate: '2026-10-02', total: 1000 },
          { currency: 'EUR', kind: 'invoice', issueDate: '2026-10-21', total: 8000 },
          { currency: 'EUR', kind: 'invoice', issueDate: '2026-11-02', total: 7000 },
          { currency: 'EUR', kind: 'invoice', issueDate: '2026-11-10', total: 10000 },
          { currency: 'USD', kind: 'invoice', issueDate: '2026-09-01', total: 4000 },
        ]);
        expect(byKey(facts.cases, (f) => f.currency)).toEqual([
          { currency: 'EUR', stage: 'reminding', cases: 1 },
          { currency: 'USD', stage: 'open', cases: 1 },
        ]);
      });
      it('read the indexes of migration 0012; on SQLite no sum reads a row, and none sorts but the pipeline’s', async () => {
        await saveReceivables(store, kpiPortfolio(), AT);
        const { store: recording, statements } = recordingStore(store);
        await recording.kpis.portfolioFacts({ salesFrom: '2026-01-01', salesTo: '2026-12-05' });
        expect(statements).toHaveLength(5);
        const [aging, marked, stages, cases, sales] = await Promise.all(statements.map((s) => explain(store, s)));
        expect(marked).toMatch(/receivables_open_marked/);
        expect(sales).toMatch(/receivables_by_issue/);
        // PostgreSQL, without statistics on a table this small, may take either partial index on
        // open > 0 and hash the groups: both read only open rows. SQLite's choice is the plan it keeps.
        if (store.driver === 'sqlite') {
          expect(aging).toMatch(/COVERING INDEX receivables_open_for_kpis/);
          expect(stages).toMatch(/COVERING INDEX receivables_by_case_due/);
          expect(cases).toMatch(/COVERING INDEX cases_by_stage_currency/);
          expect(cases).not.toMatch(/b-tree/i);
          expect(sales).not.toMatch(/b-tree/i);
          expect(aging).not.toMatch(/b-tree/i);
          expect(sales).toMatch(/COVERING INDEX/);
        }
      });
    });

    describe('case summaries and the worklist', () => {
      const EUR_CASE = caseIdOf('d1', 'co1', 'EUR');
      const USD_CASE = caseIdOf('d2', 'co1', 'USD');
      const refresh = () => store.kpis.refreshCaseSummaries();
      const summaryOf = async (id: string) =>
        await kyselyOf(store)
          .selectFrom('cases')
          .select(['open_total', 'open_items', 'oldest_due', 'risk_key', 'summary_rev'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();

      it('a case keeps how late its settled invoices were paid, from the payments the store holds, and it moves the risk order', async () => {
        const late = caseIdOf('h1', 'co1', 'EUR');
        const onTime = caseIdOf('h2', 'co1', 'EUR');
        // The same open invoice on both cases; h1 paid an earlier one 30 days late, h2 on its due date.
        await saveReceivables(
          store,
          [
            receivable('h1-open', { debtorId: 'h1', dueDate: '2026-10-01', total: 50_000, open: 50_000 }),
            receivable('h2-open', { debtorId: 'h2', dueDate: '2026-10-01', total: 50_000, open: 50_000 }),
            receivable('h1-paid', { debtorId: 'h1', dueDate: '2026-06-01', total: 30_000, open: 0 }),
            receivable('h1-paid2', { debtorId: 'h1', dueDate: '2026-07-01', total: 10_000, open: 0 }),
            receivable('h2-paid', { debtorId: 'h2', dueDate: '2026-06-01', total: 30_000, open: 0 }),
          ],
          AT,
        );
        await refresh();
        const lateDays = async (id: string) =>
          (
            await kyselyOf(store)
              .selectFrom('cases')
              .select('paid_late_days')
              .where('id', '=', id)
              .executeTakeFirstOrThrow()
          ).paid_late_days;
        // No payment known yet: no history, and the two cases tie on their facts.
        expect([await lateDays(late), await lateDays(onTime)]).toEqual([null, null]);

        await store.sync.upsertPayments([
          // h1-paid in two payments, the last 30 days after its due date; h1-paid2 10 days early.
          payment('hp1', {
            debtorId: 'h1',
            date: '2026-06-10',
            amount: 10_000,
            allocations: [{ receivableId: 'h1-paid', amount: 10_000 }],
          }),
          payment('hp2', {
            debtorId: 'h1',
            date: '2026-07-01',
            amount: 20_000,
            allocations: [{ receivableId: 'h1-paid', amount: 20_000 }],
          }),
          payment('hp3', {
            debtorId: 'h1',
            date: '2026-06-21',
            amount: 10_000,
            allocations: [{ receivableId: 'h1-paid2', amount: 10_000 }],
          }),
          payment('hp4', {
            debtorId: 'h2',
            date: '2026-06-01',
            amount: 30_000,
            allocations: [{ receivableId: 'h2-paid', amount: 30_000 }],
          }),
        ]);
        // The payments alone made the summaries due: (30,000 × 30 + 10,000 × 0) ÷ 40,000 = 22.5 → 23 days.
        await refresh();
        expect([await lateDays(late), await lateDays(onTime)]).toEqual([23, 0]);

        // A ledger without payment records (Odoo): the day the sync saw the invoice settled, as its
        // journal says; an invoice closed otherwise (no such line) counts for nothing.
        const odoo = caseIdOf('h3', 'co1', 'EUR');
        await saveSyncPage(store, {
          connection: 'c1',
          stream: 'receivables',
          receivables: [
            receivable('h3-open', { debtorId: 'h3', dueDate: '2026-10-01', total: 50_000, open: 50_000 }),
            receivable('h3-paid', { debtorId: 'h3', dueDate: '2026-07-01', total: 20_000, open: 0 }),
            receivable('h3-cancelled', { debtorId: 'h3', dueDate: '2026-03-01', total: 90_000, open: 0 }),
          ],
          journal: [
            {
              caseId: odoo,
              at: '2026-07-01T09:00:00.000Z',
              actor: { kind: 'erp', id: 'c1' },
              type: 'payment_received',
              summary: 'F-2025-h3-paid: 50,00 € paid, 150,00 € still open',
              data: { receivableId: 'h3-paid', openBefore: 20_000, openAfter: 15_000 },
            },
            {
              caseId: odoo,
              at: '2026-07-13T21:30:00.000Z',
              actor: { kind: 'erp', id: 'c1' },
              type: 'payment_received',
              summary: 'F-2025-h3-paid is settled in the ledger (nothing left to pay)',
              data: { receivableId: 'h3-paid', openBefore: 15_000 },
            },
          ],
          at: '2026-07-13T21:30:00.000Z',
        });
        await refresh();
        expect(await lateDays(odoo)).toBe(12);
        const page = await store.kpis.worklist({ sort: 'risk', order: 'desc', limit: 10 });
        // The same open invoice on each: the later payer first.
        expect(page.map((r) => [r.caseId, r.paidLateDays])).toEqual([
          [late, 23],
          [odoo, 12],
          [onTime, 0],
        ]);

        // The ledger takes hp2 off h1-paid: h1's history is computed again, though no allocation
        // names its invoices any more. Its last payment is now hp1's day, 9 days late: 30,000 × 9 ÷ 40,000 → 7.
        await store.sync.upsertPayments([
          payment('hp2', { debtorId: 'h1', date: '2026-07-01', amount: 20_000, allocations: [] }),
        ]);
        await refresh();
        expect(await lateDays(late)).toBe(7);
      });

      it('each case sums its open invoices as they are written, closed and moved; credit notes and paid ones are left out', async () => {
        await saveReceivables(store, kpiPortfolio(), AT);
        await refresh();
        // k1 10,000 + k2 5,000 + k3 3,000 + k7 900; k4 is a credit note, k5 is paid.
        expect(await summaryOf(EUR_CASE)).toMatchObject({
          open_total: 18900,
          open_items: 4,
          oldest_due: '2026-08-01',
          summary_rev: CASE_SUMMARY_REV,
        });
        expect((await summaryOf(EUR_CASE)).risk_key).toBe(
          riskOrderKey({ currency: 'EUR', openTotal: 18900, oldestDue: '2026-08-01' }),
        );
        // k3 paid in the ledger: the oldest open invoice is now k2.
        await saveReceivables(
          store,
          [receivable('k3', { issueDate: '2026-07-02', dueDate: '2026-08-01', total: 3000, open: 0 })],
          AT,
        );
        await refresh();
        expect(await summaryOf(EUR_CASE)).toMatchObject({ open_total: 15900, open_items: 3, oldest_due: '2026-11-20' });
        // k1 moves to the USD debtor's… no: to debtor d2 in EUR, a case of its own; d1's case loses it.
        await saveReceivables(
          store,
          [
            receivable('k1', {
              debtorId: 'd3',
              issueDate: '2026-11-10',
              dueDate: '2026-12-10',
              total: 10000,
              open: 10000,
            }),
          ],
          AT,
        );
        await refresh();
        expect(await summaryOf(EUR_CASE)).toMatchObject({ open_total: 5900, open_items: 2 });
        expect(await summaryOf(caseIdOf('d3', 'co1', 'EUR'))).toMatchObject({
          open_total: 10000,
          open_items: 1,
          oldest_due: '2026-12-10',
        });
        // The sweep closes what the ledger no longer lists.
        await saveSyncPage(store, {
          connection: 'odoo-main',
          stream: 'invoices',
          at: AT,
          closures: [
            { id: 'k2', reason: 'no longer listed' },
            { id: 'k7', reason: 'no longer listed' },
          ],
        });
        await refresh();
        expect(await summaryOf(EUR_CASE)).toMatchObject({ open_total: 0, open_items: 0, oldest_due: null });
        expect(await summaryOf(USD_CASE)).toMatchObject({ open_total: 4000, open_items: 1, oldest_due: '2026-10-01' });
      });

      it('are computed once the changes are done, a case once, however many writes touched it; a batch at a time when asked', async () => {
        await saveReceivables(store, kpiPortfolio(), AT);
        await saveReceivables(
          store,
          [receivable('k8', { dueDate: '2026-12-20', issueDate: '2026-11-20', total: 100, open: 100 })],
          AT,
        );
        // Nothing computed yet: the writes only marked the cases.
        expect(await summaryOf(EUR_CASE)).toMatchObject({ open_total: 0, summary_rev: 0 });
        expect(await store.kpis.refreshCaseSummaries({ max: 1 })).toEqual({ refreshed: 1, pending: 1 });
        expect(await refresh()).toEqual({ refreshed: 1, pending: 0 });
        expect(await refresh()).toEqual({ refreshed: 0, pending: 0 });
        expect(await summaryOf(EUR_CASE)).toMatchObject({
          open_total: 19000,
          open_items: 5,
          summary_rev: CASE_SUMMARY_REV,
        });
      });

      it('summaries missing or computed under older rules are computed when the store is migrated', async () => {
        await saveReceivables(store, kpiPortfolio(), AT);
        await refresh();
        await sql`update cases set open_total = 0, open_items = 0, oldest_due = null, risk_key = 0, summary_rev = 0`.execute(
          kyselyOf(store),
        );
        await store.migrate();
        expect(await summaryOf(EUR_CASE)).toMatchObject({
          open_total: 18900,
          open_items: 4,
          oldest_due: '2026-08-01',
          summary_rev: CASE_SUMMARY_REV,
        });
        expect(await summaryOf(USD_CASE)).toMatchObject({ open_total: 4000, summary_rev: CASE_SUMMARY_REV });
      });

      it('pages through the cases in each order, filtered, by keyset', async () => {
        const many: Receivable[] = [];
        for (let i = 0; i < 30; i++) {
          const debtorId = `w${String(i).padStart(2, '0')}`;
          many.push(
            receivable(`wr${i}`, {
              debtorId,
              issueDate: '2026-06-01',
              dueDate: addDays('2026-07-01', (i * 7) % 30),
              total: 1000 * ((i % 5) + 1),
              open: 1000 * ((i % 5) + 1),
              ...(i % 10 === 0 ? { currency: 'USD' } : {}),
            }),
          );
        }
        await saveReceivables(store, many, AT);
        await refresh();
        // w29's row has not arrived: its case is listed, its name unknown, first by name.
        await store.sync.upsertDebtors(
          Array.from({ length: 29 }, (_, i) =>
            debtor(`w${String(i).padStart(2, '0')}`, { name: i % 2 ? `Zeta ${i}` : `Alpha ${i}` }),
          ),
        );
        await refresh();
        const rows = await kyselyOf(store)
          .selectFrom('cases')
          .select(['id', 'risk_key', 'open_total', 'oldest_due', 'currency'])
          .where('open_total', '>', 0)
          .execute();
        expect(rows).toHaveLength(30);
        const pageThrough = async (q: Omit<WorklistQuery, 'after' | 'limit'>) => {
          const seen: WorklistRow[] = [];
          let after: WorklistQuery['after'];
          for (let guard = 0; guard < 20; guard++) {
            const page = await store.kpis.worklist({ ...q, limit: 7, ...(after ? { after } : {}) });
            seen.push(...page);
            if (page.length < 7) break;
            const last = page[page.length - 1]!;
            after = { value: last.sortValue, id: last.caseId };
          }
          return seen;
        };
        const byRisk = await pageThrough({ sort: 'risk', order: 'desc' });
        const expected = [...rows].sort((a, b) => b.risk_key - a.risk_key || (a.id < b.id ? 1 : -1));
        expect(byRisk.map((r) => r.caseId)).toEqual(expected.map((r) => r.id));
        const byOpen = await pageThrough({ sort: 'open', order: 'asc' });
        expect(byOpen.map((r) => r.openTotal)).toEqual([...rows].map((r) => r.open_total).sort((a, b) => a - b));
        // The fewest days overdue first: the latest due dates first.
        const byDue = await pageThrough({ sort: 'daysOverdue', order: 'asc' });
        expect(byDue.map((r) => r.oldestDue)).toEqual(
          [...rows]
            .map((r) => r.oldest_due)
            .sort()
            .reverse(),
        );
        const byName = await pageThrough({ sort: 'debtor', order: 'asc' });
        expect(byName).toHaveLength(30);
        expect(byName[0]).toMatchObject({ debtorId: 'w29', debtorName: null, connection: null });
        expect(byName.slice(1, 16).every((r) => r.debtorName?.startsWith('Alpha'))).toBe(true);
        expect(byName[1]).toMatchObject({ connection: 'odoo-main' });
        // A debtor renamed in the ledger moves in the name order once its cases are summed again.
        await store.sync.upsertDebtors([debtor('w27', { name: 'Aaron 27' })]);
        await refresh();
        expect((await store.kpis.worklist({ sort: 'debtor', order: 'asc', limit: 2 }))[1]).toMatchObject({
          debtorId: 'w27',
          debtorName: 'Aaron 27',
        });
        // Filters: currency, amount bounds, due date, name (case-insensitive), stage.
        const usd = await pageThrough({ sort: 'risk', order: 'desc', currency: 'USD' });
        expect(usd.map((r) => r.currency)).toEqual(['USD', 'USD', 'USD']);
        const mid = await pageThrough({ sort: 'open', order: 'desc', minOpen: 2000, maxOpen: 3000 });
        expect(mid).toHaveLength(12);
        expect(mid.every((r) => r.openTotal >= 2000 && r.openTotal <= 3000)).toBe(true);
        const old = await pageThrough({ sort: 'risk', order: 'desc', oldestDueOnOrBefore: '2026-07-05' });
        expect(old.every((r) => r.oldestDue! <= '2026-07-05')).toBe(true);
        expect(old.length).toBe(rows.filter((r) => r.oldest_due! <= '2026-07-05').length);
        const zeta = await pageThrough({ sort: 'debtor', order: 'asc', q: 'zETA 1' });
        expect(zeta.map((r) => r.debtorName)).toEqual([
          'Zeta 1',
          'Zeta 11',
          'Zeta 13',
          'Zeta 15',
          'Zeta 17',
          'Zeta 19',
        ]);
        // A % in the search is a character to find, not a wildcard.
        expect(await pageThrough({ sort: 'risk', order: 'desc', q: '%' })).toEqual([]);
        const c = (await store.cases.getCase(byRisk[0]!.caseId))!;
        await store.cases.saveCase({ ...c, stage: 'reminding' });
        expect((await pageThrough({ sort: 'risk', order: 'desc', stage: 'reminding' })).map((r) => r.caseId)).toEqual([
          c.id,
        ]);
        expect((await pageThrough({ sort: 'risk', order: 'desc', q: c.id })).map((r) => r.caseId)).toEqual([c.id]);
        expect(await pageThrough({ sort: 'risk', order: 'desc', connection: 'nowhere' })).toEqual([]);
      });

      it('sums the overdue invoices of a page’s cases as of a date', async () => {
        await saveReceivables(store, kpiPortfolio(), AT);
        await refresh();
        const overdue = await store.kpis.overdueOfCases([EUR_CASE, USD_CASE, 'case_none'], '2026-12-05');
        // k2 5,000 (due 2026-11-20) + k3 3,000 (2026-08-01); k1 and k7 are not yet due.
        expect(Object.fromEntries(overdue)).toEqual({ [EUR_CASE]: 8000, [USD_CASE]: 4000 });
      });

      it('reads each order from its index, without sorting (SQLite plans)', async () => {
        if (store.driver !== 'sqlite') return;
        await saveReceivables(store, kpiPortfolio(), AT);
        await refresh();
        for (const [sort, index] of [
          ['risk', 'cases_worklist_by_risk'],
          ['open', 'cases_worklist_by_open'],
          ['daysOverdue', 'cases_worklist_by_due'],
          ['debtor', 'cases_worklist_by_debtor'],
        ] as const) {
          const { store: recording, statements } = recordingStore(store);
          await recording.kpis.worklist({ sort, order: 'desc', limit: 51, stage: 'open', currency: 'EUR' });
          const plan = await explain(store, statements[0]!);
          expect(plan).toMatch(new RegExp(`INDEX ${index}`));
          expect(plan).not.toMatch(/TEMP B-TREE/i);
        }
      });
    });

    describe('portfolio snapshots', () => {
      it('keep a day’s figures per currency, a day kept again replacing them, and read a range in date order', async () => {
        const kept = (asOf: string, currency: string, receivables: number, dso: number | null) => ({
          asOf,
          currency,
          receivables,
          current: 100,
          overdue: receivables - 100,
          dsoStandard: dso,
          dsoCountback: dso === null ? null : dso + 1.5,
          recordedAt: `${asOf}T20:00:00.000Z`,
        });
        await store.kpis.savePortfolioSnapshots([
          kept('2026-11-30', 'EUR', 1000, 41.2),
          kept('2026-11-30', 'USD', 500, null),
        ]);
        await store.kpis.savePortfolioSnapshots([kept('2026-10-31', 'EUR', 900, 40)]);
        await store.kpis.savePortfolioSnapshots([kept('2026-11-30', 'EUR', 1_234_567_890_123, 43.7)]);
        expect(await store.kpis.portfolioSnapshots({ from: '2026-11-01', to: '2026-12-31' })).toEqual([
          kept('2026-11-30', 'EUR', 1_234_567_890_123, 43.7),
          kept('2026-11-30', 'USD', 500, null),
        ]);
        expect(
          (await store.kpis.portfolioSnapshots({ from: '2026-01-01', to: '2026-12-31' })).map((x) => x.asOf),
        ).toEqual(['2026-10-31', '2026-11-30', '2026-11-30']);
      });
    });

    describe('recovery funnel', () => {
      const at = (day: string) => `${day}T09:00:00.000Z`;
      const move = (c: Case, stage: Case['stage'], day: string) =>
        store.cases.saveCase({ ...c, stage, updatedAt: at(day) });
      const tally = (c: Case, amount: number, day: string) =>
        store.transaction((tx) => tx.kpis.tallyRecoveries([{ caseId: c.id, currency: c.currency, amount }], at(day)));

      it('keeps the day each case first reached each step, whatever path moved it, and counts recoveries at the stage they were made', async () => {
        const paidAfterReminder = caseOf('f1');
        const byFirm = caseOf('f2');
        const writtenOff = caseOf('f3');
        const paidBeforeDunning = caseOf('f4');
        const insertedEscalated = caseOf('f5', { stage: 'escalated', updatedAt: at('2026-11-25') });
        const remindedLastYear = caseOf('f6');
        for (const c of [paidAfterReminder, byFirm, writtenOff, paidBeforeDunning, remindedLastYear])
          await store.cases.saveCase(c);
        await store.cases.saveCase(insertedEscalated);

        await move(paidAfterReminder, 'reminding', '2026-11-02');
        await move(paidAfterReminder, 'reminding', '2026-11-09'); // saved again: the first day stays
        await tally(paidAfterReminder, 30_000, '2026-11-12');
        await tally(paidAfterReminder, 12_345, '2026-11-13');
        await store.cases.moveCases({
          ids: [paidAfterReminder.id],
          from: ['reminding'],
          set: { stage: 'closed' },
          at: at('2026-11-13'),
        });

        await move(byFirm, 'reminding', '2026-11-03');
        await move(byFirm, 'formal_notice', '2026-11-10');
        await move(byFirm, 'awaiting_approval', '2026-11-18');
        await move(byFirm, 'escalated', '2026-11-20');
        await move(byFirm, 'in_procedure', '2026-11-28');
        await tally(byFirm, 250_000, '2026-12-02');
        await move(byFirm, 'closed', '2026-12-03');

        await move(writtenOff, 'reminding', '2026-11-04');
        await store.cases.moveCases({
          ids: [writtenOff.id],
          from: ['reminding'],
          set: { stage: 'closed' },
          at: at('2026-11-30'),
        });

        await tally(paidBeforeDunning, 7_000, '2026-11-05');
        await store.cases.moveCases({
          ids: [paidBeforeDunning.id],
          from: ['open'],
          set: { stage: 'closed' },
          at: at('2026-11-05'),
        });

        await move(remindedLastYear, 'reminding', '2025-10-01');

        // A case reopened keeps the days of its first passage.
        await store.cases.moveCases({
          ids: [paidAfterReminder.id],
          from: ['closed'],
          set: { stage: 'open' },
          at: at('2026-12-04'),
        });
        await move(paidAfterReminder, 'reminding', '2026-12-05');

        const facts = await store.kpis.recoveryFacts({ from: '2025-12-06', to: '2026-12-06' });
        expect(facts.funnel).toEqual([
          { currency: 'EUR', reminded: 4, noticed: 1, escalated: 2, recovered: 2, recoveredAfterEscalation: 1 },
        ]);
        expect(facts.months).toEqual([
          { period: '2026-11', currency: 'EUR', stage: 'open', amount: 7_000, payments: 1 },
          { period: '2026-11', currency: 'EUR', stage: 'reminding', amount: 42_345, payments: 2 },
          { period: '2026-12', currency: 'EUR', stage: 'in_procedure', amount: 250_000, payments: 1 },
        ]);
        expect(facts.countingSince).toMatch(/^\d{4}-\d{2}-\d{2}T/);

        // One month only: December's rows, and no case first reminded in it.
        const december = await store.kpis.recoveryFacts({ from: '2026-12-01', to: '2026-12-31' });
        expect(december.funnel).toEqual([]);
        expect(december.months.map((m) => m.stage)).toEqual(['in_procedure']);
      });

      it('refuses an amount that is not a positive whole number of minor units, naming the case', async () => {
        const c = caseOf('f7');
        await store.cases.saveCase(c);
        await expect(tally(c, 12.5, '2026-12-01')).rejects.toThrow(new RegExp(`${c.id}|12\\.5`));
        await expect(tally(c, 0, '2026-12-01')).rejects.toThrow(/positive whole number/);
        expect((await store.kpis.recoveryFacts({ from: '2026-01-01', to: '2026-12-31' })).months).toEqual([]);
      });

      it('counts the funnel from its covering index alone (SQLite plan)', async () => {
        if (store.driver !== 'sqlite') return;
        const { store: recording, statements } = recordingStore(store);
        await recording.kpis.recoveryFacts({ from: '2025-12-06', to: '2026-12-06' });
        expect(await explain(store, statements[0]!)).toMatch(/COVERING INDEX cases_funnel/);
      });
    });

    describe('sessions', () => {
      const session = (id: string, username: string, expiresAt: string) => ({
        id,
        username,
        createdAt: '2026-12-06T08:00:00Z',
        expiresAt,
        lastSeenAt: '2026-12-06T08:00:00Z',
      });

      it('are kept, moved on when used, and ended one at a time, per person or when expired', async () => {
        await store.sessions.createSession(session('a'.repeat(64), 'claire', '2026-12-06T20:00:00Z'));
        await store.sessions.createSession(session('b'.repeat(64), 'claire', '2026-12-06T09:00:00Z'));
        await store.sessions.createSession(session('c'.repeat(64), 'marc', '2026-12-06T07:00:00Z'));
        expect(await store.sessions.getSession('a'.repeat(64))).toEqual(
          session('a'.repeat(64), 'claire', '2026-12-06T20:00:00Z'),
        );
        expect(await store.sessions.touchSession('a'.repeat(64), '2026-12-06T10:00:00Z', '2026-12-06T22:00:00Z')).toBe(
          true,
        );
        expect(await store.sessions.getSession('a'.repeat(64))).toMatchObject({
          lastSeenAt: '2026-12-06T10:00:00Z',
          expiresAt: '2026-12-06T22:00:00Z',
        });
        expect(await store.sessions.deleteExpiredSessions('2026-12-06T08:30:00Z')).toBe(1);
        expect(await store.sessions.getSession('c'.repeat(64))).toBeUndefined();
        expect(await store.sessions.touchSession('c'.repeat(64), '2026-12-06T10:00:00Z', '2026-12-06T22:00:00Z')).toBe(
          false,
        );
        await store.sessions.deleteSession('b'.repeat(64));
        expect(await store.sessions.getSession('b'.repeat(64))).toBeUndefined();
        await store.sessions.createSession(session('d'.repeat(64), 'claire', '2026-12-07T08:00:00Z'));
        expect(await store.sessions.deleteSessionsOf('claire')).toBe(2);
        expect(await store.sessions.getSession('a'.repeat(64))).toBeUndefined();
      });
    });

    describe('ERP call tallies', () => {
      it('adds reads per connection and month, in the database, and leaves other months alone', async () => {
        await store.erpCalls.addCalls(
          [
            { connection: 'qbo-fr', period: '2026-11', reads: 120 },
            { connection: 'qbo-us', period: '2026-11', reads: 7 },
            { connection: 'qbo-idle', period: '2026-11', reads: 0 },
          ],
          '2026-11-30T23:59:00.000Z',
        );
        await store.erpCalls.addCalls([{ connection: 'qbo-fr', period: '2026-11', reads: 30 }], '2026-11-30T23:59:30Z');
        await store.erpCalls.addCalls([{ connection: 'qbo-fr', period: '2026-12', reads: 5 }], '2026-12-01T00:00:30Z');
        await store.erpCalls.addCalls([], '2026-12-01T00:01:00Z');
        expect(await store.erpCalls.readsIn('2026-11')).toStrictEqual(
          new Map([
            ['qbo-fr', 150],
            ['qbo-us', 7],
          ]),
        );
        expect(await store.erpCalls.readsIn('2026-12')).toStrictEqual(new Map([['qbo-fr', 5]]));
        expect(await store.erpCalls.readsIn('2027-01')).toStrictEqual(new Map());
      });

      it('two writers adding at once lose nothing', async () => {
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.erpCalls.addCalls([{ connection: 'qbo-fr', period: '2026-11', reads: i + 1 }], AT),
          ),
        );
        expect((await store.erpCalls.readsIn('2026-11')).get('qbo-fr')).toBe(55);
      });
    });

    describe('errors', () => {
      it('name the table and the record', async () => {
        const broken = { ...receivable('r-bad'), open: -5 };
        const failure = await saveReceivables(store, [broken], AT).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(StoreError);
        expect((failure as StoreError).table).toBe('receivables');
        expect((failure as StoreError).recordId).toBe('r-bad');
        expect((failure as StoreError).message).toMatch(/receivables "r-bad"/);
      });
    });
  });
}

// ── fixtures: canonical objects, built through the zod schemas so they carry every default ──

const AT = '2025-03-01T09:00:00Z';
const LATER = '2025-03-02T09:30:00+01:00';

function source(id: string): { system: string; connection: string; id: string } {
  return { system: 'odoo', connection: 'odoo-main', id };
}

function debtor(id: string, overrides: Partial<Debtor> = {}): Debtor {
  return DebtorSchema.parse({
    id,
    source: source(`partner-${id}`),
    name: `Debtor ${id}`,
    kind: 'company',
    emails: [`${id}@example.fr`],
    ...overrides,
  });
}

function receivable(id: string, overrides: Partial<Receivable> = {}): Receivable {
  return ReceivableSchema.parse({
    id,
    source: source(`move-${id}`),
    kind: 'invoice',
    number: `F-2025-${id}`,
    debtorId: 'd1',
    companyId: 'co1',
    issueDate: '2025-01-01',
    dueDate: '2025-01-31',
    currency: 'EUR',
    total: 12000,
    open: 12000,
    ...overrides,
  });
}

function payment(id: string, overrides: Partial<Payment> = {}): Payment {
  return PaymentSchema.parse({
    id,
    source: source(`pay-${id}`),
    debtorId: 'd1',
    companyId: 'co1',
    date: '2025-03-01',
    currency: 'EUR',
    amount: 10000,
    ...overrides,
  });
}

function caseOf(debtorId: string, overrides: Partial<Case> = {}): Case {
  return CaseSchema.parse({
    id: caseIdOf(debtorId, 'co1', 'EUR'),
    debtorId,
    companyId: 'co1',
    currency: 'EUR',
    stage: 'open',
    openedAt: AT,
    updatedAt: AT,
    ...overrides,
  });
}

function entry(
  caseId: string,
  type: CaseJournalEntry['type'],
  overrides: Partial<CaseJournalEntry> = {},
): Omit<CaseJournalEntry, 'seq'> {
  return CaseJournalEntrySchema.parse({
    caseId,
    at: AT,
    actor: { kind: 'system', id: 'policy' },
    type,
    summary: `${type} entry`,
    ...overrides,
  });
}

function action(caseId: string, id: string, overrides: Partial<Action> = {}): Action {
  return ActionSchema.parse({
    id,
    idempotencyKey: `${caseId}/${id}`,
    caseId,
    decisionId: null,
    subject: { type: 'decision', decisionId: 'dec-unrecorded' },
    kind: 'email',
    template: 'reminder-1',
    status: 'pending',
    notBefore: AT,
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  });
}

function decisionInput(
  caseId: string,
  stepId: string,
  options: { decisionId?: string; actionKey?: string; actions?: Action[]; caseAfter?: Case } = {},
): RecordDecisionInput {
  const decisionId = options.decisionId ?? `dec-${stepId}`;
  const decision: Decision = {
    id: decisionId,
    idempotencyKey: `${caseId}/${stepId}`,
    caseId,
    stepId,
    stepIndex: 0,
    policyId: 'default-b2b',
    policyVersion: 3,
    asOf: '2025-03-01',
    decidedAt: AT,
    requiresApproval: false,
    evaluation: { step: stepId, items: ['r1'], amount: 12000, reasons: ['overdue 29 days'] },
  };
  const actions = options.actions ?? [
    action(caseId, `act-${decisionId}`, {
      decisionId,
      idempotencyKey: options.actionKey ?? `${caseId}/${stepId}/email`,
    }),
  ];
  const caseAfter =
    options.caseAfter ??
    CaseSchema.parse({
      ...caseShape(caseId),
      stage: 'reminding',
      lastStep: { stepId, index: 0, on: '2025-03-01' },
      lastContactOn: '2025-03-01',
    });
  return {
    decision,
    actions: actions.map((a) => ({ ...a, decisionId: a.decisionId ?? decisionId })),
    journal: [
      entry(caseId, 'decision', { summary: `decided ${stepId}`, data: { stepId } }),
      entry(caseId, 'approval_requested', { summary: 'not needed' }),
    ],
    caseAfter,
  };
}

/** The case row the fixtures' receivables of debtor d1 (or the case id's own debtor) create. */
function caseShape(caseId: string): Case {
  for (const d of ['d1', 'd2', 'd3', 'd4', 'd9']) {
    for (const co of ['co1', 'co2']) {
      for (const cur of ['EUR', 'USD']) {
        if (caseIdOf(d, co, cur) === caseId)
          return CaseSchema.parse({
            id: caseId,
            debtorId: d,
            companyId: co,
            currency: cur,
            stage: 'open',
            openedAt: AT,
            updatedAt: AT,
          });
      }
    }
  }
  throw new Error(`no fixture debtor has case ${caseId}`);
}

function kyselyOf(store: Store) {
  if (!(store instanceof KyselyStore)) throw new Error('raw SQL needs a KyselyStore');
  return store.kysely;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * A store over the same database that records every statement it sends, compiled, for the
 * tests that are about cost (how many statements) and plans (which index).
 */
function recordingStore(store: Store): { store: KyselyStore; statements: CompiledQuery[] } {
  const db = kyselyOf(store);
  const statements: CompiledQuery[] = [];
  const recorder: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      statements.push(db.getExecutor().compileQuery(node, queryId));
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { store: new KyselyStore(db.withPlugin(recorder), { driver: store.driver }), statements };
}

/**
 * The plan of a statement, as text. PostgreSQL plans a sequential scan for tables this small
 * whatever the indexes, so it is asked for its best plan without one.
 */
async function explain(store: Store, statement: CompiledQuery): Promise<string> {
  const db = kyselyOf(store);
  if (store.driver === 'sqlite') {
    const plan = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]),
    );
    return plan.rows.map((r) => r.detail).join('\n');
  }
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const plan = await trx.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain ${statement.sql}`, [...statement.parameters]),
    );
    return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

/** A small portfolio whose KPI sums are worked out by hand in the contract and in test/kpis/overview.test.ts. */
export function kpiPortfolio(): Receivable[] {
  return [
    receivable('k1', { issueDate: '2026-11-10', dueDate: '2026-12-10', total: 10000, open: 10000 }),
    receivable('k2', {
      issueDate: '2026-10-21',
      dueDate: '2026-11-20',
      total: 8000,
      open: 5000,
      disputed: { reason: 'price', since: '2026-11-25' },
    }),
    receivable('k3', { issueDate: '2026-07-02', dueDate: '2026-08-01', total: 3000, open: 3000 }),
    receivable('k4', { kind: 'credit_note', issueDate: '2026-10-02', dueDate: '2026-11-01', total: 1000, open: 1000 }),
    receivable('k5', { issueDate: '2026-11-02', dueDate: '2026-12-02', total: 7000, open: 0 }),
    receivable('k6', {
      debtorId: 'd2',
      currency: 'USD',
      issueDate: '2026-09-01',
      dueDate: '2026-10-01',
      total: 4000,
      open: 4000,
    }),
    receivable('k7', { issueDate: '2026-12-06', dueDate: '2027-01-05', total: 900, open: 900 }),
  ];
}
