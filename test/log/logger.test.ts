import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, maskPersonalData, REDACTED, secretValuesOf, staticSecrets } from '../../connector/log/logger';

function capture(format: 'json' | 'pretty', secrets: string[]) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({
    format,
    secrets: staticSecrets(secrets),
    transport: new winston.transports.Stream({ stream }),
  });
  return { logger, lines };
}

describe('logger', () => {
  const secret = 'sk_live_9f8e7d6c5b4a';

  it.each(['json', 'pretty'] as const)('never writes a configured secret (%s)', async (format) => {
    const { logger, lines } = capture(format, [secret]);
    logger.info(`connecting with key ${secret}`);
    logger.warn('retrying', { url: `https://erp.example/?key=${secret}`, nested: { deeper: [secret] } });
    logger.error('failed', new Error(`401 for ${secret}`));
    logger.info('headers', {
      headers: { Authorization: 'Bearer abc.def.ghi' },
      password: 'hunter2',
      apiKey: 'whatever',
    });
    await new Promise((r) => setImmediate(r));
    const out = lines.join('');
    expect(lines).toHaveLength(4);
    expect(out).not.toContain(secret);
    expect(out).not.toContain('abc.def.ghi');
    expect(out).not.toContain('hunter2');
    expect(out).toContain(REDACTED);
    expect(out).toContain('connecting with key');
  });

  it.each(['json', 'pretty'] as const)(
    'redacts a secret held only in an error stack, and secret-named keys at any depth (%s)',
    async (format) => {
      const { logger, lines } = capture(format, [secret]);
      const error = new Error('request failed');
      error.stack = `Error: request failed\n    at call (https://erp.example/?key=${secret}:1:1)`;
      logger.error('sync stopped', {
        error,
        connection: { id: 'main', auth: { user: 'u', pass: 'pw-nested-1' } },
        attempts: [{ apiKey: 'key-in-array-2' }],
      });
      logger.error(error);
      await new Promise((r) => setImmediate(r));
      const out = lines.join('');
      expect(lines).toHaveLength(2);
      expect(out).not.toContain(secret);
      expect(out).not.toContain('pw-nested-1');
      expect(out).not.toContain('key-in-array-2');
      expect(out).toContain('at call');
      expect(out).toContain('"id":"main"');
    },
  );

  it('masks e-mail addresses and phone numbers in every line, and leaves dates, ids and amounts alone', async () => {
    const { logger, lines } = capture('json', []);
    logger.warn('server said: 550 <jean.dupont42@example.com> unknown', {
      to: '+33612345678',
      other: ['06 12 34 56 78', '+33 (0)6 12 34 56 78', '0033 6 12 34 56 78', '+41 22 555 01 00'],
    });
    await new Promise((r) => setImmediate(r));
    const out = lines.join('');
    expect(out).toContain('***@example.com');
    expect(out).not.toContain('jean.dupont42');
    for (const digits of ['612345678', '12 34 56', '555 01']) expect(out).not.toContain(digits);
    const harmless = [
      '2026-11-27T10:46:06.760Z',
      'case_34392e2df06f791faf554e78/reminder-1/2024-10-05/email',
      '3600000 ms',
      '0.123456789',
      'SIREN 732829320',
      'read 1,234, new 0',
      '1775026800000',
      'partner 43',
    ];
    for (const text of harmless) expect(maskPersonalData(text)).toBe(text);
    expect(maskPersonalData('+33612345678')).toBe('+33*******78');
    expect(maskPersonalData('06 12 34 56 78')).toBe('06 ** ** ** 78');
  });

  it('finds the secrets held under secret-named keys of a configuration built in code', () => {
    expect(
      secretValuesOf({
        api: { token: 't0ken-value', port: 0 },
        channels: { sms: { apiKey: 'sms-key' }, email: { auth: { user: 'u', pass: 'pw' } } },
        connections: [{ id: 'a', apiKey: 'odoo-key' }],
      }).sort(),
    ).toEqual(['odoo-key', 'pw', 'sms-key', 't0ken-value']);
  });

  it('writes one JSON object per line in json format', async () => {
    const { logger, lines } = capture('json', []);
    logger.info('sync done', { connection: 'main', read: 42 });
    await new Promise((r) => setImmediate(r));
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(parsed).toMatchObject({ level: 'info', message: 'sync done', connection: 'main', read: 42 });
    expect(typeof parsed.timestamp).toBe('string');
  });
});
