import winston from 'winston';

/**
 * Logging: JSON lines in production (one object per line, for a collector), readable text
 * in a terminal. Every line passes through the redactor last, so a secret from the
 * configuration never reaches the output, wherever it hides (message, metadata, error stack),
 * and e-mail addresses and phone numbers are masked (test/daemon/log-privacy.test.ts).
 */

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFormat = 'auto' | 'json' | 'pretty';
export type Logger = winston.Logger;

export const REDACTED = '[REDACTED]';

/** Keys whose values are secrets whatever they contain (in logs and in the configuration). */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|private[-_]?key|authorization|cookie|credential/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** The string values held under secret-named keys anywhere in a value (a configuration built in code, like the demo's). */
export function secretValuesOf(value: unknown, seen = new WeakSet<object>()): string[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') {
      if (v !== '' && isSecretKey(k)) out.push(v);
    } else out.push(...secretValuesOf(v, seen));
  }
  return out;
}

/** Secrets shorter than this are not searched for inside strings: too many false hits. */
const MIN_SECRET_LENGTH = 4;

export interface SecretSource {
  /** The secret values known now (e.g. the values interpolated from `${ENV}` in the config). */
  values(): Iterable<string>;
}

export function staticSecrets(values: Iterable<string>): SecretSource {
  const list = [...values];
  return { values: () => list };
}

export function redactString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= MIN_SECRET_LENGTH && out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** A deep copy with secret-named keys masked and secret values replaced inside strings. */
export function redactValue(value: unknown, secrets: readonly string[], seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message, secrets),
      stack: value.stack ? redactString(value.stack, secrets) : undefined,
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redactValue(v, secrets, seen);
  return out;
}

const redactFields = winston.format((info, opts: unknown) => {
  const secrets = [...(opts as { source: SecretSource }).source.values()].sort((a, b) => b.length - a.length);
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    const v = info[key];
    info[key] = isSecretKey(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redactValue(v, secrets);
  }
  return info;
});

/** An e-mail address: its local part names a person more often than not; the domain stays. */
const EMAIL = /[^\s<>"'`@,;:()[\]{}\\/]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})/g;
/**
 * A phone number: "+" or "0" and 9 to 15 digits, single spaces, dots or dashes between them
 * ("+33612345678", "06 12 34 56 78", "0033 6 12…", "+33 (0)6…"), not inside a word or a
 * longer number. Dates, times, decimals and ids do not match: their second character or their
 * neighbours are not digits.
 */
const PHONE = /(?<![\w+*])(?:\+|0)\d(?:[ .-]?(?:\(0\)[ .-]?)?\d){7,13}(?![\w*])/g;

/**
 * Masks the personal data a line may carry by accident (an address in a server's reply, a
 * number in an error): e-mail addresses keep their domain, phone numbers their first three and
 * last two characters. Call sites log ids, not contact details; this is the net under them.
 */
export function maskPersonalData(text: string): string {
  return text
    .replace(EMAIL, '***@$1')
    .replace(PHONE, (n) => `${n.slice(0, 3)}${n.slice(3, -2).replace(/\d/g, '*')}${n.slice(-2)}`);
}

/** Last pass over the rendered line: anything the field pass missed is caught here. */
const redactRendered = winston.format((info, opts: unknown) => {
  const MESSAGE = Symbol.for('message');
  const rendered = (info as unknown as Record<symbol, unknown>)[MESSAGE];
  if (typeof rendered === 'string') {
    const secrets = [...(opts as { source: SecretSource }).source.values()].sort((a, b) => b.length - a.length);
    (info as unknown as Record<symbol, unknown>)[MESSAGE] = maskPersonalData(redactString(rendered, secrets));
  }
  return info;
});

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  secrets?: SecretSource;
  /** Where lines go; defaults to stderr so that stdout stays clean for command output. */
  transport?: winston.transport;
  isTty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const source = options.secrets ?? staticSecrets([]);
  const tty = options.isTty ?? process.stderr.isTTY;
  const format =
    options.format === 'auto' || options.format === undefined
      ? tty && process.env.NODE_ENV !== 'production'
        ? 'pretty'
        : 'json'
      : options.format;
  const render =
    format === 'json'
      ? winston.format.json()
      : winston.format.printf((info) => {
          const { level, message, timestamp, ...meta } = info as Record<string, unknown>;
          const extra = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
          return `${String(timestamp)} ${String(level).toUpperCase().padEnd(5)} ${String(message)}${extra}`;
        });
  return winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      redactFields({ source }),
      render,
      redactRendered({ source }),
    ),
    transports: [options.transport ?? new winston.transports.Stream({ stream: process.stderr })],
  });
}
