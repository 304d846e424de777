import { AdapterError } from '../../../connector/ports/adapter-error';
import { startSageSource, type SageTestSource } from './reader-fixture';

/**
 * check() and the failures a read meets, against the simulator's users and organisations (sage.md
 * §2.1, §2.6): each is classified, and says what a person can do.
 */
describe('Sage Active adapter: check and the failures a read meets', () => {
  let source: SageTestSource;
  let starter: string;

  beforeAll(async () => {
    source = await startSageSource({ connection: 'sage-check', simulator: { invoices: 60 } });
    starter = source.sim.organizations[1]!.id;
  });
  afterAll(() => source.stop());

  const readError = (adapter: ReturnType<SageTestSource['adapter']>) =>
    adapter.read('receivables', { saved: undefined }).then(
      () => undefined,
      (e: unknown) => e as AdapterError,
    );

  it('names the organisation, its legislation, its currency and where receivables come from', async () => {
    const check = await source.adapter().check();
    expect(check).toMatchObject({ ok: true, problems: [] });
    expect(check.serverVersion).toContain('"Menuiserie Lefèvre SAS"');
    expect(check.serverVersion).toMatch(/legislation FR, amounts in EUR; receivables read from sales invoices/);
    expect(check.capabilities).toMatchObject({ accountingEntries: true, salesInvoices: true, booksOnly: false });
  });

  it('a Starter organisation works, without accounting entries (and so without files on entries)', async () => {
    const check = await source.adapter({ organizationId: starter }).check();
    expect(check.ok).toBe(true);
    expect(check.capabilities).toMatchObject({ accountingEntries: false, entryFiles: false, salesInvoices: true });
    expect(check.serverVersion).toMatch(/accounting entries not readable \(a Starter edition/);
  });

  it('an organisation the user cannot open: check says which ones it can, a read is a configuration error', async () => {
    const check = await source.adapter({ organizationId: starter, user: 2 }).check();
    expect(check.ok).toBe(false);
    expect(check.problems.join('\n')).toMatch(
      /not among those the user who connected can open \("Menuiserie Lefèvre SAS"/,
    );
    const e = await readError(source.adapter({ organizationId: starter, user: 2 }));
    expect(e).toBeInstanceOf(AdapterError);
    expect(e).toMatchObject({ code: 'SAGE_NOT_AUTHORIZED', kind: 'config' });
    expect(e!.userMessage).toMatch(/give that user access to the organisation/);
  });

  it('a user who never signed in to Sage Active (403) and a wrong subscription key (401) are configuration errors with an action', async () => {
    const never = await source.adapter({ user: 1 }).check();
    expect(never.ok).toBe(false);
    expect(never.problems.join('\n')).toMatch(/SAGE_USER_NEVER_SIGNED_IN: .*signed in to Sage Active at least once/);
    expect(await readError(source.adapter({ badCredentials: true }))).toMatchObject({
      code: 'SAGE_SUBSCRIPTION_KEY',
      kind: 'config',
    });
  });

  it('a 429 during a read waits what Retry-After says, for every connection of the app', async () => {
    source.failNext(1, 429, 7);
    const e = await readError(source.adapter());
    expect(e).toMatchObject({ code: 'SAGE_THROTTLED', kind: 'rate_limit', retryAfterMs: 7000 });
    expect(source.limiter.heldUntilMs).toBeGreaterThan(0);
    source.failNext(1, 502);
    expect(await readError(source.adapter())).toMatchObject({ code: 'SAGE_SERVER_ERROR', kind: 'transient' });
  });

  it('counts its calls (usage) and refuses a saved cursor it cannot read, saying how to start over', async () => {
    const adapter = source.adapter();
    const before = adapter.usage!().reads;
    await adapter.read('debtors', { saved: undefined });
    expect(adapter.usage!().reads).toBeGreaterThan(before);
    await expect(adapter.read('receivables', { saved: { Invoice: { time: 'x' } } })).rejects.toMatchObject({
      code: 'SAGE_BAD_CURSOR',
      kind: 'config',
    });
  });
});
