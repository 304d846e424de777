import { onMounted, onPatched, onWillStart, useRef, useState } from '@odoo/owl';
import { ApiError, describeError } from '../api';
import type { SessionAnswer } from '../api-types';
import { language, t } from '../i18n';
import { routeHash, type Route } from '../router';
import { Approvals } from './approvals';
import { CaseScreen } from './case-screen';
import { Health } from './health';
import { NotFound } from './not-found';
import { Overview } from './overview';
import { Screen } from './screen';
import { SignIn } from './sign-in';
import { Worklist } from './worklist';

interface ScreenChoice {
  component: new (...args: never[]) => object;
  props: Record<string, unknown>;
  /** A new key mounts the screen afresh: a new route is a new screen with its own loading. */
  key: string;
}

/** The frame of every screen: navigation, who is signed in, the language, and the screen of the route. */
export class Shell extends Screen {
  static override template = 'recouvra.Shell';
  static components = { Approvals, CaseScreen, Health, NotFound, Overview, SignIn, Worklist };

  session = useState(this.env.session);
  router = useState(this.env.router);
  state = useState({ error: '', signingOut: false });
  main = useRef('main');
  private shownKey = '';

  override setup(): void {
    onWillStart(() => this.loadSession());
    onMounted(() => (this.shownKey = this.screen.key));
    // A new screen takes the focus, so that a screen reader starts reading it.
    onPatched(() => {
      const key = this.screen.key;
      if (key !== this.shownKey) {
        this.shownKey = key;
        this.main.el?.focus();
      }
    });
  }

  async loadSession(): Promise<void> {
    this.state.error = '';
    try {
      const answer = await this.env.api.get<SessionAnswer>('/session');
      this.session.user = answer.user;
      this.session.csrfToken = answer.csrfToken;
    } catch (error) {
      // A 401 has already sent the page to the sign-in screen.
      if (!(error instanceof ApiError && error.status === 401)) this.state.error = describeError(error);
    } finally {
      this.session.checked = true;
    }
  }

  get screen(): ScreenChoice {
    const route: Route = this.router.route;
    const hash = routeHash(route);
    if (!this.session.user || route.path === '/sign-in') {
      const back = route.path === '/sign-in' ? (route.query['next'] ?? '/') : hash.slice(1);
      return { component: SignIn, props: { next: back }, key: 'sign-in' };
    }
    const caseMatch = /^\/cases\/(.+)$/.exec(route.path);
    if (caseMatch) return { component: CaseScreen, props: { caseId: decodeURIComponent(caseMatch[1]!) }, key: hash };
    switch (route.path) {
      case '/':
        return { component: Overview, props: {}, key: hash };
      case '/worklist':
        return { component: Worklist, props: { query: route.query }, key: hash };
      case '/approvals':
        return { component: Approvals, props: {}, key: hash };
      case '/health':
        return { component: Health, props: {}, key: hash };
      default:
        return { component: NotFound, props: { path: route.path }, key: hash };
    }
  }

  isActive(path: string): 'page' | undefined {
    const current = this.router.route.path;
    const active = path === '/' ? current === '/' : current === path || current.startsWith(`${path}/`);
    return active ? 'page' : undefined;
  }

  /** The other language's page, on the same route. */
  get otherLanguage(): { href: string; lang: string; name: string } {
    const other = language() === 'fr' ? 'en' : 'fr';
    return {
      href: `/?lang=${other}${routeHash(this.router.route)}`,
      lang: other,
      name: other === 'fr' ? 'Français' : 'English',
    };
  }

  get roleLabel(): string {
    switch (this.session.user?.role) {
      case 'approver':
        return t('approver');
      case 'controller':
        return t('controller');
      case 'viewer':
        return t('viewer');
      default:
        return '';
    }
  }

  skipToContent(): void {
    this.main.el?.focus();
  }

  async signOut(): Promise<void> {
    this.state.signingOut = true;
    try {
      await this.env.api.delete('/session');
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) {
        this.state.error = describeError(error);
        return;
      }
    } finally {
      this.state.signingOut = false;
    }
    this.session.user = null;
    this.session.csrfToken = null;
    this.router.navigate('/sign-in');
  }
}
