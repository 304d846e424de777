import type { Debtor } from '../../connector/model/debtor.schema';
import type { Receivable } from '../../connector/model/receivable.schema';
import { B2B, B2C, DEBTORS, item, type NoticeSpec, type World } from './fixtures';

/**
 * The worlds of the tables. The business one: a garage in Nantes (SARL) owing two invoices and
 * holding a credit note, reminded in January and February 2026, called once, given a formal
 * notice by registered letter and e-mail on 25 March 2026 (deposit the same day, acknowledgement
 * of receipt on 3 April: the 8-day deadline of fr-b2b ends on 11 April).
 */

const M = DEBTORS.merchant;
export const FAC1 = item(M, 'odoo:move:101', {
  number: 'FAC-2025-0101',
  issueDate: '2025-05-10',
  dueDate: '2025-06-10',
  total: 200_000,
  open: 200_000,
  documentUrl: 'https://erp.example/web/content/101.pdf',
});
export const FAC2 = item(M, 'odoo:move:102', {
  number: 'FAC-2025-0102',
  issueDate: '2025-12-01',
  dueDate: '2026-01-15',
  total: 450_000,
  open: 450_000,
});
export const AV1 = item(M, 'odoo:move:103', {
  kind: 'credit_note',
  number: 'AV-2026-0001',
  issueDate: '2026-01-20',
  dueDate: '2026-01-20',
  total: 20_000,
  open: 20_000,
});

export const NOTICE: NoticeSpec = {
  on: '2026-03-25',
  deposit: '2026-03-25T16:00:00.000Z',
  ack: '2026-04-03T09:15:00.000Z',
};

/** Items of another debtor, re-issued for `d` (same numbers, amounts and dates). */
export function itemsFor(d: Debtor, specs: Partial<Receivable>[]): Receivable[] {
  return specs.map((s, i) => item(d, `odoo:move:${d.id.split(':').pop()}${i + 1}`, s));
}

export function b2bWorld(over: Partial<World> = {}): World {
  return {
    debtor: M,
    items: [FAC1, FAC2, AV1],
    policy: B2B,
    payments: [['odoo:move:101', '2025-09-15', 50_000]],
    reminders: [
      { stepId: 'reminder-1', on: '2026-01-20', channels: ['email'] },
      { stepId: 'reminder-2', on: '2026-01-30', channels: ['email', 'sms'] },
      { stepId: 'phone-call', on: '2026-02-06', channels: ['phone_task'] },
    ],
    notice: NOTICE,
    ...over,
  };
}

/** One company debtor, one invoice of `total` due 2026-01-15, the same ladder and notice. */
export function companyWorld(d: Debtor, total: number, over: Partial<World> = {}): World {
  return b2bWorld({
    debtor: d,
    items: itemsFor(d, [
      { number: 'FAC-2026-0007', issueDate: '2025-12-15', dueDate: '2026-01-15', total, open: total },
    ]),
    payments: [],
    ...over,
  });
}

/**
 * The consumer: one invoice of `total` due 2025-11-30, reminded, given a formal notice on 15
 * December 2025 received on 18 December (fr-b2c: 15 days, so the deadline ends 2 January 2026).
 */
export function consumerWorld(total: number, over: Partial<World> = {}): World {
  const d = DEBTORS.consumer;
  return {
    debtor: d,
    items: itemsFor(d, [{ number: 'FAC-C-0001', issueDate: '2025-11-01', dueDate: '2025-11-30', total, open: total }]),
    policy: B2C,
    payments: [],
    reminders: [{ stepId: 'reminder-1', on: '2025-12-07', channels: ['email', 'sms'] }],
    notice: { on: '2025-12-15', deposit: '2025-12-15T15:00:00.000Z', ack: '2025-12-18T10:30:00.000Z' },
    ...over,
  };
}
