import axios, { type AxiosInstance } from 'axios';
import { providerExchange, type ProviderRequest } from '../provider-http';
import { AdapterError } from '../../connector/ports/adapter-error';
import { systemClock, type Clock } from '../../connector/time/clock';
import { badResponse, classifySmsNetworkError, classifySmsResponse, type SmsCallContext } from './classify';
import type { SmsConfig } from './config.schema';
import { checkContactWindow } from './contact-window';
import { isE164, maskPhoneNumber } from '../../connector/model/phone-number';
import type { SmsProvider, SmsSendRequest, SmsSendResult, SmsStatusResult } from '../../connector/ports/sms';
import { segmentSms } from './segments';
import { senderIdProblem } from './sender-id';
import { SmsMessageWireSchema, type SmsMessageWire } from './wire.schema';

export interface HttpSmsProviderOptions {
  config: SmsConfig;
  /** Decides the contact window; injected so that tests can send at any hour. */
  clock?: Clock;
  /** An axios instance, for tests; default a fresh one. */
  http?: AxiosInstance;
}

/** Idempotency keys are opaque printable ASCII, as in the contract. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The SMS contract of README.md over HTTP. Every check that can fail before the provider does is
 * made here first, so that a bad number or an over-long text never costs a request. No retries
 * here: the one retry policy (connector/sync/retry-policy.ts) decides from the error's kind.
 */
export class HttpSmsProvider implements SmsProvider {
  private readonly http: AxiosInstance;
  private readonly baseUrl: string;
  private readonly clock: Clock;

  constructor(private readonly options: HttpSmsProviderOptions) {
    this.http = options.http ?? axios.create();
    this.baseUrl = options.config.baseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
  }

  // Contract: adapters/sms/README.md, "POST /v1/messages".
  async send(request: SmsSendRequest): Promise<SmsSendResult> {
    this.refuseBeforeSending(request);
    const url = `${this.baseUrl}/v1/messages`;
    const ctx: SmsCallContext = {
      what: 'sms.send',
      url,
      isWrite: true,
      to: request.to,
      idempotencyKey: request.idempotencyKey,
      secrets: [this.options.config.apiKey],
    };
    const body = JSON.stringify({ to: request.to, from: request.senderId, text: request.text });
    const { status, text, retryAfter } = await this.exchange(
      {
        method: 'POST',
        url,
        data: body,
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': request.idempotencyKey },
      },
      ctx,
    );
    if (status !== 201 && status !== 200) throw classifySmsResponse(status, text, retryAfter, ctx);
    const message = parseMessage(text, ctx);
    if (message.status !== 'queued' && message.status !== 'sent')
      throw badResponse(`gives status "${message.status}" to a new message (queued or sent expected)`, text, ctx);
    return { providerId: message.id, status: message.status };
  }

  // Contract: adapters/sms/README.md, "GET /v1/messages/{id}".
  async status(providerId: string): Promise<SmsStatusResult> {
    const url = `${this.baseUrl}/v1/messages/${encodeURIComponent(providerId)}`;
    const ctx: SmsCallContext = { what: 'sms.status', url, isWrite: false, secrets: [this.options.config.apiKey] };
    const { status, text, retryAfter } = await this.exchange({ method: 'GET', url, headers: {} }, ctx);
    if (status !== 200) throw classifySmsResponse(status, text, retryAfter, ctx);
    const message = parseMessage(text, ctx);
    return {
      status: message.status,
      ...(message.statusAt ? { at: message.statusAt } : {}),
      ...(message.error
        ? { error: message.error.message ? `${message.error.code}: ${message.error.message}` : message.error.code }
        : {}),
    };
  }

  private refuseBeforeSending(request: SmsSendRequest): void {
    const { config } = this.options;
    if (!isE164(request.to)) {
      throw new AdapterError({
        code: 'SMS_INVALID_NUMBER',
        kind: 'system',
        userMessage: `${maskPhoneNumber(request.to)} is not a phone number in international form (+33612345678): correct the debtor's mobile number`,
      });
    }
    const senderProblem = senderIdProblem(request.senderId);
    if (senderProblem)
      throw new AdapterError({
        code: 'SMS_INVALID_SENDER',
        kind: 'config',
        userMessage: `${senderProblem}: change \`senderId\``,
      });
    if (!IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
      throw new AdapterError({
        code: 'SMS_INVALID_IDEMPOTENCY_KEY',
        kind: 'system',
        userMessage: 'the idempotency key must be 1 to 255 printable ASCII characters without spaces',
      });
    }
    const seg = segmentSms(request.text);
    if (seg.segments === 0)
      throw new AdapterError({ code: 'SMS_EMPTY_TEXT', kind: 'system', userMessage: 'the SMS text is empty' });
    if (seg.segments > config.maxSegments) {
      const why =
        seg.encoding === 'UCS-2'
          ? ` (it is sent as UCS-2, 67 characters a part, because of ${seg.nonGsmCharacters.map((c) => `"${c}"`).join(' ')})`
          : '';
      throw new AdapterError({
        code: 'SMS_TEXT_TOO_LONG',
        kind: 'system',
        userMessage: `the SMS text needs ${seg.segments} parts${why}; \`maxSegments\` allows ${config.maxSegments}: shorten the template`,
        detail: `${seg.units} ${seg.encoding === 'GSM-7' ? 'septets' : 'UTF-16 units'}`,
      });
    }
    const window = checkContactWindow(this.clock.now(), config.contactWindow);
    if (window.allowed) return;
    if (window.nextAllowedAt === undefined) {
      throw new AdapterError({
        code: 'SMS_CONTACT_WINDOW_NEVER_OPENS',
        kind: 'config',
        userMessage: `no debt-collection SMS can ever leave: ${window.reason}, and \`contactWindow\` opens on no day within a year`,
      });
    }
    // "Come back later", which is what rate_limit tells the queue: the row waits, no attempt is burnt.
    throw new AdapterError({
      code: 'SMS_OUTSIDE_CONTACT_WINDOW',
      kind: 'rate_limit',
      userMessage: `no debt-collection SMS now: ${window.reason}; next opening ${window.nextAllowedAt}`,
      retryAfterMs: Math.max(0, Date.parse(window.nextAllowedAt) - this.clock.now().getTime()),
    });
  }

  /** One HTTP exchange (adapters/provider-http.ts); the status is classified by the caller. */
  private async exchange(
    request: ProviderRequest,
    ctx: SmsCallContext,
  ): Promise<{ status: number; text: string; retryAfter: string | undefined }> {
    const response = await providerExchange(this.http, request, {
      apiKey: this.options.config.apiKey,
      timeoutMs: this.options.config.timeoutMs,
      secrets: ctx.secrets,
      networkError: (code, message) => classifySmsNetworkError(code, message, ctx),
    });
    return { status: response.status, text: response.text, retryAfter: response.retryAfter };
  }
}

function parseMessage(text: string, ctx: SmsCallContext): SmsMessageWire {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badResponse('is not JSON', text, ctx);
  }
  const parsed = SmsMessageWireSchema.safeParse(json);
  if (!parsed.success)
    throw badResponse(
      `lacks what the contract promises (${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')})`,
      text,
      ctx,
    );
  return parsed.data;
}
