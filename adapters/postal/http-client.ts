import axios, { type AxiosInstance } from 'axios';
import { providerExchange, type ProviderRequest } from '../provider-http';
import type { z } from 'zod';
import { AdapterError } from '../../connector/ports/adapter-error';
import { badResponse, classifyPostalNetworkError, classifyPostalResponse, type PostalCallContext } from './classify';
import type { PostalConfig } from './config.schema';
import { addressProblems, pdfProblems } from './letter-checks';
import type {
  LetterProof,
  LetterSendRequest,
  LetterSendResult,
  LetterStatusResult,
  PostalAddress,
  PostalProvider,
} from '../../connector/ports/postal';
import { LetterWireSchema, ProofWireSchema, providerError } from './wire.schema';

export interface HttpPostalProviderOptions {
  config: PostalConfig;
  /** An axios instance, for tests; default a fresh one. */
  http?: AxiosInstance;
}

/** Idempotency keys are opaque printable ASCII, as in the contract. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The postal contract of README.md over HTTP: JSON with the PDF in base64. Addresses and the PDF
 * are checked here first, every problem at once, so that a letter the post cannot deliver is
 * never paid for. No retries here: the one retry policy decides from the error's kind.
 */
export class HttpPostalProvider implements PostalProvider {
  private readonly http: AxiosInstance;
  private readonly baseUrl: string;

  constructor(private readonly options: HttpPostalProviderOptions) {
    this.http = options.http ?? axios.create();
    this.baseUrl = options.config.baseUrl.replace(/\/+$/, '');
  }

  // Contract: adapters/postal/README.md, "POST /v1/letters".
  async send(request: LetterSendRequest): Promise<LetterSendResult> {
    this.refuseBeforeSending(request);
    const url = `${this.baseUrl}/v1/letters`;
    const ctx = this.context('postal.send', url, true, request.idempotencyKey);
    const body = JSON.stringify({
      kind: request.kind,
      recipient: wireAddress(request.recipient),
      sender: wireAddress(request.sender),
      pdf: request.pdf.toString('base64'),
    });
    const { status, text, retryAfter } = await this.exchange(
      {
        method: 'POST',
        url,
        data: body,
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': request.idempotencyKey },
      },
      ctx,
    );
    if (status !== 201 && status !== 200) throw classifyPostalResponse(status, text, retryAfter, ctx);
    const letter = parse(text, LetterWireSchema, ctx);
    return {
      providerId: letter.id,
      status: letter.status,
      ...(letter.trackingNumber ? { trackingNumber: letter.trackingNumber } : {}),
    };
  }

  // Contract: adapters/postal/README.md, "GET /v1/letters/{id}".
  async status(providerId: string): Promise<LetterStatusResult> {
    const url = `${this.baseUrl}/v1/letters/${encodeURIComponent(providerId)}`;
    const ctx = this.context('postal.status', url, false);
    const { status, text, retryAfter } = await this.exchange({ method: 'GET', url, headers: {} }, ctx);
    if (status !== 200) throw classifyPostalResponse(status, text, retryAfter, ctx);
    const letter = parse(text, LetterWireSchema, ctx);
    return {
      status: letter.status,
      events: letter.events.map((e) => ({ at: e.at, status: e.status, detail: e.detail })),
      trackingNumber: letter.trackingNumber ?? undefined,
    };
  }

  // Contract: adapters/postal/README.md, "GET /v1/letters/{id}/proof".
  async proof(providerId: string): Promise<LetterProof | undefined> {
    const url = `${this.baseUrl}/v1/letters/${encodeURIComponent(providerId)}/proof`;
    const ctx = this.context('postal.proof', url, false);
    const { status, text, retryAfter } = await this.exchange({ method: 'GET', url, headers: {} }, ctx);
    if (status === 404 && providerError(text)?.code === 'proof_not_available') return undefined;
    if (status !== 200) throw classifyPostalResponse(status, text, retryAfter, ctx);
    const proof = parse(text, ProofWireSchema, ctx);
    const pdf = Buffer.from(proof.pdf, 'base64');
    if (!pdf.subarray(0, 5).equals(Buffer.from('%PDF-')))
      throw badResponse('holds a proof that is not a PDF', text.slice(0, 200), ctx);
    return { kind: proof.kind, pdf, at: proof.at };
  }

  private refuseBeforeSending(request: LetterSendRequest): void {
    if (!IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
      throw new AdapterError({
        code: 'POSTAL_INVALID_IDEMPOTENCY_KEY',
        kind: 'system',
        userMessage: 'the idempotency key must be 1 to 255 printable ASCII characters without spaces',
      });
    }
    const address = [...addressProblems(request.recipient, 'recipient'), ...addressProblems(request.sender, 'sender')];
    if (address.length > 0) {
      throw new AdapterError({
        code: 'POSTAL_INVALID_ADDRESS',
        kind: 'system',
        userMessage: `the letter cannot be posted: ${address.join('; ')}`,
      });
    }
    const pdf = pdfProblems(request.pdf, this.options.config.maxPdfBytes);
    if (pdf.length > 0)
      throw new AdapterError({
        code: 'POSTAL_INVALID_DOCUMENT',
        kind: 'system',
        userMessage: `the letter cannot be posted: ${pdf.join('; ')}`,
      });
  }

  private context(what: string, url: string, isWrite: boolean, idempotencyKey?: string): PostalCallContext {
    return {
      what,
      url,
      isWrite,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      secrets: [this.options.config.apiKey],
    };
  }

  /** One HTTP exchange (adapters/provider-http.ts); the status is classified by the caller. */
  private async exchange(
    request: ProviderRequest,
    ctx: PostalCallContext,
  ): Promise<{ status: number; text: string; retryAfter: string | undefined }> {
    const response = await providerExchange(this.http, request, {
      apiKey: this.options.config.apiKey,
      timeoutMs: this.options.config.timeoutMs,
      secrets: ctx.secrets,
      unboundedBodies: true,
      networkError: (code, message) => classifyPostalNetworkError(code, message, ctx),
    });
    return { status: response.status, text: response.text, retryAfter: response.retryAfter };
  }
}

/** Only the contract's fields, in the contract's order, whatever else the caller's object holds. */
function wireAddress(a: PostalAddress): PostalAddress {
  return {
    name: a.name,
    addressLines: [...a.addressLines],
    postalCode: a.postalCode,
    city: a.city,
    country: a.country,
  };
}

function parse<S extends z.ZodType>(text: string, schema: S, ctx: PostalCallContext): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badResponse('is not JSON', text, ctx);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw badResponse(
      `lacks what the contract promises (${parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ')})`,
      text,
      ctx,
    );
  return parsed.data;
}
