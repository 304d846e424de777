import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { AxiosInstance } from 'axios';
import { parse } from 'yaml';

/**
 * Checks HTTP exchanges against adapters/lawfirm/openapi.yaml with ajv (JSON Schema 2020-12,
 * the dialect of OpenAPI 3.1): the operation exists, required headers and parameters are there
 * and valid, the body matches, the status is documented and its body and required headers
 * match. Every check returns the list of problems, empty when the exchange follows the contract.
 */

export const OPENAPI_FILE = join(__dirname, '../../../adapters/lawfirm/openapi.yaml');

// The document is data read from YAML: walking it needs `any`-free but loose access.
type Json = Record<string, unknown>;

export interface Exchange {
  method: string;
  /** Absolute or path-only URL, with its query. */
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string | undefined;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

export function loadOpenApi(): Json {
  return parse(readFileSync(OPENAPI_FILE, 'utf8')) as Json;
}

const DOC_ID = 'openapi.json';

export class OpenApiContract {
  readonly doc: Json;
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(doc: Json = loadOpenApi()) {
    this.doc = doc;
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(doc, DOC_ID);
  }

  /** Problems of `value` against a schema object of the document (a `$ref` or inline). */
  schemaProblems(schema: unknown, value: unknown, where: string): string[] {
    const validate = this.compile(schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${where}${e.instancePath}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
    );
  }

  /** Problems of `value` against `components.schemas[name]`. */
  componentProblems(name: string, value: unknown): string[] {
    return this.schemaProblems({ $ref: `#/components/schemas/${name}` }, value, name);
  }

  validateExchange(x: Exchange): string[] {
    const url = new URL(x.url, 'http://contract.test');
    const found = this.operation(x.method, url.pathname);
    if (!found) return [`${x.method} ${url.pathname}: no such operation in openapi.yaml`];
    const { operation, pathParams, pathItem, label } = found;
    const problems: string[] = [];
    const headers = lower(x.requestHeaders);

    const security = (operation.security ?? this.doc.security) as unknown[] | undefined;
    if (security && security.length > 0 && !/^Bearer \S+$/.test(headers.authorization ?? ''))
      problems.push(`${label}: no bearer Authorization header`);

    for (const p of this.parameters(pathItem, operation)) {
      const name = String(p.name);
      const raw =
        p.in === 'header'
          ? headers[name.toLowerCase()]
          : p.in === 'query'
            ? (url.searchParams.get(name) ?? undefined)
            : p.in === 'path'
              ? pathParams[name]
              : undefined;
      if (raw === undefined) {
        if (p.required) problems.push(`${label}: required ${String(p.in)} parameter ${name} is missing`);
        continue;
      }
      problems.push(...this.schemaProblems(p.schema, coerce(raw, p.schema), `${label} ${String(p.in)} ${name}`));
    }

    const requestBody = this.deref(operation.requestBody) as Json | undefined;
    if (requestBody) {
      const media = (requestBody.content as Json)['application/json'] as Json;
      if (x.requestBody === undefined || x.requestBody === '') {
        if (requestBody.required) problems.push(`${label}: request body required`);
      } else {
        if (!/^application\/json\b/.test(headers['content-type'] ?? ''))
          problems.push(
            `${label}: request Content-Type is ${headers['content-type'] ?? 'missing'}, not application/json`,
          );
        problems.push(...this.jsonProblems(media.schema, x.requestBody, `${label} request`));
      }
    }

    const responses = operation.responses as Json;
    const key =
      String(x.status) in responses
        ? String(x.status)
        : `${String(x.status)[0]}XX` in responses
          ? `${String(x.status)[0]}XX`
          : 'default' in responses
            ? 'default'
            : undefined;
    if (key === undefined) return [...problems, `${label}: status ${x.status} is not documented`];
    const response = this.deref(responses[key]) as Json;
    const responseHeaders = lower(x.responseHeaders);
    for (const [name, h] of Object.entries((response.headers ?? {}) as Json)) {
      const header = this.deref(h) as Json;
      const value = responseHeaders[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) problems.push(`${label} ${x.status}: required response header ${name} is missing`);
        continue;
      }
      problems.push(...this.schemaProblems(header.schema, value, `${label} ${x.status} header ${name}`));
    }
    const content = response.content as Json | undefined;
    if (content) {
      if (!/^application\/json\b/.test(responseHeaders['content-type'] ?? ''))
        problems.push(`${label} ${x.status}: response Content-Type is ${responseHeaders['content-type'] ?? 'missing'}`);
      problems.push(
        ...this.jsonProblems(
          (content['application/json'] as Json).schema,
          x.responseBody,
          `${label} ${x.status} response`,
        ),
      );
    }
    return problems;
  }

  /** A webhook request as the firm sends it (`webhooks.procedureEvents`). */
  validateWebhook(headers: Record<string, string | string[] | undefined>, body: string): string[] {
    const operation = ((this.doc.webhooks as Json).procedureEvents as Json).post as Json;
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers))
      if (v !== undefined) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    const problems: string[] = [];
    for (const p of this.parameters({}, operation)) {
      const value = flat[String(p.name).toLowerCase()];
      if (value === undefined) problems.push(`webhook: header ${String(p.name)} is missing`);
      else problems.push(...this.schemaProblems(p.schema, value, `webhook header ${String(p.name)}`));
    }
    if (!/^application\/json\b/.test(flat['content-type'] ?? ''))
      problems.push('webhook: Content-Type is not application/json');
    const media = ((this.deref(operation.requestBody) as Json).content as Json)['application/json'] as Json;
    return [...problems, ...this.jsonProblems(media.schema, body, 'webhook body')];
  }

  /** Every operation of the document as "METHOD /path". */
  operations(): string[] {
    const out: string[] = [];
    for (const [path, item] of Object.entries(this.doc.paths as Json)) {
      for (const method of Object.keys(item as Json))
        if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) out.push(`${method.toUpperCase()} ${path}`);
    }
    return out;
  }

  operationAt(method: string, template: string): Json | undefined {
    return ((this.doc.paths as Json)[template] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
  }

  parameters(pathItem: Json, operation: Json): Json[] {
    return [...((pathItem.parameters ?? []) as unknown[]), ...((operation.parameters ?? []) as unknown[])].map(
      (p) => this.deref(p) as Json,
    );
  }

  deref(value: unknown): unknown {
    let v = value;
    for (let i = 0; i < 10 && v !== null && typeof v === 'object' && typeof (v as Json).$ref === 'string'; i++) {
      const pointer = String((v as Json).$ref)
        .replace(/^#\//, '')
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      v = pointer.reduce<unknown>((node, key) => (node as Json)[key], this.doc);
    }
    return v;
  }

  private operation(
    method: string,
    pathname: string,
  ): { operation: Json; pathItem: Json; pathParams: Record<string, string>; label: string } | undefined {
    for (const [template, item] of Object.entries(this.doc.paths as Json)) {
      const names: string[] = [];
      const pattern = new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`,
      );
      const m = pattern.exec(pathname);
      const operation = (item as Json)[method.toLowerCase()] as Json | undefined;
      if (!m || !operation) continue;
      const pathParams: Record<string, string> = {};
      names.forEach((n, i) => (pathParams[n] = decodeURIComponent(m[i + 1]!)));
      return { operation, pathItem: item as Json, pathParams, label: `${method.toUpperCase()} ${template}` };
    }
    return undefined;
  }

  private jsonProblems(schema: unknown, text: string, where: string): string[] {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return [`${where}: not JSON`];
    }
    return this.schemaProblems(schema, json, where);
  }

  private compile(schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      // Local references point into the whole document, which ajv holds under DOC_ID.
      validate = this.ajv.compile(JSON.parse(key.replace(/"#\//g, `"${DOC_ID}#/`)) as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

function lower(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** Query and header values are text; an integer parameter is checked as the number it spells. */
function coerce(raw: string, schema: unknown): unknown {
  const type = (schema as Json | undefined)?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * Records every exchange an axios instance makes, as the wire carried it (the client asks for
 * text, so bodies are the raw JSON), for `validateExchange`.
 */
export function recordExchanges(http: AxiosInstance): Exchange[] {
  const seen: Exchange[] = [];
  http.interceptors.response.use((response) => {
    const config = response.config;
    const requestHeaders: Record<string, string> = {};
    // toJSON leaves out the headers set to null or undefined.
    for (const [k, v] of Object.entries(config.headers.toJSON())) requestHeaders[k] = String(v);
    const responseHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(response.headers as Record<string, string | string[] | number | undefined>))
      if (v !== undefined) responseHeaders[k] = String(v);
    seen.push({
      method: (config.method ?? 'get').toUpperCase(),
      url: config.url ?? '',
      requestHeaders,
      requestBody: typeof config.data === 'string' ? config.data : undefined,
      status: response.status,
      responseHeaders,
      responseBody: typeof response.data === 'string' ? response.data : JSON.stringify(response.data),
    });
    return response;
  });
  return seen;
}
