// Written by the build for each language (build/build-ui.ts, localePlugin).
declare module 'recouvra:locale' {
  export const lang: 'fr' | 'en';
  /** English term → the language's text; empty for English. */
  export const messages: Readonly<Record<string, string>>;
  /** The Owl templates, compiled in this language. */
  export const templates: Readonly<Record<string, unknown>>;
}
