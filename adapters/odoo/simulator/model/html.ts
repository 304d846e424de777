/**
 * erp-apis.md §1.7: on 17+ a plain str body is HTML-escaped, and stored as one paragraph with only <, >
 * and & escaped: `a < b & "c"` is stored as `<p>a &lt; b &amp; "c"</p>` (v18-35, v18-37). The quotes that
 * markupsafe.escape turns into entities come back as plain quotes once the body is sanitized.
 * An empty body stays empty [UNVERIFIED].
 */
export function plainTextToHtml(text: string): string {
  if (text === '') return '';
  return `<p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`;
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
