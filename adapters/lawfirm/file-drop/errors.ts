import { AdapterError } from '../../../connector/ports/adapter-error';

/**
 * The errors the file-drop transport throws. Codes are stable; nothing here carries a secret
 * (folder paths and ids only).
 */

/** What we were about to write fails our own rules: a bug in the dossier builder or in the mapping, not the firm's doing. */
export function invalidOutput(what: string, problem: string, detail?: string): AdapterError {
  return new AdapterError({
    code: 'FILE_DROP_INVALID_OUTPUT',
    kind: 'system',
    userMessage: `${what} cannot be written for the law firm: ${problem}`,
    ...(detail === undefined ? {} : { detail }),
  });
}

/** The same dossier id under another key, or the same key with another body. */
export function conflict(problem: string): AdapterError {
  return new AdapterError({ code: 'FILE_DROP_CONFLICT', kind: 'config', userMessage: problem });
}

export function unknownFile(fileId: string, outbound: string): AdapterError {
  return new AdapterError({
    code: 'FILE_DROP_UNKNOWN_FILE',
    kind: 'config',
    userMessage: `no dossier folder "${fileId}" in the outbound folder ${outbound}: the file was never handed over, or its folder was removed`,
  });
}

export function badCursor(cursor: string): AdapterError {
  return new AdapterError({
    code: 'FILE_DROP_BAD_CURSOR',
    kind: 'config',
    userMessage: `the saved position in the inbound folder is not a file-drop cursor (${JSON.stringify(cursor.slice(0, 40))}): clear it to read every pending status file again (events are applied once per id)`,
  });
}

const CONFIG_CODES = new Set(['EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EROFS', 'EISDIR', 'ELOOP', 'ENAMETOOLONG']);

/** A failed file-system call: a missing or read-only folder needs a person; a full disk or I/O error may pass. */
export function ioError(what: string, path: string, cause: unknown): AdapterError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  const config = CONFIG_CODES.has(code);
  return new AdapterError({
    code: 'FILE_DROP_IO',
    kind: config ? 'config' : 'transient',
    userMessage: config
      ? `${what}: ${path} is missing or not writable by the connector (${code})`
      : `${what} failed on ${path} (${code})`,
    detail: cause instanceof Error ? cause.message : String(cause),
    cause,
  });
}

export function isErrno(error: unknown, ...codes: string[]): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && codes.includes(code);
}
