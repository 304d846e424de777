import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import { z } from 'zod';
import type { Logger } from '../../log/logger';
import { parseRequest } from './request-validation';
import { sendError } from './send-error';
import {
  CSRF_HEADER,
  roleAllows,
  SESSION_COOKIE,
  TooManyAttemptsError,
  type Sessions,
  type SignedIn,
} from './sessions';

declare module 'fastify' {
  interface FastifyRequest {
    /** The person whose session cookie came with the request; null for a machine with the bearer token. */
    signedIn: SignedIn | null;
  }
  interface FastifyContextConfig {
    /** A dashboard route (its page, its assets): served without a token or a session. */
    dashboard?: boolean;
  }
}

export const SESSION_ROUTE = '/api/session';

const SignInBodySchema = z.strictObject({
  username: z.string().min(1, { error: 'type your user name' }).max(64),
  password: z.string().min(1, { error: 'type your password' }).max(1_000),
});

/**
 * POST /api/session signs in (no token needed), GET /api/session says who is signed in, DELETE
 * /api/session signs out. The answer to the first two is `{ user, csrfToken, expiresAt }`.
 */
export function registerSessionRoutes(
  app: FastifyInstance,
  sessions: Sessions,
  cookie: { secure: boolean },
  logger: Logger,
): void {
  app.post(SESSION_ROUTE, async (request, reply) => {
    const { body } = parseRequest(request, { body: SignInBodySchema });
    if (!sessions.enabled)
      return sendError(
        reply,
        401,
        'SIGN_IN_FAILED',
        'nobody can sign in: the configuration lists no users (api.users); machines use the API token',
      );
    let result: Awaited<ReturnType<Sessions['signIn']>>;
    try {
      result = await sessions.signIn(body.username, body.password, request.ip);
    } catch (error) {
      if (!(error instanceof TooManyAttemptsError)) throw error;
      logger.warn(`sign-in of ${body.username} refused: too many failed attempts`, { username: body.username });
      return sendError(
        reply.header('retry-after', String(error.retryAfterSeconds)),
        429,
        'TOO_MANY_ATTEMPTS',
        error.message,
      );
    }
    if (result === undefined) {
      logger.warn(`sign-in of ${body.username} failed: unknown name or wrong password`, { username: body.username });
      return sendError(reply, 401, 'SIGN_IN_FAILED', 'the user name or the password is wrong');
    }
    logger.info(`${result.signedIn.username} signed in (${result.signedIn.role})`, {
      username: result.signedIn.username,
      role: result.signedIn.role,
    });
    reply.header('set-cookie', sessionCookie(result.token, cookie));
    return describe(result.signedIn);
  });

  app.get(SESSION_ROUTE, async (request) => {
    parseRequest(request, { query: z.strictObject({}) });
    // The hook has authenticated the request; a machine with the bearer token has no session.
    if (request.signedIn === null)
      return { user: { username: 'api', displayName: 'API', role: 'machine' }, csrfToken: null };
    return describe(request.signedIn);
  });

  app.delete(SESSION_ROUTE, async (request, reply) => {
    const token = sessionTokenOf(request);
    if (token !== undefined) await sessions.signOut(token);
    if (request.signedIn)
      logger.info(`${request.signedIn.username} signed out`, { username: request.signedIn.username });
    reply.header('set-cookie', sessionCookie('', cookie));
    return reply.code(204).send();
  });
}

function describe(s: SignedIn) {
  return {
    user: { username: s.username, displayName: s.displayName, role: s.role },
    csrfToken: s.csrfToken,
    expiresAt: s.expiresAt,
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * For a request without the bearer token: the session cookie, the CSRF header on a state-changing
 * request, and the role. Answers the refusal itself and returns false; true lets the request on.
 */
export async function admitSignedIn(
  request: FastifyRequest,
  reply: FastifyReply,
  sessions: Sessions,
  cookie: { secure: boolean },
): Promise<boolean> {
  const token = sessionTokenOf(request);
  const signedIn = sessions.enabled ? await sessions.authenticate(token) : undefined;
  if (signedIn === undefined) {
    if (token !== undefined) reply.header('set-cookie', sessionCookie('', cookie));
    reply.header('www-authenticate', 'Bearer realm="recouvra"');
    await (token === undefined
      ? sendError(
          reply,
          401,
          'UNAUTHORIZED',
          'send the API token of the configuration (api.token) as Authorization: Bearer <token>, or sign in (POST /api/session)',
        )
      : sendError(reply, 401, 'SESSION_ENDED', 'your session has ended: sign in again'));
    return false;
  }
  const route = request.routeOptions.url ?? '';
  if (!SAFE_METHODS.has(request.method) && !sessions.csrfMatches(token!, headerOf(request, CSRF_HEADER))) {
    await sendError(
      reply,
      403,
      'CSRF_TOKEN_INVALID',
      `a change made with a session must carry its CSRF token in the ${CSRF_HEADER} header (from GET /api/session)`,
    );
    return false;
  }
  if (!roleAllows(signedIn.role, request.method, route)) {
    await sendError(
      reply,
      403,
      'FORBIDDEN',
      signedIn.role === 'viewer'
        ? `${signedIn.username} may read but not change anything (role viewer)`
        : `${signedIn.username} may not approve or reject escalations (role ${signedIn.role}: an approver must)`,
    );
    return false;
  }
  request.signedIn = signedIn;
  return true;
}

/** The session cookie: HTTP-only, SameSite=Strict, for the whole site; an empty value removes it. */
function sessionCookie(token: string, cookie: { secure: boolean }): string {
  return serializeCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: cookie.secure,
    ...(token === '' ? { expires: new Date(0) } : {}),
  });
}

function sessionTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  const token = parseCookie(header)[SESSION_COOKIE];
  return token === undefined || token === '' ? undefined : token;
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? undefined : value;
}
