import { procedureStateOf } from '../../mappings/lawfirm/status-words';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARCHIVE_DIR, FileDropPartner, REJECTED_DIR } from '../../adapters/lawfirm/file-drop';
import { FileDropFirm } from '../../adapters/lawfirm/simulator/file-drop-firm';
import { LawFirmLink } from '../../connector/lawfirm/link';
import type { Dossier } from '../../connector/model/dossier.schema';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import {
  INVOICE,
  makeFolders,
  NOTICE,
  PROOF,
  removeFolders,
  sampleDossier,
  type Folders,
} from '../adapters/lawfirm/file-drop/fixtures';
import { CASE_ID, handClock, R1, R2, seed } from '../cases/case-fixtures';
import { memoryLogger } from '../helpers/logger';

/**
 * The connector's end of the file drop, against the simulated firm: a dossier handed over by
 * FileDropPartner, the firm's status files read by LawFirmLink.poll into a real SQLite store —
 * each event applied once, across crashes and re-deliveries, every good file archived, a bad
 * one set aside with its reason.
 */

const START = '2026-04-20T08:00:00.000Z';
const PARTNER = 'cabinet';

let folders: Folders | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  await removeFolders(folders);
  folders = undefined;
});

/** The dossier of the seeded case: its claim lines are the case's invoices R1 and R2. */
function caseDossier(): Dossier {
  const base = sampleDossier();
  const numbers = [R1.number, R2.number];
  return sampleDossier({
    id: 'dos-file-drop-1',
    caseId: CASE_ID,
    claim: { ...base.claim, lines: base.claim.lines.map((l, i) => ({ ...l, number: numbers[i]!, documentRef: null })) },
  });
}

interface World {
  folders: Folders;
  store: Store;
  firm: FileDropFirm;
  partner: FileDropPartner;
  link: LawFirmLink;
  clock: ReturnType<typeof handClock>;
  fileId: string;
  dossier: Dossier;
  logger: ReturnType<typeof memoryLogger>['logger'];
}

async function world(): Promise<World> {
  folders = await makeFolders();
  store = await openSqliteStore(':memory:');
  await store.migrate();
  await seed(store);
  await store.cases.saveCase({ ...(await store.cases.getCase(CASE_ID))!, stage: 'escalated' });
  const clock = handClock(START);
  const { logger } = memoryLogger('debug');
  const firm = new FileDropFirm({ outbound: folders.outbound, inbound: folders.inbound, seed: 1, startAt: START });
  // A path with many steps, several status files and two recoveries.
  firm.controls.usePath('ip_no_opposition');
  const partner = new FileDropPartner({ outbound: folders.outbound, inbound: folders.inbound, clock });
  const dossier = caseDossier();
  const { fileId } = await partner.submit({
    dossier,
    documents: [INVOICE, NOTICE, PROOF],
    idempotencyKey: `${CASE_ID}/dossier/1`,
  });
  await store.dossiers.recordDossier(
    {
      id: dossier.id,
      caseId: CASE_ID,
      actionId: null,
      partner: PARTNER,
      fileId,
      status: 'submitted',
      state: 'submitted',
      stateAt: START,
      events: 0,
      content: JSON.parse(JSON.stringify(dossier)) as Record<string, unknown>,
      submittedAt: START,
      updatedAt: START,
    },
    [],
  );
  const link = new LawFirmLink({ stateOf: procedureStateOf, id: PARTNER, partner, store, clock, logger });
  return { folders, store, firm, partner, link, clock, fileId, dossier, logger };
}

/** The firm's clock moves `days`, it scans, and the connector (its clock in step) polls. */
async function step(w: World, days: number, link = w.link): Promise<Awaited<ReturnType<LawFirmLink['poll']>>> {
  w.firm.clock.advanceDays(days);
  w.clock.set(w.firm.clock.now().toISOString());
  await w.firm.scan();
  return link.poll();
}

const ls = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [] as string[])).sort();
const firmIds = (w: World) => w.firm.events().map((e) => e.id);
const appliedIds = async (w: World) =>
  (await w.store.dossiers.listProcedureEvents(w.dossier.id)).map((e) => e.id.slice(`${PARTNER}:`.length));
const journalIds = async (w: World) =>
  (await w.store.cases.readJournal(CASE_ID)).filter((j) => j.type === 'procedure_event').map((j) => j.data['eventId']);

/** A store whose page writing dies once when it is about to save a cursor: the process crashed after applying a page. */
function crashingOnCursorSave(real: Store): { store: Store; crashNext: () => void } {
  let crash = false;
  const crashingTx = (tx: Store): Store => {
    const sync = Object.create(tx.sync) as Store['sync'];
    sync.writePage = (page) => {
      if (crash && page.cursor !== undefined) {
        crash = false;
        return Promise.reject(new Error('process killed before the cursor was saved'));
      }
      return tx.sync.writePage(page);
    };
    const bound = Object.create(tx) as Store;
    Object.defineProperty(bound, 'sync', { value: sync });
    return bound;
  };
  const proxy = new Proxy(real, {
    get(target, prop) {
      if (prop === 'transaction')
        return <T>(fn: (tx: Store) => Promise<T>) => target.transaction((tx) => fn(crashingTx(tx)));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, crashNext: () => void (crash = true) };
}

describe('file drop, connector end: LawFirmLink.poll over FileDropPartner against the simulated firm', () => {
  test('every event of the path is applied once, journalled in order, and its status file archived', async () => {
    const w = await world();
    let applied = 0;
    let duplicates = 0;
    for (let day = 0; day < 400; day += 5) {
      const polled = await step(w, 5);
      applied += polled.applied;
      duplicates += polled.duplicates;
      expect(polled.refused).toBe(0);
    }
    const types = w.firm.events().map((e) => e.type);
    expect(types).toEqual([
      'submitted',
      'accepted',
      'filed',
      'order_issued',
      'served',
      'enforceable_title',
      'enforcement',
      'partial_recovery',
      'partial_recovery',
      'recovered',
      'closed',
    ]);
    expect(applied).toBe(types.length);
    expect(duplicates).toBe(0);
    expect(await appliedIds(w)).toEqual(firmIds(w));
    expect((await w.store.dossiers.listProcedureEvents(w.dossier.id)).map((e) => e.seq)).toEqual(
      types.map((_, i) => i + 1),
    );
    expect(await journalIds(w)).toEqual(firmIds(w));
    // The acknowledgement is the event `accepted`; the recoveries carry their amounts.
    const stored = await w.store.dossiers.listProcedureEvents(w.dossier.id);
    expect(stored[1]).toMatchObject({ state: 'accepted', sourceState: 'accepted' });
    expect(
      stored
        .filter((e) => e.data['amount'])
        .map((e) => (e.data['amount'] as { amount: number }).amount)
        .reduce((a, b) => a + b, 0),
    ).toBe(w.dossier.claim.total);
    expect(await w.store.dossiers.getDossier(w.dossier.id)).toMatchObject({ status: 'closed', state: 'closed' });
    expect((await w.store.cases.getCase(CASE_ID))?.stage).toBe('closed');

    // The last page is archived by the next poll; then inbound holds nothing but its archive.
    const last = await w.link.poll();
    expect(last).toMatchObject({ applied: 0, duplicates: 0 });
    expect(await ls(w.folders.inbound)).toEqual([ARCHIVE_DIR]);
    expect(await ls(join(w.folders.inbound, ARCHIVE_DIR))).toEqual(w.firm.statusFiles().map((f) => f.name));
    expect(w.firm.statusFiles().length).toBeGreaterThan(5);
  });

  test('a crash after applying a page, before its cursor is saved, applies nothing twice: a fresh partner and link read the same files again', async () => {
    const w = await world();
    await step(w, 1); // submitted
    const crashing = crashingOnCursorSave(w.store);
    const doomed = new LawFirmLink({
      stateOf: procedureStateOf,
      id: PARTNER,
      partner: w.partner,
      store: crashing.store,
      clock: w.clock,
      logger: w.logger,
    });
    crashing.crashNext();
    // accepted, filed, order_issued: applied, then the process dies.
    await expect(step(w, 40, doomed)).rejects.toThrow('process killed');
    const afterCrash = await appliedIds(w);
    expect(afterCrash).toEqual(firmIds(w));
    expect(afterCrash.length).toBeGreaterThanOrEqual(4);
    const pending = (await ls(w.folders.inbound)).filter((n) => n.endsWith('.xml'));
    expect(pending.length).toBeGreaterThan(0);

    // Restart: new partner, new link, the cursor saved before the crash.
    const partner = new FileDropPartner({ outbound: w.folders.outbound, inbound: w.folders.inbound, clock: w.clock });
    const link = new LawFirmLink({
      stateOf: procedureStateOf,
      id: PARTNER,
      partner,
      store: w.store,
      clock: w.clock,
      logger: w.logger,
    });
    const replayed = await link.poll();
    expect(replayed).toMatchObject({ applied: 0, refused: 0 });
    expect(replayed.duplicates).toBe(afterCrash.length - 1);
    expect(await appliedIds(w)).toEqual(afterCrash);
    expect(await journalIds(w)).toEqual(afterCrash);

    // The same page read with the old cursor once more (the cursor saved now covers it): nothing again.
    const old = await w.store.sync.getCursor(PARTNER, 'procedure-events');
    expect((await partner.events(old?.value['next'] as string)).events).toEqual([]);

    // And the rest of the path goes on, once each.
    for (let day = 0; day < 400; day += 20) await step(w, 20, link);
    await link.poll();
    expect(await appliedIds(w)).toEqual(firmIds(w));
    expect(new Set(firmIds(w)).size).toBe(firmIds(w).length);
    expect(await ls(join(w.folders.inbound, ARCHIVE_DIR))).toEqual(w.firm.statusFiles().map((f) => f.name));
  });

  test('a bad status file is set aside in rejected/ with its reason; duplicated and out-of-order events are applied once, the state the latest by occurrence', async () => {
    const w = await world();
    w.firm.controls.damageNext(1, 'truncated');
    w.firm.controls.duplicateNextEvents(1);
    const first = await step(w, 1);
    expect(first).toMatchObject({ applied: 1, duplicates: 1, refused: 0 });
    const [bad] = w.firm.statusFiles().filter((f) => f.damage);
    expect(bad).toBeDefined();

    w.firm.controls.deliverOutOfOrder();
    const second = await step(w, 60); // several steps in one file, newest first
    expect(second.applied).toBeGreaterThanOrEqual(3);
    const outOfOrder = w.firm.statusFiles().at(-1)!;
    expect(Date.parse(outOfOrder.items[0]!.occurredAt)).toBeGreaterThan(
      Date.parse(outOfOrder.items.at(-1)!.occurredAt),
    );
    // Journalled in the order read (file order), the dossier's state is the latest by occurrence.
    const good = w.firm.statusFiles().filter((f) => !f.damage && !f.duplicate);
    expect(await journalIds(w)).toEqual(good.flatMap((f) => f.items.map((i) => i.id)));
    expect(good.at(-1)).toBe(outOfOrder);
    const latest = [...w.firm.events()].sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt))[0]!;
    expect((await w.store.dossiers.getDossier(w.dossier.id))?.state).toBe(latest.type);
    w.firm.controls.deliverOutOfOrder(false);

    for (let day = 0; day < 400; day += 20) await step(w, 20);
    await w.link.poll();
    const ids = await appliedIds(w);
    expect(ids).toHaveLength(w.firm.events().length);
    expect(new Set(ids)).toEqual(new Set(firmIds(w)));
    expect(await w.store.dossiers.getDossier(w.dossier.id)).toMatchObject({ status: 'closed', state: 'closed' });

    expect(await ls(join(w.folders.inbound, REJECTED_DIR))).toEqual([bad!.name, `${bad!.name}.reason.txt`]);
    const reason = await readFile(join(w.folders.inbound, REJECTED_DIR, `${bad!.name}.reason.txt`), 'utf8');
    expect(reason).toContain(`status file: ${bad!.name}`);
    expect(reason).toMatch(/not well-formed XML/);
    expect(await ls(join(w.folders.inbound, ARCHIVE_DIR))).toEqual(
      w.firm
        .statusFiles()
        .filter((f) => !f.damage)
        .map((f) => f.name),
    );
    expect((await ls(w.folders.inbound)).filter((n) => n.endsWith('.xml'))).toEqual([]);
  });
});
