export { renderHtml, renderText, escapeHtml, type Block, type TableColumn } from './blocks';
export {
  CreditorSchema,
  DocumentCreditNoteSchema,
  DocumentDebtorSchema,
  DocumentInputError,
  DocumentInputSchema,
  DocumentItemSchema,
  FormalNoticeDetailsSchema,
  FormalNoticeInputSchema,
  TEMPLATE_NAMES,
  isTemplateName,
  parseDocumentInput,
  parseFormalNoticeInput,
  type Creditor,
  type DocumentCreditNote,
  type DocumentDebtor,
  type DocumentInput,
  type DocumentInputRaw,
  type DocumentItem,
  type FormalNoticeDetails,
  type FormalNoticeInput,
  type FormalNoticeInputRaw,
  type ReminderTemplateName,
  type TemplateName,
} from './document-input.schema';
export { buildStatement, type Statement, type StatementLine } from './statement';
export { noticeClaim, type NoticeClaimOptions } from './notice-claim';
export { renderFormalNoticeEmail, renderReminder, renderTemplate, type RenderedDocument } from './templates';
export { formalNoticeLetter, type FormalNoticeLetter } from './formal-notice-letter';
export { renderFormalNoticePdf, renderLetter, toWinAnsi } from './formal-notice-pdf';
export type { DocumentWording } from './wording';
export { wordingFor } from './wording-for';
export { reminderSms } from './sms';
export { reminderLetter } from './reminder-letter';
