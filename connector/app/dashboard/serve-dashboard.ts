import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bundledPath } from '../../paths';

/**
 * The controller's dashboard, served by the daemon's HTTP server beside the JSON API: GET /
 * answers the page of the person's language, GET /assets/* the scripts and stylesheet that
 * `npm run build:ui` wrote (build/build-ui.ts). The page routes itself in the URL's hash
 * (`/#/worklist`), so nothing else is claimed: `/cases`, `/api/...` and every other route stay the
 * API's.
 *
 * Every answer here carries a Content-Security-Policy with no inline script or style and no
 * `unsafe-eval` (the templates are precompiled), and refuses framing and MIME sniffing.
 */

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/** The routes registerDashboard adds: public, since the page itself holds no data (the API behind it asks for a session). */
export const DASHBOARD_ROUTES = ['/', '/assets/*'] as const;

export const LANG_COOKIE = 'recouvra_lang';
/** One year, in seconds. */
const LANG_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;
export type DashboardLanguage = 'fr' | 'en';
const LANGUAGES: readonly DashboardLanguage[] = ['fr', 'en'];

/** esbuild's content hash in a file name (`app.fr-5QKX3Z7M.js`): such a file never changes. */
const HASHED_NAME = /-[A-Z0-9]{8}\.(js|css)$/;

export interface DashboardOptions {
  /** The built files (index.<lang>.html, assets/); default dist/connector/app/dashboard/public of the package. */
  publicDir?: string;
}

export const NOT_BUILT_MESSAGE =
  'The dashboard is not built: run `npm run build:ui` (or `npm run build`) in the Recouvra folder, then reload. The JSON API works without it.\n';

/**
 * Adds GET / and GET /assets/* to `app`, in their own encapsulated context: the security headers
 * go on these answers only. The routes carry `config: { dashboard: true }` so that an
 * authentication hook can let them through (the page holds no data).
 */
export function registerDashboard(app: FastifyInstance, options: DashboardOptions = {}): void {
  const publicDir = options.publicDir ?? bundledPath('dist', 'connector', 'app', 'dashboard', 'public');
  const assetsDir = join(publicDir, 'assets');

  void app.register(async (scope) => {
    scope.addHook('onRequest', async (_request, reply) => {
      reply.headers(DASHBOARD_HEADERS);
    });

    scope.get('/', { config: { dashboard: true } }, async (request, reply) => {
      const language = languageOf(request, reply);
      let page: Buffer;
      try {
        page = await readFile(join(publicDir, `index.${language}.html`));
      } catch {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(NOT_BUILT_MESSAGE);
      }
      // The page names the current assets: it is checked at each visit, they are cached for good.
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('vary', 'cookie')
        .send(page);
    });

    // One flat folder of files the build wrote, served by name. Not @fastify/static: version 10
    // requires content-disposition 3, an ES module, which Node 20 loads with require() but Jest's
    // module registry cannot, so every test building the API would fail to load.
    scope.get('/assets/*', { config: { dashboard: true } }, async (request, reply) => {
      const name = (request.params as { '*'?: string })['*'] ?? '';
      const type = ASSET_TYPES[extname(name)];
      if (!ASSET_NAME.test(name) || type === undefined) return reply.callNotFound();
      const file = join(assetsDir, name);
      const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
      const body = (gzip ? await readOrUndefined(`${file}.gz`) : undefined) ?? (await readOrUndefined(file));
      if (body === undefined) return reply.callNotFound();
      reply
        .type(type)
        .header('cache-control', HASHED_NAME.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache')
        .header('vary', 'accept-encoding');
      if (gzip && body.compressed) reply.header('content-encoding', 'gzip');
      return reply.send(body.bytes);
    });
  });
}

/** A file name of the build's flat assets folder: no path, no hidden file. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ASSET_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

async function readOrUndefined(path: string): Promise<{ bytes: Buffer; compressed: boolean } | undefined> {
  try {
    return { bytes: await readFile(path), compressed: path.endsWith('.gz') };
  } catch {
    return undefined;
  }
}

/** `?lang=` (remembered in a cookie for a year), else the cookie, else French. */
function languageOf(request: FastifyRequest, reply: FastifyReply): DashboardLanguage {
  const asked = (request.query as Record<string, unknown> | undefined)?.['lang'];
  if (isLanguage(asked)) {
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${LANG_COOKIE}=${asked}; Path=/; Max-Age=${LANG_COOKIE_MAX_AGE}; SameSite=Lax${secure}`,
    );
    return asked;
  }
  const remembered = cookieValue(request.headers.cookie, LANG_COOKIE);
  return isLanguage(remembered) ? remembered : 'fr';
}

function isLanguage(value: unknown): value is DashboardLanguage {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** One cookie's value from a Cookie header; read here so that the plugin works with or without @fastify/cookie. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
