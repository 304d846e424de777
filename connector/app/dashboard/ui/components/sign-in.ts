import { useState } from '@odoo/owl';
import { ApiError, describeError } from '../api';
import type { SessionAnswer } from '../api-types';
import { t } from '../i18n';
import { Screen } from './screen';

/** Sign-in: on success, back to the route the person was on (`next`), else the overview. */
export class SignIn extends Screen<{ next: string }> {
  static override template = 'recouvra.SignIn';
  static override props = { next: String };

  state = useState({ username: '', password: '', busy: false, error: '' });

  async submit(): Promise<void> {
    if (this.state.busy) return;
    if (this.state.username.trim() === '' || this.state.password === '') {
      this.state.error = t('Enter your user name and your password.');
      return;
    }
    this.state.busy = true;
    this.state.error = '';
    try {
      const answer = await this.env.api.call<SessionAnswer>('POST', '/session', {
        body: { username: this.state.username.trim(), password: this.state.password },
        signIn: true,
      });
      this.state.password = '';
      const session = this.env.session;
      session.csrfToken = answer.csrfToken;
      session.user = answer.user;
      const [path = '/', search = ''] = (this.props.next || '/').split('?', 2);
      this.env.router.navigate(
        path.startsWith('/') && path !== '/sign-in' ? path : '/',
        Object.fromEntries(new URLSearchParams(search)),
      );
    } catch (error) {
      this.state.error =
        error instanceof ApiError && error.status === 401
          ? `${t('Sign-in refused:')} ${error.message}`
          : describeError(error);
    } finally {
      this.state.busy = false;
    }
  }
}
