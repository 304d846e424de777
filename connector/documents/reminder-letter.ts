import { contextOf, creditorIdentity } from './document-context';
import { DocumentInputError, parseDocumentInput, type ReminderTemplateName } from './document-input.schema';
import { letterhead, type FormalNoticeLetter } from './formal-notice-letter';
import { renderReminder } from './templates';

/**
 * A reminder sent by post (a policy step with the `letter` channel): the same letterhead as the
 * formal notice, and the reminder's own wording and statement as the body. It is not a formal
 * notice and does not say it is one.
 */
export function reminderLetter(template: ReminderTemplateName, raw: unknown): FormalNoticeLetter {
  const input = parseDocumentInput(raw, `the ${template} letter`);
  if (!input.debtor.address)
    throw new DocumentInputError(`the ${template} letter`, [
      "debtor.address: a letter needs the debtor's postal address",
    ]);
  const ctx = contextOf(input);
  const { w } = ctx;
  const rendered = renderReminder(template, input);
  const { sender, recipient } = letterhead(ctx, input.debtor.address);
  const date = w.formatLongDate(input.date);
  const place = input.creditor.address.city;
  return {
    language: w.language,
    metadata: {
      title: rendered.subject,
      author: input.creditor.name,
      subject: `${rendered.subject} — ${w.notice.reference(input.caseRef)}`,
      creationDate: input.date,
    },
    sender,
    recipient,
    placeAndDate: w.notice.placeAndDate({ place, date }),
    mentions: [w.notice.reference(input.caseRef)],
    title: rendered.subject,
    body: rendered.blocks,
    signature: [input.creditor.name],
    footer: w.footer.identity(creditorIdentity(ctx, input.creditor)),
    pageLabel: (index, count) => w.notice.page({ index, count }),
  };
}
