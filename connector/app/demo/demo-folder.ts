import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The demo's data folder. The demo starts from a clean store every time, so it clears its folder
 * at start — but only a folder it made itself: a marker file written when it creates the folder
 * says so. A folder without the marker that holds anything (a spreadsheet, a production store
 * given by mistake as `--data-dir ./data`) is refused and left exactly as it was.
 */

export const DEMO_MARKER = '.recouvra-demo';

/** What the demo writes into its folder; only these are cleared at the next start. */
export const DEMO_ENTRIES = [
  'recouvra.sqlite',
  'recouvra.sqlite-wal',
  'recouvra.sqlite-shm',
  'recouvra.sqlite-journal',
  'mail',
  'recouvra.yaml',
  'demo.env',
  'sage100.sqlite',
  'sage100.sqlite-journal',
] as const;

const MARKER_TEXT = [
  'This folder was created by `recouvra demo` and belongs to it.',
  'The demo clears what it wrote here (its SQLite store, the mail folder, its configuration and',
  'environment files, the Sage 100 file it reads) every time it starts. Other files are left alone.',
  'Remove this file and the demo will refuse to use the folder.',
  '',
].join('\n');

export class DemoFolderRefused extends Error {
  constructor(
    readonly folder: string,
    reason: string,
  ) {
    super(
      `the demo will not use ${folder}: ${reason}. Give --data-dir a new or empty folder (default ./data/demo); nothing in ${folder} was changed`,
    );
    this.name = 'DemoFolderRefused';
  }
}

/**
 * Makes `dir` ready for a fresh demo run and returns its absolute path: created with its marker
 * when missing or empty, cleared of the demo's own files when it carries the marker, refused
 * (DemoFolderRefused, nothing touched) otherwise.
 */
export function prepareDemoFolder(dir: string): string {
  const folder = resolve(dir);
  if (!existsSync(folder)) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, DEMO_MARKER), MARKER_TEXT);
    return folder;
  }
  if (!statSync(folder).isDirectory()) throw new DemoFolderRefused(folder, 'it is not a folder');
  const entries = readdirSync(folder);
  if (entries.length === 0) {
    writeFileSync(join(folder, DEMO_MARKER), MARKER_TEXT);
    return folder;
  }
  if (!isMarker(join(folder, DEMO_MARKER))) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? `, … (${entries.length} entries)` : '');
    // A folder of a demo run before the marker existed looks like this; it is still not ours to delete.
    const earlierDemo =
      entries.every((e) => (DEMO_ENTRIES as readonly string[]).includes(e)) && entries.includes('mail');
    const hint = earlierDemo
      ? `; if it is the folder of an earlier demo, delete it yourself (rm -r ${folder}) and start again`
      : '';
    throw new DemoFolderRefused(
      folder,
      `it is not empty (${shown}) and was not created by the demo (no ${DEMO_MARKER} file in it)${hint}`,
    );
  }
  for (const name of DEMO_ENTRIES) rmSync(join(folder, name), { recursive: true, force: true });
  return folder;
}

/** The marker's first words; a folder made before the demo had its own command says `recouvra run`. */
const MARKER_STARTS = ['This folder was created by `recouvra demo`', 'This folder was created by `recouvra run`'];

function isMarker(path: string): boolean {
  try {
    if (!lstatSync(path).isFile()) return false;
    const text = readFileSync(path, 'utf8');
    return MARKER_STARTS.some((start) => text.startsWith(start));
  } catch {
    return false;
  }
}
