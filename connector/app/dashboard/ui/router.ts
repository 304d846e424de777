import { reactive } from '@odoo/owl';

/**
 * Routes live in the URL's hash (`#/worklist?stage=reminding`, `#/cases/<id>`): the server
 * serves one page at `/`, and no route of the page can collide with the JSON API beside it.
 * A hash that does not start with `#/` is an in-page anchor, not a route.
 */

export interface Route {
  /** `/`, `/worklist`, `/cases/<id>`… */
  path: string;
  query: Record<string, string>;
}

export interface Router {
  route: Route;
  navigate(path: string, query?: Readonly<Record<string, string | number | null | undefined>>): void;
  /** The sign-in screen, remembering the route to come back to. */
  toSignIn(): void;
}

export function parseHash(hash: string): Route {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!body.startsWith('/')) return { path: '/', query: {} };
  const [path = '/', search = ''] = body.split('?', 2);
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(search)) query[key] = value;
  return { path: path === '' ? '/' : path, query };
}

export function hashOf(path: string, query: Readonly<Record<string, string | number | null | undefined>> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') params.append(key, String(value));
  const search = params.toString();
  return `#${path}${search ? `?${search}` : ''}`;
}

export function routeHash(route: Route): string {
  return hashOf(route.path, route.query);
}

export function createRouter(win: Window): Router {
  const router: Router = reactive({
    route: parseHash(win.location.hash),
    navigate(path, query = {}) {
      const hash = hashOf(path, query);
      if (win.location.hash === hash) router.route = parseHash(hash);
      else win.location.hash = hash;
    },
    toSignIn() {
      const current = router.route;
      if (current.path === '/sign-in') return;
      const back = routeHash(current).slice(1);
      router.navigate('/sign-in', back === '/' ? {} : { next: back });
    },
  });
  win.addEventListener('hashchange', () => {
    if (win.location.hash === '' || win.location.hash.startsWith('#/')) router.route = parseHash(win.location.hash);
  });
  return router;
}
