import { reminderLetter, renderLetter, renderReminder } from '../../connector/documents';
import { DocumentInputError } from '../../connector/documents';
import { documentInput } from './fixtures';
import { readPdf } from './pdf-text';

describe('reminder letter', () => {
  it('prints the second reminder by post: letterhead, statement, no formal-notice wording', async () => {
    const letter = reminderLetter('reminder-2', documentInput());
    expect(letter.recipient).toEqual([
      'Dupont Industrie SAS',
      '3 avenue de la Gare',
      'Bâtiment B',
      '38000 Grenoble',
      'SIREN 812 345 676',
    ]);
    expect(letter.title).toBe(renderReminder('reminder-2', documentInput()).subject);
    const { text } = await readPdf(await renderLetter(letter));
    expect(text).toContain('Atelier Durand SAS');
    expect(text).toContain('FAC-2025-0012');
    expect(text).toContain('FAC-2025-0031');
    // It announces a formal notice; it is not one.
    expect(text).toContain('nous serons contraints de vous adresser une mise en demeure');
    expect(text).not.toMatch(/vaut mise en demeure|Mise en demeure de payer/i);
  });

  it('refuses a debtor without a postal address, naming the field', () => {
    const { address: _none, ...debtor } = documentInput().debtor as Record<string, unknown>;
    expect(() => reminderLetter('reminder-1', documentInput({ debtor: debtor as never }))).toThrow(DocumentInputError);
    expect(() => reminderLetter('reminder-1', documentInput({ debtor: debtor as never }))).toThrow(/debtor\.address/);
  });
});
