import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon } from '../../connector/app/cli/run-command';
import { DEMO_MARKER, DemoFolderRefused, prepareDemoFolder } from '../../connector/app/demo/demo-folder';

/**
 * `recouvra demo --data-dir DIR` clears only a folder the demo made: a user's folder is refused
 * and left byte for byte as it was; the demo's own folder is reused run after run.
 */

const silent = new Writable({ write: (_c, _e, done) => done() });
const tmp = () => mkdtempSync(join(tmpdir(), 'recouvra-demo-folder-'));

describe('the demo data folder', () => {
  it('refuses a folder holding a user file and leaves it byte for byte', async () => {
    const dir = tmp();
    const budget = randomBytes(4096);
    writeFileSync(join(dir, 'budget.xlsx'), budget);
    await expect(
      startDaemon({ clockSpeed: 86_400, demoInvoices: 20, seed: 1, dataDir: dir }, silent, { log: { level: 'error' } }),
    ).rejects.toThrow(DemoFolderRefused);
    await expect(
      startDaemon({ clockSpeed: 86_400, demoInvoices: 20, seed: 1, dataDir: dir }, silent, { log: { level: 'error' } }),
    ).rejects.toThrow(`the demo will not use ${dir}: it is not empty (budget.xlsx)`);
    expect(readdirSync(dir)).toEqual(['budget.xlsx']);
    expect(readFileSync(join(dir, 'budget.xlsx')).equals(budget)).toBe(true);
  });

  it('refuses a production store given by mistake (a folder with recouvra.sqlite and no marker)', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'recouvra.sqlite'), 'production bytes');
    expect(() => prepareDemoFolder(dir)).toThrow(/not created by the demo \(no \.recouvra-demo file in it\)/);
    expect(readFileSync(join(dir, 'recouvra.sqlite'), 'utf8')).toBe('production bytes');
  });

  it('refuses the folder of a demo run before the marker existed, and says how to start again', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'mail'));
    writeFileSync(join(dir, 'mail', 'a.eml'), 'old mail');
    writeFileSync(join(dir, 'recouvra.sqlite'), 'old store');
    expect(() => prepareDemoFolder(dir)).toThrow(
      `if it is the folder of an earlier demo, delete it yourself (rm -r ${dir})`,
    );
    expect(readFileSync(join(dir, 'recouvra.sqlite'), 'utf8')).toBe('old store');
    expect(readFileSync(join(dir, 'mail', 'a.eml'), 'utf8')).toBe('old mail');
  });

  it('refuses a path that is a file, and a marker file that the demo did not write', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(() => prepareDemoFolder(join(dir, 'notes.txt'))).toThrow('it is not a folder');
    writeFileSync(join(dir, DEMO_MARKER), '');
    expect(() => prepareDemoFolder(dir)).toThrow(DemoFolderRefused);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('x');
  });

  it('creates a missing folder, or takes an empty one, with its marker', () => {
    const parent = tmp();
    const created = prepareDemoFolder(join(parent, 'a', 'b'));
    expect(readdirSync(created)).toEqual([DEMO_MARKER]);
    const empty = join(parent, 'empty');
    mkdirSync(empty);
    prepareDemoFolder(empty);
    expect(readFileSync(join(empty, DEMO_MARKER), 'utf8')).toContain('created by `recouvra demo`');
  });

  it('still takes the folder of a demo run before `recouvra demo` existed (its marker names `recouvra run`)', () => {
    const dir = tmp();
    writeFileSync(join(dir, DEMO_MARKER), 'This folder was created by `recouvra run` (the demo) and belongs to it.\n');
    writeFileSync(join(dir, 'recouvra.sqlite'), 'old store');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    prepareDemoFolder(dir);
    expect(readdirSync(dir).sort()).toEqual([DEMO_MARKER, 'notes.txt']);
  });

  it('reuses the folder of an earlier demo run: its store and mail start afresh, a file someone put there stays', async () => {
    const dir = join(tmp(), 'demo');
    const first = await startDaemon({ clockSpeed: 86_400, demoInvoices: 20, seed: 1, dataDir: dir }, silent, {
      log: { level: 'error' },
    });
    await first.stop();
    expect(existsSync(join(dir, 'recouvra.sqlite'))).toBe(true);
    writeFileSync(join(dir, 'mail', 'old.eml'), 'from the first run');
    // Were the old store kept, the second start could not open it.
    writeFileSync(join(dir, 'recouvra.sqlite'), 'left over from the first run');
    writeFileSync(join(dir, 'my-notes.txt'), 'kept');
    const second = await startDaemon({ clockSpeed: 86_400, demoInvoices: 20, seed: 1, dataDir: dir }, silent, {
      log: { level: 'error' },
    });
    try {
      expect(readFileSync(join(dir, 'recouvra.sqlite')).subarray(0, 15).toString()).toBe('SQLite format 3');
      expect(existsSync(join(dir, 'mail', 'old.eml'))).toBe(false);
      expect(readFileSync(join(dir, 'my-notes.txt'), 'utf8')).toBe('kept');
      expect(existsSync(join(dir, DEMO_MARKER))).toBe(true);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
