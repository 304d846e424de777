import { SimulatedClock } from '../../../connector/time/clock';
import { SageActiveData, frenchVatNumber } from '../../../adapters/sage-active/simulator';
import { START, startSimulator, type GqlAnswer, type Running } from './simulator-fixture';

/** Relay paging, filters, sorting and the seeded data of the Sage Active simulator (shared/reference/sage.md §2.2–2.4). */

let r: Running;
beforeAll(async () => {
  r = await startSimulator();
});
afterAll(async () => {
  await r.sim.stop();
});

interface Page<T> {
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean; startCursor: string | null; hasPreviousPage: boolean };
  nodes: T[];
  edges?: { cursor: string; node: T }[];
}

interface Invoice {
  id: string;
  operationalNumber: string | null;
  type: string;
  status: string;
  documentDate: string;
  firstDueDate: string;
  totalLiquid: number;
  totalNet: number;
  totalVat: number;
  documentId: string;
  vatNumber: string | null;
  customerId: string;
  sourceSalesInvoiceId: string | null;
  creationDate: string;
  modificationDate: string | null;
  openItems: {
    id: string;
    amount: number;
    paidAmountAccumulated: number;
    dueDate: string;
    status: string;
    modificationDate: string | null;
  }[];
}

const INVOICE_FIELDS = `id operationalNumber type status documentDate firstDueDate totalLiquid totalNet totalVat
  documentId vatNumber customerId sourceSalesInvoiceId creationDate modificationDate
  openItems { id amount paidAmountAccumulated dueDate status modificationDate }`;

/** The reference's query (§2.3), paged to the end. */
const OPEN = `query OpenSalesInvoices($first: Int!, $after: String) {
  salesInvoices(first: $first, after: $after, where: { status: { in: ["Posted", "PartiallyCollected"] } }, order: [{ documentDate: ASC }]) {
    totalCount pageInfo { endCursor hasNextPage } nodes { ${INVOICE_FIELDS} }
  }
}`;

async function allPages(first: number): Promise<{ pages: number; nodes: Invoice[]; totalCount: number }> {
  let after: string | null = null;
  const nodes: Invoice[] = [];
  let pages = 0;
  for (;;) {
    const a: GqlAnswer<{ salesInvoices: Page<Invoice> }> = await r.gql<{ salesInvoices: Page<Invoice> }>(OPEN, {
      first,
      after,
    });
    expect(a.body.errors).toBeUndefined();
    const page = a.body.data!.salesInvoices;
    pages++;
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return { pages, nodes, totalCount: page.totalCount };
    after = page.pageInfo.endCursor;
  }
}

describe('Relay paging', () => {
  it('pages 20 by default with Base64 index cursors, and edges carry the same cursors', async () => {
    const a = await r.gql<{ customers: Page<{ id: string }> }>(
      '{ customers { totalCount pageInfo { startCursor endCursor hasNextPage hasPreviousPage } nodes { id } edges { cursor node { id } } } }',
    );
    const page = a.body.data!.customers;
    expect(page.nodes).toHaveLength(20);
    expect(page.totalCount).toBeGreaterThan(20);
    expect(page.pageInfo).toEqual({
      startCursor: 'MA==',
      endCursor: 'MTk=',
      hasNextPage: true,
      hasPreviousPage: false,
    });
    expect(page.edges!.map((e) => e.node.id)).toEqual(page.nodes.map((n) => n.id));
    expect(page.edges![5]!.cursor).toBe(Buffer.from('5').toString('base64'));
  });

  it('walks the open invoices to the end, the same set at 7 or 500 a page, each once', async () => {
    const small = await allPages(7);
    const large = await allPages(500);
    expect(large.pages).toBe(1);
    expect(small.pages).toBe(Math.ceil(small.totalCount / 7));
    expect(small.nodes.map((n) => n.id)).toEqual(large.nodes.map((n) => n.id));
    expect(new Set(small.nodes.map((n) => n.id)).size).toBe(small.totalCount);
    expect(small.nodes.every((n) => n.status === 'Posted' || n.status === 'PartiallyCollected')).toBe(true);
    const dates = small.nodes.map((n) => n.documentDate);
    expect([...dates].sort()).toEqual(dates);
  });

  it('refuses more than 500 a page with HC0051 inside HTTP 200, or PAGINATION_MAX_ITEMS when told', async () => {
    const a = await r.gql('{ salesInvoices(first: 501) { totalCount } }');
    expect(a.status).toBe(200);
    expect(a.body.data).toEqual({ salesInvoices: null });
    expect(a.body.errors![0]).toMatchObject({
      message: 'The maximum allowed items per page were exceeded.',
      path: ['salesInvoices'],
      extensions: { code: 'HC0051', requestedItems: 501, maxAllowedItems: 500 },
    });
    r.sim.controls.settings.pageLimitCode = 'PAGINATION_MAX_ITEMS';
    try {
      const b = await r.gql('{ customers(last: 600) { totalCount } }');
      expect(b.body.errors![0]!.extensions).toEqual({
        code: 'PAGINATION_MAX_ITEMS',
        requestedItems: 600,
        maxAllowedItems: 500,
      });
    } finally {
      r.sim.controls.settings.pageLimitCode = 'HC0051';
    }
  });

  it('pages backwards with last/before', async () => {
    const all = await r.gql<{ customers: Page<{ id: string }> }>('{ customers(first: 500) { nodes { id } } }');
    const ids = all.body.data!.customers.nodes.map((n) => n.id);
    const back = await r.gql<{ customers: Page<{ id: string }> }>(
      'query($b: String) { customers(last: 3, before: $b) { nodes { id } pageInfo { hasPreviousPage hasNextPage startCursor } } }',
      { b: Buffer.from('10').toString('base64') },
    );
    expect(back.body.data!.customers.nodes.map((n) => n.id)).toEqual(ids.slice(7, 10));
    expect(back.body.data!.customers.pageInfo).toMatchObject({
      hasPreviousPage: true,
      hasNextPage: true,
      startCursor: 'Nw==',
    });
  });
});

describe('filters and data', () => {
  it('accepts date-only and RFC 3339 DateTime input alike (§2.2), and the overdue filter', async () => {
    const q = `query($d: DateTime) { salesInvoices(first: 500, where: { status: { in: ["Posted","PartiallyCollected"] }, firstDueDate: { lt: $d } }) { totalCount nodes { firstDueDate } } }`;
    const dateOnly = await r.gql<{ salesInvoices: Page<{ firstDueDate: string }> }>(q, { d: '2026-04-01' });
    const full = await r.gql<{ salesInvoices: Page<{ firstDueDate: string }> }>(q, { d: '2026-04-01T00:00:00Z' });
    expect(dateOnly.body.data!.salesInvoices.totalCount).toBe(full.body.data!.salesInvoices.totalCount);
    expect(dateOnly.body.data!.salesInvoices.totalCount).toBeGreaterThan(0);
    expect(dateOnly.body.data!.salesInvoices.nodes.every((n) => n.firstDueDate < '2026-04-01')).toBe(true);
    const literal = await r.gql<{ salesInvoices: Page<unknown> }>(
      '{ salesInvoices(where: { documentDate: { gte: "2026-01-01" } }) { totalCount } }',
    );
    expect(literal.body.errors).toBeUndefined();
    const bad = await r.gql('{ salesInvoices(where: { documentDate: { gte: "01/01/2026" } }) { totalCount } }');
    expect(bad.status).toBe(400);
  });

  it('filters the incremental way of §2.4, modificationDate null until the first update', async () => {
    const q = `query($since: DateTime) { salesInvoiceOpenItems(first: 500, where: { or: [{ modificationDate: { gt: $since } }, { creationDate: { gt: $since } }] }) { totalCount } }`;
    const recent = await r.gql<{ salesInvoiceOpenItems: Page<unknown> }>(q, { since: '2026-04-15' });
    const all = await r.gql<{ salesInvoiceOpenItems: Page<unknown> }>(q, { since: '2000-01-01' });
    expect(recent.body.data!.salesInvoiceOpenItems.totalCount).toBeLessThan(
      all.body.data!.salesInvoiceOpenItems.totalCount,
    );
    const never = await r.gql<{ salesInvoiceOpenItems: Page<{ modificationDate: string | null; status: string }> }>(
      '{ salesInvoiceOpenItems(first: 500, where: { modificationDate: { eq: null } }) { totalCount nodes { modificationDate status } } }',
    );
    const nodes = never.body.data!.salesInvoiceOpenItems.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((n) => n.modificationDate === null && n.status === 'NOT_SPECIFIED')).toBe(true);
  });

  it('keeps invoices, open items and statuses consistent: open = amount − paidAmountAccumulated', async () => {
    const { nodes } = await allPages(500);
    for (const inv of nodes) {
      expect(inv.totalLiquid).toBeCloseTo(inv.totalNet + inv.totalVat, 2);
      const amount = inv.openItems.reduce((n, i) => n + i.amount, 0);
      expect(amount).toBeCloseTo(inv.totalLiquid, 2);
      const open = inv.openItems.reduce((n, i) => n + i.amount - i.paidAmountAccumulated, 0);
      if (inv.status === 'Posted') expect(open).toBeCloseTo(inv.totalLiquid, 2);
      else expect(open).toBeGreaterThan(0);
      expect(inv.operationalNumber).toMatch(inv.type === 'CREDIT_NOTE' ? /^AV-\d{6}$/ : /^FA-\d{6}$/);
      expect(inv.firstDueDate.slice(0, 10)).toBe(inv.openItems[0]!.dueDate);
      if (inv.type === 'CREDIT_NOTE') expect(inv.sourceSalesInvoiceId).not.toBeNull();
    }
    expect(nodes.some((n) => n.openItems.length === 2)).toBe(true);
    expect(nodes.some((n) => n.type === 'CREDIT_NOTE')).toBe(true);
    // §2.2 [UNVERIFIED]: DateTime written the older Hot Chocolate way by default.
    expect(nodes[0]!.documentDate).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
  });

  it('writes credit notes negative and DateTime date-only when told', async () => {
    r.sim.controls.settings.creditNoteSign = 'negative';
    r.sim.controls.settings.dateTimeFormat = 'date';
    try {
      const a = await r.gql<{ salesInvoices: Page<Invoice> }>(
        `{ salesInvoices(first: 5, where: { type: { eq: "CREDIT_NOTE" } }) { nodes { ${INVOICE_FIELDS} } } }`,
      );
      const notes = a.body.data!.salesInvoices.nodes;
      expect(notes.length).toBeGreaterThan(0);
      for (const n of notes) {
        expect(n.totalLiquid).toBeLessThan(0);
        expect(n.openItems[0]!.amount).toBeLessThan(0);
        expect(n.documentDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    } finally {
      r.sim.controls.settings.creditNoteSign = 'positive';
      r.sim.controls.settings.dateTimeFormat = 'milliseconds';
    }
  });

  it('gives customers valid SIREN/SIRET and VAT numbers, French addresses and contacts with usage flags', async () => {
    const a = await r.gql<{
      customers: Page<{
        documentId: string;
        vatNumber: string | null;
        customerType: string;
        addresses: { zipCode: string; countryIsoCodeAlpha2: string; isMainAddress: boolean }[];
        contacts: { emails: { emailAddress: string; usage: string }[] }[];
      }>;
    }>(
      '{ customers(first: 500) { nodes { documentId vatNumber customerType addresses { zipCode countryIsoCodeAlpha2 isMainAddress } contacts { emails { emailAddress usage } } } } }',
    );
    const luhn = (s: string): boolean =>
      s
        .split('')
        .reverse()
        .reduce((sum, ch, i) => {
          const n = Number(ch) * (i % 2 === 1 ? 2 : 1);
          return sum + (n > 9 ? n - 9 : n);
        }, 0) %
        10 ===
      0;
    const businesses = a.body.data!.customers.nodes.filter((c) => c.customerType === 'BUSINESS');
    expect(businesses.length).toBeGreaterThan(5);
    for (const c of businesses) {
      expect(c.documentId).toMatch(/^(\d{9}|\d{14})$/);
      expect(luhn(c.documentId)).toBe(true);
      expect(luhn(c.documentId.slice(0, 9))).toBe(true);
      expect(c.vatNumber).toBe(frenchVatNumber(c.documentId.slice(0, 9)));
      expect(c.addresses[0]).toMatchObject({ countryIsoCodeAlpha2: 'FR', isMainAddress: true });
      expect(c.contacts[0]!.emails[0]!.usage).toBe('INVOICES');
    }
    expect(
      a.body.data!.customers.nodes.some((c) => c.contacts.some((k) => k.emails.some((e) => e.usage === 'PAYMENTS'))),
    ).toBe(true);
  });

  it('serves accounting entries with customer lines and open items, imported ones without a sales invoice', async () => {
    const a = await r.gql<{
      accountingEntries: Page<{
        sourceType: string;
        accountingEntryLines: {
          accountingEntryThirdParty: { origin: string; thirdPartyId: string } | null;
          accountingEntryInvoice: {
            openItems: { amount: number; status: string; salesInvoiceId: string | null }[];
          } | null;
        }[];
      }>;
    }>(
      `{ accountingEntries(first: 500, where: { sourceType: { neq: "SALES" }, accountingEntryLines: { some: { accountingEntryThirdParty: { origin: { eq: "CUSTOMER" } } } } }) {
        totalCount nodes { sourceType accountingEntryLines { accountingEntryThirdParty { origin thirdPartyId } accountingEntryInvoice { openItems { amount status salesInvoiceId } } } } } }`,
    );
    expect(a.body.errors).toBeUndefined();
    const entries = a.body.data!.accountingEntries.nodes;
    expect(entries.length).toBe(r.sim.organizations[0]!.entries.filter((e) => e.sourceType === 'IMPORT_FILE').length);
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(e.sourceType).toBe('IMPORT_FILE');
      const line = e.accountingEntryLines.find((l) => l.accountingEntryThirdParty?.origin === 'CUSTOMER')!;
      expect(line.accountingEntryInvoice!.openItems[0]!.salesInvoiceId).toBeNull();
    }
  });

  it('moves an open item on a payment: PARTIAL, then COLLECTED, with modificationDate set', async () => {
    const org = r.sim.organizations[0]!;
    const inv = org.invoices.find((i) => i.status === 'Posted' && i.openItems.length === 1)!;
    const q = `query($id: UUID) { salesInvoices(where: { id: { eq: $id } }) { nodes { status openItems { status paidAmountAccumulated modificationDate } } } }`;
    r.clock.advance(3_600_000);
    try {
      r.sim.controls.pay(org.id, inv.id, 1000);
      const a = await r.gql<{ salesInvoices: Page<Invoice> }>(q, { id: inv.id });
      expect(a.body.data!.salesInvoices.nodes[0]).toMatchObject({
        status: 'PartiallyCollected',
        openItems: [
          { status: 'PARTIAL', paidAmountAccumulated: 10, modificationDate: new Date(START + 3_600_000).toISOString() },
        ],
      });
      r.sim.controls.pay(org.id, inv.id, inv.openItems[0]!.amount);
      const b = await r.gql<{ salesInvoices: Page<Invoice> }>(q, { id: inv.id });
      expect(b.body.data!.salesInvoices.nodes[0]!.openItems[0]!.status).toBe('COLLECTED');
      expect(b.body.data!.salesInvoices.nodes[0]!.status).toBe('Collected');
    } finally {
      r.clock.advance(-3_600_000);
    }
  });
});

describe('changes through the controls', () => {
  it('adds a posted invoice seen by the incremental filter, and deletes it without a trace', async () => {
    const org = r.sim.organizations[0]!;
    const customer = org.customers[2]!;
    r.clock.advance(7_200_000);
    try {
      const created = await fetch(`${r.sim.url}/_simulator/invoices`, {
        method: 'POST',
        body: JSON.stringify({ organizationId: org.id, customerId: customer.id, amountCents: 120_000, dueInDays: 30 }),
      });
      const { id } = (await created.json()) as { id: string };
      const since = new Date(START + 3_600_000).toISOString();
      const q = `query($since: DateTime) { salesInvoices(where: { or: [{ modificationDate: { gt: $since } }, { creationDate: { gt: $since } }] }) { nodes { id status operationalNumber totalLiquid totalNet totalVat firstDueDate modificationDate openItems { amount dueDate status } } } }`;
      const a = await r.gql<{ salesInvoices: Page<Invoice> }>(q, { since });
      expect(a.body.data!.salesInvoices.nodes).toEqual([
        {
          id,
          status: 'Posted',
          operationalNumber: expect.stringMatching(/^FA-\d{6}$/) as unknown,
          totalLiquid: 1200,
          totalNet: 1000,
          totalVat: 200,
          firstDueDate: '2026-05-31T00:00:00.000Z',
          modificationDate: null,
          openItems: [{ amount: 1200, dueDate: '2026-05-31', status: 'NOT_SPECIFIED' }],
        },
      ]);
      const numbers = org.invoices
        .map((i) => i.operationalNumber)
        .filter((n): n is string => n?.startsWith('FA') === true);
      expect(new Set(numbers).size).toBe(numbers.length);
      await fetch(`${r.sim.url}/_simulator/delete-invoice`, {
        method: 'POST',
        body: JSON.stringify({ organizationId: org.id, invoiceId: id }),
      });
      const b = await r.gql<{ salesInvoices: Page<Invoice> }>(
        'query($ids: [UUID]) { salesInvoices(where: { id: { in: $ids } }) { totalCount } }',
        { ids: [id] },
      );
      expect(b.body.data!.salesInvoices.totalCount).toBe(0);
      const bad = await fetch(`${r.sim.url}/_simulator/invoices`, {
        method: 'POST',
        body: JSON.stringify({ organizationId: org.id, customerId: customer.id, amountCents: 0 }),
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toBe('amountCents must be a whole number > 0, got 0');
    } finally {
      r.clock.advance(-7_200_000);
    }
  });
});

describe('determinism', () => {
  it('gives the same data for the same seed and clock, other data for another seed', () => {
    const nowMs = START;
    const strip = (d: SageActiveData): string => JSON.stringify(d.organizations);
    const a = new SageActiveData({ seed: 11, invoices: 200, nowMs });
    const b = new SageActiveData({ seed: 11, invoices: 200, nowMs });
    const c = new SageActiveData({ seed: 12, invoices: 200, nowMs });
    expect(strip(a)).toBe(strip(b));
    expect(strip(a)).not.toBe(strip(c));
    // Nothing was created or changed after the clock's now.
    for (const o of a.organizations)
      for (const t of [...o.customers, ...o.invoices, ...o.invoices.flatMap((i) => i.openItems), ...o.entries]) {
        expect(t.creationMs).toBeLessThanOrEqual(nowMs);
        expect(t.modificationMs ?? 0).toBeLessThanOrEqual(nowMs);
      }
    expect(a.organizations.reduce((n, o) => n + o.invoices.length, 0)).toBe(200);
    expect(() => new SageActiveData({ seed: 1, invoices: -1, nowMs })).toThrow(
      'invoices must be a whole number ≥ 0, got -1',
    );
    // Still clock: the simulator's own data comes from the same generator.
    expect(new SimulatedClock(START, 0).now().getTime()).toBe(nowMs);
  });
});
