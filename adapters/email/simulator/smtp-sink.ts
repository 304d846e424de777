import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * The demo's mail server: a real SMTP server on loopback that accepts every message and keeps
 * it as an .eml file in a folder, so that a person can open what debtors would have received.
 * Plain SMTP without authentication: loopback only, never for real mail.
 */
export interface SmtpSink {
  port: number;
  /** Messages received so far. */
  count(): number;
  /**
   * Refuses the recipients of the next messages with this reply (tests of faults): `451` while
   * `forMs` runs (greylisting, a full queue: temporary), or `550` for the next `messages` (permanent).
   */
  refuse(fault: { code: 451; forMs: number } | { code: 550; messages: number }): void;
  close(): Promise<void>;
}

export async function startSmtpSink(folder: string): Promise<SmtpSink> {
  mkdirSync(folder, { recursive: true });
  let received = 0;
  let temporaryUntil = 0;
  let permanent = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (Date.now() < temporaryUntil)
        return callback(Object.assign(new Error('4.7.1 Greylisted, please try again later'), { responseCode: 451 }));
      if (permanent > 0) {
        permanent--;
        return callback(Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received++;
        writeFileSync(join(folder, `${String(received).padStart(5, '0')}.eml`), Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client that goes away mid-session (a daemon killed while sending) is its own problem, not the sink's.
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;
  const refuse: SmtpSink['refuse'] = (fault) => {
    if (fault.code === 451) temporaryUntil = Date.now() + fault.forMs;
    else permanent += fault.messages;
  };
  return {
    port,
    count: () => received,
    refuse,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
