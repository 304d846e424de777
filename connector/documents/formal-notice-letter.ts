import type { Address } from '../model/debtor.schema';
import type { Block } from './blocks';
import {
  addressLines,
  contextOf,
  creditNoteBlocks,
  creditorIdentity,
  paymentBlocks,
  type DocumentContext,
} from './document-context';
import { DocumentInputError, parseFormalNoticeInput } from './document-input.schema';
import { noticeContent } from './notice-content';

/**
 * The formal notice letter (mise en demeure de payer) as content, before any layout. What it
 * says follows reference §5 ("Recommended content"): identity of creditor and debtor, the words
 * "mise en demeure", the invoices with numbers and dates, the amount broken down (principal,
 * interest with its legal basis, the fixed indemnity for professionals), a deadline, the payment
 * methods and the next step; then date, place and signature.
 */
export interface FormalNoticeLetter {
  language: string;
  metadata: { title: string; author: string; subject: string; creationDate: string };
  /** Creditor: name, address, SIREN, contact. */
  sender: string[];
  /** Debtor: name, address, SIREN (companies). */
  recipient: string[];
  placeAndDate: string;
  /** How it is sent (registered letter, e-mail) and the reference. */
  mentions: string[];
  title: string;
  body: Block[];
  signature: string[];
  footer: string;
  pageLabel(index: number, count: number): string;
}

/** The creditor's block and the debtor's address block, as every letter prints them. */
export function letterhead(ctx: DocumentContext, debtorAddress: Address): { sender: string[]; recipient: string[] } {
  const { w, input } = ctx;
  const { creditor, debtor } = input;
  return {
    sender: [
      creditor.name,
      ...addressLines(creditor.address),
      ...(creditor.siren ? [`SIREN ${w.formatSiren(creditor.siren)}`] : []),
      creditor.contact.email,
      ...(creditor.contact.phone ? [creditor.contact.phone] : []),
    ],
    recipient: [
      debtor.name,
      ...addressLines(debtorAddress),
      ...(debtor.kind === 'company' && debtor.siren ? [`SIREN ${w.formatSiren(debtor.siren)}`] : []),
    ],
  };
}

export function formalNoticeLetter(raw: unknown): FormalNoticeLetter {
  const input = parseFormalNoticeInput(raw, 'the formal notice letter');
  const debtorAddress = input.debtor.address;
  if (!debtorAddress) {
    throw new DocumentInputError('the formal notice letter', [
      "debtor.address: a formal notice letter needs the debtor's postal address",
    ]);
  }
  const ctx = contextOf(input);
  const { w, statement } = ctx;
  const { creditor, notice } = input;
  const content = noticeContent(ctx, notice);
  const date = w.formatLongDate(input.date);
  const place = notice.place ?? creditor.address.city;

  const { sender, recipient } = letterhead(ctx, debtorAddress);
  const mentions = [
    ...(notice.sentBy.includes('registered_letter') ? [w.notice.registeredLetter] : []),
    ...(notice.sentBy.includes('email') ? [w.notice.alsoByEmail] : []),
    w.notice.reference(input.caseRef),
  ];
  const body: Block[] = [
    { kind: 'paragraph', text: w.notice.object, strong: true },
    { kind: 'paragraph', text: w.greeting },
    { kind: 'paragraph', text: w.notice.origin(statement.overdue.length) },
    content.claimTable,
    ...creditNoteBlocks(ctx),
    content.summary,
    { kind: 'paragraph', text: content.basis },
    { kind: 'paragraph', text: content.demand, strong: true },
    ...content.afterDemand.map((text): Block => ({ kind: 'paragraph', text })),
    ...paymentBlocks(ctx),
    { kind: 'paragraph', text: content.consequences },
    { kind: 'paragraph', text: w.notice.disputeInvite },
    { kind: 'paragraph', text: w.notice.formalEffect },
    { kind: 'paragraph', text: w.signOffFormal },
  ];
  const signatory = notice.signatory;
  const signature = [
    w.notice.signedAt({ place, date }),
    signatory?.name ?? w.notice.defaultSignatory,
    ...(signatory?.title ? [signatory.title] : []),
    creditor.name,
  ];
  const identity = creditorIdentity(ctx, creditor);
  return {
    language: w.language,
    metadata: {
      title: w.notice.title,
      author: creditor.name,
      subject: `${w.notice.title} — ${w.notice.reference(input.caseRef)}`,
      creationDate: input.date,
    },
    sender,
    recipient,
    placeAndDate: w.notice.placeAndDate({ place, date }),
    mentions,
    title: w.notice.title,
    body,
    signature,
    footer: w.footer.identity(identity),
    pageLabel: (index, count) => w.notice.page({ index, count }),
  };
}
