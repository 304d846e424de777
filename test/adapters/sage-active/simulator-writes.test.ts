import { START, startSimulator, type Running } from './simulator-fixture';

/** The write-back mutations of shared/reference/sage.md §2.5 on the simulator, over loopback HTTP. */

let r: Running;
beforeEach(async () => {
  r = await startSimulator({ invoices: 90 });
});
afterEach(async () => {
  await r.sim.stop();
});

const UPDATE_CUSTOMER = 'mutation($values: CustomerUpdateGLDtoInput!) { updateCustomer(input: $values) { id } }';
const UPDATE_INVOICE = 'mutation($values: SalesInvoiceUpdateGLDtoInput!) { updateSalesInvoice(input: $values) { id } }';
const UPLOAD = 'mutation($input: FileUploadGLDtoInput!) { uploadFileToEntity(input: $input) { id } }';

describe('updateCustomer', () => {
  it('takes comments of 2,000 characters, patches only them and sets modificationDate', async () => {
    const customer = r.sim.organizations[0]!.customers[0]!;
    const before = { socialName: customer.socialName, vatNumber: customer.vatNumber };
    const comments = `[RECOUVREMENT] ${'x'.repeat(2_000 - 16)}]`;
    expect(comments).toHaveLength(2_000);
    r.clock.advance(60_000);
    const a = await r.gql(UPDATE_CUSTOMER, { values: { id: customer.id, comments } });
    expect(a.body).toEqual({ data: { updateCustomer: { id: customer.id } } });
    const read = await r.gql<{
      customers: {
        nodes: { comments: string; socialName: string; vatNumber: string | null; modificationDate: string }[];
      };
    }>(
      'query($id: UUID) { customers(where: { id: { eq: $id } }) { nodes { comments socialName vatNumber modificationDate } } }',
      { id: customer.id },
    );
    expect(read.body.data!.customers.nodes[0]).toEqual({
      comments,
      ...before,
      modificationDate: new Date(START + 60_000).toISOString(),
    });
    expect(r.sim.controls.writes).toEqual([
      {
        atMs: START + 60_000,
        organizationId: r.books,
        mutation: 'updateCustomer',
        id: customer.id,
        fields: { comments },
      },
    ]);
  });

  it('refuses comments of 2,001 characters with a business error inside HTTP 200, and changes nothing', async () => {
    const customer = r.sim.organizations[0]!.customers[1]!;
    const old = customer.comments;
    const a = await r.gql(UPDATE_CUSTOMER, { values: { id: customer.id, comments: 'y'.repeat(2_001) } });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      errors: [{ message: 'global.businessErrors.maxLengthExceeded' }],
      data: { updateCustomer: null },
    });
    expect(customer.comments).toBe(old);
    expect(r.sim.controls.writes).toEqual([]);
  });

  it('refuses a customer of another organisation, and a token without WDSA', async () => {
    const other = r.sim.organizations[1]!.customers[0]!;
    const a = await r.gql(UPDATE_CUSTOMER, { values: { id: other.id, comments: 'x' } });
    expect(a.body.errors).toEqual([{ message: 'global.businessErrors.entityNotFound' }]);
    const readOnly = r.sim.controls.issueTokens(undefined, 'RDSA offline_access').access_token;
    const mine = r.sim.organizations[0]!.customers[0]!;
    const b = await r.gql(
      UPDATE_CUSTOMER,
      { values: { id: mine.id, comments: 'x' } },
      { Authorization: `Bearer ${readOnly}` },
    );
    expect(b.body.errors![0]).toMatchObject({
      message: 'global.businessErrors.authorizationPolicy',
      path: ['updateCustomer'],
    });
  });
});

describe('updateSalesInvoice', () => {
  it('refuses remarks on a Posted invoice by default, accepts them on a Pending one, and on any when told', async () => {
    const org = r.sim.organizations[0]!;
    const posted = org.invoices.find((i) => i.status === 'Posted')!;
    const pending = org.invoices.find((i) => i.status === 'Pending')!;
    const refused = await r.gql(UPDATE_INVOICE, { values: { id: posted.id, remarks: 'Relance 1 envoyée' } });
    expect(refused.body).toEqual({
      errors: [{ message: 'global.businessErrors.salesInvoiceNotModifiable' }],
      data: { updateSalesInvoice: null },
    });
    expect(posted.remarks).toBeNull();
    const ok = await r.gql(UPDATE_INVOICE, { values: { id: pending.id, remarks: 'Relance 1 envoyée' } });
    expect(ok.body).toEqual({ data: { updateSalesInvoice: { id: pending.id } } });
    const tooLong = await r.gql(UPDATE_INVOICE, { values: { id: pending.id, remarks: 'r'.repeat(1_001) } });
    expect(tooLong.body.errors).toEqual([{ message: 'global.businessErrors.maxLengthExceeded' }]);
    r.sim.controls.settings.lockedInvoiceUpdates = 'accept';
    const accepted = await r.gql(UPDATE_INVOICE, { values: { id: posted.id, remarks: 'Mise en demeure' } });
    expect(accepted.body.data).toEqual({ updateSalesInvoice: { id: posted.id } });
    const read = await r.gql<{ salesInvoices: { nodes: { remarks: string }[] } }>(
      'query($id: UUID) { salesInvoices(where: { id: { eq: $id } }) { nodes { remarks } } }',
      { id: posted.id },
    );
    expect(read.body.data!.salesInvoices.nodes[0]!.remarks).toBe('Mise en demeure');
  });
});

describe('concurrent mutations', () => {
  it('answers the 11th mutation in flight with 429, while queries still pass', async () => {
    r.sim.controls.latencyMs = 300;
    const customer = r.sim.organizations[0]!.customers[0]!;
    const mutations = Array.from({ length: 11 }, (_, i) =>
      r.gql(UPDATE_CUSTOMER, { values: { id: customer.id, comments: `n° ${i}` } }),
    );
    const query = r.gql('{ customers(first: 1) { totalCount } }');
    const statuses = (await Promise.all(mutations)).map((a) => a.status).sort();
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
    expect((await query).status).toBe(200);
    expect(r.sim.controls.writes).toHaveLength(10);
  });
});

describe('uploadFileToEntity', () => {
  function multipart(
    input: Record<string, unknown>,
    file: { name: string; type: string; text: string } | null,
    headers: Record<string, string> = { 'GraphQL-preflight': '1' },
  ): Promise<Response> {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: UPLOAD, variables: { input: { file: null, ...input } } }));
    form.append('map', JSON.stringify(file ? { 0: ['variables.input.file'] } : {}));
    if (file) form.append('0', new Blob([file.text], { type: file.type }), file.name);
    return fetch(`${r.sim.url}/graphql`, {
      method: 'POST',
      headers: { 'x-api-key': r.key, Authorization: `Bearer ${r.token}`, 'X-OrganizationId': r.books, ...headers },
      body: form,
    });
  }

  it('stores a file attached to an accounting entry, answers its hex id and lists it', async () => {
    const entry = r.sim.organizations[0]!.entries[0]!;
    const text = 'Statut de recouvrement : mise en demeure envoyée le 2026-05-01.';
    const res = await multipart(
      {
        entityType: 'ACCOUNTING_ENTRY',
        entityId: entry.id,
        fileName: 'recouvrement.txt',
        businessDate: '2026-05-01',
        comment: 'Recouvra',
      },
      { name: 'recouvrement.txt', type: 'text/plain', text },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { uploadFileToEntity: { id: string } } };
    const id = body.data.uploadFileToEntity.id;
    expect(id).toMatch(/^[0-9a-f]{32}\.txt$/);
    const listed = await r.gql<{
      files: { nodes: { id: string; fileName: string; comment: string; entityType: string }[] };
    }>(
      'query($e: UUID) { files(where: { entityType: { eq: "ACCOUNTING_ENTRY" }, entityId: { eq: $e } }) { nodes { id fileName comment entityType } } }',
      { e: entry.id },
    );
    expect(listed.body.data!.files.nodes).toEqual([
      { id, fileName: 'recouvrement.txt', comment: 'Recouvra', entityType: 'ACCOUNTING_ENTRY' },
    ]);
    const files = (await (await fetch(`${r.sim.url}/_simulator/files`)).json()) as {
      files: { id: string; text: string | null; size: number }[];
    };
    expect(files.files).toEqual([expect.objectContaining({ id, text, size: Buffer.byteLength(text) })]);
  });

  it('refuses a multipart request without the GraphQL-preflight header with 400, storing nothing', async () => {
    const customer = r.sim.organizations[0]!.customers[0]!;
    const res = await multipart(
      { entityType: 'CUSTOMER', entityId: customer.id, fileName: 'a.txt' },
      { name: 'a.txt', type: 'text/plain', text: 'a' },
      {},
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errors: [
        { message: 'Multi-part requests must include a GraphQL preflight header.', extensions: { code: 'HC0077' } },
      ],
    });
    expect(r.sim.organizations[0]!.files).toEqual([]);
  });

  it('refuses a file type not allowed, a fileName over 100, a comment over 255, a missing file and an unknown entity', async () => {
    const customer = r.sim.organizations[0]!.customers[0]!;
    const base = { entityType: 'CUSTOMER', entityId: customer.id };
    const file = { name: 'f', type: 'text/plain', text: 'f' };
    const cases: [Record<string, unknown>, typeof file | null, string][] = [
      [{ ...base, fileName: 'run.exe' }, file, 'global.businessErrors.fileTypeNotAllowed'],
      [{ ...base, fileName: `${'n'.repeat(97)}.txt` }, file, 'global.businessErrors.maxLengthExceeded'],
      [{ ...base, fileName: 'ok.txt', comment: 'c'.repeat(256) }, file, 'global.businessErrors.maxLengthExceeded'],
      [{ ...base, fileName: 'ok.txt' }, null, 'global.businessErrors.fileRequired'],
      [
        { entityType: 'CUSTOMER', entityId: '00000000-0000-4000-8000-000000000000', fileName: 'ok.txt' },
        file,
        'global.businessErrors.entityNotFound',
      ],
    ];
    for (const [input, f, message] of cases) {
      const res = await multipart(input, f);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ errors: [{ message }], data: { uploadFileToEntity: null } });
    }
    // 100 characters exactly is accepted.
    const ok = await multipart({ ...base, fileName: `${'n'.repeat(96)}.txt` }, file);
    expect(((await ok.json()) as { data: unknown }).data).toEqual({
      uploadFileToEntity: { id: expect.stringMatching(/\.txt$/) as unknown },
    });
  });

  it('refuses an entity type that does not exist (no SALES_INVOICE, §2.5) as a validation error', async () => {
    const res = await multipart(
      { entityType: 'SALES_INVOICE', entityId: r.sim.organizations[0]!.invoices[0]!.id, fileName: 'a.txt' },
      { name: 'a.txt', type: 'text/plain', text: 'a' },
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string }[]; data?: unknown };
    expect(body.errors[0]!.message).toMatch(/SALES_INVOICE/);
    expect(body.data).toBeUndefined();
  });
});
