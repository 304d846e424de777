import { createHash } from 'node:crypto';
import { composeEmail } from '../../../connector/channels/email/compose';
import {
  createSmtpEmailChannel,
  type EmailChannel,
  type EmailChannelConfigInput,
  type EmailMessage,
} from '../../../adapters/email';
import { renderFormalNoticePdf } from '../../../connector/documents';
import { formatMoney } from '../../../connector/model';
import { AdapterError } from '../../../connector/ports/adapter-error';
import { decideRetry } from '../../../connector/sync/retry-policy';
import { documentInput, formalNoticeInput } from '../../documents/fixtures';
import { plainSpaces, readPdf } from '../../documents/pdf-text';
import { closedPort, startSilentServer, startSmtp, type TestSmtp } from './smtp-test-server';

/**
 * The SMTP channel against a real SMTP server on loopback: what arrives, the Message-ID derived
 * from the outbox key, and how each kind of failure is reported.
 */

const PASSWORD = 'S3cr3t-Pa55word!';
const USER = 'relay-user';

function config(port: number, over: Partial<EmailChannelConfigInput> = {}): EmailChannelConfigInput {
  return {
    host: '127.0.0.1',
    port,
    requireTls: false,
    from: { address: 'recouvrement@atelier-durand.example', name: 'Atelier Durand — Recouvrement' },
    replyTo: 'compta@atelier-durand.example',
    connectionTimeoutMs: 2_000,
    greetingTimeoutMs: 2_000,
    socketTimeoutMs: 5_000,
    ...over,
  };
}

function reminder(key = 'case_abc/reminder-1/email'): EmailMessage {
  return { ...composeEmail('reminder-1', documentInput()), idempotencyKey: key };
}

async function failure(promise: Promise<unknown>): Promise<AdapterError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AdapterError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

function everythingSaid(e: AdapterError): string {
  return [
    e.message,
    e.userMessage,
    e.detail ?? '',
    String(e),
    e.stack ?? '',
    JSON.stringify(e),
    JSON.stringify(Object.entries(e)),
  ].join('\n');
}

describe('SMTP e-mail channel on a loopback server', () => {
  let smtp: TestSmtp;
  let channel: EmailChannel;

  afterEach(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when the test failed before starting it
    channel?.close();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when the test failed before starting it
    await smtp?.close();
  });

  test('a reminder arrives with its subject, the statement of every overdue invoice, sender and reply-to', async () => {
    smtp = await startSmtp();
    channel = createSmtpEmailChannel(config(smtp.port));
    const message = reminder();
    const result = await channel.send(message);

    expect(result.accepted).toEqual(['compta@dupont-industrie.example']);
    expect(result.rejected).toEqual([]);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.envelope).toEqual({
      from: 'recouvrement@atelier-durand.example',
      to: ['compta@dupont-industrie.example'],
    });
    expect(plainSpaces(mail.parsed.subject ?? '')).toBe(
      'Rappel de paiement : 2 factures échues — 1 590,50 € — Atelier Durand SAS',
    );
    expect(mail.parsed.from?.value[0]).toEqual({
      address: 'recouvrement@atelier-durand.example',
      name: 'Atelier Durand — Recouvrement',
    });
    expect(mail.parsed.replyTo?.value[0]?.address).toBe('compta@atelier-durand.example');
    const text = plainSpaces(mail.parsed.text ?? '');
    expect(text).toContain(
      'Facture FAC-2025-0012 du 10/01/2025, échue le 09/02/2025 (60 jours de retard) : 1 200,00 €',
    );
    expect(text).toContain('Facture FAC-2025-0031 du 03/02/2025, échue le 05/03/2025 (36 jours de retard) : 540,50 €');
    expect(text).toContain('Avoir AV-2025-0003 du 01/03/2025 : -150,00 €');
    expect(text).toContain('Reste à régler : 1 590,50 €');
    // Not yet due on 10 April: not part of a reminder of overdue invoices.
    expect(text).not.toContain('FAC-2025-0044');
    const html = plainSpaces(String(mail.parsed.html));
    expect(html).toContain(
      '<td style="padding:4px 10px;border-bottom:1px solid #ddd;text-align:left">FAC-2025-0031</td>',
    );
    expect(html).toContain('540,50 €');
    expect(mail.parsed.attachments).toHaveLength(0);
  });

  test('the Message-ID and X-Recouvra-Key come from the idempotency key: same key, same id; another key, another id', async () => {
    smtp = await startSmtp();
    channel = createSmtpEmailChannel(config(smtp.port));
    const key = 'case_abc/reminder-1/email';
    const hash = createHash('sha256').update(key).digest('hex');

    const first = await channel.send(reminder(key));
    const again = await channel.send(reminder(key));
    const other = await channel.send(reminder('case_abc/reminder-2/email'));

    expect(first.messageId).toBe(`<${hash.slice(0, 32)}@atelier-durand.example>`);
    const ids = smtp.received.map((m) => m.parsed.messageId);
    expect(ids[0]).toBe(first.messageId);
    expect(ids[1]).toBe(ids[0]);
    expect(again.messageId).toBe(first.messageId);
    expect(ids[2]).not.toBe(ids[0]);
    expect(other.messageId).toMatch(/^<[0-9a-f]{32}@atelier-durand\.example>$/);

    const header = smtp.received[0]!.parsed.headers.get('x-recouvra-key');
    expect(header).toBe(hash);
    expect(smtp.received[0]!.raw.toString('utf8')).not.toContain(key);
  });

  test('messageIdDomain replaces the sender domain on the right of the Message-ID', async () => {
    smtp = await startSmtp();
    channel = createSmtpEmailChannel(config(smtp.port, { messageIdDomain: 'mail.recouvra.example' }));
    const sent = await channel.send(reminder());
    expect(sent.messageId).toMatch(/^<[0-9a-f]{32}@mail\.recouvra\.example>$/);
    expect(smtp.received[0]!.parsed.messageId).toBe(sent.messageId);
  });

  test('a formal notice carries the letter as a PDF that an independent parser can read', async () => {
    smtp = await startSmtp();
    channel = createSmtpEmailChannel(config(smtp.port));
    const input = formalNoticeInput();
    const pdf = await renderFormalNoticePdf(input);
    await channel.send({
      ...composeEmail('formal-notice', input, pdf),
      idempotencyKey: 'case_abc/formal-notice/email',
    });

    const mail = smtp.received[0]!;
    expect(mail.parsed.subject).toMatch(/^Mise en demeure de payer — 1\s703,45\s€ — Atelier Durand SAS$/);
    const text = plainSpaces(mail.parsed.text ?? '');
    expect(text).toContain('FAC-2025-0012');
    expect(text).toContain('FAC-2025-0031');
    expect(text).toContain('dans un délai de 8 jours à compter de la réception');
    expect(mail.parsed.attachments).toHaveLength(1);
    const attachment = mail.parsed.attachments[0]!;
    expect(attachment.filename).toBe('mise-en-demeure-DUP-2025-001.pdf');
    expect(attachment.contentType).toBe('application/pdf');
    expect(attachment.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(attachment.content.equals(pdf)).toBe(true);

    const read = await readPdf(attachment.content);
    expect(read.text).toContain('MISE EN DEMEURE DE PAYER');
    expect(read.text).toContain('Mise en demeure de payer');
    expect(read.text).toContain('Dupont Industrie SAS');
    expect(read.text).toContain('FAC-2025-0012');
    expect(read.text).toContain('FAC-2025-0031');
    expect(read.text).toContain(plainSpaces(formatMoney(input.notice.claim.total, 'EUR')));
  });

  test('a 4xx at RCPT TO is transient: the outbox will try again', async () => {
    smtp = await startSmtp({ onRcptTo: () => 450 });
    channel = createSmtpEmailChannel(config(smtp.port));
    const e = await failure(channel.send(reminder()));
    expect(e.kind).toBe('transient');
    expect(e.code).toBe('EMAIL_DEFERRED');
    expect(e.userMessage).toContain('450');
    expect(e.userMessage).toContain('dupont-industrie.example');
    expect(
      decideRetry(e, 1, true, { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 }).retry,
    ).toBe(true);
    expect(smtp.received).toHaveLength(0);
  });

  test('a 451 at the end of DATA is transient', async () => {
    smtp = await startSmtp({ onData: () => 451 });
    channel = createSmtpEmailChannel(config(smtp.port));
    const e = await failure(channel.send(reminder()));
    expect(e.kind).toBe('transient');
    expect(e.userMessage).toContain('451');
  });

  test('a 550 mailbox unavailable is permanent and names the recipient domain, not the mailbox', async () => {
    smtp = await startSmtp({ onRcptTo: () => 550 });
    channel = createSmtpEmailChannel(config(smtp.port));
    const e = await failure(channel.send(reminder()));
    expect(e.kind).toBe('system');
    expect(e.code).toBe('EMAIL_RECIPIENT_REJECTED');
    expect(e.userMessage).toContain('dupont-industrie.example');
    expect(e.userMessage).toContain('550');
    expect(everythingSaid(e)).not.toContain('compta@');
    expect(decideRetry(e, 1, true).retry).toBe(false);
  });

  test('a 554 after DATA (content refused) is permanent', async () => {
    smtp = await startSmtp({ onData: () => 554 });
    channel = createSmtpEmailChannel(config(smtp.port));
    const e = await failure(channel.send(reminder()));
    expect(e.kind).toBe('system');
    expect(e.code).toBe('EMAIL_MESSAGE_REJECTED');
    expect(e.userMessage).toContain('dupont-industrie.example');
  });

  test('a 553 on MAIL FROM is ours to fix: a configuration error', async () => {
    smtp = await startSmtp({ onMailFrom: () => 553 });
    channel = createSmtpEmailChannel(config(smtp.port));
    const e = await failure(channel.send(reminder()));
    expect(e.kind).toBe('config');
    expect(e.code).toBe('EMAIL_SENDER_REFUSED');
  });

  test('when one of two recipients is refused, the message goes to the other and the refusal is reported', async () => {
    smtp = await startSmtp({ onRcptTo: (a) => (a.startsWith('old') ? 550 : null) });
    channel = createSmtpEmailChannel(config(smtp.port));
    const input = documentInput({
      debtor: {
        name: 'Dupont Industrie SAS',
        kind: 'company',
        emails: ['old@dupont-industrie.example', 'compta@dupont-industrie.example'],
      },
    });
    const result = await channel.send({ ...composeEmail('reminder-1', input), idempotencyKey: 'k' });
    expect(result.accepted).toEqual(['compta@dupont-industrie.example']);
    expect(result.rejected).toEqual(['old@dupont-industrie.example']);
    expect(smtp.received[0]!.envelope.to).toEqual(['compta@dupont-industrie.example']);
  });

  test('a 535 login failure is a configuration error, and the password appears nowhere, even when the server echoes it', async () => {
    smtp = await startSmtp({ auth: { user: USER, pass: 'the-right-one' } });
    channel = createSmtpEmailChannel(config(smtp.port, { auth: { user: USER, pass: PASSWORD } }));
    const e = await failure(channel.send(reminder()));
    expect(e.kind).toBe('config');
    expect(e.code).toBe('EMAIL_AUTH_FAILED');
    expect(e.userMessage).toContain('535');
    expect(e.userMessage).toContain(USER);
    // The server's reply repeated the password: it is masked, the rest of the reply kept.
    expect(e.userMessage).toContain('[redacted]');
    const said = everythingSaid(e);
    expect(said).not.toContain(PASSWORD);
    expect(said).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(e.cause).toBeUndefined();
    expect(decideRetry(e, 1, true).retry).toBe(false);
    expect(smtp.received).toHaveLength(0);
  });

  test('the right login sends, and verify() checks it without sending', async () => {
    smtp = await startSmtp({ auth: { user: USER, pass: PASSWORD } });
    channel = createSmtpEmailChannel(config(smtp.port, { auth: { user: USER, pass: PASSWORD } }));
    await expect(channel.verify()).resolves.toBeUndefined();
    expect(smtp.received).toHaveLength(0);
    await channel.send(reminder());
    expect(smtp.received).toHaveLength(1);
  });

  test('verify() with a wrong password is a configuration error without the password', async () => {
    smtp = await startSmtp({ auth: { user: USER, pass: 'the-right-one' } });
    channel = createSmtpEmailChannel(config(smtp.port, { auth: { user: USER, pass: PASSWORD } }));
    const e = await failure(channel.verify());
    expect(e.kind).toBe('config');
    expect(everythingSaid(e)).not.toContain(PASSWORD);
  });

  test('by default the channel refuses a server that offers no STARTTLS: no personal data in clear text', async () => {
    smtp = await startSmtp();
    channel = createSmtpEmailChannel(config(smtp.port, { requireTls: undefined }));
    const e = await failure(channel.send(reminder()));
    expect(e.kind).toBe('config');
    expect(e.code).toBe('EMAIL_TLS');
    expect(smtp.received).toHaveLength(0);
  });
});

describe('SMTP e-mail channel when the server is unreachable', () => {
  test('connection refused is transient', async () => {
    const port = await closedPort();
    const channel = createSmtpEmailChannel(config(port));
    const e = await failure(channel.send(reminder()));
    channel.close();
    expect(e.kind).toBe('transient');
    expect(e.code).toBe('EMAIL_CONNECTION');
    expect(e.userMessage).toContain('ECONNREFUSED');
  });

  test('a server that never greets times out as transient', async () => {
    const silent = await startSilentServer();
    const channel = createSmtpEmailChannel(config(silent.port, { greetingTimeoutMs: 300 }));
    const started = Date.now();
    const e = await failure(channel.send(reminder()));
    channel.close();
    await silent.close();
    expect(e.kind).toBe('transient');
    expect(e.code).toBe('EMAIL_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
