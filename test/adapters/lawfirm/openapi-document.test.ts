import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MAX_DOCUMENT_BYTES, MAX_EVENTS_PAGE } from '../../../adapters/lawfirm/config.schema';
import { DossierSchema } from '../../../connector/model/dossier.schema';
import { ProcedureStateSchema } from '../../../connector/model/procedure-event.schema';
import { dossier } from './fixtures';
import { OPENAPI_FILE, OpenApiContract } from './openapi-contract';

type Json = Record<string, unknown>;
const contract = new OpenApiContract();
const doc = contract.doc;
const schemas = (doc.components as Json).schemas as Json;

/**
 * @seriousme/openapi-schema-validator is ESM only, which jest's CommonJS runtime cannot import
 * on Node 20: it runs in a child Node process and answers as JSON.
 */
async function validateWithOpenApiValidator(
  file: string,
): Promise<{ valid: boolean; version: string; errors?: unknown }> {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    const v = new Validator();
    const r = await v.validate(${JSON.stringify(file)});
    process.stdout.write(JSON.stringify({ valid: r.valid, version: v.version, errors: r.errors }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(__dirname, '../../..'),
  });
  return JSON.parse(stdout) as { valid: boolean; version: string; errors?: unknown };
}

describe('openapi.yaml, the law-firm contract', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validateWithOpenApiValidator(OPENAPI_FILE);
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('the validator does refuse a broken document (so the test above can fail)', async () => {
    const broken = JSON.stringify({ ...doc, info: { title: 'no version' } });
    const result = await validateWithOpenApiValidator(broken.replace(/\n/g, ' ') + '\n');
    expect(result.valid).toBe(false);
  });

  it('is versioned: info.version is semver and every route starts with /v1/', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect((doc.info as Json).version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(doc.paths as Json).every((p) => p.startsWith('/v1/'))).toBe(true);
  });

  it('has every operation of the partner contract, under bearer auth', () => {
    expect(contract.operations().sort()).toEqual(
      [
        'POST /v1/files',
        'GET /v1/files/{fileId}',
        'POST /v1/files/{fileId}/documents',
        'GET /v1/files/{fileId}/documents/{name}',
        'POST /v1/files/{fileId}/payments',
        'POST /v1/files/{fileId}/withdrawal',
        'GET /v1/events',
      ].sort(),
    );
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(((doc.components as Json).securitySchemes as Json).bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('every POST requires an Idempotency-Key and a JSON body; every operation documents 400, 401, 429 with Retry-After and 5XX', () => {
    for (const op of contract.operations()) {
      const [method, path] = op.split(' ') as [string, string];
      const operation = contract.operationAt(method, path)!;
      const params = contract.parameters({}, operation);
      const responses = operation.responses as Json;
      if (method === 'POST') {
        expect([op, params.find((p) => p.name === 'Idempotency-Key')]).toEqual([
          op,
          expect.objectContaining({ in: 'header', required: true }),
        ]);
        expect([op, (contract.deref(operation.requestBody) as Json).required]).toEqual([op, true]);
        expect([op, Object.keys(responses)]).toEqual([op, expect.arrayContaining(['200', '201', '409', '415'])]);
      }
      expect([op, Object.keys(responses)]).toEqual([op, expect.arrayContaining(['400', '401', '429', '5XX'])]);
      const tooMany = contract.deref(responses['429']) as Json;
      expect([op, (contract.deref((tooMany.headers as Json)['Retry-After']) as Json).required]).toEqual([op, true]);
    }
    const submit = contract.operationAt('POST', '/v1/files')!;
    expect(Object.keys(submit.responses as Json)).toEqual(expect.arrayContaining(['413', '422']));
  });

  it('every error answer has the one Error body: code, message and details', () => {
    const responses = (doc.components as Json).responses as Json;
    for (const [name, r] of Object.entries(responses)) {
      expect([name, (((r as Json).content as Json)['application/json'] as Json).schema]).toEqual([
        name,
        { $ref: '#/components/schemas/Error' },
      ]);
    }
    expect(
      contract.componentProblems('Error', {
        error: {
          code: 'dossier_invalid',
          message: 'x',
          details: [{ field: 'dossier.debtor.siren', message: 'not a SIREN' }],
        },
      }),
    ).toEqual([]);
    expect(contract.componentProblems('Error', { error: { message: 'no code' } })).not.toEqual([]);
    expect(contract.componentProblems('Error', { code: 'flat', message: 'not nested' })).not.toEqual([]);
  });

  it('declares the signed webhook in `webhooks:`, with both signature headers', () => {
    const hook = ((doc.webhooks as Json).procedureEvents as Json).post as Json;
    expect(contract.parameters({}, hook).map((p) => [p.name, p.in, p.required])).toEqual([
      ['Recouvra-Timestamp', 'header', true],
      ['Recouvra-Signature', 'header', true],
    ]);
    expect(String(hook.description)).toMatch(/HMAC-SHA256\(secret,\s+timestamp \+ "\." \+ rawBody\)/);
    expect(String(hook.description)).toMatch(/300 s/);
    expect(String(hook.description)).toMatch(/deduplicates by event `id`/);
    expect(Object.keys(hook.responses as Json)).toEqual(expect.arrayContaining(['2XX', '401']));
    const header = contract.parameters({}, hook)[1]!;
    expect(contract.schemaProblems(header.schema, `v1=${'a'.repeat(64)}`, 'sig')).toEqual([]);
    expect(contract.schemaProblems(header.schema, `v1=${'a'.repeat(64)},v1=${'b'.repeat(64)}`, 'sig')).toEqual([]);
    expect(contract.schemaProblems(header.schema, 'sha256=abc', 'sig')).not.toEqual([]);
  });

  it('every schema is strict JSON Schema 2020-12 (no unknown keyword, no broken reference)', () => {
    const defs = JSON.parse(JSON.stringify(schemas).replaceAll('#/components/schemas/', '#/$defs/')) as Json;
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'components', $defs: defs });
    for (const name of Object.keys(defs)) expect(() => ajv.getSchema(`components#/$defs/${name}`)).not.toThrow();
  });

  describe('Dossier', () => {
    it('accepts a canonical Dossier as connector/model/dossier.schema.ts parses it', () => {
      const canonical = JSON.parse(JSON.stringify(DossierSchema.parse(dossier()))) as unknown;
      expect(contract.componentProblems('Dossier', canonical)).toEqual([]);
    });

    it('lets the nested parts grow (more fields anywhere) but requires the core', () => {
      const grown = dossier() as unknown as Json;
      grown.newTopLevel = { anything: true };
      (grown.debtor as Json).rcs = 'Lyon B 732 829 320';
      ((grown.debtor as Json).addresses as Json[])[0]!.floor = '3';
      (grown.claim as Json).warnings = ['x'];
      ((grown.claim as Json).lines as Json[])[0]!.segments = [{ from: '2025-12-03' }];
      (grown.court as Json).territory = 'Lyon';
      grown.recommendedProcedure = 'procedure_europeenne';
      expect(contract.componentProblems('Dossier', grown)).toEqual([]);
      for (const core of ['id', 'caseId', 'debtor', 'claim', 'recommendedProcedure', 'court', 'reasons']) {
        const { [core]: _removed, ...without } = dossier() as unknown as Json;
        expect([core, contract.componentProblems('Dossier', without).join('\n')]).toEqual([
          core,
          expect.stringContaining(`must have required property '${core}'`),
        ]);
      }
    });

    it('amounts are integer minor units', () => {
      const d = dossier();
      (d.claim as unknown as Json).total = 2641.5;
      expect(contract.componentProblems('Dossier', d).join()).toContain('/claim/total');
    });
  });

  it('documents are {name, kind, mediaType, sha256, contentBase64}, at most 10 MiB once decoded', () => {
    const upload = (schemas.DocumentUpload as Json).properties as Json;
    expect(Object.keys(upload)).toEqual(['name', 'kind', 'mediaType', 'sha256', 'contentBase64']);
    expect((upload.contentBase64 as Json).maxLength).toBe(4 * Math.ceil(MAX_DOCUMENT_BYTES / 3));
    const ok = {
      name: 'a.pdf',
      kind: 'invoice',
      mediaType: 'application/pdf',
      sha256: 'a'.repeat(64),
      contentBase64: 'JVBERi0=',
    };
    expect(contract.componentProblems('DocumentUpload', ok)).toEqual([]);
    expect(contract.componentProblems('DocumentUpload', { ...ok, contentBase64: 'not base64!' })).not.toEqual([]);
    expect(contract.componentProblems('DocumentUpload', { ...ok, sha256: 'ABC' })).not.toEqual([]);
  });

  it("events: `type` names the connector's procedure states, but any word is accepted", () => {
    const event = schemas.PartnerEvent as Json;
    const type = (event.properties as Json).type as Json;
    const known = ProcedureStateSchema.options.filter((s) => s !== 'indeterminate');
    for (const state of known) expect(String(type.description)).toContain(`\`${state}\``);
    const base = { id: 'evt_1', fileId: 'fil_1', dossierId: 'dos-0001', occurredAt: '2026-04-02T09:00:00Z' };
    expect(
      contract.componentProblems('PartnerEvent', {
        ...base,
        type: 'order_issued',
        amount: { amount: 1200, currency: 'EUR' },
      }),
    ).toEqual([]);
    expect(contract.componentProblems('PartnerEvent', { ...base, type: 'créance_déclarée_au_mandataire' })).toEqual([]);
    expect(contract.componentProblems('PartnerEvent', { ...base, type: '' })).not.toEqual([]);
    expect(
      contract.componentProblems('PartnerEvent', { ...base, type: 'served', occurredAt: 'yesterday' }),
    ).not.toEqual([]);
  });

  it('the events page limit matches the client configuration', () => {
    const limit = contract.parameters({}, contract.operationAt('GET', '/v1/events')!).find((p) => p.name === 'limit')!;
    expect((limit.schema as Json).maximum).toBe(MAX_EVENTS_PAGE);
  });
});
