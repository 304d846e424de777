import { createRequire } from 'node:module';
import type { JSDOM as JsdomClass, JsdomWindow, XmlElement } from 'jsdom';
import type { compile as owlCompile } from '@odoo/owl/dist/compiler.js';

/**
 * The dashboard's Owl templates compiled ahead of time, one set per language: Owl translates
 * text nodes and the translatable attributes while it compiles (its runtime `translateFn` never
 * sees precompiled templates), and compiling in the browser needs `new Function`, which the
 * dashboard's Content-Security-Policy forbids. English is the source language; French comes
 * from the catalogue beside the templates (ui/templates/fr.json, English term → French).
 */

export type Language = 'fr' | 'en';
export const LANGUAGES: readonly Language[] = ['fr', 'en'];

/** Attributes read aloud or shown, translated like text; Owl already does title, placeholder, label and alt. */
const EXTRA_TRANSLATABLE = ['aria-label'];

export interface TemplateSource {
  /** Shown in errors: the file the templates come from. */
  file: string;
  xml: string;
}

/** A term some template or `t('…')` call uses and the French catalogue lacks. */
export interface MissingTerm {
  term: string;
  /** Template names or source files using it. */
  usedIn: string[];
}

export class TranslationError extends Error {
  override readonly name = 'TranslationError';

  constructor(readonly missing: readonly MissingTerm[]) {
    super(
      `${missing.length} English term${missing.length === 1 ? ' has' : 's have'} no French translation in ui/templates/fr.json: ${missing
        .map((m) => `"${m.term}" (${m.usedIn.join(', ')})`)
        .join('; ')}`,
    );
  }
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export interface CompiledSets {
  /** Per language, the JavaScript source of `{ "name": function (app, bdom, helpers) {…}, … }`. */
  modules: Record<Language, string>;
  templateNames: string[];
  /** Catalogue entries no template and no `t('…')` uses (kept, reported). */
  unused: string[];
}

/** Text worth translating: with at least one letter (a lone space, a dash or a number is kept as it is). */
export function translatable(term: string): boolean {
  return /\p{L}/u.test(term);
}

/** `t('…')` literals in the browser sources: the texts built in code. */
export function codeTerms(sources: readonly { file: string; code: string }[]): Map<string, string[]> {
  const terms = new Map<string, string[]>();
  const call = /(?<![\w$.])t\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")\s*\)/g;
  for (const { file, code } of sources)
    for (const m of code.matchAll(call)) {
      const term = (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1');
      const files = terms.get(term) ?? [];
      if (!files.includes(file)) files.push(file);
      terms.set(term, files);
    }
  return terms;
}

/**
 * Compiles every `<t t-name>` of `sources` for each language. Throws TranslationError listing
 * every term (of templates and of `codeTerms`) that the French catalogue lacks, all at once.
 */
export function compileTemplateSets(
  sources: readonly TemplateSource[],
  catalogue: Readonly<Record<string, string>>,
  code: ReadonlyMap<string, readonly string[]>,
): CompiledSets {
  const { window, compile } = owlCompiler();
  const restore = withDomGlobals(window);
  try {
    const templates: { name: string; element: XmlElement; file: string }[] = [];
    for (const source of sources) {
      const doc = new window.DOMParser().parseFromString(source.xml, 'text/xml');
      if (doc.getElementsByTagName('parsererror').length > 0)
        throw new TemplateError(`${source.file} is not well-formed XML`);
      for (const element of Array.from(doc.querySelectorAll('[t-name]'))) {
        const name = element.getAttribute('t-name')!;
        const twin = templates.find((t) => t.name === name);
        if (twin) throw new TemplateError(`template "${name}" is defined in ${twin.file} and again in ${source.file}`);
        templates.push({ name, element, file: source.file });
      }
    }
    templates.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    const used = new Map<string, string[]>();
    const use = (term: string, where: string) => {
      const list = used.get(term) ?? [];
      if (!list.includes(where)) list.push(where);
      used.set(term, list);
    };
    for (const [term, files] of code) for (const file of files) use(term, file);

    const modules = {} as Record<Language, string>;
    for (const language of LANGUAGES) {
      const entries: string[] = [];
      for (const { name, element } of templates) {
        const translateFn = (term: string): string => {
          if (!translatable(term)) return term;
          use(term, name);
          return language === 'fr' ? (catalogue[term] ?? term) : term;
        };
        let fn: { toString(): string };
        try {
          fn = compile(element, { name, translateFn, translatableAttributes: EXTRA_TRANSLATABLE });
        } catch (error) {
          throw new TemplateError(`template "${name}" does not compile: ${(error as Error).message.split('\n')[0]}`);
        }
        entries.push(`${JSON.stringify(name)}: ${fn.toString()}`);
      }
      modules[language] = `export const templates = {\n${entries.join(',\n')}\n};\n`;
    }

    const missing = [...used]
      .filter(([term]) => catalogue[term] === undefined)
      .map(([term, usedIn]) => ({ term, usedIn }))
      .sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    if (missing.length > 0) throw new TranslationError(missing);
    return {
      modules,
      templateNames: templates.map((t) => t.name),
      unused: Object.keys(catalogue)
        .filter((term) => !used.has(term))
        .sort(),
    };
  } finally {
    restore();
  }
}

let loaded: { window: JsdomWindow; compile: typeof owlCompile } | undefined;

/**
 * Owl's compiler, loaded once with a DOM: it makes its XML document when the module loads, and
 * reads `Node`, `Element` and `DOMParser` as globals while it compiles (@odoo/owl's own
 * compile_templates.mjs sets them the same way). jsdom comes with @odoo/owl, so both are required
 * from there.
 */
function owlCompiler(): { window: JsdomWindow; compile: typeof owlCompile } {
  if (!loaded) {
    const ownRequire = createRequire(require.resolve('@odoo/owl/package.json'));
    const { JSDOM } = ownRequire('jsdom') as { JSDOM: typeof JsdomClass };
    const window = new JSDOM('').window;
    const restore = withDomGlobals(window);
    try {
      const { compile } = ownRequire('./dist/compiler.js') as { compile: typeof owlCompile };
      loaded = { window, compile };
    } finally {
      restore();
    }
  }
  return loaded;
}

/** Sets the DOM globals Owl's compiler reads; the function returned puts back what was there. */
function withDomGlobals(window: JsdomWindow): () => void {
  const scope = globalThis as Record<string, unknown>;
  const names = ['document', 'window', 'DOMParser', 'Element', 'Node'] as const;
  const saved = names.map((name) => [name, Object.getOwnPropertyDescriptor(scope, name)] as const);
  Object.assign(scope, {
    document: window.document,
    window,
    DOMParser: window.DOMParser,
    Element: window.Element,
    Node: window.Node,
  });
  return () => {
    for (const [name, descriptor] of saved)
      if (descriptor) Object.defineProperty(scope, name, descriptor);
      else Reflect.deleteProperty(scope, name);
  };
}
