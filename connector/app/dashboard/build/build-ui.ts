import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { bundledPath } from '../../../paths';
import {
  codeTerms,
  compileTemplateSets,
  LANGUAGES,
  TemplateError,
  TranslationError,
  type Language,
} from './compile-templates';

/**
 * `npm run build:ui`: the controller's dashboard as static files the daemon serves
 * (serve-dashboard.ts). For each language, the Owl templates precompiled in that language and the
 * app bundled by esbuild into one minified script; one stylesheet; and an index.<lang>.html
 * naming them. File names carry a hash of their content, so the server can let browsers cache
 * them for good. Build-time only: the daemon never imports this module (esbuild, jsdom and Owl's
 * compiler are development dependencies).
 */

export interface DashboardBuildOptions {
  /** The browser sources; default connector/app/dashboard/ui of the package. */
  sourceDir?: string;
  /** Default dist/connector/app/dashboard/public, which the npm package carries. */
  outDir?: string;
}

export interface BuiltFile {
  /** Relative to outDir, with `/`. */
  path: string;
  bytes: number;
  gzipBytes: number;
}

export interface DashboardBuild {
  outDir: string;
  files: BuiltFile[];
  /** index.<lang>.html per language. */
  index: Record<Language, string>;
  templateNames: string[];
  /** Catalogue entries nothing uses any more. */
  unusedTranslations: string[];
  ms: number;
}

export const DEFAULT_SOURCE_DIR = ['connector', 'app', 'dashboard', 'ui'];
export const DEFAULT_OUT_DIR = ['dist', 'connector', 'app', 'dashboard', 'public'];
/** The page's own texts, outside the templates: checked against the catalogue like theirs. */
const PAGE_TITLE = 'Recouvra — debt recovery';
const PAGE_NO_SCRIPT = 'The dashboard needs JavaScript.';
const PAGE_TERMS = [PAGE_TITLE, PAGE_NO_SCRIPT];
/** The virtual module the app imports its language from (ui/locale.d.ts). */
const LOCALE_MODULE = 'recouvra:locale';

export async function buildDashboard(options: DashboardBuildOptions = {}): Promise<DashboardBuild> {
  const started = performance.now();
  const sourceDir = options.sourceDir ?? bundledPath(...DEFAULT_SOURCE_DIR);
  const outDir = options.outDir ?? bundledPath(...DEFAULT_OUT_DIR);

  const templateDir = join(sourceDir, 'templates');
  const xmlFiles = readdirSync(templateDir)
    .filter((f) => f.endsWith('.xml'))
    .sort();
  const catalogue = JSON.parse(readFileSync(join(templateDir, 'fr.json'), 'utf8')) as Record<string, string>;
  const xml = xmlFiles.map((f) => ({ file: f, xml: readFileSync(join(templateDir, f), 'utf8') }));
  // `t('…')` calls in code, and in template expressions (`t-out="t('days')"`).
  const code = codeTerms([
    ...tsFiles(sourceDir).map((file) => ({ file: relative(sourceDir, file), code: readFileSync(file, 'utf8') })),
    ...xml.map((x) => ({ file: `templates/${x.file}`, code: x.xml })),
    { file: 'index.html', code: PAGE_TERMS.map((term) => `t(${JSON.stringify(term)})`).join('\n') },
  ]);
  const sets = compileTemplateSets(xml, catalogue, code);

  const common = {
    bundle: true,
    minify: true,
    write: false,
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    charset: 'utf8' as const,
    legalComments: 'eof' as const,
    logLevel: 'silent' as const,
    absWorkingDir: sourceDir,
  };
  const outputs = await Promise.all([
    ...LANGUAGES.map((language) =>
      build({
        ...common,
        entryPoints: { [`app.${language}`]: join(sourceDir, 'main.ts') },
        outdir: join(outDir, 'assets'),
        entryNames: '[name]-[hash]',
        format: 'iife',
        tsconfig: join(sourceDir, 'tsconfig.json'),
        plugins: [localePlugin(language, language === 'fr' ? catalogue : {}, sets.modules[language])],
      }),
    ),
    build({
      ...common,
      entryPoints: { app: join(sourceDir, 'styles.css') },
      outdir: join(outDir, 'assets'),
      entryNames: '[name]-[hash]',
    }),
  ]);

  const assets = outputs.flatMap((o) => (o.outputFiles ?? []).map((f) => ({ path: f.path, contents: f.contents })));
  const css = assets.find((a) => a.path.endsWith('.css'))!;
  const files: { path: string; contents: Uint8Array }[] = [...assets];
  const index = {} as Record<Language, string>;
  for (const language of LANGUAGES) {
    const translate = (term: string): string => (language === 'fr' ? (catalogue[term] ?? term) : term);
    const script = assets.find((a) => a.path.includes(`app.${language}-`) && a.path.endsWith('.js'))!;
    const name = `index.${language}.html`;
    index[language] = name;
    files.push({
      path: join(outDir, name),
      contents: Buffer.from(
        indexHtml({
          language,
          title: translate(PAGE_TITLE),
          noScript: translate(PAGE_NO_SCRIPT),
          css: `/assets/${basename(css.path)}`,
          script: `/assets/${basename(script.path)}`,
        }),
      ),
    });
  }

  // Only what a build writes is removed: assets of an older build, and the index pages.
  rmSync(join(outDir, 'assets'), { recursive: true, force: true });
  mkdirSync(join(outDir, 'assets'), { recursive: true });
  for (const f of files) {
    writeFileSync(f.path, f.contents);
    // Served as they are to browsers that accept gzip (@fastify/static preCompressed): nothing compresses at run time.
    if (/\.(js|css)$/.test(f.path)) writeFileSync(`${f.path}.gz`, gzipSync(f.contents, { level: 9 }));
  }

  return {
    outDir,
    files: files
      .map((f) => ({
        path: relative(outDir, f.path).split('\\').join('/'),
        bytes: f.contents.byteLength,
        gzipBytes: gzipSync(f.contents, { level: 9 }).byteLength,
      }))
      .sort((a, b) => (a.path < b.path ? -1 : 1)),
    index,
    templateNames: sets.templateNames,
    unusedTranslations: sets.unused,
    ms: Math.round(performance.now() - started),
  };
}

/** `recouvra:locale` → the language, its catalogue (for texts built in code) and its precompiled templates. */
function localePlugin(language: Language, messages: Readonly<Record<string, string>>, templates: string): Plugin {
  return {
    name: 'recouvra-locale',
    setup(b) {
      b.onResolve({ filter: /^recouvra:locale$/ }, () => ({ path: LOCALE_MODULE, namespace: 'recouvra' }));
      b.onLoad({ filter: /.*/, namespace: 'recouvra' }, () => ({
        contents: `export const lang = ${JSON.stringify(language)};\nexport const messages = ${JSON.stringify(messages)};\n${templates}`,
        loader: 'js',
      }));
    },
  };
}

function indexHtml(p: { language: Language; title: string; noScript: string; css: string; script: string }): string {
  // No inline script or style: the page runs under `script-src 'self'; style-src 'self'`.
  return `<!doctype html>
<html lang="${p.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${p.css}">
<script defer src="${p.script}"></script>
</head>
<body>
<div id="app" data-testid="app"></div>
<noscript><p>${escapeHtml(p.noScript)}</p></noscript>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop()!;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? tsFiles(join(dir, e.name))
        : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')
          ? [join(dir, e.name)]
          : [],
    )
    .sort();
}

async function main(): Promise<void> {
  try {
    const result = await buildDashboard();
    const out = relative(process.cwd(), result.outDir) || '.';
    process.stdout.write(
      `dashboard: ${result.templateNames.length} templates × ${LANGUAGES.length} languages → ${out}\n`,
    );
    for (const f of result.files)
      process.stdout.write(
        `  ${f.path.padEnd(36)} ${String(f.bytes).padStart(8)} B  ${String(f.gzipBytes).padStart(7)} B gzip\n`,
      );
    if (result.unusedTranslations.length > 0)
      process.stdout.write(
        `  unused translations in ui/templates/fr.json: ${result.unusedTranslations.map((t) => `"${t}"`).join(', ')}\n`,
      );
    process.stdout.write(`  built in ${result.ms} ms\n`);
  } catch (error) {
    if (error instanceof TranslationError || error instanceof TemplateError) {
      process.stderr.write(`dashboard build failed: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

if (require.main === module) void main();
