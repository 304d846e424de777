import { createHash } from 'node:crypto';
import { bearerToken, requestHeader, sendJson } from '../../simulator-http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { LoopbackServer } from '../../loopback-server';
import { SimulatedClock, systemClock, type Clock } from '../../../connector/time/clock';
import { MAX_DOCUMENT_BYTES, MAX_EVENTS_PAGE } from '../config.schema';
import { decodeUpload, documentProblems, dossierProblems, listedDocuments, type FieldProblem } from './dossier-checks';
import {
  iso,
  PathControls,
  SimulatedFirm,
  type FirmOutcome,
  type ReceivedDocument,
  type SimulatedEvent,
  type SimulatedFile,
  type SimulatedPayment,
  type SimulatedWithdrawal,
  type StoredFile,
} from './firm';
import {
  AddDocumentsRequestSchema,
  fieldPath,
  PaymentRequestSchema,
  SubmitRequestSchema,
  WithdrawalRequestSchema,
  type DocumentUpload,
  type PaymentRequest,
} from './request.schema';
import { WebhookSender, type DeliveryAttempt, type SignatureFault, type WebhookTarget } from './webhook-sender';

/**
 * A law firm speaking the project's contract (../openapi.yaml) on loopback, for tests and the
 * demo. It checks dossiers (422 with every problem, or a file rejected on its merits), opens
 * files, deduplicates on Idempotency-Key, walks accepted files through realistic procedure
 * paths (./paths.ts) on its own clock, keeps every event readable by `GET /v1/events`, pushes
 * them as signed webhooks (retrying until a 2xx), and takes injected faults. Test handles
 * (`controls`, `clock`, `files()`, `deliverWebhooks()`) are not reachable over HTTP. The firm's
 * books (files, paths, payments) are ./firm.ts, shared with the file-drop firm (./file-drop-firm.ts).
 */

export interface LawFirmSimulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Bearer keys accepted; each sees only its own files and events. Default ["sim-lawfirm-key"]. */
  apiKeys?: string[];
  /** Makes ids, the path each dossier takes and each delay reproducible. Default 1. */
  seed?: number;
  /** Simulated start instant (ISO 8601). Default 2026-04-01T08:00:00Z. */
  startAt?: string;
  /** Simulated milliseconds per real millisecond; 0 (default) moves only through `clock.advance`. */
  speed?: number;
  /** With `speed`: the firm's time stops here (no event falls due after it), as a rehearsal's clock does. */
  stopAt?: string;
  /** Where to push events; none, no webhooks (the feed still has every event). */
  webhook?: WebhookTarget;
  /** Push due webhooks by itself every `deliveryIntervalMs` real ms. Default true when `webhook` is set; tests set false and call `deliverWebhooks()`. */
  autoDeliver?: boolean;
  /** Real milliseconds between two automatic pushes. Default 250. */
  deliveryIntervalMs?: number;
  /** The clock whose time is signed into `Recouvra-Timestamp`. Default the real clock: a receiver compares it with its own. */
  signatureClock?: Clock;
  /** Procedures the firm runs; a dossier asking for another is rejected. Default all of PATHS_BY_PROCEDURE. */
  procedures?: string[];
  /** Largest request body (bytes). Default 32 MiB. */
  maxBodyBytes?: number;
  /** Largest document (bytes, decoded). Default 10 MiB, the contract's limit. */
  maxDocumentBytes?: number;
}

export { SimulatedClock };
export type { DeliveryAttempt, SignatureFault, WebhookTarget };
export type {
  SimulatedDocument,
  SimulatedEvent,
  SimulatedFile,
  SimulatedFileStatus,
  SimulatedPayment,
  SimulatedWithdrawal,
} from './firm';

interface InjectedFailure {
  status: number;
  body: string;
  retryAfter?: string;
}

export class LawFirmSimulatorControls extends PathControls {
  /** Real milliseconds each request waits before it is handled. */
  latencyMs = 0;
  readonly failures: InjectedFailure[] = [];
  /** Requests still to be handled fully and then answered with a dropped connection. */
  dropResponses = 0;
  /** While set, every API request is 503 with this Retry-After (seconds): the firm is down. */
  downtime: { retryAfterSeconds: number } | undefined;
  /** Events still to appear twice in the feed (two cursors, one event id). */
  feedDuplicates = 0;
  /** Events still to be pushed twice by webhook (two requests). */
  webhookDuplicates = 0;
  /** While true, webhooks go one event per request, newest first. */
  outOfOrder = false;
  /** Faults of the next webhook requests' signatures, in order. */
  readonly signatureFaults: SignatureFault[] = [];
  /** Every API request seen, for assertions; bodies by size only, never the API key. */
  readonly requests: {
    method: string;
    path: string;
    query: string;
    idempotencyKey: string | undefined;
    bytes: number;
    status: number | 'dropped';
  }[] = [];

  /** The next `count` requests fail with `status` before anything is recorded. */
  failNext(count: number, status = 503, retryAfter?: string): void {
    const body = errorBody(status >= 500 ? 'unavailable' : 'injected', `injected HTTP ${status}`);
    for (let i = 0; i < count; i++)
      this.failures.push({ status, body, ...(retryAfter === undefined ? {} : { retryAfter }) });
  }

  /** The next `count` requests get 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(count: number, retryAfterSeconds: number): void {
    const body = errorBody('rate_limited', 'too many requests');
    for (let i = 0; i < count; i++) this.failures.push({ status: 429, body, retryAfter: String(retryAfterSeconds) });
  }

  /** The next `count` requests are processed (a submission opens its file), then the connection is cut. */
  dropNext(count = 1): void {
    this.dropResponses += count;
  }

  /** The firm is down (503 to everything) until `up()`. */
  down(retryAfterSeconds = 60): void {
    this.downtime = { retryAfterSeconds };
  }

  up(): void {
    this.downtime = undefined;
  }

  /** The next `count` events recorded are delivered twice: by webhook, in the feed, or both. */
  duplicateNextEvents(count: number, where: 'webhook' | 'feed' | 'both' = 'webhook'): void {
    if (where !== 'feed') this.webhookDuplicates += count;
    if (where !== 'webhook') this.feedDuplicates += count;
  }

  /** The next `count` webhook requests are signed badly, the way `how` says. */
  badSignatureNext(count = 1, how: SignatureFault = 'wrong_secret'): void {
    for (let i = 0; i < count; i++) this.signatureFaults.push(how);
  }

  /** Webhooks one event per request, newest first, until called with false. */
  deliverOutOfOrder(on = true): void {
    this.outOfOrder = on;
  }
}

interface StoredAnswer {
  fingerprint: string;
  json: Record<string, unknown>;
}

interface Answer {
  status: number;
  json: unknown;
  headers?: Record<string, string>;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const CURSOR = /^cur_(\d{1,15})$/;

export class LawFirmSimulator {
  readonly controls = new LawFirmSimulatorControls();
  readonly clock: SimulatedClock;
  private readonly http: LoopbackServer;
  private readonly firm: SimulatedFirm;
  private readonly answers = new Map<string, StoredAnswer>();
  private readonly feed: { seq: number; account: string; event: SimulatedEvent }[] = [];
  private readonly unsent: SimulatedEvent[] = [];
  private readonly sender: WebhookSender | undefined;
  private seq = 0;
  private pump: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LawFirmSimulatorOptions = {}) {
    this.clock = new SimulatedClock(
      Date.parse(options.startAt ?? '2026-04-01T08:00:00Z'),
      options.speed ?? 0,
      options.stopAt === undefined ? undefined : Date.parse(options.stopAt),
    );
    const controls = this.controls;
    this.firm = new SimulatedFirm({
      seed: options.seed ?? 1,
      clock: this.clock,
      ...(options.procedures === undefined ? {} : { procedures: options.procedures }),
      forcedPath: (dossierId) => controls.forcedPath(dossierId),
      onEvent: (event, file) => this.record(file, event),
    });
    this.sender = options.webhook
      ? new WebhookSender(options.webhook, this.clock, options.signatureClock ?? systemClock, {
          takeWebhookDuplicate: () => controls.webhookDuplicates > 0 && controls.webhookDuplicates-- > 0,
          get outOfOrder() {
            return controls.outOfOrder;
          },
          takeSignatureFault: () => controls.signatureFaults.shift(),
        })
      : undefined;
    this.http = new LoopbackServer('law-firm simulator', (req, res) => this.handle(req, res), {
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
    if (this.sender && this.options.autoDeliver !== false) {
      this.timer = setInterval(
        () => void this.deliverWebhooks().catch(() => undefined),
        this.options.deliveryIntervalMs ?? 250,
      );
      this.timer.unref();
    }
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.pump.catch(() => undefined);
    await this.http.stop();
  }

  /**
   * Records the events that are due on the simulator's clock, then pushes every webhook that is
   * due (new batches and retries), one request after the other. Returns the attempts made.
   */
  deliverWebhooks(): Promise<DeliveryAttempt[]> {
    const run = this.pump.then(async () => {
      this.materialize();
      const sender = this.sender;
      if (!sender) return [];
      sender.enqueue(this.unsent.splice(0));
      return sender.deliverDue();
    });
    this.pump = run.catch(() => undefined);
    return run;
  }

  /** Every webhook request made so far, oldest first. */
  deliveries(): DeliveryAttempt[] {
    return this.sender?.attempts() ?? [];
  }

  /** Webhook batches waiting for their first try or a retry. */
  pendingDeliveries(): number {
    return (this.sender?.pending() ?? 0) + (this.sender && this.unsent.length > 0 ? 1 : 0);
  }

  /** Every file opened, oldest first, as it is now on the simulator's clock. */
  /**
   * The firm forgets the answers it kept under idempotency keys (the contract keeps them at least
   * 30 days): a submission sent again under its key then meets its own open file (409
   * `dossier_already_submitted`), as after a retry that outlived the firm's memory.
   */
  expireIdempotencyAnswers(): void {
    this.answers.clear();
  }

  listFiles(): SimulatedFile[] {
    this.materialize();
    return this.firm.all().map((f) => this.firm.inspect(f));
  }

  file(fileId: string): SimulatedFile | undefined {
    this.materialize();
    const f = this.firm.get(fileId);
    return f ? this.firm.inspect(f) : undefined;
  }

  /** The bytes of a document of a file, sent by the creditor or attached by the firm. */
  documentContent(fileId: string, name: string): Buffer | undefined {
    this.materialize();
    return this.firm.get(fileId)?.documents.get(name)?.content;
  }

  /** Every direct payment reported, oldest first. */
  payments(): SimulatedPayment[] {
    return this.firm.payments();
  }

  /** Every withdrawal, oldest first. */
  withdrawals(): SimulatedWithdrawal[] {
    return this.firm.withdrawals();
  }

  /** The feed in cursor order, duplicates included, for every API key. */
  events(): SimulatedEvent[] {
    this.materialize();
    return this.feed.map((e) => e.event);
  }

  private get apiKeys(): string[] {
    return this.options.apiKeys ?? ['sim-lawfirm-key'];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const entry: LawFirmSimulatorControls['requests'][number] = {
      method,
      path: url.pathname,
      query: url.search,
      idempotencyKey: requestHeader(req, 'idempotency-key'),
      bytes: 0,
      status: 0,
    };
    this.controls.requests.push(entry);
    const reply = (status: number, body: string, headers: Record<string, string> = {}): void => {
      entry.status = status;
      sendJson(res, status, body, headers);
    };
    try {
      const body = await readBody(req, this.options.maxBodyBytes ?? 32 * 1024 * 1024);
      entry.bytes = body.length;
      if (this.controls.latencyMs > 0) await new Promise((r) => setTimeout(r, this.controls.latencyMs));
      const failure = this.controls.failures.shift();
      if (failure)
        return reply(
          failure.status,
          failure.body,
          failure.retryAfter === undefined ? {} : { 'Retry-After': failure.retryAfter },
        );
      if (this.controls.downtime)
        return reply(503, errorBody('unavailable', 'the firm is down for maintenance'), {
          'Retry-After': String(this.controls.downtime.retryAfterSeconds),
        });
      const drop = this.controls.dropResponses > 0;
      if (drop) this.controls.dropResponses--;
      this.materialize();
      const answer = this.route(method, url, req, body);
      if (drop) {
        entry.status = 'dropped';
        req.socket.destroy();
        return;
      }
      return reply(answer.status, JSON.stringify(answer.json), answer.headers);
    } catch (e) {
      if (e instanceof BodyTooLarge)
        return reply(413, errorBody('payload_too_large', e.message), { Connection: 'close' });
      return reply(500, errorBody('internal_error', e instanceof Error ? e.message : String(e)));
    }
  }

  private route(method: string, url: URL, req: IncomingMessage, raw: Buffer): Answer {
    const path = url.pathname;
    const file = /^\/v1\/files\/([^/]+)(\/documents|\/payments|\/withdrawal)?$/.exec(path);
    const document = /^\/v1\/files\/([^/]+)\/documents\/([^/]+)$/.exec(path);
    const known = path === '/v1/files' || path === '/v1/events' || file !== null || document !== null;
    if (!known) return problem(404, 'not_found', `no route ${method} ${path}`);
    const account = bearerToken(req);
    if (account === undefined || !this.apiKeys.includes(account))
      return problem(401, 'unauthorized', 'missing or unknown API key');
    const allowed = (want: string) =>
      method === want ? undefined : problem(405, 'method_not_allowed', `${method} is not allowed on ${path}`);

    if (path === '/v1/files')
      return (
        allowed('POST') ??
        this.write(account, req, raw, path, SubmitRequestSchema, (input) => this.submit(account, req, input))
      );
    if (path === '/v1/events') return allowed('GET') ?? this.eventPage(account, url.searchParams);
    if (document) {
      const refusal = allowed('GET');
      if (refusal) return refusal;
      const stored = this.ownFile(account, decodePart(document[1]!));
      return isAnswer(stored) ? stored : this.readDocument(stored, decodePart(document[2]!));
    }
    const stored = this.ownFile(account, decodePart(file![1]!));
    const sub = file![2];
    if (sub === undefined) return allowed('GET') ?? (isAnswer(stored) ? stored : this.statusOf(stored));
    const refusal = allowed('POST');
    if (refusal) return refusal;
    if (isAnswer(stored)) return stored;
    if (sub === '/documents')
      return this.write(account, req, raw, path, AddDocumentsRequestSchema, (input) =>
        this.addDocuments(stored, input.documents),
      );
    if (sub === '/payments')
      return this.write(account, req, raw, path, PaymentRequestSchema, (input) =>
        this.reportPayment(stored, input, requestHeader(req, 'idempotency-key')!),
      );
    return this.write(account, req, raw, path, WithdrawalRequestSchema, (input) =>
      this.withdraw(stored, input.reason, requestHeader(req, 'idempotency-key')!),
    );
  }

  /** What every POST shares: media type, key, JSON, shape, then replay or conflict, then the effect. */
  private write<S extends z.ZodType>(
    account: string,
    req: IncomingMessage,
    raw: Buffer,
    path: string,
    schema: S,
    apply: (input: z.infer<S>) => Answer,
  ): Answer {
    if (!/^application\/json\b/i.test(requestHeader(req, 'content-type') ?? ''))
      return problem(415, 'unsupported_media_type', 'send application/json');
    const key = requestHeader(req, 'idempotency-key');
    if (key === undefined || !IDEMPOTENCY_KEY.test(key))
      return problem(400, 'idempotency_key_required', 'Idempotency-Key must be 1 to 255 printable ASCII characters');
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return problem(400, 'invalid_request', 'the body is not JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      return problem(
        400,
        'invalid_request',
        'the body does not follow the contract',
        parsed.error.issues.map((i) => ({ field: fieldPath(i.path) || 'body', message: i.message })),
      );
    }
    const fingerprint = createHash('sha256')
      .update(`POST ${path}\n${canonicalJson(json)}`)
      .digest('hex');
    const scoped = `${account}\u0000${key}`;
    const earlier = this.answers.get(scoped);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint)
        return problem(409, 'idempotency_conflict', `Idempotency-Key "${key}" was used for a different request`);
      return { status: 200, json: { ...earlier.json, replayed: true }, headers: { 'Idempotent-Replayed': 'true' } };
    }
    const answer = apply(parsed.data);
    // A refused request does not bind its key; a replay of a 200 (already done) does not either.
    if (answer.status === 201) this.answers.set(scoped, { fingerprint, json: answer.json as Record<string, unknown> });
    return answer;
  }

  private submit(account: string, req: IncomingMessage, input: z.infer<typeof SubmitRequestSchema>): Answer {
    const { dossier, documents } = input;
    const tooLarge = this.oversized(documents);
    if (tooLarge) return tooLarge;
    const problems = dossierProblems(dossier, documents);
    if (problems.length > 0)
      return problem(
        422,
        'dossier_invalid',
        `the dossier cannot be worked as sent (${problems.length} problem${problems.length > 1 ? 's' : ''})`,
        problems,
      );
    const open = this.firm.openFileOf(account, dossier.id);
    if (open)
      return problem(409, 'dossier_already_submitted', `dossier ${dossier.id} already has an open file`, [
        { field: 'dossier.id', message: `open file ${open.id}` },
      ]);
    const file = this.firm.open({
      account,
      idempotencyKey: requestHeader(req, 'idempotency-key')!,
      dossier,
      documents: received(documents),
    });
    return {
      status: 201,
      json: {
        fileId: file.id,
        dossierId: dossier.id,
        status: file.status,
        reasons: file.reasons,
        replayed: false,
        receivedAt: iso(file.receivedAtMs),
      },
    };
  }

  private addDocuments(file: StoredFile, documents: DocumentUpload[]): Answer {
    const closed = this.firm.closedRefusal(file);
    if (closed) return problem(closed.status, closed.code, closed.message);
    const tooLarge = this.oversized(documents);
    if (tooLarge) return tooLarge;
    const problems = documentProblems(documents, listedDocuments(file.dossier));
    if (problems.length > 0) return problem(422, 'document_invalid', 'a document cannot be read as sent', problems);
    return this.answer(this.firm.addDocuments(file, received(documents)), {
      status: 201,
      json: { fileId: file.id, documents: documents.map((d) => ({ name: d.name, sha256: d.sha256 })), replayed: false },
    });
  }

  private reportPayment(file: StoredFile, payment: PaymentRequest, key: string): Answer {
    return this.answer(
      this.firm.reportPayment(file, payment, key),
      { status: 201, json: { fileId: file.id, paymentId: payment.id, replayed: false } },
      { fileId: file.id, paymentId: payment.id },
    );
  }

  private withdraw(file: StoredFile, reason: string, key: string): Answer {
    return this.answer(
      this.firm.withdraw(file, reason, key),
      { status: 201, json: { fileId: file.id, state: 'withdrawn', replayed: false } },
      { fileId: file.id, state: 'withdrawn' },
    );
  }

  /** The firm's outcome as HTTP: done → `done`; a replay → 200 with `replayed: true`; a refusal → its problem. */
  private answer(outcome: FirmOutcome, done: Answer, replay?: Record<string, unknown>): Answer {
    if (outcome.kind === 'done') return done;
    if (outcome.kind === 'replayed')
      return { status: 200, json: { ...replay, replayed: true }, headers: { 'Idempotent-Replayed': 'true' } };
    const { status, code, message, details } = outcome.refusal;
    return problem(status, code, message, details);
  }

  private statusOf(file: StoredFile): Answer {
    return {
      status: 200,
      json: {
        fileId: file.id,
        dossierId: file.dossier.id,
        state: file.last.type,
        updatedAt: iso(file.last.atMs),
        reasons: file.reasons,
        recovered: { amount: file.recovered, currency: file.dossier.claim.currency },
        missingDocuments: this.firm.missing(file),
      },
    };
  }

  private readDocument(file: StoredFile, name: string): Answer {
    const doc = file.documents.get(name);
    if (!doc) return problem(404, 'document_not_found', `file ${file.id} has no document "${name}"`);
    return {
      status: 200,
      json: {
        name: doc.name,
        kind: doc.kind,
        mediaType: doc.mediaType,
        sha256: doc.sha256,
        contentBase64: doc.content.toString('base64'),
      },
    };
  }

  private eventPage(account: string, query: URLSearchParams): Answer {
    const limitText = query.get('limit');
    const limit = limitText === null ? 100 : Number(limitText);
    if (limitText !== null && (!/^\d{1,4}$/.test(limitText) || limit < 1 || limit > MAX_EVENTS_PAGE)) {
      return problem(400, 'invalid_request', `limit must be a whole number from 1 to ${MAX_EVENTS_PAGE}`, [
        { field: 'limit', message: `got "${limitText}"` },
      ]);
    }
    const after = query.get('after');
    let from = 0;
    if (after !== null) {
      const m = CURSOR.exec(after);
      if (!m || Number(m[1]) > this.seq)
        return problem(400, 'invalid_cursor', `"${after}" is not a cursor this firm gave`, [
          { field: 'after', message: 'pass the `next` of a previous page, or nothing' },
        ]);
      from = Number(m[1]);
    }
    const mine = this.feed.filter((e) => e.account === account && e.seq > from);
    const page = mine.slice(0, limit);
    const last = page[page.length - 1];
    return {
      status: 200,
      json: {
        events: page.map((e) => e.event),
        next: last ? `cur_${last.seq}` : (after ?? 'cur_0'),
        hasMore: mine.length > page.length,
      },
    };
  }

  private ownFile(account: string, fileId: string): StoredFile | Answer {
    const file = this.firm.get(fileId);
    if (!file || file.account !== account) return problem(404, 'file_not_found', `no file ${fileId}`);
    return file;
  }

  private oversized(documents: readonly DocumentUpload[]): Answer | undefined {
    const limit = this.options.maxDocumentBytes ?? MAX_DOCUMENT_BYTES;
    const big = documents.filter((d) => decodedLength(d.contentBase64) > limit);
    if (big.length === 0) return undefined;
    return problem(
      413,
      'document_too_large',
      `documents are limited to ${limit} bytes each`,
      big.map((d) => ({ field: 'documents', message: d.name })),
    );
  }

  /** Records the events that are due on the simulator's clock. */
  private materialize(): void {
    this.firm.materialize();
  }

  /** Every event the firm records goes into the feed of its account (twice when a test asked), and to the webhook queue. */
  private record(file: StoredFile, event: SimulatedEvent): void {
    this.feed.push({ seq: ++this.seq, account: file.account, event });
    if (this.controls.feedDuplicates > 0) {
      this.controls.feedDuplicates -= 1;
      this.feed.push({ seq: ++this.seq, account: file.account, event });
    }
    if (this.sender) this.unsent.push(event);
  }
}

/** Uploads checked by `documentProblems`, as the bytes the firm keeps. */
function received(documents: readonly DocumentUpload[]): ReceivedDocument[] {
  return documents.map((d) => ({
    name: d.name,
    kind: d.kind,
    mediaType: d.mediaType,
    sha256: d.sha256,
    content: decodeUpload(d) as Buffer,
  }));
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

/** Bytes a padded base64 text decodes to, without decoding it. */
function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor(base64.length / 4) * 3 - padding;
}

function isAnswer(x: StoredFile | Answer): x is Answer {
  return 'json' in x;
}

function problem(status: number, code: string, message: string, details?: FieldProblem[]): Answer {
  return { status, json: { error: { code, message, ...(details && details.length > 0 ? { details } : {}) } } };
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Keep reading to the end so that the 413 reaches the client instead of a reset.
      if (size <= max) chunks.push(c);
    });
    req.on('end', () =>
      size > max ? reject(new BodyTooLarge(`request body larger than ${max} bytes`)) : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}
