import { App } from '@odoo/owl';
import { Api, type FetchLike } from './api';
import type { DashboardEnv } from './env';
import { setLanguage, type Lang } from './i18n';
import { createRouter } from './router';
import { createSession } from './session';
import { Shell } from './components/shell';

export interface StartOptions {
  target: HTMLElement;
  lang: Lang;
  messages: Readonly<Record<string, string>>;
  /** Precompiled by the build: Owl never compiles a template in the browser (no `new Function`). */
  templates: Readonly<Record<string, unknown>>;
  fetch: FetchLike;
}

export async function startDashboard(options: StartOptions): Promise<void> {
  setLanguage(options.lang, options.messages);
  const win = options.target.ownerDocument.defaultView ?? window;
  const router = createRouter(win);
  const session = createSession();
  const api = new Api({
    fetch: options.fetch,
    csrfToken: () => session.csrfToken,
    onUnauthenticated: () => {
      session.user = null;
      session.csrfToken = null;
      router.toSignIn();
    },
  });
  const env: DashboardEnv = { api, session, router };
  const app = new App(Shell, {
    env,
    // Owl's types list template strings only; functions compiled ahead of time are what it runs.
    templates: options.templates as unknown as Record<string, string>,
    dev: false,
    warnIfNoStaticProps: false,
  });
  await app.mount(options.target);
}
