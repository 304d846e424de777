/**
 * A one-page PDF of text lines, written by hand: enough for the simulator's proofs, which only
 * need to be valid PDFs that say what they prove. Helvetica with WinAnsiEncoding covers French
 * text; a character outside Latin-1 becomes "?". Layout: A4, 12 pt, one line every 16 pt.
 */
export function textPdf(title: string, lines: readonly string[]): Buffer {
  const content = [
    'BT',
    '/F1 12 Tf',
    '16 TL',
    '56 786 Td',
    ...lines.map((l, i) => `${i === 0 ? '' : 'T* '}(${pdfText(l)}) Tj`),
    'ET',
  ].join('\n');
  const contentBytes = Buffer.from(content, 'latin1');
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>', 'latin1'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>', 'latin1'),
    Buffer.from(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
      'latin1',
    ),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>', 'latin1'),
    Buffer.concat([
      Buffer.from(`<< /Length ${contentBytes.length} >>\nstream\n`, 'latin1'),
      contentBytes,
      Buffer.from('\nendstream', 'latin1'),
    ]),
    Buffer.from(`<< /Title (${pdfText(title)}) >>`, 'latin1'),
  ];
  // The second line's high bytes tell transfer tools that the file is binary (ISO 32000-1 §7.5.2).
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(chunk);
    offset += chunk.length;
  });
  // Each cross-reference entry is exactly 20 bytes, end of line included (§7.5.4).
  const xref = [
    `xref\n0 ${objects.length + 1}\n`,
    '0000000000 65535 f \n',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`),
  ].join('');
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(Buffer.from(xref + trailer, 'latin1'));
  return Buffer.concat(parts);
}

/** A PDF literal string's body: backslash, parentheses escaped; outside Latin-1 → "?". */
function pdfText(s: string): string {
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- one "?" per code point is meant
  return [...s]
    .map((c) => (c.charCodeAt(0) > 0xff || c.length > 1 ? '?' : c))
    .join('')
    .replace(/[\\()]/g, (c) => `\\${c}`)
    .replace(/[\r\n]/g, ' ');
}
