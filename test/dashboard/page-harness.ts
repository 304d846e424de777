import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { buildDashboard, type DashboardBuild } from '../../connector/app/dashboard/build/build-ui';

/**
 * The built dashboard run in jsdom, as a browser would run it from the daemon, against a fake
 * API: the page's script is the very file `npm run build:ui` writes, evaluated in the page's
 * window with `eval` and `Function` replaced by functions that throw, as a Content-Security-Policy
 * without 'unsafe-eval' makes them in a browser. Every call the page makes is recorded.
 */

/** The jsdom of @odoo/owl's dependencies (jest-environment-jsdom is not installed); typed by what the tests use. */
interface Jsdom {
  window: TestWindow;
  getInternalVMContext(): object;
}
type JsdomConstructor = new (html: string, options: Record<string, unknown>) => Jsdom;
interface VirtualConsole {
  on(event: string, listener: (...args: unknown[]) => void): void;
}

export interface TestElement {
  readonly textContent: string | null;
  readonly tagName: string;
  value: string;
  checked: boolean;
  readonly disabled: boolean;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  querySelector(selector: string): TestElement | null;
  querySelectorAll(selector: string): ArrayLike<TestElement>;
  dispatchEvent(event: unknown): boolean;
  click(): void;
  focus(): void;
}

export interface TestWindow {
  document: {
    querySelector(s: string): TestElement | null;
    querySelectorAll(s: string): ArrayLike<TestElement>;
    activeElement: TestElement | null;
  };
  location: { hash: string; href: string };
  Event: new (type: string, init?: { bubbles?: boolean; cancelable?: boolean }) => unknown;
  close(): void;
  [key: string]: unknown;
}

const ownRequire = createRequire(require.resolve('@odoo/owl/package.json'));
const { JSDOM, VirtualConsole } = ownRequire('jsdom') as {
  JSDOM: JsdomConstructor;
  VirtualConsole: new () => VirtualConsole;
};

export interface Built {
  dir: string;
  build: DashboardBuild;
  remove(): void;
}

/** One build per test file, into a folder of its own. */
export async function buildToTemp(): Promise<Built> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-dashboard-'));
  const build = await buildDashboard({ outDir: dir });
  return { dir, build, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ApiCall {
  method: string;
  /** Path and query as the page asked, e.g. /api/worklist?stage=reminding. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Answers a call, or undefined for a 404 ROUTE_NOT_FOUND as the API answers it. */
export type FakeApi = (call: ApiCall) => FakeAnswer | undefined | Promise<FakeAnswer | undefined>;

export interface Page {
  window: TestWindow;
  calls: ApiCall[];
  /** Console errors and uncaught exceptions of the page, but jsdom's canvas notice. */
  errors: string[];
  /** Code generation attempts the CSP stub refused. */
  evalAttempts: string[];
  $(selector: string): TestElement | null;
  $$(selector: string): TestElement[];
  /** The element's text, runs of ASCII white space made one space: the no-break spaces of French numbers are kept. */
  text(selector: string): string;
  /** The texts of a table row's cells. */
  cells(selector: string): string[];
  waitFor(selector: string, timeoutMs?: number): Promise<TestElement>;
  waitUntil(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Sets an input's or select's value and fires the events Owl's t-model listens to. */
  fill(selector: string, value: string): void;
  click(selector: string): void;
  submit(selector: string): void;
  navigate(hash: string): void;
  /** Runs a script in the page's window. */
  run(code: string): unknown;
  close(): void;
}

export const ORIGIN = 'http://127.0.0.1:8080';

export async function openPage(
  built: Built,
  options: { lang: 'fr' | 'en'; hash?: string; api: FakeApi },
): Promise<Page> {
  const html = readFileSync(join(built.dir, built.build.index[options.lang]), 'utf8');
  const scriptPath = /<script defer src="\/assets\/([^"]+)"/.exec(html)?.[1];
  if (!scriptPath) throw new Error(`no script in ${built.build.index[options.lang]}`);
  const errors: string[] = [];
  const evalAttempts: string[] = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('error', (...args: unknown[]) => errors.push(args.map(String).join(' ')));
  virtualConsole.on('jsdomError', (e: unknown) => {
    const message = (e as Error).message;
    // jsdom has no canvas: the chart draws nothing, its table holds the figures.
    if (!message.includes('HTMLCanvasElement.prototype.getContext')) errors.push(message);
  });
  // Scripts are run by hand below (not from the page's tag), after the fake fetch and the CSP stubs are in place.
  const dom = new JSDOM(html, {
    url: `${ORIGIN}/${options.hash ?? ''}`,
    runScripts: 'outside-only',
    pretendToBeVisual: true,
    virtualConsole,
  });
  const window = dom.window;
  const calls: ApiCall[] = [];
  window['fetch'] = async (
    input: string,
    init: { method?: string; headers?: Record<string, string>; body?: string },
  ) => {
    const url = new URL(input, ORIGIN);
    const call: ApiCall = {
      method: init.method ?? 'GET',
      url: `${url.pathname}${url.search}`,
      path: url.pathname,
      query: url.searchParams,
      headers: Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      body: init.body === undefined ? undefined : (JSON.parse(init.body) as unknown),
    };
    calls.push(call);
    const answer = (await options.api(call)) ?? {
      status: 404,
      body: { error: { code: 'ROUTE_NOT_FOUND', message: `no route ${call.method} ${call.path}` } },
    };
    return new Response(answer.status === 204 ? null : JSON.stringify(answer.body ?? {}), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...(answer.headers ?? {}) },
    });
  };
  const context = dom.getInternalVMContext();
  // What a CSP without 'unsafe-eval' does to the page: no code from strings.
  new Script(`(() => {
    const RealFunction = Function;
    const refuse = (what) => { window.__evalAttempts.push(what); throw new EvalError('refused by the test CSP: ' + what); };
    const Stub = new Proxy(RealFunction, { apply: () => refuse('Function()'), construct: () => refuse('new Function()') });
    Object.defineProperty(RealFunction.prototype, 'constructor', { value: Stub, configurable: true, writable: true });
    window.Function = Stub;
    window.eval = () => refuse('eval()');
  })();`).runInContext(context);
  window['__evalAttempts'] = evalAttempts;
  new Script(readFileSync(join(built.dir, 'assets', scriptPath), 'utf8'), { filename: scriptPath }).runInContext(
    context,
  );

  const $ = (selector: string) => window.document.querySelector(selector);
  const $$ = (selector: string) => Array.from(window.document.querySelectorAll(selector));
  const waitUntil = async (predicate: () => boolean, what: string, timeoutMs = 3_000) => {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until)
        throw new Error(
          `timed out waiting for ${what}; page errors: ${errors.join(' | ') || 'none'}; body: ${(window.document.querySelector('body')?.textContent ?? '').replace(/\s+/g, ' ').slice(0, 3000)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const mustFind = (selector: string): TestElement => {
    const el = $(selector);
    if (!el) throw new Error(`no element ${selector}`);
    return el;
  };
  return {
    window,
    calls,
    errors,
    evalAttempts,
    $,
    $$,
    text: (selector) => squeeze(mustFind(selector).textContent),
    cells: (selector) => Array.from(mustFind(selector).querySelectorAll('th, td')).map((c) => squeeze(c.textContent)),
    waitFor: async (selector, timeoutMs) => {
      await waitUntil(() => $(selector) !== null, selector, timeoutMs);
      return $(selector)!;
    },
    waitUntil,
    fill: (selector, value) => {
      const el = mustFind(selector);
      el.value = value;
      el.dispatchEvent(new window.Event('input', { bubbles: true }));
      el.dispatchEvent(new window.Event('change', { bubbles: true }));
    },
    click: (selector) => mustFind(selector).click(),
    submit: (selector) => {
      mustFind(selector).dispatchEvent(new window.Event('submit', { bubbles: true, cancelable: true }));
    },
    navigate: (hash) => {
      window.location.hash = hash;
    },
    run: (code): unknown => new Script(code).runInContext(context) as unknown,
    close: () => window.close(),
  };
}

function squeeze(text: string | null): string {
  return (text ?? '').replace(/[ \t\n\r]+/g, ' ').trim();
}

/** The session API's answers for a signed-in person of `role`. */
export function sessionOf(role: 'viewer' | 'controller' | 'approver') {
  return {
    user: { username: `${role}1`, displayName: `Camille ${role}`, role },
    csrfToken: `csrf-${role}`,
  };
}
