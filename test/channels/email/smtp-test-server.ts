import { createServer, type Server, type Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server on loopback (smtp-server), parsing what it receives with mailparser.
 * Each hook can refuse with an SMTP reply code, as a real server would.
 */

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

export interface TestSmtpOptions {
  /** Require this login; the server answers 535 with the attempted password echoed back (a hostile server). */
  auth?: { user: string; pass: string };
  /** Reply to RCPT TO: null accepts, a code refuses. */
  onRcptTo?: (address: string) => number | null;
  /** Reply to MAIL FROM. */
  onMailFrom?: (address: string) => number | null;
  /** Reply at the end of DATA. */
  onData?: () => number | null;
}

export interface TestSmtp {
  port: number;
  received: ReceivedMail[];
  close(): Promise<void>;
}

function refusal(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

const REPLY_TEXT: Record<number, string> = {
  421: 'Service not available, closing channel',
  450: 'Requested mail action not taken: mailbox unavailable',
  451: 'Requested action aborted: local error in processing',
  452: 'Insufficient system storage',
  550: 'Requested action not taken: mailbox unavailable',
  552: 'Message size exceeds fixed maximum message size',
  553: 'Requested action not taken: mailbox name not allowed',
  554: 'Transaction failed',
};

export async function startSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    // Plain loopback: no certificate to manage in tests; the channel is told requireTls: false.
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback) {
      const expected = options.auth;
      if (expected && auth.username === expected.user && auth.password === expected.pass)
        return callback(null, { user: auth.username });
      return callback(
        refusal(535, `5.7.8 Authentication failed for ${String(auth.username)} with password ${String(auth.password)}`),
      );
    },
    onMailFrom(address: SMTPServerAddress, _session, callback) {
      const code = options.onMailFrom?.(address.address) ?? null;
      return code === null
        ? callback()
        : callback(refusal(code, `${REPLY_TEXT[code] ?? 'refused'} <${address.address}>`));
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const code = options.onRcptTo?.(address.address) ?? null;
      return code === null
        ? callback()
        : callback(refusal(code, `${REPLY_TEXT[code] ?? 'refused'} <${address.address}>`));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = options.onData?.() ?? null;
        if (code !== null) return callback(refusal(code, REPLY_TEXT[code] ?? 'refused'));
        const raw = Buffer.concat(chunks);
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        simpleParser(raw)
          .then((parsed) => {
            received.push({ envelope, raw, parsed });
            callback();
          })
          .catch((e: unknown) => callback(e instanceof Error ? e : new Error(String(e))));
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('test SMTP server has no port');
  return {
    port: address.port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP server that accepts connections and never says a word (an SMTP server that hangs). */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('silent server has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (connection refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
