import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * Encryption at rest of stored credentials: AES-256-GCM (node:crypto), a random 96-bit IV per
 * write, and the connection id and version bound as additional authenticated data, so that a row
 * altered, copied to another connection or put back over a newer version refuses to decrypt.
 *
 * The key comes from the environment, never from the configuration file (which holds no secret,
 * DESIGN.md). Rotation: set the new key in RECOUVRA_CREDENTIALS_KEY and the old one in
 * RECOUVRA_CREDENTIALS_KEY_PREVIOUS; rows written with the old key are still read, and each one
 * is written with the new key at its next write (its next token refresh).
 */

export const CREDENTIALS_KEY_ENV = 'RECOUVRA_CREDENTIALS_KEY';
export const CREDENTIALS_PREVIOUS_KEY_ENV = 'RECOUVRA_CREDENTIALS_KEY_PREVIOUS';

export const CREDENTIAL_CIPHER = 'aes-256-gcm';
const KEY_BYTES = 32;
/** 96 bits: the IV length GCM is specified for (NIST SP 800-38D §5.2.1.1). */
const IV_BYTES = 12;
/** A full 128-bit tag; shorter tags are refused on decryption, not just not written. */
const TAG_BYTES = 16;
/** Bumped if the AAD layout ever changes, so old and new layouts can never be confused. */
const AAD_LAYOUT = 'recouvra/credentials/v1';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}=?$/;

/** The key variables are missing or malformed: a configuration error, with no key material in it. */
export class CredentialKeyError extends Error {
  override readonly name = 'CredentialKeyError';
}

/** A stored credential did not decrypt: names the connection, version and key ids, never a value. */
export class CredentialDecryptionError extends Error {
  override readonly name = 'CredentialDecryptionError';

  constructor(
    message: string,
    readonly reason: 'unknown_key' | 'authentication_failed' | 'unsupported_cipher' | 'malformed',
  ) {
    super(message);
  }
}

/** Where a sealed credential belongs: both are authenticated with the ciphertext. */
export interface SealContext {
  connectionId: string;
  version: number;
}

export interface Sealed {
  cipher: typeof CREDENTIAL_CIPHER;
  /** `keyIdOf` the key that encrypted it. */
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  authTag: Buffer;
}

/**
 * The current key, which encrypts every write, and optionally the previous one, which only
 * decrypts. Key bytes live in private fields and never print (inspect and JSON show key ids).
 */
export class CredentialKeyring {
  readonly #current: Buffer;
  readonly #previous: Buffer | undefined;
  readonly currentKeyId: string;
  readonly previousKeyId: string | undefined;

  constructor(current: Buffer, previous?: Buffer) {
    if (current.length !== KEY_BYTES) throw new CredentialKeyError(`the current key must be ${KEY_BYTES} bytes`);
    if (previous !== undefined && previous.length !== KEY_BYTES)
      throw new CredentialKeyError(`the previous key must be ${KEY_BYTES} bytes`);
    this.#current = Buffer.from(current);
    this.#previous = previous === undefined ? undefined : Buffer.from(previous);
    this.currentKeyId = keyIdOf(this.#current);
    const previousId = this.#previous === undefined ? undefined : keyIdOf(this.#previous);
    // The same key given twice is one key: there is nothing to rotate from.
    this.previousKeyId = previousId === this.currentKeyId ? undefined : previousId;
  }

  /**
   * Reads RECOUVRA_CREDENTIALS_KEY (required) and RECOUVRA_CREDENTIALS_KEY_PREVIOUS (optional):
   * 32 bytes each, as 64 hex digits or base64 (`openssl rand -base64 32`).
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): CredentialKeyring {
    const current = env[CREDENTIALS_KEY_ENV];
    if (current === undefined || current.trim() === '') {
      throw new CredentialKeyError(
        `${CREDENTIALS_KEY_ENV} is not set: QuickBooks and Sage tokens are stored encrypted with it. ` +
          `Set it to 32 random bytes written as base64 (\`openssl rand -base64 32\`) or as 64 hex digits, and keep it: ` +
          'tokens stored with a key cannot be read without it.',
      );
    }
    const previous = env[CREDENTIALS_PREVIOUS_KEY_ENV];
    return new CredentialKeyring(
      parseKey(CREDENTIALS_KEY_ENV, current),
      previous === undefined || previous.trim() === '' ? undefined : parseKey(CREDENTIALS_PREVIOUS_KEY_ENV, previous),
    );
  }

  seal(context: SealContext, plaintext: Buffer): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CREDENTIAL_CIPHER, this.#current, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aadOf(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { cipher: CREDENTIAL_CIPHER, keyId: this.currentKeyId, iv, ciphertext, authTag: cipher.getAuthTag() };
  }

  open(context: SealContext, sealed: Sealed | (Omit<Sealed, 'cipher'> & { cipher: string })): Buffer {
    const what = `the stored credential of connection "${context.connectionId}" (version ${context.version})`;
    if (sealed.cipher !== CREDENTIAL_CIPHER) {
      throw new CredentialDecryptionError(
        `${what} is encrypted with "${sealed.cipher}", which this version of Recouvra does not read (it reads ${CREDENTIAL_CIPHER})`,
        'unsupported_cipher',
      );
    }
    const key = this.keyFor(sealed.keyId);
    if (key === undefined) {
      throw new CredentialDecryptionError(
        `${what} was encrypted with key ${sealed.keyId}, but ${CREDENTIALS_KEY_ENV} is key ${this.currentKeyId}` +
          (this.previousKeyId === undefined
            ? ` and ${CREDENTIALS_PREVIOUS_KEY_ENV} is not set`
            : ` and ${CREDENTIALS_PREVIOUS_KEY_ENV} is key ${this.previousKeyId}`) +
          `: set ${CREDENTIALS_KEY_ENV} (or, while rotating, ${CREDENTIALS_PREVIOUS_KEY_ENV}) to the key it was written with, ` +
          'or authorize the connection again',
        'unknown_key',
      );
    }
    if (sealed.iv.length !== IV_BYTES || sealed.authTag.length !== TAG_BYTES) {
      throw new CredentialDecryptionError(
        `${what} is malformed (IV of ${sealed.iv.length} bytes, tag of ${sealed.authTag.length}; expected ${IV_BYTES} and ${TAG_BYTES}): it was altered`,
        'malformed',
      );
    }
    const decipher = createDecipheriv(CREDENTIAL_CIPHER, key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aadOf(context));
    decipher.setAuthTag(sealed.authTag);
    try {
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
    } catch {
      // The cause (OpenSSL's "Unsupported state or unable to authenticate data") adds nothing.
      throw new CredentialDecryptionError(
        `${what} failed authentication with key ${sealed.keyId}: it was altered, or copied from another connection or ` +
          'from an older copy of the store; it is not used. Authorize the connection again',
        'authentication_failed',
      );
    }
  }

  /** True when rows written with `keyId` should be written again with the current key. */
  isStale(keyId: string): boolean {
    return keyId !== this.currentKeyId;
  }

  toJSON(): { currentKeyId: string; previousKeyId?: string } {
    return {
      currentKeyId: this.currentKeyId,
      ...(this.previousKeyId === undefined ? {} : { previousKeyId: this.previousKeyId }),
    };
  }

  [inspect.custom](): string {
    return `CredentialKeyring ${JSON.stringify(this.toJSON())}`;
  }

  private keyFor(keyId: string): Buffer | undefined {
    if (keyId === this.currentKeyId) return this.#current;
    if (keyId === this.previousKeyId) return this.#previous;
    return undefined;
  }
}

/**
 * A short public name of a key, stored with each row to pick the key that opens it: 16 hex digits
 * of a domain-separated SHA-256, which tells nothing usable about a 256-bit random key.
 */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('recouvra credentials key id\0').update(key).digest('hex').slice(0, 16);
}

/** The additional authenticated data: layout, connection and version, NUL-separated (ids hold no NUL). */
function aadOf(context: SealContext): Buffer {
  if (!Number.isSafeInteger(context.version) || context.version < 1)
    throw new RangeError(`a credential version is a positive integer, got ${context.version}`);
  if (context.connectionId.includes('\0')) throw new RangeError('a connection id cannot contain NUL');
  return Buffer.from(`${AAD_LAYOUT}\0${context.connectionId}\0${context.version}`, 'utf8');
}

/** 64 hex digits or base64 (standard or URL-safe) of exactly 32 bytes; the message never quotes the value. */
function parseKey(variable: string, text: string): Buffer {
  const value = text.trim();
  if (HEX_KEY.test(value)) return Buffer.from(value, 'hex');
  if (BASE64_KEY.test(value)) {
    const bytes = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  throw new CredentialKeyError(
    `${variable} must be ${KEY_BYTES} bytes written as base64 (44 characters, \`openssl rand -base64 32\`) or as 64 hex digits; ` +
      `the value set is ${value.length} characters long and is neither`,
  );
}
