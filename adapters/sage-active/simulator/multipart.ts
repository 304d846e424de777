/**
 * A small reader of multipart/form-data (RFC 7578) for the GraphQL multipart request spec
 * (jaydenseric/graphql-multipart-request-spec): the `operations` and `map` fields, then the files
 * they name. Enough for uploadFileToEntity (shared/reference/sage.md §2.5); not a general parser.
 */

export interface MultipartPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  body: Buffer;
}

export class MultipartError extends Error {}

export function boundaryOf(contentType: string): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new MultipartError('the body has no multipart boundary');
  for (;;) {
    at += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body.subarray(at, at + 2).toString() === '--') return parts;
    if (body.subarray(at, at + 2).toString() === '\r\n') at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw new MultipartError('a part has no end of headers');
    const headers = body.subarray(at, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new MultipartError('a part has no closing boundary');
    let name: string | null = null;
    let filename: string | null = null;
    let contentType: string | null = null;
    for (const line of headers) {
      const [key = '', ...rest] = line.split(':');
      const value = rest.join(':').trim();
      if (key.toLowerCase() === 'content-disposition') {
        name = /\bname="([^"]*)"/i.exec(value)?.[1] ?? null;
        filename = /\bfilename="([^"]*)"/i.exec(value)?.[1] ?? null;
      } else if (key.toLowerCase() === 'content-type') contentType = value;
    }
    if (name === null) throw new MultipartError('a part has no Content-Disposition name');
    parts.push({ name, filename, contentType, body: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
}
