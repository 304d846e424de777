const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text made safe inside HTML, in an element or a quoted attribute: the one escape of the project,
 * for e-mails, ledger notes and pages. (The Odoo simulator keeps its own imitations of Odoo's and
 * Werkzeug's escaping, which the captures fix byte for byte.)
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
