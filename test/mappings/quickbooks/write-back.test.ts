import {
  PRIVATE_NOTE_MAX_LENGTH,
  appendToPrivateNote,
  hasNoteEntry,
  humanText,
  onlyOurEntriesChanged,
  type NoteEntry,
  type PrivateNoteResult,
} from '../../../mappings/quickbooks/write-back';

const entry = (n: number, text = `Relance ${n} envoyée par e-mail`): NoteEntry => ({
  key: `action-${n}`,
  date: `2026-01-${String(n).padStart(2, '0')}`,
  text,
});

function appended(r: PrivateNoteResult): string {
  if (r.status !== 'appended') throw new Error(`expected appended, got ${JSON.stringify(r)}`);
  return r.note;
}

/** Appends entries one by one, as successive write-backs would. */
function build(note: string | undefined, entries: NoteEntry[], max?: number): string {
  let current = note ?? '';
  for (const e of entries) {
    const r = appendToPrivateNote(current, e, max);
    if (r.status === 'appended' || r.status === 'already_present') current = r.note;
    else throw new Error(r.reason);
  }
  return current;
}

const human = 'Client suivi par Marc.\nNe pas relancer avant le 15 : litige sur la livraison du lot 2.';

describe('PrivateNote write-back: appending', () => {
  it('appends one marked line after the text a person wrote, which stays byte for byte', () => {
    const note = appended(appendToPrivateNote(human, entry(2)));
    expect(note.startsWith(`${human}\n[Recouvra 2026-01-02 #`)).toBe(true);
    expect(note.endsWith('] Relance 2 envoyée par e-mail')).toBe(true);
    expect(note.split('\n')).toHaveLength(3);
    expect(humanText(note)).toBe(human);
  });

  it('writes into an empty or absent note without a leading line break', () => {
    const note = appended(appendToPrivateNote(undefined, entry(1)));
    expect(note).toMatch(/^\[Recouvra 2026-01-01 #[0-9a-f]{20}-[0-9a-f]{6}\] Relance 1 envoyée par e-mail$/);
    expect(appended(appendToPrivateNote('', entry(1)))).toBe(note);
    expect(humanText(note)).toBe('');
  });

  it('keeps the key itself out of the note (only a hash of it)', () => {
    const note = appended(appendToPrivateNote(human, { ...entry(1), key: 'outbox:case-42:formal-notice' }));
    expect(note).not.toContain('outbox:case-42');
  });

  it('puts a multi-line text on one line', () => {
    const note = appended(
      appendToPrivateNote('', { ...entry(1), text: 'Mise en demeure envoyée\r\n\r\n  LRAR 1A 234 ' }),
    );
    expect(note).toMatch(/\] Mise en demeure envoyée LRAR 1A 234$/);
  });

  it('is idempotent: an entry whose key is present returns the note unchanged', () => {
    const once = appended(appendToPrivateNote(human, entry(1)));
    const twice = appendToPrivateNote(once, entry(1));
    expect(twice).toEqual({ status: 'already_present', note: once });
    // Same key, another text or date (a retry built later): still the same write.
    expect(appendToPrivateNote(once, { ...entry(1), date: '2026-01-09', text: 'autre' }).status).toBe(
      'already_present',
    );
    expect(hasNoteEntry(once, 'action-1')).toBe(true);
    expect(hasNoteEntry(once, 'action-2')).toBe(false);
  });

  it('keeps text a person wrote after our entries where it is', () => {
    const ours = build(human, [entry(1)]);
    const edited = `${ours}\nAppelé le 05/01, promet un virement.`;
    const note = appended(appendToPrivateNote(edited, entry(2)));
    expect(note.startsWith(edited)).toBe(true);
    expect(humanText(note)).toBe(`${human}\nAppelé le 05/01, promet un virement.`);
  });

  it('a line of ours a person edited becomes theirs: kept, and its key no longer counts', () => {
    const ours = build(human, [entry(1)]);
    const edited = ours.replace('Relance 1 envoyée', 'Relance 1 envoyée (client absent)');
    expect(hasNoteEntry(edited, 'action-1')).toBe(false);
    expect(humanText(edited)).toBe(edited);
    const note = appended(appendToPrivateNote(edited, entry(2)));
    expect(note.startsWith(edited)).toBe(true);
  });

  it('keeps CRLF line breaks and text around as they are (unverified QBO storage)', () => {
    const crlf = 'Ligne 1\r\nLigne 2\r\n';
    const note = appended(appendToPrivateNote(crlf, entry(1)));
    expect(note.startsWith(crlf)).toBe(true);
    expect(humanText(note)).toBe(crlf);
  });

  it.each([
    ['an empty key', { ...entry(1), key: '' }, 'the write-back has no key'],
    [
      'a date not written YYYY-MM-DD',
      { ...entry(1), date: '04/03/2026' },
      '"04/03/2026" is not a date written YYYY-MM-DD',
    ],
    ['a blank text', { ...entry(1), text: ' \n ' }, 'the entry has no text'],
  ])('skips %s with a reason', (_name, e, reason) => {
    expect(appendToPrivateNote(human, e)).toEqual({ status: 'skipped', reason });
  });
});

describe('PrivateNote write-back: the 4,000-character limit', () => {
  const long = (n: number) => entry(n, `Relance ${n} : ${'x'.repeat(150)}`);

  it('stays within the limit by folding the OLDEST entries into one summary line', () => {
    let note = human;
    for (let n = 1; n <= 40; n++) {
      const r = appendToPrivateNote(note, long(n));
      note = appended(r);
      expect(note.length).toBeLessThanOrEqual(PRIVATE_NOTE_MAX_LENGTH);
      expect(humanText(note)).toBe(human);
      // The newest entry is always whole, never folded in the write that adds it.
      expect(hasNoteEntry(note, `action-${n}`)).toBe(true);
    }
    const lines = note.split('\n');
    const summary = lines.find((l) => l.includes('entrées Recouvra antérieures'));
    expect(summary).toMatch(
      /^\[Recouvra 2026-01-01\.\.2026-01-\d\d ×(\d+)\] \1 entrées Recouvra antérieures résumées \(2026-01-01 → 2026-01-\d\d\)$/,
    );
    const folded = Number(/×(\d+)/.exec(summary!)![1]);
    const kept = lines.filter((l) => /^\[Recouvra 2026-01-\d\d #/.test(l)).length;
    // Every entry is accounted for: folded into the summary or kept whole, newest last.
    expect(folded + kept).toBe(40);
    expect(hasNoteEntry(note, `action-${folded}`)).toBe(false);
    expect(hasNoteEntry(note, `action-${folded + 1}`)).toBe(true);
    expect(lines.at(-1)).toContain('Relance 40 :');
  });

  it('summarises only as much as needed, and merges an existing summary with the next oldest entries', () => {
    const max = 600;
    const first = build(
      '',
      [1, 2, 3].map((n) => long(n)),
      max,
    );
    expect(first.split('\n')).toHaveLength(3);
    const r = appendToPrivateNote(first, long(4), max);
    expect(r.status === 'appended' && r.summarised).toBe(2);
    const note = appended(r);
    expect(note.split('\n')[0]).toBe(
      '[Recouvra 2026-01-01..2026-01-02 ×2] 2 entrées Recouvra antérieures résumées (2026-01-01 → 2026-01-02)',
    );
    const next = appended(appendToPrivateNote(note, long(5), max));
    expect(next.split('\n')[0]).toBe(
      '[Recouvra 2026-01-01..2026-01-03 ×3] 3 entrées Recouvra antérieures résumées (2026-01-01 → 2026-01-03)',
    );
    expect(next.length).toBeLessThanOrEqual(max);
  });

  it('never moves or changes text a person wrote between our entries when summarising', () => {
    const max = 700;
    const a = build('Note A', [long(1), long(2)], max);
    const b = build(`${a}\nNote B (écrite à la main)`, [long(3)], max);
    const before = humanText(b);
    const note = appended(appendToPrivateNote(b, long(4), max));
    expect(note.length).toBeLessThanOrEqual(max);
    expect(humanText(note)).toBe(before);
    expect(humanText(note)).toBe('Note A\nNote B (écrite à la main)');
    const lines = note.split('\n');
    expect(lines[0]).toBe('Note A');
    expect(lines[1]).toMatch(/^\[Recouvra 2026-01-01\.\.2026-01-0\d ×\d\]/);
    expect(lines.indexOf('Note B (écrite à la main)')).toBeGreaterThan(1);
  });

  it('counts a single folded entry in the singular', () => {
    const max = 400;
    const note = build('', [long(1), long(2)], max);
    expect(note.split('\n')[0]).toBe(
      '[Recouvra 2026-01-01..2026-01-01 ×1] 1 entrée Recouvra antérieure résumée (2026-01-01 → 2026-01-01)',
    );
  });

  it('skips, with a reason, when the text a person wrote leaves no room', () => {
    const full = 'y'.repeat(3990);
    const r = appendToPrivateNote(full, entry(1));
    expect(r).toEqual({
      status: 'skipped',
      reason: expect.stringMatching(
        /^the invoice's private note holds 3990 characters of its own text: no room left for a Recouvra entry of \d+ characters within 4000$/,
      ),
    });
  });

  it('skips when the text and the summary of earlier entries leave no room, and leaves the note to the adapter', () => {
    const max = 400;
    const note = build('z'.repeat(120), [long(1)], max);
    const r = appendToPrivateNote(note, long(2), max);
    expect(r.status).toBe('skipped');
    expect(r.status === 'skipped' && r.reason).toContain('and the summary of earlier Recouvra entries');
  });
});

describe('PrivateNote echo detection', () => {
  it('our own write coming back through CDC or a webhook differs only by our entries', () => {
    const before = build(human, [entry(1)]);
    const after = appended(appendToPrivateNote(before, entry(2)));
    expect(onlyOurEntriesChanged(before, after)).toBe(true);
    expect(onlyOurEntriesChanged(undefined, build(undefined, [entry(1)]))).toBe(true);
  });

  it('a summarising write is still only ours', () => {
    const max = 500;
    const before = build(
      human,
      [1, 2].map((n) => entry(n, `Relance ${n} ${'x'.repeat(120)}`)),
      max,
    );
    const r = appendToPrivateNote(before, entry(3, `Relance 3 ${'x'.repeat(120)}`), max);
    expect(r.status === 'appended' && r.summarised).toBeGreaterThan(0);
    expect(onlyOurEntriesChanged(before, appended(r))).toBe(true);
  });

  it('a change by a person, or by QuickBooks voiding the invoice, is not an echo', () => {
    const before = build(human, [entry(1)]);
    expect(onlyOurEntriesChanged(before, `${before}\nRappeler lundi`)).toBe(false);
    expect(onlyOurEntriesChanged(before, `Voided ${before}`)).toBe(false);
    expect(onlyOurEntriesChanged(before, before.replace('Relance 1', 'Relance 1 (faux)'))).toBe(false);
  });
});
