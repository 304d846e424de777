import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, REDACTED, staticSecrets } from '../../../connector/log/logger';

function capture(format: 'json' | 'pretty', secrets: string[]) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ format, secrets: staticSecrets(secrets), transport: new winston.transports.Stream({ stream }) });
  return { logger, lines };
}

describe('logger', () => {
  const secret = 'sk_live_9f8e7d6c5b4a';

  it.each(['json', 'pretty'] as const)('never writes a configured secret (%s)', async (format) => {
    const { logger, lines } = capture(format, [secret]);
    logger.info(`connecting with key ${secret}`);
    logger.warn('retrying', { url: `https://erp.example/?key=${secret}`, nested: { deeper: [secret] } });
    logger.error('failed', new Error(`401 for ${secret}`));
    logger.info('headers', { headers: { Authorization: 'Bearer abc.def.ghi' }, password: 'hunter2', apiKey: 'whatever' });
    await new Promise((r) => setImmediate(r));
    const out = lines.join('');
    expect(lines).toHaveLength(4);
    expect(out).not.toContain(secret);
    expect(out).not.toContain('abc.def.ghi');
    expect(out).not.toContain('hunter2');
    expect(out).toContain(REDACTED);
    expect(out).toContain('connecting with key');
  });

  it('writes one JSON object per line in json format', async () => {
    const { logger, lines } = capture('json', []);
    logger.info('sync done', { connection: 'main', read: 42 });
    await new Promise((r) => setImmediate(r));
    const parsed = JSON.parse(lines[0]!);
    expect(parsed).toMatchObject({ level: 'info', message: 'sync done', connection: 'main', read: 42 });
    expect(typeof parsed.timestamp).toBe('string');
  });
});
