import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, staticSecrets, type Logger, type LogLevel } from '../../connector/log/logger';

/** A logger whose JSON lines are kept in memory, for tests that assert what was (not) logged. */
export function memoryLogger(
  level: LogLevel = 'debug',
  secrets: string[] = [],
): { logger: Logger; lines: () => string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  const logger = createLogger({
    level,
    format: 'json',
    secrets: staticSecrets(secrets),
    transport: new winston.transports.Stream({ stream }),
  });
  return { logger, lines: () => [...lines] };
}
