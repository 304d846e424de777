// The two build-time modules the dashboard's build reads without their own types: jsdom (which
// @odoo/owl installs for its template compiler) and Owl's compiler. Only what the build calls is
// declared; the root project has no DOM library, so the DOM objects are described by their use.

declare module 'jsdom' {
  export interface XmlElement {
    getAttribute(name: string): string | null;
    readonly parentElement: XmlElement | null;
  }
  export interface XmlDocument {
    querySelectorAll(selectors: string): ArrayLike<XmlElement>;
    getElementsByTagName(name: string): ArrayLike<XmlElement>;
  }
  export interface JsdomWindow {
    DOMParser: new () => { parseFromString(text: string, type: string): XmlDocument };
    document: unknown;
    Node: unknown;
    Element: unknown;
    close(): void;
  }
  export class JSDOM {
    constructor(html?: string, options?: Record<string, unknown>);
    readonly window: JsdomWindow;
  }
}

declare module '@odoo/owl/dist/compiler.js' {
  /** Compiles one `<t t-name>` element into the template function Owl's App runs; its source is what the bundle embeds. */
  export function compile(
    template: unknown,
    options: {
      name?: string;
      dev?: boolean;
      translateFn?: (term: string, context?: string) => string;
      translatableAttributes?: string[];
    },
  ): { toString(): string };
}
