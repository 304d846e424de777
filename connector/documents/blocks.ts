import { escapeHtml } from '../model/html';

export { escapeHtml };
/**
 * A document as a list of blocks, built once by a template and rendered as plain text, as
 * simple HTML, or (the formal notice) as a PDF letter. Blocks hold finished strings: every
 * amount is already formatted, every phrase already in the debtor's language.
 */

export interface TableColumn {
  header: string;
  align: 'left' | 'right';
  /** Share of the table's width in the PDF (relative to the other columns). */
  weight?: number;
}

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string; strong?: boolean }
  /** Kept line by line: an address, a signature, a list of totals. */
  | { kind: 'lines'; lines: string[]; strong?: boolean }
  | {
      kind: 'table';
      columns: TableColumn[];
      rows: string[][];
      /** Bold rows under the body (totals). */
      footer?: string[][];
      /** The same content for plain text: one sentence per row, then the footer lines. */
      text: string[];
    }
  /** Small print at the end: who the creditor is, personal-data information. */
  | { kind: 'footer'; lines: string[] };

export interface RenderedBody {
  text: string;
  html: string;
}

export function renderText(blocks: readonly Block[]): string {
  const parts = blocks.map((b): string => {
    switch (b.kind) {
      case 'heading':
        return b.text.toUpperCase();
      case 'paragraph':
        return b.text;
      case 'lines':
        return b.lines.join('\n');
      case 'table':
        return b.text.join('\n');
      case 'footer':
        // "-- " is the usual signature separator: mail clients fold what follows.
        return `-- \n${b.lines.join('\n')}`;
    }
  });
  return `${parts.join('\n\n')}\n`;
}

function cell(tag: 'td' | 'th', text: string, align: 'left' | 'right', extra = ''): string {
  const rule = tag === 'th' ? '#888' : '#ddd';
  return `<${tag} style="padding:4px 10px;border-bottom:1px solid ${rule};text-align:${align}${extra}">${escapeHtml(text)}</${tag}>`;
}

function tableHtml(b: Extract<Block, { kind: 'table' }>): string {
  const align = (i: number) => b.columns[i]?.align ?? 'left';
  const head = `<tr>${b.columns.map((c) => cell('th', c.header, c.align)).join('')}</tr>`;
  const body = b.rows.map((r) => `<tr>${r.map((v, i) => cell('td', v, align(i))).join('')}</tr>`).join('');
  const foot = (b.footer ?? [])
    .map((r) => `<tr>${r.map((v, i) => cell('td', v, align(i), ';font-weight:bold')).join('')}</tr>`)
    .join('');
  return `<table style="border-collapse:collapse;margin:8px 0"><thead>${head}</thead><tbody>${body}</tbody>${foot ? `<tfoot>${foot}</tfoot>` : ''}</table>`;
}

export function renderHtml(blocks: readonly Block[], opts: { lang: string; title: string }): string {
  const body = blocks
    .map((b): string => {
      switch (b.kind) {
        case 'heading':
          return `<h2 style="font-size:16px;margin:16px 0 8px">${escapeHtml(b.text)}</h2>`;
        case 'paragraph':
          return `<p style="margin:0 0 12px">${b.strong ? `<strong>${escapeHtml(b.text)}</strong>` : escapeHtml(b.text)}</p>`;
        case 'lines': {
          const inner = b.lines.map(escapeHtml).join('<br>');
          return `<p style="margin:0 0 12px">${b.strong ? `<strong>${inner}</strong>` : inner}</p>`;
        }
        case 'table':
          return tableHtml(b);
        case 'footer':
          return `<p style="margin:24px 0 0;font-size:12px;color:#555;border-top:1px solid #ddd;padding-top:8px">${b.lines.map(escapeHtml).join('<br>')}</p>`;
      }
    })
    .join('\n');
  return (
    `<!DOCTYPE html>\n<html lang="${escapeHtml(opts.lang)}"><head><meta charset="utf-8"><title>${escapeHtml(opts.title)}</title></head>\n` +
    `<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.45;color:#222">\n${body}\n</body></html>\n`
  );
}
