import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What the simulators of the providers whose contracts the project owns (SMS, postal, law firm)
 * share: reading a request's headers, answering JSON, and the faults a test injects into the
 * next requests (failures, 429 with Retry-After, dropped connections, latency).
 */

export interface InjectedFailure {
  status: number;
  body: string;
  retryAfter?: string;
}

export class HttpFaultControls {
  /** Real milliseconds each request waits before it is handled. */
  latencyMs = 0;
  readonly failures: InjectedFailure[] = [];
  /** Requests still to be handled fully and then answered with a dropped connection. */
  dropResponses = 0;

  /** @param errorBody the simulator's error body for a code and a message (its contract's shape). */
  constructor(private readonly errorBody: (code: string, message: string) => string) {}

  /** The next `count` requests fail with `status` before anything is recorded. */
  failNext(count: number, status = 503, retryAfter?: string): void {
    const body = this.errorBody(status >= 500 ? 'provider_unavailable' : 'injected', `injected HTTP ${status}`);
    for (let i = 0; i < count; i++)
      this.failures.push({ status, body, ...(retryAfter === undefined ? {} : { retryAfter }) });
  }

  /** The next `count` requests get 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(count: number, retryAfterSeconds: number): void {
    const body = this.errorBody('rate_limited', 'too many requests');
    for (let i = 0; i < count; i++) this.failures.push({ status: 429, body, retryAfter: String(retryAfterSeconds) });
  }

  /** The next `count` requests are processed, then the connection is cut (the answer is lost). */
  dropNext(count = 1): void {
    this.dropResponses += count;
  }
}

export function requestHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(requestHeader(req, 'authorization') ?? '')?.[1];
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Answers `body` as `type`, with its length: the simulators' one way of writing a response. */
export function sendBody(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** The request's body as UTF-8 text; rejects (and drops the connection) past `maxBytes`. */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new Error(`request body larger than ${maxBytes} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
