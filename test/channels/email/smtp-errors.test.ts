import {
  classifySmtpError,
  domainOf,
  keyHash,
  messageIdFor,
  scrub,
  type SmtpErrorContext,
} from '../../../adapters/email';

/** Failures shaped as nodemailer reports them (code, command, responseCode, response). */

const CTX: SmtpErrorContext = {
  host: 'smtp.example.net',
  recipients: ['compta@dupont-industrie.example'],
  user: 'relay',
  secrets: ['hunter2-very-secret'],
};

function smtpError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(typeof fields.message === 'string' ? fields.message : 'failed'), fields);
}

describe('classifySmtpError', () => {
  test.each([
    // [case, nodemailer fields, kind, code]
    [
      '421 at greeting',
      { code: 'ECONNECTION', command: 'CONN', responseCode: 421, response: '421 too busy' },
      'transient',
      'EMAIL_DEFERRED',
    ],
    [
      '450 at RCPT',
      { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450, response: '450 4.2.1 mailbox busy' },
      'transient',
      'EMAIL_DEFERRED',
    ],
    [
      '451 at DATA',
      { code: 'EMESSAGE', command: 'DATA', responseCode: 451, response: '451 try later' },
      'transient',
      'EMAIL_DEFERRED',
    ],
    [
      '454 at AUTH (temporary)',
      { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 454, response: '454 4.7.0 try later' },
      'transient',
      'EMAIL_DEFERRED',
    ],
    [
      '535 at AUTH',
      { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535, response: '535 5.7.8 bad credentials' },
      'config',
      'EMAIL_AUTH_FAILED',
    ],
    [
      '530 auth required at MAIL FROM',
      { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 530, response: '530 5.7.0 Authentication required' },
      'config',
      'EMAIL_AUTH_FAILED',
    ],
    [
      'missing credentials',
      { code: 'EAUTH', command: 'API', message: 'Missing credentials for "PLAIN"' },
      'config',
      'EMAIL_AUTH_FAILED',
    ],
    [
      '553 at MAIL FROM',
      { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553, response: '553 sender not owned' },
      'config',
      'EMAIL_SENDER_REFUSED',
    ],
    [
      '552 at MAIL FROM (size)',
      { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 552, response: '552 too big' },
      'system',
      'EMAIL_MESSAGE_REJECTED',
    ],
    [
      '550 at RCPT',
      { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, response: '550 5.1.1 no such user' },
      'system',
      'EMAIL_RECIPIENT_REJECTED',
    ],
    [
      '553 at RCPT',
      { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 553, response: '553 mailbox name not allowed' },
      'system',
      'EMAIL_RECIPIENT_REJECTED',
    ],
    [
      '554 at DATA',
      { code: 'EMESSAGE', command: 'DATA', responseCode: 554, response: '554 spam' },
      'system',
      'EMAIL_MESSAGE_REJECTED',
    ],
    [
      '554 at greeting',
      { code: 'EPROTOCOL', command: 'CONN', responseCode: 554, response: '554 no relay for you' },
      'config',
      'EMAIL_SERVER_REFUSED',
    ],
    [
      'STARTTLS refused',
      { code: 'ETLS', command: 'STARTTLS', responseCode: 502, response: '502 not implemented' },
      'config',
      'EMAIL_TLS',
    ],
    [
      'self-signed certificate',
      { code: 'ESOCKET', command: 'CONN', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      'config',
      'EMAIL_TLS',
    ],
    ['unknown host', { code: 'EDNS', command: 'CONN', originalCode: 'ENOTFOUND' }, 'config', 'EMAIL_HOST_NOT_FOUND'],
    [
      'DNS temporarily failing',
      { code: 'EDNS', command: 'CONN', originalCode: 'EAI_AGAIN' },
      'transient',
      'EMAIL_CONNECTION',
    ],
    [
      'connection refused',
      { code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNREFUSED' },
      'transient',
      'EMAIL_CONNECTION',
    ],
    [
      'connection reset',
      { code: 'ECONNECTION', command: 'CONN', originalCode: 'ECONNRESET' },
      'transient',
      'EMAIL_CONNECTION',
    ],
    ['timeout', { code: 'ETIMEDOUT', command: 'CONN' }, 'transient', 'EMAIL_TIMEOUT'],
    ['anything else', { code: 'ESTREAM', command: 'API', message: 'stream broke' }, 'system', 'EMAIL_FAILED'],
  ] as const)('%s → %s %s', (_case, fields, kind, code) => {
    const e = classifySmtpError(smtpError(fields), CTX);
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(code);
    expect(e.message).toBe(`${code}: ${e.userMessage}`);
  });

  test('a permanent recipient refusal names the refused domains, not the mailboxes', () => {
    const e = classifySmtpError(
      smtpError({
        code: 'EENVELOPE',
        command: 'RCPT TO',
        responseCode: 550,
        response: '550 5.1.1 <jean.dupont@B.example>: unknown',
        rejected: ['jean.dupont@B.example', 'x@a.example'],
      }),
      CTX,
    );
    expect(e.userMessage).toContain('at a.example, b.example permanently (550)');
    expect(e.userMessage).toContain('***@B.example');
    expect(`${e.userMessage} ${e.detail}`).not.toMatch(/jean\.dupont|x@a/);
  });

  test('without a list of refused addresses, the message recipients give the domain', () => {
    const e = classifySmtpError(
      smtpError({ code: 'EMESSAGE', command: 'DATA', responseCode: 554, response: '554 rejected' }),
      CTX,
    );
    expect(e.userMessage).toContain('dupont-industrie.example');
  });

  test('the password never comes out, in clear or in the base64 forms AUTH PLAIN and AUTH LOGIN send', () => {
    const secret = CTX.secrets[0]!;
    const plain = Buffer.from(`\u0000relay\u0000${secret}`).toString('base64');
    const login = Buffer.from(secret).toString('base64');
    for (const echoed of [secret, plain, login, login.replace(/=+$/, '')]) {
      const e = classifySmtpError(
        smtpError({
          code: 'EAUTH',
          command: 'AUTH PLAIN',
          responseCode: 535,
          response: `535 bad ${echoed}`,
          message: `Invalid login: 535 bad ${echoed}`,
        }),
        CTX,
      );
      const all = `${e.message}\n${e.userMessage}\n${e.detail}\n${JSON.stringify(e)}`;
      expect(all).not.toContain(echoed);
      expect(all).toContain('[redacted]');
    }
    const other = classifySmtpError(smtpError({ code: 'ESTREAM', message: `weird ${secret}` }), CTX);
    expect(`${other.message} ${other.detail}`).not.toContain(secret);
  });

  test('non-error values are classified too', () => {
    expect(classifySmtpError('boom', CTX).code).toBe('EMAIL_FAILED');
    expect(classifySmtpError(undefined, CTX).kind).toBe('system');
  });
});

describe('scrub', () => {
  test('masks the local part of addresses and keeps replies short', () => {
    expect(scrub('550 <a.b+c@x.example> unknown', CTX)).toBe('550 <***@x.example> unknown');
    expect(scrub('x'.repeat(500), CTX)).toHaveLength(301);
  });
});

describe('Message-ID from the idempotency key', () => {
  test('is stable, 128 bits of the key hash, at the given domain in lower case', () => {
    expect(messageIdFor('case_1/reminder-1/email', 'Example.COM')).toBe(
      messageIdFor('case_1/reminder-1/email', 'example.com'),
    );
    expect(messageIdFor('case_1/reminder-1/email', 'example.com')).toBe(
      `<${keyHash('case_1/reminder-1/email').slice(0, 32)}@example.com>`,
    );
    expect(messageIdFor('case_1/reminder-1/email', 'example.com')).not.toBe(
      messageIdFor('case_1/reminder-2/email', 'example.com'),
    );
    expect(keyHash('k')).toBe('8254c329a92850f6d539dd376f4816ee2764517da5e0235514af433164480d7a');
  });

  test('domainOf', () => {
    expect(domainOf('Jean@Dupont.EXAMPLE')).toBe('dupont.example');
    expect(domainOf('a@b@c.example')).toBe('c.example');
  });
});
