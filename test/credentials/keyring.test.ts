import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  CREDENTIALS_KEY_ENV,
  CREDENTIALS_PREVIOUS_KEY_ENV,
  CredentialDecryptionError,
  CredentialKeyError,
  CredentialKeyring,
} from '../../connector/credentials/keyring';

/** Keys are generated here, never written in a fixture. */
const newKey = (): Buffer => randomBytes(32);
const plaintext = (): Buffer => Buffer.from(JSON.stringify({ refreshToken: randomBytes(16).toString('hex') }));

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('CredentialKeyring.fromEnv', () => {
  it('reads a key written as base64, URL-safe base64 or hex, the same key giving the same id', () => {
    const key = newKey();
    const ids = [
      key.toString('base64'),
      key.toString('base64url'),
      key.toString('hex'),
      key.toString('hex').toUpperCase(),
    ].map((text) => CredentialKeyring.fromEnv({ [CREDENTIALS_KEY_ENV]: ` ${text}\n` }).currentKeyId);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(ids[0]).toBe(new CredentialKeyring(key).currentKeyId);
  });

  it('names the variable and how to make a key when it is not set', () => {
    for (const env of [{}, { [CREDENTIALS_KEY_ENV]: '  ' }]) {
      const error = thrown(() => CredentialKeyring.fromEnv(env));
      expect(error).toBeInstanceOf(CredentialKeyError);
      expect(error.message).toContain(`${CREDENTIALS_KEY_ENV} is not set`);
      expect(error.message).toContain('openssl rand -base64 32');
    }
  });

  it('refuses a value that is not 32 bytes, saying the expected form and never quoting the value', () => {
    const values = [
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
      randomBytes(31).toString('hex'),
      `${randomBytes(32).toString('hex')}0`,
      `not a key ${randomBytes(8).toString('hex')}`,
    ];
    for (const value of values) {
      const error = thrown(() => CredentialKeyring.fromEnv({ [CREDENTIALS_KEY_ENV]: value }));
      expect(error).toBeInstanceOf(CredentialKeyError);
      expect(error.message).toContain(`${CREDENTIALS_KEY_ENV} must be 32 bytes written as base64`);
      expect(error.message).toContain('or as 64 hex digits');
      expect(error.message).not.toContain(value);
    }
    const previous = randomBytes(20).toString('hex');
    const error = thrown(() =>
      CredentialKeyring.fromEnv({
        [CREDENTIALS_KEY_ENV]: newKey().toString('base64'),
        [CREDENTIALS_PREVIOUS_KEY_ENV]: previous,
      }),
    );
    expect(error.message).toContain(`${CREDENTIALS_PREVIOUS_KEY_ENV} must be 32 bytes`);
    expect(error.message).not.toContain(previous);
  });

  it('takes the previous key only when it differs from the current one', () => {
    const current = newKey();
    const previous = newKey();
    const rotating = CredentialKeyring.fromEnv({
      [CREDENTIALS_KEY_ENV]: current.toString('base64'),
      [CREDENTIALS_PREVIOUS_KEY_ENV]: previous.toString('hex'),
    });
    expect(rotating.previousKeyId).toBe(new CredentialKeyring(previous).currentKeyId);
    const same = CredentialKeyring.fromEnv({
      [CREDENTIALS_KEY_ENV]: current.toString('base64'),
      [CREDENTIALS_PREVIOUS_KEY_ENV]: current.toString('hex'),
    });
    expect(same.previousKeyId).toBeUndefined();
  });

  it('never shows key bytes when printed or serialised', () => {
    const current = newKey();
    const previous = newKey();
    const ring = new CredentialKeyring(current, previous);
    const shown = [inspect(ring, { showHidden: true, depth: 5 }), JSON.stringify(ring)].join('\n');
    for (const key of [current, previous]) {
      for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url')])
        expect(shown).not.toContain(text);
    }
    expect(shown).toContain(ring.currentKeyId);
  });
});

describe('CredentialKeyring seal and open', () => {
  const context = { connectionId: 'qbo-a', version: 3 };

  it('round-trips, and binds the connection and the version', () => {
    const ring = new CredentialKeyring(newKey());
    const data = plaintext();
    const sealed = ring.seal(context, data);
    expect(sealed.ciphertext.includes(data)).toBe(false);
    expect(ring.open(context, sealed)).toStrictEqual(data);
    for (const other of [
      { connectionId: 'qbo-b', version: 3 },
      { connectionId: 'qbo-a', version: 4 },
    ]) {
      const error = thrown(() => ring.open(other, sealed));
      expect(error).toBeInstanceOf(CredentialDecryptionError);
      expect(error).toMatchObject({ reason: 'authentication_failed' });
      expect(error.message).toContain(`connection "${other.connectionId}" (version ${other.version})`);
    }
  });

  it('opens with the previous key, seals with the current one', () => {
    const oldKey = newKey();
    const before = new CredentialKeyring(oldKey);
    const rotating = new CredentialKeyring(newKey(), oldKey);
    const data = plaintext();
    const old = before.seal(context, data);
    expect(rotating.open(context, old)).toStrictEqual(data);
    expect(rotating.isStale(old.keyId)).toBe(true);
    const resealed = rotating.seal(context, data);
    expect(resealed.keyId).toBe(rotating.currentKeyId);
    expect(rotating.isStale(resealed.keyId)).toBe(false);
    expect(thrown(() => before.open(context, resealed))).toMatchObject({ reason: 'unknown_key' });
  });

  it('refuses a cipher it does not know', () => {
    const ring = new CredentialKeyring(newKey());
    const sealed = { ...ring.seal(context, plaintext()), cipher: 'aes-128-cbc' };
    expect(thrown(() => ring.open(context, sealed))).toMatchObject({ reason: 'unsupported_cipher' });
  });
});
