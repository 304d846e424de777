import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from './errors';
import { TEMPORARY_PREFIX } from './layout';

/**
 * Writes that are never seen half done. Everything is written under a name starting with "."
 * (which every reader skips), flushed to disk, then renamed into view in one step: a rename is
 * atomic within one file system, so a reader sees the whole folder or nothing.
 */

/** Test seam: lets a test pause a write (to look at the folder meanwhile) or stop it for good (a crash). */
export interface FileDropHooks {
  /** Called after each file is written and flushed under its temporary name, before anything is renamed into view. */
  afterTemporaryWrite?(path: string): Promise<void> | void;
}

export function temporaryName(): string {
  return `${TEMPORARY_PREFIX}${randomBytes(8).toString('hex')}`;
}

/** Creates `path` (never overwrites), writes `data`, flushes it to disk. */
export async function writeDurable(path: string, data: Buffer | string): Promise<void> {
  const handle = await open(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Flushes a folder's entries (the names created or renamed in it), so that a rename survives a
 * power cut. Windows cannot open a folder for this; NTFS journals the rename itself.
 */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } catch (error) {
    // Some network file systems refuse fsync on a folder; the rename has still happened.
    if (!isErrno(error, 'EINVAL', 'ENOTSUP', 'EBADF')) throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Renames a finished temporary folder to `target`, unless `target` exists: renaming a folder
 * onto a non-empty one fails (ENOTEMPTY/EEXIST on POSIX, EPERM on Windows), so two writers
 * racing for the same name cannot both win, and what is there is never replaced.
 */
export async function publishDirectory(temporary: string, target: string): Promise<'published' | 'exists'> {
  try {
    await rename(temporary, target);
    return 'published';
  } catch (error) {
    if (isErrno(error, 'ENOTEMPTY', 'EEXIST') || (isErrno(error, 'EPERM', 'EACCES') && (await exists(target))))
      return 'exists';
    throw error;
  }
}

/**
 * Gives a finished temporary file its final name unless that name is taken. A hard link fails
 * when the target exists, where a rename would silently replace it; on a share without hard
 * links, the check-then-rename fallback leaves a small race, which only matters to two writers
 * choosing the same name at the same instant.
 */
export async function publishFile(temporary: string, target: string): Promise<'published' | 'exists'> {
  try {
    await link(temporary, target);
    await unlink(temporary);
    return 'published';
  } catch (error) {
    if (isErrno(error, 'EEXIST')) {
      await rm(temporary, { force: true });
      return 'exists';
    }
    if (!isErrno(error, 'EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP', 'EXDEV')) throw error;
  }
  if (await exists(target)) {
    await rm(temporary, { force: true });
    return 'exists';
  }
  await rename(temporary, target);
  return 'published';
}

/** Writes a whole folder of files under a temporary name in `parent`, then publishes it as `parent/name`. */
export async function writeFolderAtomically(
  parent: string,
  name: string,
  files: readonly { name: string; content: Buffer | string }[],
  hooks: FileDropHooks = {},
): Promise<'published' | 'exists'> {
  const temporary = join(parent, temporaryName());
  await mkdir(temporary);
  try {
    for (const file of files) {
      const path = join(temporary, file.name);
      await writeDurable(path, file.content);
      await hooks.afterTemporaryWrite?.(path);
    }
    await syncDirectory(temporary);
    const outcome = await publishDirectory(temporary, join(parent, name));
    if (outcome === 'exists') await rm(temporary, { recursive: true, force: true });
    else await syncDirectory(parent);
    return outcome;
  } catch (error) {
    // A failure we see (not a crash) cleans up; a crash leaves a hidden folder nobody reads.
    await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

/** Writes one file under a temporary name in `dir`, then publishes it as `dir/name` (never replacing one). */
export async function writeFileAtomically(
  dir: string,
  name: string,
  content: Buffer | string,
): Promise<'published' | 'exists'> {
  const temporary = join(dir, `${temporaryName()}.tmp`);
  try {
    await writeDurable(temporary, content);
    const outcome = await publishFile(temporary, join(dir, name));
    if (outcome === 'published') await syncDirectory(dir);
    return outcome;
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Writes one file under a temporary name, then renames it over `dir/name`, replacing any (for files we own alone, like a reason note). */
export async function replaceFileAtomically(dir: string, name: string, content: Buffer | string): Promise<void> {
  const temporary = join(dir, `${temporaryName()}.tmp`);
  try {
    await writeDurable(temporary, content);
    await rename(temporary, join(dir, name));
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR')) return false;
    throw error;
  }
}
