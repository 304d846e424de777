import { DocumentInputError, renderTemplate, wordingFor, type TemplateName } from '../../documents';
import type { EmailAttachment, EmailMessage } from '../../ports/email';

/**
 * Builds the e-mail of a dunning step: recipients, subject, text and HTML bodies (each with the
 * statement of the overdue invoices), and for a formal notice the letter as a PDF attachment.
 * Pure: the PDF is rendered beforehand (renderFormalNoticePdf) and passed in.
 */

export type ComposedEmail = Omit<EmailMessage, 'idempotencyKey'> & { template: TemplateName; language: string };

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');

/** A file name any mail client and file system accepts. */
function safeFileName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-(?=\.pdf$)/g, '');
}

export function composeEmail(template: string, input: unknown, formalNoticePdf?: Buffer): ComposedEmail {
  const rendered = renderTemplate(template, input);
  const { to } = rendered;
  const problems: string[] = [];
  if (to.length === 0) problems.push('debtor.emails: the debtor has no e-mail address');
  const attachments: EmailAttachment[] = [];
  if (rendered.template === 'formal-notice') {
    if (!formalNoticePdf) problems.push('formalNoticePdf: a formal notice e-mail must carry the letter as a PDF');
    else if (!formalNoticePdf.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC))
      problems.push('formalNoticePdf: the attachment is not a PDF');
    else {
      attachments.push({
        filename: safeFileName(wordingFor(rendered.language).notice.fileName(rendered.caseRef)),
        content: formalNoticePdf,
        contentType: 'application/pdf',
      });
    }
  } else if (formalNoticePdf) {
    problems.push(`formalNoticePdf: only the formal-notice e-mail carries the letter, not ${rendered.template}`);
  }
  if (problems.length > 0) throw new DocumentInputError(`the ${template} e-mail`, problems);
  return {
    template: rendered.template,
    language: rendered.language,
    to,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    attachments,
  };
}
