import { createServer, type AddressInfo, type Server } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A loopback SMTP server in its own process (as the real relay is another machine), for the
 * daemon benchmark: it keeps nothing but the instant each message's DATA ended, by Message-ID,
 * and how many SMTP connections were opened. argv[2] chooses the server:
 *
 * - `smtp-server` (default): the settings of adapters/email/simulator/smtp-sink.ts (smtp-server, plain
 *   SMTP, no STARTTLS, no AUTH), without writing .eml files. smtp-server waits 100 ms after
 *   accepting a connection before its greeting, to catch clients that talk too soon
 *   (SMTPConnection.init, smtp-server 3.x; not configurable), as relays with a greet pause do.
 * - `instant`: a bare responder on `net` that greets at once and answers every command
 *   immediately, so that what remains is the client's own cost.
 *
 * Instants are `performance.timeOrigin + performance.now()`: epoch milliseconds with a fraction,
 * comparable with the same expression in the parent process.
 */

export type SinkKind = 'smtp-server' | 'instant';
export type SinkCommand = { type: 'report' } | { type: 'stop' };
export type SinkReply =
  | { type: 'ready'; port: number }
  | {
      type: 'report';
      arrivals: [messageId: string, at: number][];
      connections: number;
      withoutMessageId: number;
      cpuMs: number;
    };

const now = (): number => performance.timeOrigin + performance.now();

/** The Message-ID header of a message's head; undefined when absent. */
function messageIdOf(head: string): string | undefined {
  return /^message-id:\s*(<[^>\r\n]+>)/im.exec(head)?.[1];
}

interface Received {
  arrivals: [string, number][];
  connections: number;
  withoutMessageId: number;
}

function received(state: Received, head: string): void {
  const at = now();
  const id = messageIdOf(head.split('\r\n\r\n')[0]!);
  if (id === undefined) state.withoutMessageId++;
  else state.arrivals.push([id, at]);
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function startSmtpServer(state: Received): Promise<{ port: number; close(done: () => void): void }> {
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    // The channel opens one connection per message: many may be open at once under load.
    maxClients: 1_000,
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onData(stream, _session, callback) {
      // Only the header block is kept; the rest of the message is drained.
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 16_384 && !head.includes('\r\n\r\n')) head += c.toString('latin1');
      });
      stream.on('end', () => {
        received(state, head);
        callback();
      });
    },
  });
  server.on('error', (e: Error) => process.stderr.write(`smtp sink: ${e.message}\n`));
  const port = await listen(server.server);
  return { port, close: (done) => server.close(done) };
}

/** RFC 5321 as little as nodemailer needs: greeting, EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT. */
async function startInstant(state: Received): Promise<{ port: number; close(done: () => void): void }> {
  const server = createServer((socket) => {
    state.connections++;
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    let buffer = '';
    let inData = false;
    socket.write('220 bench ESMTP ready\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received(state, buffer.slice(0, Math.min(end, 16_384)));
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const verb = buffer.slice(0, Math.min(eol, 4)).toUpperCase();
        buffer = buffer.slice(eol + 2);
        if (verb === 'EHLO') socket.write('250-bench\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
          return;
        } else if (['HELO', 'MAIL', 'RCPT', 'RSET', 'NOOP'].includes(verb)) socket.write('250 OK\r\n');
        else socket.write('502 5.5.1 not implemented\r\n');
      }
    });
  });
  const port = await listen(server);
  return { port, close: (done) => server.close(() => done()) };
}

async function main(kind: SinkKind): Promise<void> {
  const state: Received = { arrivals: [], connections: 0, withoutMessageId: 0 };
  const server = kind === 'instant' ? await startInstant(state) : await startSmtpServer(state);
  process.on('message', (command: SinkCommand) => {
    if (command.type === 'report') {
      const cpu = process.cpuUsage();
      process.send!({
        type: 'report',
        ...state,
        cpuMs: Math.round((cpu.user + cpu.system) / 1_000),
      } satisfies SinkReply);
    } else {
      server.close(() => process.exit(0));
      // Open client connections (a pooled transport) would hold close() back.
      setTimeout(() => process.exit(0), 1_000).unref();
    }
  });
  process.send!({ type: 'ready', port: server.port } satisfies SinkReply);
}

const kind = process.argv[2] ?? 'smtp-server';
if (kind !== 'smtp-server' && kind !== 'instant')
  throw new Error(`usage: node smtp-arrival-sink.js smtp-server|instant (got ${kind})`);
main(kind).catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
