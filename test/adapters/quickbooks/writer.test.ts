import { randomBytes } from 'node:crypto';
import { QboClient } from '../../../adapters/quickbooks/client';
import { QuickBooksConnectionSchema, type QuickBooksConnection } from '../../../adapters/quickbooks/config.schema';
import { RealmLimiter } from '../../../adapters/quickbooks/limiter';
import { writeBack, type WriterDeps } from '../../../adapters/quickbooks/writer';
import { CredentialKeyring } from '../../../connector/credentials/keyring';
import type { CredentialStore } from '../../../connector/ports/credentials';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { fixedClock } from '../../../connector/time/clock';
import { qboIds } from '../../../mappings/quickbooks/to-canonical';
import { startSimulator, type Running } from './simulator-fixture';

/**
 * The recovery status written into QuickBooks, against the simulator: the private note by a
 * sparse update with the SyncToken, once per key, a stale SyncToken answered by a re-read and
 * one more try, and what a person wrote kept as it was.
 */
describe('QuickBooks write-back', () => {
  let sim: Running;
  let store: Store;
  let credentials: CredentialStore;
  let deps: WriterDeps;
  let invoiceId: string;

  const configOf = (over: Record<string, unknown> = {}): QuickBooksConnection =>
    QuickBooksConnectionSchema.parse({
      id: 'qbo-fr',
      type: 'quickbooks',
      realmId: sim.fr,
      baseUrl: sim.sim.url,
      clientId: sim.sim.clientId,
      clientSecret: sim.sim.clientSecret,
      ...over,
    });
  const depsOf = (config: QuickBooksConnection): WriterDeps => ({
    config,
    client: new QboClient({
      config,
      clock: fixedClock('2026-12-05T10:00:00Z'),
      credentials: () => credentials,
      limiter: new RealmLimiter({ requestsPerMinute: 500, maxInFlight: 10 }),
    }),
    context: { connection: 'qbo-fr', realm: sim.fr },
    clock: fixedClock('2026-12-05T10:00:00Z'),
  });
  const invoice = async () =>
    (await deps.client.get(`invoice/${invoiceId}`))['Invoice'] as { SyncToken: string; PrivateNote?: string };
  const note = (key: string, text = 'Relance 1 envoyée par e-mail') => ({
    key,
    receivableIds: [qboIds.invoice(deps.context, invoiceId)],
    kind: 'note' as const,
    text,
  });

  beforeEach(async () => {
    sim = await startSimulator();
    store = await openSqliteStore(':memory:');
    await store.migrate();
    credentials = store.credentials('qbo-fr', { keyring: new CredentialKeyring(randomBytes(32)) });
    const issued = sim.sim.controls.issueTokens(sim.fr);
    await credentials.compareAndSet(0, {
      accessToken: issued.access_token,
      accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      refreshToken: issued.refresh_token,
    });
    deps = depsOf(configOf());
    const page = (await deps.client.query("SELECT * FROM Invoice WHERE Balance > '0' MAXRESULTS 1")) as {
      QueryResponse: { Invoice: { Id: string }[] };
    };
    invoiceId = page.QueryResponse.Invoice[0]!.Id;
  });
  afterEach(async () => {
    await sim.sim.stop();
    await store.close();
  });

  it('appends the entry to the private note with the SyncToken, once per key, after what a person wrote', async () => {
    sim.sim.controls.updateInvoice(sim.fr, invoiceId, { privateNote: 'Client prévenu par téléphone.' });
    const before = await invoice();
    expect(await writeBack(deps, note('case-1/reminder-1/ledger_note'))).toEqual({
      items: [
        { receivableId: qboIds.invoice(deps.context, invoiceId), status: 'written', ref: `Invoice ${invoiceId}` },
      ],
    });
    const after = await invoice();
    expect(after.SyncToken).not.toBe(before.SyncToken);
    expect(after.PrivateNote).toMatch(
      /^Client prévenu par téléphone\.\n\[Recouvra 2026-12-05 #[0-9a-f]{20}-[0-9a-f]{6}\] Relance 1 envoyée par e-mail$/,
    );
    // The same key again (a retry after a lost answer): found, nothing written.
    expect((await writeBack(deps, note('case-1/reminder-1/ledger_note'))).items[0]!.status).toBe('already_written');
    expect((await invoice()).SyncToken).toBe(after.SyncToken);
  });

  it('a stale SyncToken (someone saved the invoice meanwhile) is read again, merged, and written once more', async () => {
    const client = deps.client;
    let reads = 0;
    const get = client.get.bind(client);
    // A person saves the invoice right after our first read.
    client.get = async (path, params) => {
      const body = await get(path, params);
      if (++reads === 1)
        sim.sim.controls.updateInvoice(sim.fr, invoiceId, { privateNote: 'Litige possible, voir Ana.' });
      return body;
    };
    expect((await writeBack(deps, note('case-1/reminder-2/ledger_note', 'Relance 2'))).items[0]!.status).toBe(
      'written',
    );
    expect(reads).toBe(2);
    expect((await invoice()).PrivateNote).toMatch(
      /^Litige possible, voir Ana\.\n\[Recouvra 2026-12-05 #[0-9a-f]{20}-[0-9a-f]{6}\] Relance 2$/,
    );
  });

  it('a recovery stage field: written where the invoice has it, skipped with the reason where it has not', async () => {
    deps = depsOf(configOf({ customFields: { recoveryStage: 'Recouvrement' } }));
    const request = {
      key: 'case-1/fields',
      receivableIds: [qboIds.invoice(deps.context, invoiceId)],
      kind: 'fields' as const,
      stage: 'formal_notice',
      text: '',
    };
    const result = await writeBack(deps, request);
    expect(result.items[0]!.status).toBe('skipped');
    expect(result.items[0]!.reason).toContain('no custom field named "Recouvrement"');
  });

  it('the stage goes into the custom field the configuration names, once', async () => {
    deps = depsOf(configOf({ customFields: { recoveryStage: 'Dossier' } }));
    const request = {
      key: 'case-1/fields',
      receivableIds: [qboIds.invoice(deps.context, invoiceId)],
      kind: 'fields' as const,
      stage: 'formal_notice',
      text: '',
    };
    expect((await writeBack(deps, request)).items[0]!.status).toBe('written');
    const fields = ((await deps.client.get(`invoice/${invoiceId}`))['Invoice'] as { CustomField: unknown[] })
      .CustomField;
    expect(fields).toEqual([{ DefinitionId: '1', Name: 'Dossier', Type: 'StringType', StringValue: 'formal_notice' }]);
    expect((await writeBack(deps, request)).items[0]!.status).toBe('already_written');
  });

  it('an id of another company or entity is skipped, not written', async () => {
    const result = await writeBack(deps, {
      ...note('k'),
      receivableIds: [`qbo-fr:${sim.us}:Invoice:1`, qboIds.creditMemo(deps.context, '1')],
    });
    expect(result.items.map((i) => i.status)).toEqual(['skipped', 'skipped']);
  });
});
