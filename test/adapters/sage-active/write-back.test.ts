import {
  BLOCK_END,
  BLOCK_START,
  blockKeyRef,
  blockLines,
  CUSTOMER_COMMENTS_MAX,
  entryFileComment,
  entryFileName,
  entryFileText,
  FILE_COMMENT_MAX,
  FILE_NAME_MAX,
  mergeBlock,
  sageInvoiceIdOf,
  textOutsideBlock,
  type BlockEntry,
} from '../../../mappings/sage-active/write-back';
import { sageIds } from '../../../mappings/sage-active/to-canonical';
import { ALLOWED_FILE_EXTENSIONS } from '../../../adapters/sage-active/simulator/resolvers';

/** The texts written into Sage Active (sage.md §2.5): the entry file's name and content, and our block in a text field. */

const entry = (key: string, text = 'Relance 1 envoyée par e-mail', over: Partial<BlockEntry> = {}): BlockEntry => ({
  key,
  date: '2026-12-05',
  text,
  ...over,
});
const merged = (current: string | null, e: BlockEntry, max = CUSTOMER_COMMENTS_MAX): string => {
  const r = mergeBlock(current, e, max, 'customer comments');
  if (r.status !== 'merged') throw new Error(`expected merged, got ${JSON.stringify(r)}`);
  return r.value;
};

describe('the file attached to the accounting entry', () => {
  it('is named from the key alone, within the simulator limits that cite sage.md', () => {
    const name = entryFileName('case/41/step/formal-notice');
    expect(name).toMatch(/^recouvra-[0-9a-f]{24}\.txt$/);
    expect(name.length).toBeLessThanOrEqual(FILE_NAME_MAX);
    expect(ALLOWED_FILE_EXTENSIONS).toContain(name.split('.').pop());
    expect(entryFileName('case/41/step/formal-notice')).toBe(name);
    expect(entryFileName('case/41/step/reminder-1')).not.toBe(name);
    expect(name).not.toContain('41');
  });

  it('says the invoice, the date, the stage and the event in French, with the reference of the key', () => {
    const text = entryFileText({
      key: 'k1',
      date: '2026-12-05',
      invoiceNumber: 'FA-000123',
      stage: 'formal_notice',
      procedureState: undefined,
      text: 'Mise en demeure envoyée en recommandé.\n',
    });
    expect(text).toBe(
      [
        'Recouvra — suivi du recouvrement',
        'Facture : FA-000123',
        'Date : 2026-12-05',
        'Étape : formal_notice',
        '',
        'Mise en demeure envoyée en recommandé.',
        '',
        `Référence : ${blockKeyRef('k1')}`,
        '',
      ].join('\n'),
    );
  });

  it('has a comment on one line within 255 characters', () => {
    const comment = entryFileComment('2026-12-05', `Première ligne\n${'x'.repeat(400)}`);
    expect(comment.length).toBe(FILE_COMMENT_MAX);
    expect(comment).toMatch(/^Recouvra 2026-12-05 : Première ligne x+…$/);
  });
});

describe('the canonical receivable id', () => {
  const ctx = { connection: 'sage-fr', organizationId: 'b1e0c6a4-0000-4000-8000-000000000001', currency: 'EUR' };
  it('gives back the Sage invoice id of this connection and organisation only', () => {
    const id = '0f6f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(sageInvoiceIdOf(ctx, sageIds.invoice(ctx, id))).toBe(id);
    expect(sageInvoiceIdOf(ctx, sageIds.customer(ctx, id))).toBeUndefined();
    expect(sageInvoiceIdOf({ ...ctx, connection: 'other' }, sageIds.invoice(ctx, id))).toBeUndefined();
    expect(sageInvoiceIdOf(ctx, `${sageIds.invoice(ctx, id)}:x`)).toBeUndefined();
  });
});

describe('our block in a text field', () => {
  it('is added after what a person wrote, which stays as it was', () => {
    const user = 'Client fidèle, relancer par téléphone avant tout courrier.';
    const value = merged(user, entry('k1', 'Relance 1 envoyée', { invoices: ['FA-000123'] }));
    expect(value).toBe(
      `${user}\n${BLOCK_START}\n2026-12-05 Relance 1 envoyée (FA-000123) [réf. ${blockKeyRef('k1')}]\n${BLOCK_END}`,
    );
    expect(textOutsideBlock(value)).toBe(`${user}\n`);
    expect(merged(null, entry('k1'))).toBe(
      `${BLOCK_START}\n2026-12-05 Relance 1 envoyée par e-mail [réf. ${blockKeyRef('k1')}]\n${BLOCK_END}`,
    );
  });

  it('is replaced in place: text before and after it, CRLF included, is untouched', () => {
    const before = 'Avant le bloc.\r\nDeuxième ligne.\r\n';
    const after = '\r\nAprès le bloc : ne pas relancer en août.';
    const first = merged(
      `${before}${BLOCK_START}\r\n2026-11-01 ancienne ligne [réf. aaaaaaaaaaaa]\r\n${BLOCK_END}${after}`,
      entry('k2'),
    );
    expect(first.startsWith(before)).toBe(true);
    expect(first.endsWith(after)).toBe(true);
    expect(blockLines(first)).toEqual([
      '2026-11-01 ancienne ligne [réf. aaaaaaaaaaaa]',
      `2026-12-05 Relance 1 envoyée par e-mail [réf. ${blockKeyRef('k2')}]`,
    ]);
    expect(textOutsideBlock(first)).toBe(before + after);
  });

  it('holds a key once: the same key again is already present', () => {
    const once = merged('Note.', entry('k1'));
    expect(mergeBlock(once, entry('k1', 'autre texte'), CUSTOMER_COMMENTS_MAX, 'customer comments')).toEqual({
      status: 'already_present',
    });
  });

  it('keeps within the limit by dropping its oldest lines, never the text around it', () => {
    const user = 'u'.repeat(1_500);
    let value: string = user;
    for (let i = 0; i < 12; i++) value = merged(value, entry(`k${i}`, `Événement numéro ${i}`));
    expect(value.length).toBeLessThanOrEqual(CUSTOMER_COMMENTS_MAX);
    expect(value.startsWith(`${user}\n${BLOCK_START}\n`)).toBe(true);
    const lines = blockLines(value);
    expect(lines.at(-1)).toContain('Événement numéro 11');
    expect(lines[0]).not.toContain('Événement numéro 0 ');
    // The lines kept are the newest, in order, as many as fit.
    const numbers = lines.map((l) => Number(/numéro (\d+)/.exec(l)![1]));
    expect(numbers).toEqual(numbers.map((_, i) => 12 - numbers.length + i));
    const next = mergeBlock(value, entry('k12', 'Événement numéro 12'), CUSTOMER_COMMENTS_MAX, 'customer comments');
    expect(next).toMatchObject({ status: 'merged', dropped: 1 });
  });

  it('skips, naming the field, when the text of the person alone leaves no room', () => {
    const r = mergeBlock('p'.repeat(1_950), entry('k1'), CUSTOMER_COMMENTS_MAX, 'customer comments');
    expect(r).toEqual({
      status: 'skipped',
      reason: expect.stringMatching(/^the customer comments hold 1950 characters of their own text: no room left/),
    });
    expect(JSON.stringify(r)).not.toContain('ppp');
  });

  it('cuts a long event to one line of 200 characters, and a marker inside a line is text', () => {
    const value = merged('', entry('k1', `${BLOCK_END} ${'y'.repeat(500)}\n${BLOCK_START}`));
    const lines = blockLines(value);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(240);
    expect(merged(value, entry('k2'))).toContain(lines[0]);
    expect(blockLines(merged(value, entry('k2')))).toHaveLength(2);
  });

  it('refuses a start marker without its end: where our lines stop is unknown', () => {
    const r = mergeBlock(
      `Note.\n${BLOCK_START}\n2026-11-01 x`,
      entry('k1'),
      CUSTOMER_COMMENTS_MAX,
      'customer comments',
    );
    expect(r).toMatchObject({ status: 'skipped', reason: expect.stringContaining(`without ${BLOCK_END}`) });
  });

  it('skips an entry without key, date or text', () => {
    const skip = (e: BlockEntry) => mergeBlock('', e, CUSTOMER_COMMENTS_MAX, 'customer comments').status;
    expect(skip(entry(''))).toBe('skipped');
    expect(skip(entry('k', 'x', { date: '05/12/2026' }))).toBe('skipped');
    expect(skip(entry('k', ' \n '))).toBe('skipped');
  });
});
