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
  close(): Promise<void>;
}

export async function startSmtpSink(folder: string): Promise<SmtpSink> {
  mkdirSync(folder, { recursive: true });
  let received = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
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
  return { port, count: () => received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
