import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

/**
 * Every part of a request (path parameters, query string, body, the user header) is checked by
 * a zod schema, and every problem is reported at once with where it is (`body.reason`,
 * `query.limit`), as the configuration loader does.
 */

export interface Problem {
  /** Where: `params.id`, `query.limit`, `body.until`, `headers.x-recouvra-user`. */
  path: string;
  message: string;
}

export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';

  constructor(readonly problems: Problem[]) {
    super(
      `the request has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  }
}

/** The header naming the person acting; the token authenticates the client that sends it. */
export const USER_HEADER = 'x-recouvra-user';
export const DEFAULT_USER = 'api';

const UserSchema = z
  .string()
  .trim()
  .min(1, { error: 'must name the user, or be left out' })
  .max(100, { error: 'is longer than 100 characters' })
  .regex(/^[^\p{Cc}]+$/u, { error: 'must not contain control characters' })
  .default(DEFAULT_USER);

type Parts = { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };
type Parsed<S extends Parts> = { [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never } & { who: string };

export function parseRequest<S extends Parts>(request: FastifyRequest, schemas: S): Parsed<S> {
  const problems: Problem[] = [];
  const out: Record<string, unknown> = {};
  const check = (part: string, schema: z.ZodType, value: unknown): unknown => {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    problems.push(...problemsOf(part, r.error));
    return undefined;
  };
  for (const part of ['params', 'query', 'body'] as const) {
    const schema = schemas[part];
    if (schema) out[part] = check(part, schema, request[part]);
  }
  const header = request.headers[USER_HEADER];
  // A person signed in acts under their own name; the header names people for machines only.
  if (request.signedIn) out['who'] = request.signedIn.username;
  else if (Array.isArray(header)) problems.push({ path: `headers.${USER_HEADER}`, message: 'must be sent once' });
  else out['who'] = check(`headers.${USER_HEADER}`, UserSchema, header);
  if (problems.length > 0) throw new RequestValidationError(problems);
  return out as Parsed<S>;
}

export function problemsOf(part: string, error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue) => {
    const at = [part, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: `${at}.${key}`, message: 'is not a known field' }));
    return [{ path: at, message: issue.message }];
  });
}

/** A path or query id: the same bounds as the model's ids. */
export const IdParamSchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(200, { error: 'is longer than 200 characters' });

/** A whole number in a query string, between `min` and `max`. */
export function intParam(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );
}
