/**
 * What the connector needs from an SMS provider. The project owns this contract (README.md);
 * `HttpSmsProvider` speaks it over HTTP, and a bridge to a real provider implements the same
 * interface or serves the same HTTP contract.
 */

export interface SmsSendRequest {
  /** The recipient in E.164 form, e.g. +33612345678. */
  to: string;
  text: string;
  /** Alphanumeric sender shown on the phone, at most 11 characters (see `sender-id.ts`). */
  senderId: string;
  /** The outbox row's key: the same key always designates the same SMS, so resending it never sends twice. */
  idempotencyKey: string;
}

export type SmsSendStatus = 'queued' | 'sent';
export type SmsDeliveryStatus = 'queued' | 'sent' | 'delivered' | 'failed';

export interface SmsSendResult {
  providerId: string;
  status: SmsSendStatus;
}

export interface SmsStatusResult {
  status: SmsDeliveryStatus;
  /** When the message reached this status (ISO 8601, UTC). */
  at?: string;
  /** Why it failed, as the provider says it (`code: message`), when `status` is `failed`. */
  error?: string;
}

export interface SmsProvider {
  send(request: SmsSendRequest): Promise<SmsSendResult>;
  status(providerId: string): Promise<SmsStatusResult>;
}
