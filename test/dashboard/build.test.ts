import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildDashboard, DEFAULT_SOURCE_DIR } from '../../connector/app/dashboard/build/build-ui';
import {
  codeTerms,
  compileTemplateSets,
  translatable,
  TranslationError,
} from '../../connector/app/dashboard/build/compile-templates';
import { bundledPath } from '../../connector/paths';
import { buildToTemp, openPage, type Built } from './page-harness';

/** npm run build:ui: one precompiled template set per language, hashed assets, pages with nothing inline, and the translation check. */

let built: Built;
beforeAll(async () => {
  built = await buildToTemp();
});
afterAll(() => built.remove());

const read = (file: string) => readFileSync(join(built.dir, file), 'utf8');
const scriptOf = (lang: 'fr' | 'en') => /<script defer src="\/assets\/([^"]+)"/.exec(read(`index.${lang}.html`))![1]!;

describe('the dashboard build', () => {
  it('writes one page per language naming its own hashed script and the shared stylesheet, all of which exist', () => {
    const fr = read('index.fr.html');
    const en = read('index.en.html');
    expect(fr).toContain('<html lang="fr">');
    expect(en).toContain('<html lang="en">');
    expect(fr).toContain('<title>Recouvra — recouvrement de créances</title>');
    expect(en).toContain('<title>Recouvra — debt recovery</title>');
    expect(scriptOf('fr')).toMatch(/^app\.fr-[A-Z0-9]{8}\.js$/);
    expect(scriptOf('en')).toMatch(/^app\.en-[A-Z0-9]{8}\.js$/);
    const assets = readdirSync(join(built.dir, 'assets'));
    for (const page of [fr, en])
      for (const [, asset] of page.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)) expect(assets).toContain(asset);
    // Pre-compressed copies, served as they are to browsers that take gzip.
    expect(gunzipSync(readFileSync(join(built.dir, 'assets', `${scriptOf('fr')}.gz`))).toString('utf8')).toBe(
      read(`assets/${scriptOf('fr')}`),
    );
    expect(built.build.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['index.fr.html', 'index.en.html', `assets/${scriptOf('fr')}`]),
    );
  });

  it('puts no inline script, inline style or event-handler attribute in the pages (CSP without unsafe-inline)', () => {
    for (const page of [read('index.fr.html'), read('index.en.html')]) {
      expect(page).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(page).not.toMatch(/<style[\s>]/);
      expect(page).not.toMatch(/\sstyle=/);
      expect(page).not.toMatch(/\son[a-z]+=/);
    }
  });

  it('compiles the templates into each bundle in its language: French texts in the French one, English in the English one', () => {
    const fr = read(`assets/${scriptOf('fr')}`);
    const en = read(`assets/${scriptOf('en')}`);
    // Booleans, not toContain: a failure would print a 270 kB bundle.
    const has = (bundle: string, text: string) => bundle.includes(text);
    expect(has(fr, '<h1>Se connecter</h1>')).toBe(true);
    expect(has(fr, '<h1>Sign in</h1>')).toBe(false);
    expect(has(en, '<h1>Sign in</h1>')).toBe(true);
    expect(has(en, '<h1>Se connecter</h1>')).toBe(false);
    expect(has(fr, 'aria-label="Navigation principale"')).toBe(true);
    expect(has(en, 'aria-label="Main"')).toBe(true);
    // Precompiled: no template source is left for Owl to compile in the browser.
    for (const bundle of [fr, en]) expect(/t-name="recouvra\./.test(bundle)).toBe(false);
  });

  it('builds the same files, byte for byte, from the same sources', async () => {
    const again = mkdtempSync(join(tmpdir(), 'recouvra-dashboard-again-'));
    try {
      const second = await buildDashboard({ outDir: again });
      expect(second.files).toEqual(built.build.files);
      for (const f of second.files)
        expect(readFileSync(join(again, f.path))).toEqual(readFileSync(join(built.dir, f.path)));
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('runs each bundle with eval and Function refused, as under the CSP, and shows the sign-in in its language', async () => {
    for (const [lang, title] of [
      ['fr', 'Se connecter'],
      ['en', 'Sign in'],
    ] as const) {
      const page = await openPage(built, {
        lang,
        api: () => ({ status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'no session' } } }),
      });
      try {
        await page.waitFor('[data-testid=sign-in]');
        expect(page.text('[data-testid=sign-in] h1')).toBe(title);
        expect(page.evalAttempts).toEqual([]);
        expect(page.errors).toEqual([]);
        // The stubs do refuse code from strings in that window: a bundle compiling templates there would fail.
        expect(() => page.run('new Function("return 1")()')).toThrow(/refused by the test CSP/);
        expect(() => page.run('eval("1")')).toThrow(/refused by the test CSP/);
      } finally {
        page.close();
      }
    }
  });
});

describe('the translation check', () => {
  const template = (body: string) => ({
    file: 'probe.xml',
    xml: `<templates><t t-name="probe.T">${body}</t></templates>`,
  });

  it('refuses an English term of a template or of the code that the French catalogue lacks, naming each and where it is used', () => {
    const attempt = () =>
      compileTemplateSets(
        [template('<div><h1>Known words</h1><p title="A new tooltip">Brand new words</p></div>')],
        { 'Known words': 'Mots connus' },
        codeTerms([{ file: 'x.ts', code: "const a = t('Said in code');\nconst b = t('Known words');" }]),
      );
    expect(attempt).toThrow(TranslationError);
    try {
      attempt();
    } catch (error) {
      expect((error as TranslationError).missing).toEqual([
        { term: 'A new tooltip', usedIn: ['probe.T'] },
        { term: 'Brand new words', usedIn: ['probe.T'] },
        { term: 'Said in code', usedIn: ['x.ts'] },
      ]);
    }
  });

  it('compiles a French set with the catalogue and an English set with the source text, and reports unused entries', () => {
    const sets = compileTemplateSets(
      [template('<p aria-label="Close">Open <t t-out="x"/> – 12</p>')],
      { Open: 'Ouvert', Close: 'Fermer', Obsolete: 'Obsolète' },
      new Map(),
    );
    expect(sets.modules.fr).toContain('Ouvert');
    expect(sets.modules.fr).toContain('aria-label="Fermer"');
    expect(sets.modules.en).toContain('Open');
    expect(sets.modules.en).not.toContain('Ouvert');
    expect(sets.unused).toEqual(['Obsolete']);
  });

  it('leaves text without letters alone', () => {
    expect(translatable(' – ')).toBe(false);
    expect(translatable('12 %')).toBe(false);
    expect(translatable('Jours')).toBe(true);
    expect(translatable('é')).toBe(true);
  });

  it('fails the whole build when a template of the dashboard has an untranslated term', async () => {
    const sources = mkdtempSync(join(tmpdir(), 'recouvra-dashboard-src-'));
    const out = mkdtempSync(join(tmpdir(), 'recouvra-dashboard-out-'));
    try {
      cpSync(bundledPath(...DEFAULT_SOURCE_DIR), sources, { recursive: true });
      writeFileSync(
        join(sources, 'templates', 'zz-new.xml'),
        '<templates><t t-name="recouvra.New"><p>A sentence nobody translated</p></t></templates>',
      );
      await expect(buildDashboard({ sourceDir: sources, outDir: out })).rejects.toThrow(
        /"A sentence nobody translated" \(recouvra\.New\)/,
      );
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(sources, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });
});
