import PDFDocument from 'pdfkit';
import type { Block } from './blocks';
import { formalNoticeLetter, type FormalNoticeLetter } from './formal-notice-letter';

/**
 * The formal notice letter as an A4 PDF (pdfkit, standard Helvetica: no font file to ship).
 * The same input and date give the same bytes: the creation date comes from the input, and
 * pdfkit derives the file ID from the document info only.
 */

const MM = 72 / 25.4;
const MARGIN = 20 * MM;
const FOOTER_SPACE = 18 * MM;
/** The address sits in the window of a French DL envelope (window about 110 mm from the left, 45 mm from the top). */
const WINDOW = { x: 110 * MM, y: 45 * MM, width: 85 * MM };
const BODY_SIZE = 10;
const TABLE_SIZE = 8.5;
const SMALL_SIZE = 7.5;
const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';

/** Characters of Windows-1252 above Latin-1 that the standard fonts can show. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * The standard PDF fonts only know Windows-1252. French needs nothing more, but formatted
 * numbers use a narrow no-break space (U+202F) and a name may carry any letter: those become
 * their nearest Windows-1252 form rather than an empty box.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text
    .replace(/[\u202F\u2007]/g, '\u00A0')
    .replace(/[\u2009\u200A]/g, ' ')
    .replace(/\u2212/g, '-')) {
    const code = ch.codePointAt(0) ?? 0;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || ch === '\n' || WIN_ANSI_EXTRA.has(ch)) {
      out += ch;
      continue;
    }
    const stripped = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    // eslint-disable-next-line @typescript-eslint/no-misused-spread -- each code point is checked
    out += [...stripped].every((c) => (c.codePointAt(0) ?? 0) <= 0x7e) && stripped !== '' ? stripped : '?';
  }
  return out;
}

export async function renderFormalNoticePdf(raw: unknown): Promise<Buffer> {
  return renderLetter(formalNoticeLetter(raw));
}

export function renderLetter(letter: FormalNoticeLetter): Promise<Buffer> {
  const created = new Date(`${letter.metadata.creationDate}T00:00:00Z`);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER_SPACE },
    bufferPages: true,
    lang: letter.language,
    displayTitle: true,
    info: {
      Title: toWinAnsi(letter.metadata.title),
      Author: toWinAnsi(letter.metadata.author),
      Subject: toWinAnsi(letter.metadata.subject),
      Creator: 'Recouvra',
      Producer: 'Recouvra',
      CreationDate: created,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  layout(doc, letter);
  doc.end();
  return done;
}

function contentWidth(doc: PDFKit.PDFDocument): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function layout(doc: PDFKit.PDFDocument, letter: FormalNoticeLetter): void {
  const left = doc.page.margins.left;
  doc
    .font(BOLD)
    .fontSize(BODY_SIZE)
    .text(toWinAnsi(letter.sender[0] ?? ''), left, MARGIN, { width: WINDOW.x - left - 10 * MM });
  doc.font(REGULAR).text(toWinAnsi(letter.sender.slice(1).join('\n')), { width: WINDOW.x - left - 10 * MM });
  const senderBottom = doc.y;

  doc.font(BOLD).text(toWinAnsi(letter.recipient[0] ?? ''), WINDOW.x, WINDOW.y, { width: WINDOW.width });
  doc.font(REGULAR).text(toWinAnsi(letter.recipient.slice(1).join('\n')), { width: WINDOW.width });
  doc.moveDown(1.5);
  doc.text(toWinAnsi(letter.placeAndDate), WINDOW.x, doc.y, { width: WINDOW.width });

  doc.y = Math.max(doc.y, senderBottom) + 2 * BODY_SIZE;
  doc.font(BOLD).text(toWinAnsi(letter.mentions.slice(0, -1).join('\n')), left, doc.y, { width: contentWidth(doc) });
  doc.font(REGULAR).text(toWinAnsi(letter.mentions[letter.mentions.length - 1] ?? ''), { width: contentWidth(doc) });
  doc.moveDown(1.5);
  doc
    .font(BOLD)
    .fontSize(14)
    .text(toWinAnsi(letter.title.toUpperCase()), left, doc.y, { width: contentWidth(doc), align: 'center' });
  doc.moveDown(1);

  for (const block of letter.body) drawBlock(doc, block);

  doc.moveDown(1);
  const signatureHeight = doc
    .font(REGULAR)
    .fontSize(BODY_SIZE)
    .heightOfString(letter.signature.join('\n'), { width: WINDOW.width });
  if (doc.y + signatureHeight > doc.page.height - doc.page.margins.bottom) doc.addPage();
  doc.text(toWinAnsi(letter.signature[0] ?? ''), WINDOW.x, doc.y, { width: WINDOW.width });
  doc.moveDown(0.5);
  doc.font(BOLD).text(toWinAnsi(letter.signature.slice(1).join('\n')), WINDOW.x, doc.y, { width: WINDOW.width });

  drawFooters(doc, letter);
}

function ensureRoom(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) {
    doc.addPage();
  }
}

function drawBlock(doc: PDFKit.PDFDocument, block: Block): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  switch (block.kind) {
    case 'heading':
      doc.font(BOLD).fontSize(BODY_SIZE + 1);
      ensureRoom(doc, 3 * BODY_SIZE);
      doc.text(toWinAnsi(block.text), left, doc.y, { width });
      doc.moveDown(0.5);
      return;
    case 'paragraph':
      doc.font(block.strong ? BOLD : REGULAR).fontSize(BODY_SIZE);
      doc.text(toWinAnsi(block.text), left, doc.y, { width, align: 'justify', lineGap: 1 });
      doc.moveDown(0.7);
      return;
    case 'lines':
      doc.font(block.strong ? BOLD : REGULAR).fontSize(BODY_SIZE);
      doc.text(toWinAnsi(block.lines.join('\n')), left, doc.y, { width });
      doc.moveDown(0.7);
      return;
    case 'footer':
      doc.font(REGULAR).fontSize(SMALL_SIZE);
      doc.text(toWinAnsi(block.lines.join('\n')), left, doc.y, { width });
      doc.moveDown(0.7);
      return;
    case 'table':
      drawTable(doc, block);
      doc.moveDown(0.7);
      return;
  }
}

const PAD = 3;

function drawTable(doc: PDFKit.PDFDocument, table: Extract<Block, { kind: 'table' }>): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const weights = table.columns.map((c) => c.weight ?? 1);
  const sum = weights.reduce((s, x) => s + x, 0);
  const widths = weights.map((wt) => (width * wt) / sum);
  const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((s, x) => s + x, 0));

  const rowHeight = (cells: string[], font: string): number => {
    doc.font(font).fontSize(TABLE_SIZE);
    return (
      Math.max(...cells.map((c, i) => doc.heightOfString(toWinAnsi(c), { width: (widths[i] ?? 0) - 2 * PAD }))) +
      2 * PAD
    );
  };
  const drawRow = (cells: string[], font: string, ruleAbove: boolean): void => {
    const h = rowHeight(cells, font);
    const top = doc.y;
    if (ruleAbove)
      doc
        .moveTo(left, top)
        .lineTo(left + width, top)
        .lineWidth(0.5)
        .stroke();
    doc.font(font).fontSize(TABLE_SIZE);
    cells.forEach((c, i) => {
      doc.text(toWinAnsi(c), (xs[i] ?? left) + PAD, top + PAD, {
        width: (widths[i] ?? 0) - 2 * PAD,
        align: table.columns[i]?.align ?? 'left',
      });
    });
    doc.x = left;
    doc.y = top + h;
  };
  const header = table.columns.map((c) => c.header);
  const drawHeader = (): void => {
    drawRow(header, BOLD, false);
    doc
      .moveTo(left, doc.y)
      .lineTo(left + width, doc.y)
      .lineWidth(0.8)
      .stroke();
  };

  ensureRoom(doc, rowHeight(header, BOLD) + (table.rows[0] ? rowHeight(table.rows[0], REGULAR) : 0));
  drawHeader();
  for (const row of table.rows) {
    const h = rowHeight(row, REGULAR);
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      drawHeader();
    }
    drawRow(row, REGULAR, false);
  }
  (table.footer ?? []).forEach((row, i) => {
    ensureRoom(doc, rowHeight(row, BOLD));
    drawRow(row, BOLD, i === 0);
  });
}

/** Creditor identity and "Page i/n" at the bottom of every page, once all pages exist. */
function drawFooters(doc: PDFKit.PDFDocument, letter: FormalNoticeLetter): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Writing inside the bottom margin would make pdfkit open a new page.
    doc.page.margins.bottom = 0;
    const left = doc.page.margins.left;
    const width = contentWidth(doc);
    const y = doc.page.height - MARGIN - FOOTER_SPACE / 2;
    doc
      .moveTo(left, y - 4)
      .lineTo(left + width, y - 4)
      .lineWidth(0.3)
      .stroke();
    doc.font(REGULAR).fontSize(SMALL_SIZE);
    doc.text(toWinAnsi(letter.footer), left, y, { width, align: 'center' });
    doc.text(toWinAnsi(letter.pageLabel(i - range.start + 1, range.count)), left, doc.y + 2, { width, align: 'right' });
    doc.page.margins.bottom = bottom;
  }
}
