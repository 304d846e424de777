import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  DASHBOARD_CSP,
  LANG_COOKIE,
  NOT_BUILT_MESSAGE,
  registerDashboard,
} from '../../connector/app/dashboard/serve-dashboard';

/**
 * registerDashboard on a server shaped like the daemon's: JSON routes at the root and under /api,
 * and the API's JSON 404. The built files are written by hand, so that these tests are about
 * serving, not building.
 */

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const SCRIPT = 'app.fr-ABCD2345.js';

let publicDir: string;

beforeAll(() => {
  publicDir = mkdtempSync(join(tmpdir(), 'recouvra-public-'));
  mkdirSync(join(publicDir, 'assets'));
  writeFileSync(join(publicDir, 'index.fr.html'), '<!doctype html><html lang="fr"><title>FR</title></html>');
  writeFileSync(join(publicDir, 'index.en.html'), '<!doctype html><html lang="en"><title>EN</title></html>');
  writeFileSync(join(publicDir, 'assets', SCRIPT), 'console.log("fr");');
  writeFileSync(join(publicDir, 'assets', `${SCRIPT}.gz`), gzipSync('console.log("fr");'));
  writeFileSync(join(publicDir, 'assets', 'notes.txt'), 'not hashed');
  writeFileSync(join(publicDir, 'assets', '.hidden'), 'secret');
});
afterAll(() => rmSync(publicDir, { recursive: true, force: true }));

async function server(dir: string | undefined): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url}` } }),
  );
  for (const prefix of ['', '/api']) {
    app.get(`${prefix}/cases`, async () => ({ cases: [], next: null }));
    app.get(`${prefix}/cases/:id`, async (request) => ({ id: (request.params as { id: string }).id }));
  }
  app.post('/api/session', async () => ({ signedIn: true }));
  registerDashboard(app, dir === undefined ? {} : { publicDir: dir });
  await app.ready();
  return app;
}

describe('registerDashboard', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await server(publicDir);
  });
  afterAll(() => app.close());

  it('serves the French page at / by default, with the CSP and the other security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<html lang="fr">');
    expect(DASHBOARD_CSP).toBe(CSP);
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('takes the language from ?lang and remembers it for a year in a Lax cookie the page can read', async () => {
    const res = await app.inject({ method: 'GET', url: '/?lang=en' });
    expect(res.body).toContain('<html lang="en">');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toBe(`${LANG_COOKIE}=en; Path=/; Max-Age=31536000; SameSite=Lax`);
    expect(cookie).not.toMatch(/HttpOnly/i);
  });

  it('then from the cookie, and falls back to French when neither names a language it has', async () => {
    const byCookie = await app.inject({ method: 'GET', url: '/', headers: { cookie: `other=1; ${LANG_COOKIE}=en` } });
    expect(byCookie.body).toContain('<html lang="en">');
    const unknownAsked = await app.inject({
      method: 'GET',
      url: '/?lang=de',
      headers: { cookie: `${LANG_COOKIE}=en` },
    });
    expect(unknownAsked.body).toContain('<html lang="en">');
    expect(unknownAsked.headers['set-cookie']).toBeUndefined();
    const badCookie = await app.inject({ method: 'GET', url: '/', headers: { cookie: `${LANG_COOKIE}=xx` } });
    expect(badCookie.body).toContain('<html lang="fr">');
    const overridden = await app.inject({ method: 'GET', url: '/?lang=fr', headers: { cookie: `${LANG_COOKIE}=en` } });
    expect(overridden.body).toContain('<html lang="fr">');
  });

  it('serves hashed assets with immutable caching and the security headers, gzip-compressed when the browser takes it', async () => {
    const res = await app.inject({ method: 'GET', url: `/assets/${SCRIPT}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.body).toBe('console.log("fr");');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const gz = await app.inject({ method: 'GET', url: `/assets/${SCRIPT}`, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['vary']).toMatch(/accept-encoding/i);
    const plain = await app.inject({ method: 'GET', url: '/assets/notes.txt' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['cache-control']).toBe('no-cache');
  });

  it('lists no folder and serves nothing outside assets/ nor hidden files', async () => {
    for (const url of [
      '/assets/',
      '/assets/.hidden',
      '/assets/missing.js',
      '/assets/../index.fr.html',
      '/assets/%2e%2e/index.fr.html',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect([403, 404]).toContain(res.statusCode);
      expect(res.body).not.toContain('<html');
      expect(res.body).not.toContain('secret');
    }
  });

  it('leaves the JSON API alone: /cases, /api/cases/:id, POST /api/session and the API’s own 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/cases' })).json()).toEqual({ cases: [], next: null });
    expect((await app.inject({ method: 'GET', url: '/api/cases/c1' })).json()).toEqual({ id: 'c1' });
    expect((await app.inject({ method: 'POST', url: '/api/session' })).json()).toEqual({ signedIn: true });
    const missing = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    // The dashboard's headers are its own: the API's answers are not given its CSP.
    expect((await app.inject({ method: 'GET', url: '/cases' })).headers['content-security-policy']).toBeUndefined();
  });
});

describe('registerDashboard without a build', () => {
  it('answers / with 503 and the command to run, while the API keeps answering', async () => {
    const app = await server(join(publicDir, 'not-built'));
    try {
      const res = await app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).toBe(NOT_BUILT_MESSAGE);
      expect(res.body).toContain('npm run build:ui');
      expect(res.headers['content-security-policy']).toBe(CSP);
      expect((await app.inject({ method: 'GET', url: '/assets/app.js' })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/cases' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('looks in dist/connector/app/dashboard/public of the package by default', async () => {
    const app = await server(undefined);
    try {
      const res = await app.inject({ method: 'GET', url: '/' });
      // Built or not on this machine: either the page or the message naming the command.
      expect([200, 503]).toContain(res.statusCode);
      if (res.statusCode === 503) expect(res.body).toBe(NOT_BUILT_MESSAGE);
      else expect(res.body).toContain('<html lang="fr">');
    } finally {
      await app.close();
    }
  });
});
