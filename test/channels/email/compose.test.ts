import { composeEmail } from '../../../connector/channels/email/compose';
import { DocumentInputError, renderFormalNoticePdf } from '../../../connector/documents';
import { documentInput, formalNoticeInput } from '../../documents/fixtures';
import { plainSpaces } from '../../documents/pdf-text';

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DocumentInputError) return e.problems;
    throw e;
  }
  throw new Error('expected a DocumentInputError');
}

describe('composeEmail', () => {
  test.each(['reminder-pre-due', 'reminder-1', 'reminder-2'])(
    '%s: to the debtor, the statement in both bodies, no attachment',
    (template) => {
      const mail = composeEmail(template, documentInput());
      expect(mail.template).toBe(template);
      expect(mail.language).toBe('fr');
      expect(mail.to).toEqual(['compta@dupont-industrie.example']);
      expect(mail.attachments).toEqual([]);
      for (const number of ['FAC-2025-0012', 'FAC-2025-0031']) {
        expect(mail.text).toContain(number);
        expect(mail.html).toContain(number);
      }
      expect(plainSpaces(mail.text)).toContain('1 200,00 €');
      expect(plainSpaces(mail.html)).toContain('540,50 €');
    },
  );

  test('the formal notice carries the PDF under a French file name built from the case reference', async () => {
    const input = formalNoticeInput(documentInput({ caseRef: 'Dossier n° 12/é' }));
    const pdf = await renderFormalNoticePdf(input);
    const mail = composeEmail('formal-notice', input, pdf);
    expect(mail.attachments).toEqual([
      { filename: 'mise-en-demeure-Dossier-n-12-e.pdf', content: pdf, contentType: 'application/pdf' },
    ]);
    expect(mail.subject).toMatch(/^Mise en demeure de payer/);
  });

  test('duplicate addresses are sent once', () => {
    const input = documentInput({
      debtor: { name: 'D', kind: 'company', emails: ['a@d.example', 'a@d.example', 'b@d.example'] },
    });
    expect(composeEmail('reminder-1', input).to).toEqual(['a@d.example', 'b@d.example']);
  });

  test('refuses what cannot be sent, naming each problem', async () => {
    const pdf = await renderFormalNoticePdf(formalNoticeInput());
    expect(problemsOf(() => composeEmail('formal-notice', formalNoticeInput()))).toEqual([
      'formalNoticePdf: a formal notice e-mail must carry the letter as a PDF',
    ]);
    expect(problemsOf(() => composeEmail('formal-notice', formalNoticeInput(), Buffer.from('<html>')))).toEqual([
      'formalNoticePdf: the attachment is not a PDF',
    ]);
    expect(problemsOf(() => composeEmail('reminder-1', documentInput(), pdf))).toEqual([
      'formalNoticePdf: only the formal-notice e-mail carries the letter, not reminder-1',
    ]);
    expect(
      problemsOf(() =>
        composeEmail('reminder-1', documentInput({ debtor: { name: 'D', kind: 'company', emails: [] } })),
      ),
    ).toEqual(['debtor.emails: the debtor has no e-mail address']);
    expect(problemsOf(() => composeEmail('phone-call', documentInput()))).toEqual([
      'template: unknown e-mail template "phone-call" (known: reminder-pre-due, reminder-1, reminder-2, formal-notice)',
    ]);
  });
});
