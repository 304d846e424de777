import { ConfigSchema } from '../../config/config.schema';
import { parseConfig } from '../../connector/config/load-config';
import { ProblemsError } from '../../connector/config/problems';
import { apiSettings } from '../../connector/app/http/api-config.schema';
import { loadRuntime } from '../../connector/app/runtime';

/** The `api:` key of the configuration. */

const TOKEN = 'rcv_7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c9e';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig('recouvra.yaml', text, { env });
  } catch (e) {
    if (e instanceof ProblemsError) return e.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('api configuration', () => {
  it('is optional as a whole: without it the defaults still parse and no API is served', () => {
    const config = ConfigSchema.parse({ version: 1 });
    expect(config.api).toBeUndefined();
    expect(apiSettings(config.api)).toBeUndefined();
    const rt = loadRuntime(undefined);
    expect(rt.config.api).toBeUndefined();
    rt.logger.close();
  });

  it('fills its defaults, takes the token from the environment and treats it as a secret', () => {
    const { config, secrets } = parseConfig('recouvra.yaml', 'version: 1\napi:\n  token: ${RECOUVRA_API_TOKEN}\n', {
      env: { RECOUVRA_API_TOKEN: TOKEN },
    });
    expect(config.api).toEqual({
      enabled: true,
      host: '127.0.0.1',
      port: 8080,
      token: TOKEN,
      metricsPublic: false,
      trustProxy: false,
      users: [],
      session: { idleMinutes: 480, maxHours: 12, secureCookie: false },
    });
    expect(secrets).toContain(TOKEN);
    expect(apiSettings(config.api)).toEqual({
      token: TOKEN,
      host: '127.0.0.1',
      port: 8080,
      metricsPublic: false,
      trustProxy: false,
      users: [],
      session: { idleMinutes: 480, maxHours: 12, secureCookie: false },
    });
  });

  it('needs a token of 24 characters or more when enabled, and reports every problem at once', () => {
    expect(problemsOf('version: 1\napi: {}\n')).toEqual([
      expect.stringMatching(/^api\.token: api\.token is required when the API is enabled/),
    ]);
    expect(
      problemsOf('version: 1\napi:\n  token: ${T}\n  port: 70000\n  hots: 0.0.0.0\n', { T: 'too-short' }).sort(),
    ).toEqual([
      expect.stringMatching(/^api\.hots: unknown key "hots" — did you mean "host"\?/),
      expect.stringMatching(/^api\.port: /),
      'api.token: api.token must be at least 24 characters (e.g. openssl rand -hex 24)',
    ]);
  });

  it('enabled: false needs no token and serves nothing', () => {
    const { config } = parseConfig('recouvra.yaml', 'version: 1\napi:\n  enabled: false\n', { env: {} });
    expect(apiSettings(config.api)).toBeUndefined();
  });
});
