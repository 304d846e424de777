import { readFileSync } from 'node:fs';
import { parseJsonText } from '../../json-text';

/** A command's JSON input file, read and parsed, or the message saying why it could not be. */
export function readJsonInput(path: string): { ok: true; value: unknown } | { ok: false; message: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      ok: false,
      message: `cannot read the input file ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.message}`,
    };
  }
  try {
    return { ok: true, value: parseJsonText(text) };
  } catch (err) {
    return { ok: false, message: `${path} is not valid JSON: ${(err as Error).message}` };
  }
}
