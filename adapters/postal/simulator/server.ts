import { createHash } from 'node:crypto';
import { HttpFaultControls, bearerToken, requestHeader, sendJson } from '../../simulator-http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from '../../loopback-server';
import { SimulatedClock } from '../../../connector/time/clock';
import { DEFAULT_MAX_PDF_BYTES } from '../config.schema';
import { addressProblems, pdfProblems } from '../letter-checks';
import type { LetterKind, LetterStatus, PostalAddress } from '../../../connector/ports/postal';
import { textPdf } from './proof-pdf';

/**
 * A hybrid-mail provider speaking the project's contract (../README.md) on loopback, for tests
 * and the demo. It deduplicates on Idempotency-Key, keeps every accepted letter for inspection,
 * gives registered letters tracking numbers, moves letters accepted → printed → posted →
 * delivered (or returned) on its own clock, writes proofs as PDFs, and takes injected faults.
 * Test handles (`controls`, `clock`, `sent()`) are not reachable over HTTP.
 */

export interface PostalSimulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Bearer keys accepted. Default ["sim-postal-key"]. */
  apiKeys?: string[];
  /** Makes ids and tracking numbers reproducible. Default 1. */
  seed?: number;
  /** Simulated start instant (ISO 8601). Default 2026-03-02T09:00:00Z. */
  startAt?: string;
  /** Simulated milliseconds per real millisecond; 0 (default) moves only through `clock.advance`. */
  speed?: number;
  /** Delays from acceptance (simulated time). Defaults: printed 4 h, posted 1 day, delivered 3 days, returned 6 days. */
  timeline?: {
    printedAfterHours?: number;
    postedAfterDays?: number;
    deliveredAfterDays?: number;
    returnedAfterDays?: number;
  };
  /** Largest PDF accepted (bytes); more gets 413. Default 10 MiB. */
  maxPdfBytes?: number;
}

export interface SimulatedLetter {
  id: string;
  kind: LetterKind;
  recipient: PostalAddress;
  sender: PostalAddress;
  pdf: Buffer;
  idempotencyKey: string;
  trackingNumber: string | undefined;
  acceptedAt: string;
  status: LetterStatus;
}

/** Which letters an outcome applies to: every given field must match (case and spacing ignored). */
export interface RecipientMatch {
  name?: string;
  postalCode?: string;
}

export { SimulatedClock };

export class PostalSimulatorControls extends HttpFaultControls {
  readonly outcomes: { match: RecipientMatch; outcome: 'returned' | 'failed'; reason: string }[] = [];
  /** Every request seen, for assertions; never the API key, and the body by size only. */
  readonly requests: { method: string; path: string; idempotencyKey: string | undefined; bytes: number }[] = [];

  constructor() {
    super((code, message) => errorBody(code, message));
  }

  /** From now on, letters to matching recipients come back undelivered, e.g. "Destinataire inconnu à l'adresse". */
  returnLettersTo(match: RecipientMatch, reason = "Destinataire inconnu à l'adresse"): void {
    this.outcomes.push({ match, outcome: 'returned', reason });
  }

  /** From now on, letters to matching recipients fail at the printing stage. */
  failLettersTo(match: RecipientMatch, reason: string): void {
    this.outcomes.push({ match, outcome: 'failed', reason });
  }
}

interface StoredLetter {
  id: string;
  account: string;
  idempotencyKey: string;
  fingerprint: string;
  kind: LetterKind;
  recipient: PostalAddress;
  sender: PostalAddress;
  pdf: Buffer;
  trackingNumber: string | undefined;
  acceptedAtMs: number;
  /** Decided at acceptance, so that a later control does not rewrite a letter's history. */
  outcome: PostalSimulatorControls['outcomes'][number] | undefined;
  createdResponse: string;
}

interface Event {
  atMs: number;
  status: LetterStatus;
  detail: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export class PostalSimulator {
  readonly controls = new PostalSimulatorControls();
  readonly clock: SimulatedClock;
  private readonly letters = new Map<string, StoredLetter>();
  private readonly byKey = new Map<string, StoredLetter>();
  private readonly random: () => number;
  private readonly http: LoopbackServer;

  constructor(private readonly options: PostalSimulatorOptions = {}) {
    this.clock = new SimulatedClock(Date.parse(options.startAt ?? '2026-03-02T09:00:00Z'), options.speed ?? 0);
    this.random = mulberry32(options.seed ?? 1);
    this.http = new LoopbackServer('postal simulator', (req, res) => this.handle(req, res), {
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

  /** Every letter accepted, once each, oldest first, with its status now. */
  sent(): SimulatedLetter[] {
    return [...this.letters.values()].map((l) => ({
      id: l.id,
      kind: l.kind,
      recipient: l.recipient,
      sender: l.sender,
      pdf: l.pdf,
      idempotencyKey: l.idempotencyKey,
      trackingNumber: l.trackingNumber,
      acceptedAt: new Date(l.acceptedAtMs).toISOString(),
      status: this.events(l).at(-1)!.status,
    }));
  }

  private get apiKeys(): string[] {
    return this.options.apiKeys ?? ['sim-postal-key'];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    try {
      const body = await readBody(req, this.maxBodyBytes());
      this.controls.requests.push({
        method,
        path,
        idempotencyKey: requestHeader(req, 'idempotency-key'),
        bytes: Buffer.byteLength(body),
      });
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
      return sendJson(res, answer.status, answer.body);
    } catch (e) {
      if (e instanceof BodyTooLarge)
        return sendJson(res, 413, errorBody('document_too_large', e.message), { Connection: 'close' });
      return sendJson(res, 500, errorBody('internal_error', String(e)));
    }
  }

  /** The PDF limit after base64 (4/3) plus room for the addresses. */
  private maxBodyBytes(): number {
    return Math.ceil(((this.options.maxPdfBytes ?? DEFAULT_MAX_PDF_BYTES) * 4) / 3) + 64 * 1024;
  }

  private route(method: string, path: string, req: IncomingMessage, body: string): Answer {
    const account = bearerToken(req);
    const one = /^\/v1\/letters\/([^/]+)(\/proof)?$/.exec(path);
    if (path !== '/v1/letters' && !one)
      return { status: 404, body: errorBody('not_found', `no route ${method} ${path}`) };
    if (account === undefined || !this.apiKeys.includes(account))
      return { status: 401, body: errorBody('unauthorized', 'missing or unknown API key') };
    if (path === '/v1/letters' && method === 'POST') return this.create(account, req, body);
    if (one && method === 'GET') {
      const letter = this.letters.get(decodeURIComponent(one[1]!));
      if (!letter || letter.account !== account)
        return { status: 404, body: errorBody('letter_not_found', `no letter ${one[1]!}`) };
      return one[2] ? this.proof(letter) : { status: 200, body: JSON.stringify(this.view(letter)) };
    }
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
    const { kind, recipient, sender, pdf } = input;
    if (kind !== 'letter' && kind !== 'registered_letter')
      return { status: 400, body: errorBody('invalid_request', '"kind" must be "letter" or "registered_letter"') };
    const addressIssues: { field: string; message: string }[] = [];
    for (const [role, value] of [
      ['recipient', recipient],
      ['sender', sender],
    ] as const) {
      if (!isAddress(value))
        addressIssues.push({
          field: role,
          message: `${role} must be {name, addressLines[], postalCode, city, country}`,
        });
      else
        addressIssues.push(
          ...addressProblems(value, role).map((message) => ({ field: message.split(/[ :]/)[0]!, message })),
        );
    }
    if (addressIssues.length > 0)
      return { status: 400, body: errorBody('invalid_address', 'the address cannot be posted', addressIssues) };
    if (typeof pdf !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(pdf))
      return { status: 400, body: errorBody('invalid_document', '"pdf" must be the PDF in base64') };
    const document = Buffer.from(pdf, 'base64');
    const max = this.options.maxPdfBytes ?? DEFAULT_MAX_PDF_BYTES;
    if (document.length > max)
      return {
        status: 413,
        body: errorBody('document_too_large', `the PDF has ${document.length} bytes; at most ${max}`),
      };
    const documentIssues = pdfProblems(document, max);
    if (documentIssues.length > 0)
      return { status: 400, body: errorBody('invalid_document', documentIssues.join('; ')) };

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
    const letter: StoredLetter = {
      id: this.nextId(),
      account,
      idempotencyKey: key,
      fingerprint,
      kind,
      recipient: recipient as PostalAddress,
      sender: sender as PostalAddress,
      pdf: document,
      trackingNumber: kind === 'registered_letter' ? this.nextTrackingNumber() : undefined,
      acceptedAtMs: this.clock.now().getTime(),
      outcome: this.controls.outcomes.find((o) => matches(o.match, recipient as PostalAddress)),
      createdResponse: '',
    };
    // The answer describes the letter as it was accepted, however fast the simulated clock runs.
    letter.createdResponse = JSON.stringify(this.view(letter, letter.acceptedAtMs));
    this.letters.set(letter.id, letter);
    this.byKey.set(scoped, letter);
    return { status: 201, body: letter.createdResponse };
  }

  private view(l: StoredLetter, nowMs = this.clock.now().getTime()): Record<string, unknown> {
    const events = this.events(l, nowMs);
    return {
      id: l.id,
      kind: l.kind,
      status: events.at(-1)!.status,
      trackingNumber: l.trackingNumber ?? null,
      createdAt: new Date(l.acceptedAtMs).toISOString(),
      events: events.map((e) => ({ at: new Date(e.atMs).toISOString(), status: e.status, detail: e.detail })),
    };
  }

  /** The letter's life up to now. A plain letter is not tracked after posting unless it comes back. */
  private events(l: StoredLetter, now = this.clock.now().getTime()): Event[] {
    const t = this.options.timeline ?? {};
    const at = (ms: number) => l.acceptedAtMs + ms;
    const outcome = l.outcome;
    const life: Event[] = [{ atMs: l.acceptedAtMs, status: 'accepted', detail: 'Courrier accepté' }];
    if (outcome?.outcome === 'failed')
      life.push({ atMs: at((t.printedAfterHours ?? 4) * HOUR), status: 'failed', detail: outcome.reason });
    else {
      life.push({
        atMs: at((t.printedAfterHours ?? 4) * HOUR),
        status: 'printed',
        detail: 'Courrier imprimé et mis sous pli',
      });
      life.push({
        atMs: at((t.postedAfterDays ?? 1) * DAY),
        status: 'posted',
        detail:
          l.kind === 'registered_letter'
            ? `Lettre recommandée ${l.trackingNumber ?? ''} déposée à La Poste`
            : 'Pli déposé à La Poste',
      });
      if (outcome?.outcome === 'returned')
        life.push({ atMs: at((t.returnedAfterDays ?? 6) * DAY), status: 'returned', detail: outcome.reason });
      else if (l.kind === 'registered_letter')
        life.push({
          atMs: at((t.deliveredAfterDays ?? 3) * DAY),
          status: 'delivered',
          detail: 'Pli distribué contre signature',
        });
    }
    return life.filter((e) => e.atMs <= now);
  }

  private proof(l: StoredLetter): Answer {
    const events = this.events(l);
    const posted = events.find((e) => e.status === 'posted');
    const delivered = events.find((e) => e.status === 'delivered');
    if (l.kind !== 'registered_letter' || !posted) {
      const why = l.kind === 'registered_letter' ? 'the letter is not posted yet' : 'a plain letter has no proof';
      return { status: 404, body: errorBody('proof_not_available', why) };
    }
    const proven = delivered ?? posted;
    const kind = delivered ? 'acknowledgement_of_receipt' : 'deposit_proof';
    const title = delivered ? 'Avis de réception - lettre recommandée' : 'Preuve de dépôt - lettre recommandée';
    const day = new Date(proven.atMs).toISOString();
    const pdf = textPdf(title, [
      title,
      `Numéro : ${l.trackingNumber ?? ''}`,
      `Expéditeur : ${l.sender.name}, ${l.sender.postalCode} ${l.sender.city}`,
      `Destinataire : ${l.recipient.name}, ${l.recipient.postalCode} ${l.recipient.city}`,
      delivered ? `Présentée et distribuée le : ${day}` : `Déposée le : ${day}`,
      ...(delivered ? ['Signature du destinataire : (signature simulée)'] : []),
      'Document du simulateur postal : sans valeur probante.',
    ]);
    return {
      status: 200,
      body: JSON.stringify({ kind, at: day, contentType: 'application/pdf', pdf: pdf.toString('base64') }),
    };
  }

  private nextId(): string {
    return `ltr_${createHash('sha256')
      .update(`${this.options.seed ?? 1}:${this.letters.size + 1}`)
      .digest('hex')
      .slice(0, 20)}`;
  }

  /**
   * [UNVERIFIED] La Poste-like domestic registered-letter number: "1A" and 11 digits, 13
   * characters. The real format and its check digit are not in the reference sheet; the digits
   * here are only reproducible from the seed.
   */
  private nextTrackingNumber(): string {
    let digits = '';
    for (let i = 0; i < 11; i++) digits += String(Math.floor(this.random() * 10));
    return `1A${digits}`;
  }
}

interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

function isAddress(v: unknown): v is PostalAddress {
  if (v === null || typeof v !== 'object') return false;
  const a = v as Record<string, unknown>;
  return (
    typeof a.name === 'string' &&
    Array.isArray(a.addressLines) &&
    a.addressLines.every((l) => typeof l === 'string') &&
    typeof a.postalCode === 'string' &&
    typeof a.city === 'string' &&
    typeof a.country === 'string'
  );
}

function matches(match: RecipientMatch, recipient: PostalAddress): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
  return (
    (match.name === undefined || norm(match.name) === norm(recipient.name)) &&
    (match.postalCode === undefined || norm(match.postalCode) === norm(recipient.postalCode))
  );
}

/** A small seeded generator (mulberry32): the same seed gives the same tracking numbers. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys sorted at every level: two bodies that differ only in key order are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function errorBody(code: string, message: string, details?: { field: string; message: string }[]): string {
  return JSON.stringify({ error: { code, message, ...(details ? { details } : {}) } });
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        // Keep reading to the end so that the 413 reaches the client instead of a reset.
        refused = true;
        chunks.length = 0;
      } else if (!refused) chunks.push(c);
    });
    req.on('end', () =>
      refused
        ? reject(new BodyTooLarge(`request body larger than ${max} bytes`))
        : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}
