import { escapeHtml } from '../../connector/model/html';
import { createHash } from 'node:crypto';

/**
 * Canonical write-back → what Odoo stores (pure). Notes and activities carry a marker derived
 * from the effect's idempotency key, so that the adapter can look for its own earlier write
 * before it repeats one (erp-apis.md §1.7: a write that may have succeeded is never blindly retried).
 */

/** A token that survives Odoo's HTML sanitizer and `ilike` search: letters, digits and "-" only. */
export function writeBackMarker(key: string): string {
  return `recouvra-${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}

/**
 * Plain text → the HTML body of an internal note: paragraphs per blank line, `<br>` per line,
 * the marker last. We escape the text ourselves and send HTML, so the result is the same on 16.0
 * (body stored as HTML after sanitizing) and 17.0+ (with `body_is_html`, otherwise escaped again).
 */
export function noteHtml(text: string, marker: string): string {
  const paragraphs = text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => `<p>${p.split('\n').map(escapeHtml).join('<br>')}</p>`);
  return `${paragraphs.join('')}<p><small>Réf. ${marker}</small></p>`;
}

/** Values written into the custom fields that exist (a missing field is skipped, never created). */
export function recoveryFieldValues(
  fields: { stageField: string; procedureField: string },
  present: ReadonlySet<string>,
  values: { stage?: string | undefined; procedureState?: string | undefined },
): { vals: Record<string, string>; missing: string[] } {
  const vals: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, value] of [
    [fields.stageField, values.stage],
    [fields.procedureField, values.procedureState],
  ] as const) {
    if (value === undefined) continue;
    if (present.has(name)) vals[name] = value;
    else missing.push(name);
  }
  return { vals, missing };
}
