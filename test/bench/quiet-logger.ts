import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from '../../connector/log/logger';

/** A logger for measured runs: warnings and errors counted (a benchmark reports how many), none printed. */
export function quietLogger(): { logger: ReturnType<typeof createLogger>; lines: () => number } {
  let lines = 0;
  const sink = new Writable({
    write(_chunk, _encoding, done) {
      lines++;
      done();
    },
  });
  return {
    logger: createLogger({ level: 'warn', format: 'json', transport: new winston.transports.Stream({ stream: sink }) }),
    lines: () => lines,
  };
}
