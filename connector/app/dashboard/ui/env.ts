import type { Api } from './api';
import type { Router } from './router';
import type { Session } from './session';

/** What every component reads from `this.env`: the API client, the session and the router (reactive). */
export interface DashboardEnv {
  readonly api: Api;
  readonly session: Session;
  readonly router: Router;
}
