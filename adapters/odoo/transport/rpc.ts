/**
 * One way to call Odoo, whatever the protocol underneath (erp-apis.md §1.1): XML-RPC
 * (`/xmlrpc/2/object`, every version, deprecated since 19.0) or JSON-2 (`/json/2/<model>/<method>`,
 * 19.0 and later). Arguments are always NAMED, because JSON-2 only takes named arguments and
 * XML-RPC's `execute_kw` binds keyword arguments the same way Python does.
 *
 * Implementations do not retry: retries belong to the one retry policy above them. Every failure
 * leaves as an `AdapterError` with no secret in it.
 */
export interface OdooCallOptions {
  /** A write whose outcome may be unknown after a failure is never repeated blindly. */
  isWrite: boolean;
}

export interface OdooServerVersion {
  /** e.g. "18.0", "saas~18.4", "19.0+e". */
  serverVersion: string;
  /** The major version, e.g. 18. */
  major: number;
}

export interface OdooRpc {
  readonly protocol: 'xmlrpc' | 'json2';
  /** The server's version, without credentials (`common.version()` or `GET /web/version`). */
  version(): Promise<OdooServerVersion>;
  /** Proves the database, login and key work; returns the user id. */
  authenticate(): Promise<number>;
  /**
   * `model.method(**named)`, on the records `ids` when given (record methods such as `write`,
   * `read`, `message_post`), on the model otherwise (`search_read`, `create`, `fields_get`).
   */
  call<T = unknown>(
    model: string,
    method: string,
    named: { ids?: readonly number[] } & Record<string, unknown>,
    options: OdooCallOptions,
  ): Promise<T>;
}
