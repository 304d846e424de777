import { randomBytes } from 'node:crypto';
import { adapterDepsFor } from '../../connector/app/adapter-deps';
import { CredentialKeyError } from '../../connector/credentials/keyring';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { fixedClock } from '../../connector/time/clock';
import { memoryLogger } from '../helpers/logger';

/**
 * An adapter receives its own connection's credential store, opened only when it asks: the key is
 * read then, so a connection that stores no token (Odoo) never needs RECOUVRA_CREDENTIALS_KEY.
 */
describe('the credential store an adapter receives', () => {
  let store: Store;
  const clock = fixedClock('2026-12-05T10:00:00.000Z');
  const logger = memoryLogger('error').logger;
  const env = { RECOUVRA_CREDENTIALS_KEY: randomBytes(32).toString('base64') };

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
  });
  afterEach(() => store.close());

  it('is the connection’s own: tokens stored for one connection are not seen by another', async () => {
    const first = adapterDepsFor('qbo-fr', { store, clock, logger, env }).credentials!();
    const second = adapterDepsFor('qbo-us', { store, clock, logger, env }).credentials!();
    expect(first.connectionId).toBe('qbo-fr');
    expect(await first.compareAndSet(0, { refreshToken: 'r-1' })).toMatchObject({ ok: true });
    expect((await first.read())?.secret).toEqual({ refreshToken: 'r-1' });
    expect(await second.read()).toBeUndefined();
  });

  it('is opened once per adapter, on its first call', () => {
    const deps = adapterDepsFor('qbo-fr', { store, clock, logger, env });
    expect(deps.credentials!()).toBe(deps.credentials!());
  });

  it('without the key: nothing fails until an adapter asks, then the error names the variable and not a value', () => {
    const deps = adapterDepsFor('qbo-fr', { store, clock, logger, env: {} });
    expect(deps.clock).toBe(clock);
    expect(() => deps.credentials!()).toThrow(CredentialKeyError);
    expect(() => deps.credentials!()).toThrow(/RECOUVRA_CREDENTIALS_KEY is not set/);
  });
});
