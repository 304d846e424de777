import { EmailChannelConfigSchema } from '../../../adapters/email';
import { formatIssues } from '../../../connector/claim';

describe('EmailChannelConfigSchema', () => {
  test('applies the documented defaults', () => {
    const config = EmailChannelConfigSchema.parse({
      host: 'smtp.example.net',
      from: { address: 'relances@example.com', name: 'Example' },
    });
    expect(config).toEqual({
      host: 'smtp.example.net',
      port: 587,
      secure: false,
      requireTls: true,
      rejectUnauthorized: true,
      from: { address: 'relances@example.com', name: 'Example' },
      connectionTimeoutMs: 10_000,
      greetingTimeoutMs: 30_000,
      socketTimeoutMs: 60_000,
    });
  });

  test('lists every bad key at once', () => {
    const result = EmailChannelConfigSchema.safeParse({
      host: '',
      port: 70000,
      auth: { user: 'u', pass: '' },
      from: { address: 'not-an-address', name: 'X' },
      replyTo: 'nope',
      messageIdDomain: 'not a domain',
      socketTimeoutMs: 1.5,
      greetingTimeoutMs: 50,
      tls: true,
    });
    expect(result.success).toBe(false);
    const lines = result.success ? [] : formatIssues(result.error.issues);
    expect(lines).toEqual(
      expect.arrayContaining([
        'host: host must not be empty',
        'port: port must be between 1 and 65535',
        'auth.pass: auth.pass must not be empty (write it as ${SMTP_PASSWORD})',
        'from.address: from.address must be an e-mail address',
        'replyTo: replyTo must be an e-mail address',
        'messageIdDomain: messageIdDomain must be a domain name such as example.com',
        'socketTimeoutMs: socketTimeoutMs must be a whole number of milliseconds',
        'greetingTimeoutMs: greetingTimeoutMs must be at least 100 ms',
        '(top level): unknown key "tls"',
      ]),
    );
  });

  test('the error for a bad password does not repeat the value', () => {
    const result = EmailChannelConfigSchema.safeParse({
      host: 'h',
      from: { address: 'a@b.example', name: 'n' },
      auth: { user: 'u', pass: 12345678 },
    });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.success ? null : formatIssues(result.error.issues))).not.toContain('12345678');
  });
});
