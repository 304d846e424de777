import { createHash } from 'node:crypto';
import { providerExchange, type ProviderRequest } from '../provider-http';
import axios, { type AxiosInstance } from 'axios';
import type { z } from 'zod';
import { AdapterError } from '../../connector/ports/adapter-error';
import { redactString } from '../../connector/log/logger';
import { badResponse, classifyLawFirmNetworkError, classifyLawFirmResponse, type LawFirmCallContext } from './classify';
import { webhookSecrets, type LawFirmHttpConfig } from './config.schema';
import type {
  DirectPayment,
  EventPage,
  LawFirmPartner,
  PartnerDocument,
  SubmitRequest,
  SubmitResult,
} from '../../connector/ports/lawfirm';
import {
  DocumentsReceiptWireSchema,
  DocumentWireSchema,
  EventPageWireSchema,
  FileReceiptWireSchema,
  FileStatusWireSchema,
  PaymentReceiptWireSchema,
  toPartnerEvent,
  WithdrawalReceiptWireSchema,
} from '../../mappings/lawfirm/wire.schema';

export interface HttpLawFirmPartnerOptions {
  config: LawFirmHttpConfig;
  /** An axios instance, for tests; default a fresh one. */
  http?: AxiosInstance;
}

/** A document read back from the firm: ours, or one of its own (an ordonnance, a certificate). */
export interface FirmDocument {
  name: string;
  /** Ours (`invoice`, …) or the firm's (`court_order`, `judgment`, `certificate_of_irrecoverability`, …). */
  kind: string;
  mediaType: string;
  content: Buffer;
  sha256: string;
}

/** Idempotency keys are opaque printable ASCII, as in the contract. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const CURRENCY = /^[A-Z]{3}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DOCUMENTS_PER_REQUEST = 50;
const MAX_WITHDRAWAL_REASON = 1_000;

/**
 * The law-firm contract of openapi.yaml over HTTP: JSON with documents in base64, bearer key,
 * an Idempotency-Key on every write. Everything that can be refused before the firm does is
 * refused here first, every problem at once. No retries here: the one retry policy
 * (connector/sync/retry-policy.ts) decides from the error's kind.
 */
export class HttpLawFirmPartner implements LawFirmPartner {
  private readonly http: AxiosInstance;
  private readonly baseUrl: string;
  private readonly secrets: readonly string[];

  constructor(private readonly options: HttpLawFirmPartnerOptions) {
    this.http = options.http ?? axios.create();
    this.baseUrl = options.config.baseUrl.replace(/\/+$/, '');
    this.secrets = [options.config.apiKey, ...webhookSecrets(options.config)];
  }

  // Contract: openapi.yaml, `POST /v1/files` (submitFile).
  async submit(request: SubmitRequest): Promise<SubmitResult> {
    const problems = [...this.keyProblems(request.idempotencyKey), ...this.documentProblems(request.documents)];
    if (typeof request.dossier.id !== 'string' || request.dossier.id === '') problems.push('the dossier has no id');
    if (typeof request.dossier.caseId !== 'string' || request.dossier.caseId === '')
      problems.push('the dossier has no caseId');
    this.refuse('lawfirm.submit', problems);
    const url = `${this.baseUrl}/v1/files`;
    const ctx = this.context('lawfirm.submit', url, true, { idempotencyKey: request.idempotencyKey });
    const body = JSON.stringify({ dossier: request.dossier, documents: request.documents.map(wireDocument) });
    const answer = await this.exchange(
      {
        method: 'POST',
        url,
        data: body,
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': request.idempotencyKey },
      },
      ctx,
    );
    if (answer.status !== 201 && answer.status !== 200)
      throw classifyLawFirmResponse(answer.status, answer.text, answer.retryAfter, ctx);
    const receipt = parse(answer.text, FileReceiptWireSchema, ctx);
    if (receipt.dossierId !== request.dossier.id)
      throw badResponse(`names dossier "${receipt.dossierId}" instead of "${request.dossier.id}"`, answer.text, ctx);
    return {
      fileId: receipt.fileId,
      status: receipt.status,
      reasons: receipt.reasons,
      replayed: receipt.replayed || answer.replayed,
    };
  }

  // Contract: openapi.yaml, `POST /v1/files/{fileId}/documents` (addDocuments).
  async addDocuments(fileId: string, documents: PartnerDocument[], idempotencyKey: string): Promise<void> {
    const problems = [
      ...this.fileIdProblems(fileId),
      ...this.keyProblems(idempotencyKey),
      ...this.documentProblems(documents),
    ];
    if (documents.length === 0) problems.push('give at least one document');
    this.refuse('lawfirm.addDocuments', problems);
    const url = this.fileUrl(fileId, '/documents');
    const ctx = this.context('lawfirm.addDocuments', url, true, { idempotencyKey, fileId });
    const body = JSON.stringify({ documents: documents.map(wireDocument) });
    const answer = await this.exchange(
      {
        method: 'POST',
        url,
        data: body,
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      },
      ctx,
    );
    if (answer.status !== 201 && answer.status !== 200)
      throw classifyLawFirmResponse(answer.status, answer.text, answer.retryAfter, ctx);
    const receipt = parse(answer.text, DocumentsReceiptWireSchema, ctx);
    const missing = documents
      .filter((d) => !receipt.documents.some((r) => r.name === d.name && r.sha256 === d.sha256))
      .map((d) => d.name);
    if (missing.length > 0)
      throw badResponse(`does not list ${missing.join(', ')} among the file's documents`, answer.text, ctx);
  }

  // Contract: openapi.yaml, `POST /v1/files/{fileId}/payments` (reportPayment).
  async reportPayment(fileId: string, payment: DirectPayment, idempotencyKey: string): Promise<void> {
    const problems = [...this.fileIdProblems(fileId), ...this.keyProblems(idempotencyKey)];
    if (payment.id === '') problems.push('the payment has no id');
    if (!Number.isSafeInteger(payment.amount) || payment.amount <= 0)
      problems.push(`the payment amount must be a positive whole number of minor units, got ${payment.amount}`);
    if (!CURRENCY.test(payment.currency)) problems.push(`"${payment.currency}" is not an ISO 4217 currency code`);
    if (!ISO_DATE.test(payment.receivedOn))
      problems.push(`receivedOn must be a date written YYYY-MM-DD, got "${payment.receivedOn}"`);
    this.refuse('lawfirm.reportPayment', problems);
    const url = this.fileUrl(fileId, '/payments');
    const ctx = this.context('lawfirm.reportPayment', url, true, { idempotencyKey, fileId });
    const body = JSON.stringify({
      id: payment.id,
      amount: payment.amount,
      currency: payment.currency,
      receivedOn: payment.receivedOn,
      settlesInFull: payment.settlesInFull,
    });
    const answer = await this.exchange(
      {
        method: 'POST',
        url,
        data: body,
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      },
      ctx,
    );
    if (answer.status !== 201 && answer.status !== 200)
      throw classifyLawFirmResponse(answer.status, answer.text, answer.retryAfter, ctx);
    const receipt = parse(answer.text, PaymentReceiptWireSchema, ctx);
    if (receipt.paymentId !== payment.id)
      throw badResponse(`acknowledges payment "${receipt.paymentId}" instead of "${payment.id}"`, answer.text, ctx);
  }

  // Contract: openapi.yaml, `POST /v1/files/{fileId}/withdrawal` (withdrawFile).
  async withdraw(fileId: string, reason: string, idempotencyKey: string): Promise<void> {
    const problems = [...this.fileIdProblems(fileId), ...this.keyProblems(idempotencyKey)];
    if (reason.trim() === '') problems.push('say why the file is withdrawn');
    if (reason.length > MAX_WITHDRAWAL_REASON)
      problems.push(`the reason is longer than ${MAX_WITHDRAWAL_REASON} characters`);
    this.refuse('lawfirm.withdraw', problems);
    const url = this.fileUrl(fileId, '/withdrawal');
    const ctx = this.context('lawfirm.withdraw', url, true, { idempotencyKey, fileId });
    const answer = await this.exchange(
      {
        method: 'POST',
        url,
        data: JSON.stringify({ reason }),
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      },
      ctx,
    );
    if (answer.status !== 201 && answer.status !== 200)
      throw classifyLawFirmResponse(answer.status, answer.text, answer.retryAfter, ctx);
    parse(answer.text, WithdrawalReceiptWireSchema, ctx);
  }

  // Contract: openapi.yaml, `GET /v1/files/{fileId}` (getFile).
  async status(fileId: string): Promise<{ fileId: string; dossierId: string; state: string; updatedAt: string }> {
    this.refuse('lawfirm.status', this.fileIdProblems(fileId));
    const url = this.fileUrl(fileId, '');
    const ctx = this.context('lawfirm.status', url, false, { fileId });
    const answer = await this.exchange({ method: 'GET', url, headers: {} }, ctx);
    if (answer.status !== 200) throw classifyLawFirmResponse(answer.status, answer.text, answer.retryAfter, ctx);
    const file = parse(answer.text, FileStatusWireSchema, ctx);
    return { fileId: file.fileId, dossierId: file.dossierId, state: file.state, updatedAt: file.updatedAt };
  }

  // Contract: openapi.yaml, `GET /v1/events` (listEvents).
  async events(cursor?: string): Promise<EventPage> {
    const query = new URLSearchParams({ limit: String(this.options.config.eventsPageSize) });
    if (cursor !== undefined) query.set('after', cursor);
    const url = `${this.baseUrl}/v1/events?${query.toString()}`;
    const ctx = this.context('lawfirm.events', url, false);
    const answer = await this.exchange({ method: 'GET', url, headers: {} }, ctx);
    if (answer.status !== 200) throw classifyLawFirmResponse(answer.status, answer.text, answer.retryAfter, ctx);
    const page = parse(answer.text, EventPageWireSchema, ctx);
    return { events: page.events.map(toPartnerEvent), next: page.next };
  }

  // Contract: openapi.yaml, `GET /v1/files/{fileId}/documents/{name}` (getDocument). Not in
  // LawFirmPartner yet: the firm's documents (an ordonnance, a certificate of irrecoverability)
  // are named by events and read here.
  async document(fileId: string, name: string): Promise<FirmDocument> {
    const problems = this.fileIdProblems(fileId);
    if (name === '') problems.push('the document name is empty');
    this.refuse('lawfirm.document', problems);
    const url = this.fileUrl(fileId, `/documents/${encodeURIComponent(name)}`);
    const ctx = this.context('lawfirm.document', url, false, { fileId });
    const answer = await this.exchange({ method: 'GET', url, headers: {} }, ctx);
    if (answer.status !== 200) throw classifyLawFirmResponse(answer.status, answer.text, answer.retryAfter, ctx);
    const doc = parse(answer.text, DocumentWireSchema, ctx);
    const content = Buffer.from(doc.contentBase64, 'base64');
    if (sha256(content) !== doc.sha256)
      throw badResponse(
        `holds a document "${doc.name}" whose content does not match its sha256`,
        answer.text.slice(0, 200),
        ctx,
      );
    return { name: doc.name, kind: doc.kind, mediaType: doc.mediaType, content, sha256: doc.sha256 };
  }

  private fileUrl(fileId: string, rest: string): string {
    return `${this.baseUrl}/v1/files/${encodeURIComponent(fileId)}${rest}`;
  }

  private keyProblems(key: string): string[] {
    return IDEMPOTENCY_KEY.test(key)
      ? []
      : ['the idempotency key must be 1 to 255 printable ASCII characters without spaces'];
  }

  private fileIdProblems(fileId: string): string[] {
    return fileId === '' ? ['the file id is empty'] : [];
  }

  private documentProblems(documents: readonly PartnerDocument[]): string[] {
    const problems: string[] = [];
    if (documents.length > MAX_DOCUMENTS_PER_REQUEST)
      problems.push(`${documents.length} documents in one request, the contract allows ${MAX_DOCUMENTS_PER_REQUEST}`);
    const seen = new Set<string>();
    documents.forEach((d, i) => {
      const which = d.name ? `document "${d.name}"` : `document ${i + 1}`;
      if (d.name === '' || d.name.length > 255) problems.push(`${which}: a name has 1 to 255 characters`);
      if (seen.has(d.name)) problems.push(`${which}: the name is used twice`);
      seen.add(d.name);
      if (d.mediaType.length < 3) problems.push(`${which}: no media type`);
      if (d.content.length > this.options.config.maxDocumentBytes)
        problems.push(
          `${which}: ${d.content.length} bytes, more than \`maxDocumentBytes\` (${this.options.config.maxDocumentBytes})`,
        );
      if (sha256(d.content) !== d.sha256) problems.push(`${which}: its sha256 does not match its content`);
    });
    return problems;
  }

  private refuse(what: string, problems: string[]): void {
    if (problems.length === 0) return;
    throw new AdapterError({
      code: 'LAWFIRM_INVALID_REQUEST',
      kind: 'system',
      userMessage: redactString(`${what}: nothing was sent: ${problems.join('; ')}`, this.secrets),
    });
  }

  private context(
    what: string,
    url: string,
    isWrite: boolean,
    extra: { idempotencyKey?: string; fileId?: string } = {},
  ): LawFirmCallContext {
    return { what, url, isWrite, ...extra, secrets: this.secrets };
  }

  /** One HTTP exchange (adapters/provider-http.ts); the status is classified by the caller. */
  private async exchange(
    request: ProviderRequest,
    ctx: LawFirmCallContext,
  ): Promise<{ status: number; text: string; retryAfter: string | undefined; replayed: boolean }> {
    const response = await providerExchange(this.http, request, {
      apiKey: this.options.config.apiKey,
      timeoutMs: this.options.config.timeoutMs,
      secrets: ctx.secrets,
      unboundedBodies: true,
      networkError: (code, message) => classifyLawFirmNetworkError(code, message, ctx),
    });
    return {
      status: response.status,
      text: response.text,
      retryAfter: response.retryAfter,
      replayed: response.headers['idempotent-replayed'] === 'true',
    };
  }
}

/** Only the contract's fields, whatever else the caller's object holds. */
function wireDocument(d: PartnerDocument): Record<string, string> {
  return {
    name: d.name,
    kind: d.kind,
    mediaType: d.mediaType,
    sha256: d.sha256,
    contentBase64: d.content.toString('base64'),
  };
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function parse<S extends z.ZodType>(text: string, schema: S, ctx: LawFirmCallContext): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badResponse('is not JSON', text, ctx);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw badResponse(
      `does not follow the contract (${parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ')})`,
      text,
      ctx,
    );
  return parsed.data;
}
