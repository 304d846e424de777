/**
 * erp-apis.md §1.7: on 17+ a plain str body is escaped like markupsafe.escape does: the five
 * characters, with numeric entities for the quotes.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/**
 * A small stand-in for Odoo's html_sanitize: drops script/style elements, event-handler attributes and
 * javascript: URLs. Not Odoo's full whitelist.
 */
export function sanitizeHtml(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/(href|src)\s*=\s*(["'])\s*javascript:[^"']*\2/gi, '$1=$2#$2');
}
