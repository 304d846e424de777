import { frenchNumberToE164, isE164, isFrenchMobile } from '../model/phone-number';
import type { Channel } from '../model/action.schema';
import type { Debtor } from '../model/debtor.schema';

/**
 * Which of a step's channels can reach the debtor. A channel that cannot is left out of the
 * decision, with its reason, instead of becoming an outbox row that can only fail: today an SMS
 * needs a French mobile number among the debtor's phones, by the same rule the SMS performer
 * picks the number with (connector/model/phone-number.ts, a pure function of the number).
 */

export interface UnreachableChannel {
  channel: Channel;
  reason: string;
}

/** The first of the debtor's numbers an SMS can go to, in E.164; undefined when none. */
export function smsNumberOf(phones: readonly string[]): string | undefined {
  return phones
    .map((p) => (isE164(p) ? p : frenchNumberToE164(p)))
    .find((p): p is string => typeof p === 'string' && isFrenchMobile(p));
}

export function reachableChannels(
  channels: readonly Channel[],
  debtor: Pick<Debtor, 'phones'>,
): { channels: Channel[]; unreachable: UnreachableChannel[] } {
  const kept: Channel[] = [];
  const unreachable: UnreachableChannel[] = [];
  for (const channel of channels) {
    if (channel === 'sms' && smsNumberOf(debtor.phones) === undefined) {
      unreachable.push({
        channel,
        reason: debtor.phones.length
          ? "none of the debtor's phone numbers in the ledger is a French mobile (06 or 07)"
          : 'the debtor has no phone number in the ledger',
      });
      continue;
    }
    kept.push(channel);
  }
  return { channels: kept, unreachable };
}
