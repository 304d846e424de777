import { createHash } from 'node:crypto';
import { HttpFaultControls, bearerToken, requestHeader, sendJson } from '../../simulator-http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from '../../loopback-server';
import { SimulatedClock } from '../../../connector/time/clock';
import { isE164 } from '../../../connector/model/phone-number';
import { segmentSms } from '../segments';
import { senderIdProblem } from '../sender-id';

/**
 * An SMS provider speaking the project's contract (../README.md) on loopback, for tests and the
 * demo. It deduplicates on Idempotency-Key, keeps every accepted message for inspection, moves
 * messages queued → sent → delivered on its own clock, and takes injected faults. Test handles
 * (`controls`, `clock`, `sent()`) are not reachable over HTTP.
 */

export interface SmsSimulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Bearer keys accepted. Default ["sim-sms-key"]. */
  apiKeys?: string[];
  /** Sender ids this account may use; default any valid one. Others get 403 sender_not_allowed. */
  allowedSenders?: string[];
  /** Makes message ids reproducible. Default 1. */
  seed?: number;
  /** Simulated start instant (ISO 8601). Default 2026-03-02T09:00:00Z. */
  startAt?: string;
  /** Simulated milliseconds per real millisecond; 0 (default) moves only through `clock.advance`. */
  speed?: number;
  /** Time from acceptance to `sent` and to `delivered` (simulated ms). Default 1000 and 5000. */
  sentAfterMs?: number;
  deliveredAfterMs?: number;
  /** Longest text accepted (parts). Default 10. */
  maxSegments?: number;
}

export interface SimulatedSms {
  id: string;
  to: string;
  from: string;
  text: string;
  idempotencyKey: string;
  segments: number;
  encoding: string;
  acceptedAt: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed';
}

export { SimulatedClock };

export class SmsSimulatorControls extends HttpFaultControls {
  /** Numbers whose messages, accepted from now on, end `failed` instead of `delivered`, with the provider's reason. */
  readonly undeliverable = new Map<string, { code: string; message: string }>();
  /** Every request seen, for assertions; never the API key. */
  readonly requests: { method: string; path: string; idempotencyKey: string | undefined; body: string }[] = [];

  constructor() {
    super((code, message) => errorBody(code, message));
  }
}

interface StoredMessage {
  id: string;
  account: string;
  idempotencyKey: string;
  fingerprint: string;
  to: string;
  from: string;
  text: string;
  segments: number;
  encoding: string;
  acceptedAtMs: number;
  /** Decided at acceptance, so that a later control does not rewrite a message's history. */
  failure: { code: string; message: string } | undefined;
  createdResponse: string;
}

export class SmsSimulator {
  readonly controls = new SmsSimulatorControls();
  readonly clock: SimulatedClock;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly byKey = new Map<string, StoredMessage>();
  private readonly http: LoopbackServer;

  constructor(private readonly options: SmsSimulatorOptions = {}) {
    this.clock = new SimulatedClock(Date.parse(options.startAt ?? '2026-03-02T09:00:00Z'), options.speed ?? 0);
    this.http = new LoopbackServer('SMS simulator', (req, res) => this.handle(req, res), {
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
  }

  get url(): string {
    return this.http.url;
  }

  /** The first key accepted: what tests put in the client's configuration. */
  get apiKey(): string {
    return this.apiKeys[0]!;
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** Every message accepted, once each, oldest first, with its status now. */
  sent(): SimulatedSms[] {
    return [...this.messages.values()].map((m) => ({
      id: m.id,
      to: m.to,
      from: m.from,
      text: m.text,
      idempotencyKey: m.idempotencyKey,
      segments: m.segments,
      encoding: m.encoding,
      acceptedAt: new Date(m.acceptedAtMs).toISOString(),
      status: this.progress(m, this.clock.now().getTime()).status,
    }));
  }

  private get apiKeys(): string[] {
    return this.options.apiKeys ?? ['sim-sms-key'];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    try {
      const body = await readBody(req);
      const key = requestHeader(req, 'idempotency-key');
      this.controls.requests.push({ method, path, idempotencyKey: key, body });
      if (this.controls.latencyMs > 0) await new Promise((r) => setTimeout(r, this.controls.latencyMs));
      const failure = this.controls.failures.shift();
      if (failure)
        return sendJson(
          res,
          failure.status,
          failure.body,
          failure.retryAfter === undefined ? {} : { 'Retry-After': failure.retryAfter },
        );
      const drop = this.controls.dropResponses > 0;
      if (drop) this.controls.dropResponses--;
      const answer = this.route(method, path, req, body);
      if (drop) {
        req.socket.destroy();
        return;
      }
      return sendJson(res, answer.status, answer.body, answer.headers);
    } catch (e) {
      if (e instanceof BodyTooLarge)
        return sendJson(res, 413, errorBody('request_too_large', e.message), { Connection: 'close' });
      return sendJson(res, 500, errorBody('internal_error', String(e)));
    }
  }

  private route(method: string, path: string, req: IncomingMessage, body: string): Answer {
    const account = bearerToken(req);
    const one = /^\/v1\/messages\/([^/]+)$/.exec(path);
    if (path !== '/v1/messages' && !one)
      return { status: 404, body: errorBody('not_found', `no route ${method} ${path}`) };
    if (account === undefined || !this.apiKeys.includes(account))
      return { status: 401, body: errorBody('unauthorized', 'missing or unknown API key') };
    if (path === '/v1/messages' && method === 'POST') return this.create(account, req, body);
    if (one && method === 'GET') return this.read(account, decodeURIComponent(one[1]!));
    return { status: 405, body: errorBody('method_not_allowed', `${method} is not allowed on ${path}`) };
  }

  private create(account: string, req: IncomingMessage, raw: string): Answer {
    if (!/^application\/json\b/i.test(requestHeader(req, 'content-type') ?? ''))
      return { status: 415, body: errorBody('unsupported_media_type', 'send application/json') };
    const key = requestHeader(req, 'idempotency-key');
    if (key === undefined || !/^[\x21-\x7e]{1,255}$/.test(key))
      return {
        status: 400,
        body: errorBody('idempotency_key_required', 'Idempotency-Key must be 1 to 255 printable ASCII characters'),
      };
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('the body must be a JSON object');
      input = parsed as Record<string, unknown>;
    } catch (e) {
      return { status: 400, body: errorBody('invalid_request', (e as Error).message) };
    }
    const { to, from, text } = input;
    if (typeof to !== 'string' || !isE164(to))
      return {
        status: 400,
        body: errorBody('invalid_number', `"to" must be an E.164 number, got ${JSON.stringify(to)}`, 'to'),
      };
    const senderProblem = typeof from === 'string' ? senderIdProblem(from) : '"from" is required';
    if (senderProblem || typeof from !== 'string')
      return { status: 400, body: errorBody('invalid_sender', senderProblem ?? '"from" is required', 'from') };
    if (this.options.allowedSenders && !this.options.allowedSenders.includes(from))
      return {
        status: 403,
        body: errorBody('sender_not_allowed', `sender "${from}" is not registered for this account`, 'from'),
      };
    if (typeof text !== 'string' || text.length === 0)
      return { status: 400, body: errorBody('invalid_request', '"text" must be a non-empty string', 'text') };
    const seg = segmentSms(text);
    if (seg.segments > (this.options.maxSegments ?? 10))
      return { status: 400, body: errorBody('text_too_long', `the text needs ${seg.segments} parts`, 'text') };

    const fingerprint = createHash('sha256').update(canonicalJson(input)).digest('hex');
    const scoped = `${account}\u0000${key}`;
    const earlier = this.byKey.get(scoped);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint)
        return {
          status: 409,
          body: errorBody('idempotency_conflict', `Idempotency-Key "${key}" was used for a different request`),
        };
      return { status: 201, body: earlier.createdResponse, headers: { 'Idempotent-Replayed': 'true' } };
    }
    const now = this.clock.now().getTime();
    const message: StoredMessage = {
      id: this.nextId(),
      account,
      idempotencyKey: key,
      fingerprint,
      to,
      from,
      text,
      segments: seg.segments,
      encoding: seg.encoding,
      acceptedAtMs: now,
      failure: this.controls.undeliverable.get(to),
      createdResponse: '',
    };
    // The answer describes the message as it was accepted, however fast the simulated clock runs.
    message.createdResponse = JSON.stringify(this.view(message, now));
    this.messages.set(message.id, message);
    this.byKey.set(scoped, message);
    return { status: 201, body: message.createdResponse };
  }

  private read(account: string, id: string): Answer {
    const message = this.messages.get(id);
    if (!message || message.account !== account)
      return { status: 404, body: errorBody('message_not_found', `no message ${id}`) };
    return { status: 200, body: JSON.stringify(this.view(message)) };
  }

  private view(m: StoredMessage, nowMs = this.clock.now().getTime()): Record<string, unknown> {
    const p = this.progress(m, nowMs);
    return {
      id: m.id,
      status: p.status,
      to: m.to,
      from: m.from,
      segments: m.segments,
      encoding: m.encoding,
      createdAt: new Date(m.acceptedAtMs).toISOString(),
      statusAt: new Date(p.atMs).toISOString(),
      ...(p.error ? { error: p.error } : {}),
    };
  }

  private progress(
    m: StoredMessage,
    now: number,
  ): { status: SimulatedSms['status']; atMs: number; error?: { code: string; message: string } } {
    const sentAt = m.acceptedAtMs + (this.options.sentAfterMs ?? 1_000);
    const doneAt = m.acceptedAtMs + (this.options.deliveredAfterMs ?? 5_000);
    if (now >= doneAt) {
      return m.failure ? { status: 'failed', atMs: doneAt, error: m.failure } : { status: 'delivered', atMs: doneAt };
    }
    if (now >= sentAt) return { status: 'sent', atMs: sentAt };
    return { status: 'queued', atMs: m.acceptedAtMs };
  }

  private nextId(): string {
    const n = this.messages.size + 1;
    return `msg_${createHash('sha256')
      .update(`${this.options.seed ?? 1}:${n}`)
      .digest('hex')
      .slice(0, 20)}`;
  }
}

interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** Keys sorted at every level: two bodies that differ only in key order are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function errorBody(code: string, message: string, field?: string): string {
  return JSON.stringify({ error: { code, message, ...(field ? { field } : {}) } });
}

const MAX_BODY = 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Keep reading to the end so that the 413 reaches the client instead of a reset.
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () =>
      size > MAX_BODY
        ? reject(new BodyTooLarge(`request body larger than ${MAX_BODY} bytes`))
        : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}
