import { AdapterError } from '../../../connector/ports/adapter-error';
import type { OdooServerVersion } from './rpc';

/**
 * `common.version()` gives `server_version` / `server_version_info`, `GET /web/version` gives
 * `version` / `version_info` (erp-apis.md §1.3, §1.4). On Odoo Online the first element of the
 * info is a string such as "saas~18" and the version "saas~18.4", hence the digit search.
 */
export function parseServerVersion(
  version: unknown,
  info: unknown,
  ctx: { what: string; url: string },
): OdooServerVersion {
  const first: unknown = Array.isArray(info) ? info[0] : undefined;
  const digits = /\d+/.exec(
    typeof first === 'number' || typeof first === 'string' ? String(first) : typeof version === 'string' ? version : '',
  );
  if (typeof version !== 'string' || !digits) {
    throw new AdapterError({
      code: 'ODOO_BAD_RESPONSE',
      kind: 'system',
      userMessage: `${ctx.what}: ${ctx.url} did not say which Odoo version it runs; is \`url\` an Odoo server?`,
      detail: `version ${show(version)}, version_info ${show(info)}`.slice(0, 600),
    });
  }
  return { serverVersion: version, major: Number(digits[0]) };
}

function show(value: unknown): string {
  const digits = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
  // JSON.stringify gives undefined for undefined, a function or a symbol, whatever its declared return type says.
  const json = JSON.stringify(value, digits) as string | undefined;
  return json ?? String(value);
}
