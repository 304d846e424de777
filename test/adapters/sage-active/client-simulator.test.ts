import axios from 'axios';
import { randomBytes } from 'node:crypto';
import { SageActiveClient } from '../../../adapters/sage-active/client';
import { SageActiveConnectionSchema } from '../../../adapters/sage-active/config.schema';
import { consentUrl, pkcePair, requestTokens } from '../../../adapters/sage-active/oauth';
import { CredentialKeyring } from '../../../connector/credentials/keyring';
import { tokensAfter } from '../../../connector/credentials/refresh';
import { AdapterError } from '../../../connector/ports/adapter-error';
import type { CredentialSecret } from '../../../connector/ports/credentials';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { customerToDebtor, invoiceToReceivable } from '../../../mappings/sage-active/to-canonical';
import { startSimulator, type Running } from './simulator-fixture';

/**
 * The client, the sign-in and the mapping against the simulator built from the same reference by
 * other hands: a person's consent with PKCE, tokens stored, then pages of open invoices and their
 * customers read and mapped, and the simulator's error shapes classified as the client expects.
 */
describe('Sage Active client and mapping against the simulator', () => {
  let r: Running;
  let store: Store;
  const keyring = new CredentialKeyring(randomBytes(32));
  const config = () =>
    SageActiveConnectionSchema.parse({
      id: 'sage-fr',
      type: 'sage-active',
      baseUrl: r.sim.url,
      clientId: r.sim.clientId,
      subscriptionKey: r.key,
      organizationId: r.books,
    });

  beforeAll(async () => {
    r = await startSimulator();
    store = await openSqliteStore(':memory:');
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    await r.sim.stop();
  });

  it('signs in with PKCE as a person would, stores the tokens, and reads open invoices page by page into receivables', async () => {
    const { verifier, challenge } = pkcePair();
    const redirectUri = 'http://127.0.0.1:9/callback';
    const consent = await axios.get(consentUrl(config(), redirectUri, 'st4te', challenge), {
      maxRedirects: 0,
      validateStatus: () => true,
    });
    const location = new URL(String(consent.headers['location']));
    expect(location.searchParams.get('state')).toBe('st4te');
    const grant = await requestTokens(config(), {
      type: 'authorization_code',
      code: location.searchParams.get('code')!,
      redirectUri,
      verifier,
    });
    expect(grant.refreshToken).toBeDefined();
    const now = new Date(r.clock.now());
    const tokens = tokensAfter(
      { accessToken: '', accessTokenExpiresAt: now.toISOString(), refreshToken: '' },
      grant,
      now,
      'sage-fr',
    );
    await store
      .credentials('sage-fr', { keyring, clock: r.clock })
      .compareAndSet(0, tokens as unknown as CredentialSecret);

    const client = new SageActiveClient({
      config: config(),
      clock: r.clock,
      credentials: () => store.credentials('sage-fr', { keyring, clock: r.clock }),
    });
    const ctx = { connection: 'sage-fr', organizationId: r.books, currency: 'EUR' };
    let after: string | null = null;
    let receivables = 0;
    let pages = 0;
    const customers = new Set<string>();
    do {
      const data: {
        salesInvoices: { pageInfo: { endCursor: string | null; hasNextPage: boolean }; nodes: unknown[] };
      } = await client.request(
        'OpenSalesInvoices',
        `query OpenSalesInvoices($first: Int!, $after: String) {
          salesInvoices(first: $first, after: $after, where: { status: { in: ["Posted", "PartiallyCollected"] } }, order: [{ documentDate: ASC }]) {
            pageInfo { endCursor hasNextPage }
            nodes { id operationalNumber type status documentDate firstDueDate totalLiquid customerId sourceSalesInvoiceId
                    openItems { id amount paidAmountAccumulated dueDate status } }
          }
        }`,
        { first: 100, after },
      );
      pages++;
      for (const node of data.salesInvoices.nodes) {
        const mapped = invoiceToReceivable(node, ctx);
        // Every open invoice the simulator serves maps, or says why in a way a person can act on.
        expect(mapped.outcome === 'quarantined' ? mapped.reason : 'ok').toBe('ok');
        if (mapped.outcome === 'receivable') {
          receivables++;
          expect(mapped.receivable.open).toBeGreaterThan(0);
          customers.add((node as { customerId: string }).customerId);
        }
      }
      after = data.salesInvoices.pageInfo.hasNextPage ? data.salesInvoices.pageInfo.endCursor : null;
    } while (after !== null);
    expect(receivables).toBeGreaterThan(20);
    expect(pages).toBeGreaterThan(1);
    expect(client.meter.reads).toBe(pages);

    const found: { customers: { nodes: unknown[] } } = await client.request(
      'Customers',
      `query Customers($ids: [UUID!]) {
        customers(first: 500, where: { id: { in: $ids } }) {
          nodes { id code socialName tradeName documentId vatNumber customerType status
                  addresses { firstLine secondLine city zipCode countryIsoCodeAlpha2 isMainAddress }
                  contacts { isDefault emails { emailAddress usage isDefault } phones { number type isDefault } } }
        }
      }`,
      { ids: [...customers] },
    );
    expect(found.customers.nodes).toHaveLength(customers.size);
    let registered = 0;
    for (const node of found.customers.nodes) {
      const mapped = customerToDebtor(node, ctx);
      expect(mapped.outcome === 'quarantined' ? mapped.reason : 'ok').toBe('ok');
      if (mapped.outcome === 'debtor' && mapped.debtor.registration.siren !== undefined) registered++;
    }
    // The simulator's SIRENs and SIRETs pass the checks the mapping applies.
    expect(registered).toBeGreaterThan(0);
  });

  it('classifies the simulator’s refusals: a wrong subscription key, a page over 500, the Starter organisation’s accounting entries', async () => {
    const client = (over: Record<string, unknown> = {}) =>
      new SageActiveClient({
        config: SageActiveConnectionSchema.parse({ ...config(), ...over }),
        clock: r.clock,
        credentials: () => store.credentials('sage-fr', { keyring, clock: r.clock }),
      });
    const failure = (c: SageActiveClient, query: string, variables: Record<string, unknown> = {}) =>
      c.request('q', query, variables).then(
        () => undefined,
        (e: unknown) => e as AdapterError,
      );
    expect(
      await failure(client({ subscriptionKey: 'wrong' }), 'query q { customers(first: 1) { nodes { id } } }'),
    ).toMatchObject({
      code: 'SAGE_SUBSCRIPTION_KEY',
    });
    expect(await failure(client(), 'query q { customers(first: 501) { nodes { id } } }')).toMatchObject({
      code: 'SAGE_PAGE_TOO_LARGE',
    });
    expect(
      await failure(client({ organizationId: r.starter }), 'query q { accountingEntries(first: 1) { nodes { id } } }'),
    ).toMatchObject({ kind: 'config' });
  });
});
