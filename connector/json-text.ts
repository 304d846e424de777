import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/**
 * Parses strict JSON (RFC 8259). On a syntax error, says what is wrong and at which line and
 * column: V8's own messages give a position for some errors only.
 */
export function parseJsonText(text: string): unknown {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length === 0) return JSON.parse(text) as unknown;
  const first = errors[0]!;
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  const what = printParseErrorCode(first.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  throw new JsonSyntaxError(`${what} at line ${line}, column ${column}`, line, column);
}
