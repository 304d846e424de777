import { z } from 'zod';
import { parseConfig } from '../../connector/config/load-config';
import { ProblemsError } from '../../connector/config/problems';
import type { AdapterRegistry } from '../../connector/ports/erp';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}, registry?: AdapterRegistry): string[] {
  try {
    parseConfig('recouvra.yaml', text, { env, ...(registry ? { registry } : {}) });
  } catch (e) {
    if (e instanceof ProblemsError)
      return e.problems.map((p) => `${p.line ?? '-'}:${p.column ?? '-'} ${p.path.join('.')}: ${p.message}`);
    throw e;
  }
  return [];
}

const fakeRegistry: AdapterRegistry = {
  odoo: {
    type: 'odoo',
    displayName: 'Odoo',
    configSchema: z.strictObject({
      id: z.string(),
      type: z.literal('odoo'),
      url: z.url(),
      database: z.string(),
      apiKey: z.string().min(10),
    }),
    writeBackKinds: () => [],
    create: () => {
      throw new Error('not used');
    },
  },
};

describe('configuration', () => {
  it('fills documented defaults from a minimal file', () => {
    const { config } = parseConfig('c.yaml', 'version: 1\n', { env: {} });
    expect(config.store).toEqual({ driver: 'sqlite', sqlite: { path: './data/recouvra.sqlite' } });
    expect(config.company.timezone).toBe('Europe/Paris');
    expect(config.legal).toEqual({
      dayCount: 'actual/365',
      imputation: 'interest-first',
      prescriptionWarningDays: 90,
      rates: [],
    });
    expect(config.dunning.defaultPolicy).toEqual({ company: 'fr-b2b', individual: 'fr-b2c' });
  });

  it('reports every problem at once, each with its line, path and an actionable message', () => {
    const text = [
      'version: 2', //                      line 1
      'company:',
      '  timezone: Europe/Pariss', //        line 3
      'store:',
      '  driver: sqlite',
      '  sqlite:',
      '    pth: ./x.sqlite', //              line 7
      'logging:',
      '  level: loud', //                    line 9
      'legal:',
      '  prescriptionWarningDays: -3', //    line 11
      '',
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems).toHaveLength(5);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^1:\d+ version: version must be 1/),
        expect.stringMatching(/^3:\d+ company.timezone: unknown time zone "Europe\/Pariss"/),
        expect.stringMatching(
          /^7:5 store.sqlite.pth: unknown key "pth" — did you mean "path"\? \(allowed here: path\)/,
        ),
        expect.stringMatching(/^9:\d+ logging.level: /),
        expect.stringMatching(/^11:\d+ legal.prescriptionWarningDays: /),
      ]),
    );
  });

  it('points at a misspelt top-level key with a suggestion', () => {
    expect(problemsOf('version: 1\nstroe:\n  driver: sqlite\n')).toEqual([
      expect.stringContaining('2:1 stroe: unknown key "stroe" — did you mean "store"?'),
    ]);
  });

  it('daemon.retry: budgets per action kind in minutes; a wrong kind or a zero budget is named where it is', () => {
    expect(
      parseConfig('c.yaml', 'version: 1\ndaemon:\n  retry:\n    email: { forMinutes: 600 }\n').config.daemon.retry,
    ).toEqual({ email: { forMinutes: 600, maxDelayMinutes: 30 } });
    expect(
      problemsOf('version: 1\ndaemon:\n  retry:\n    fax: { forMinutes: 10 }\n    email: { forMinutes: 0 }\n'),
    ).toEqual(
      expect.arrayContaining([
        '5:26 daemon.retry.email.forMinutes: forMinutes must be at least 1',
        expect.stringMatching(/^4:5 daemon\.retry\.fax: unknown key "fax"/),
      ]),
    );
  });

  it('names a wrong legal.imputation by its line and the two accepted rules', () => {
    expect(problemsOf('version: 1\nlegal:\n  imputation: interest\n')).toEqual([
      '3:15 legal.imputation: legal.imputation must be interest-first (C. civ. 1343-1) or principal-first',
    ]);
  });

  it('interpolates ${ENV} and ${ENV:-default}, and remembers the values as secrets', () => {
    const text =
      'version: 1\nstore:\n  driver: postgres\n  postgres:\n    url: postgres://app:${PGPASSWORD}@${PGHOST:-127.0.0.1}:5432/recouvra\n';
    const loaded = parseConfig('c.yaml', text, { env: { PGPASSWORD: 's3cr3t-pw' } });
    expect(loaded.config.store).toMatchObject({
      driver: 'postgres',
      postgres: { url: 'postgres://app:s3cr3t-pw@127.0.0.1:5432/recouvra' },
    });
    expect(loaded.secrets).toEqual(['s3cr3t-pw']);
  });

  it('names the missing environment variable and where it is used', () => {
    const problems = problemsOf('version: 1\nstore:\n  driver: postgres\n  postgres:\n    url: ${DATABASE_URL}\n');
    expect(problems[0]).toMatch(/^5:\d+ store.postgres.url: environment variable DATABASE_URL is not set/);
  });

  it('a variable that is not set is one problem, not a second one for the empty value it leaves', () => {
    expect(problemsOf('version: 1\nstore:\n  driver: postgres\n  postgres:\n    url: ${DATABASE_URL}\n')).toEqual([
      expect.stringMatching(/^5:\d+ store.postgres.url: environment variable DATABASE_URL is not set/),
    ]);
    expect(problemsOf('version: 1\napi:\n  token: ${RECOUVRA_API_TOKEN}\n')).toEqual([
      expect.stringMatching(/^3:\d+ api.token: environment variable RECOUVRA_API_TOKEN is not set/),
    ]);
    // Inside a connection too, and the other problems of the file are still there.
    const text =
      'version: 1\nconnections:\n  - id: main\n    type: odoo\n    url: https://erp.example\n    database: demo\n    apiKey: ${ODOO_KEY}\nlogging:\n  level: loud\n';
    const problems = problemsOf(text, {}, fakeRegistry);
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^7:\d+ connections.0.apiKey: environment variable ODOO_KEY is not set/),
        expect.stringMatching(/^9:\d+ logging.level: /),
      ]),
    );
  });

  it('names a required key that is missing', () => {
    const problems = problemsOf(
      'version: 1\nconnections:\n  - id: main\n    type: odoo\n    url: https://erp.example\n    apiKey: a-long-enough-key\n',
      {},
      fakeRegistry,
    );
    expect(problems).toEqual([
      expect.stringMatching(/^3:\d+ connections.0.database: required key "database" is missing \(a string\)/),
    ]);
  });

  it('checks each connection with its adapter schema even when another part of the file is wrong', () => {
    const text = [
      'version: 2',
      'connections:',
      '  - id: main',
      '    type: odoo',
      '    url: not-a-url',
      '    database: demo',
      '    apiKey: short',
      '  - id: BAD ID',
      '    type: odoo',
      '',
    ].join('\n');
    const problems = problemsOf(text, {}, fakeRegistry);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^1:\d+ version: version must be 1/),
        expect.stringMatching(/^5:\d+ connections.0.url: /),
        expect.stringMatching(/^7:\d+ connections.0.apiKey: /),
        expect.stringMatching(/^8:\d+ connections.1.id: connection id must be lower-case/),
      ]),
    );
    // Each problem once, though the base schema and the adapter's both look at the entries.
    expect(new Set(problems).size).toBe(problems.length);
    expect(problems).toHaveLength(4);
  });

  it('keeps $${ as a literal', () => {
    const { config } = parseConfig('c.yaml', 'version: 1\ncompany:\n  name: "Cost $${X} SAS"\n', { env: {} });
    expect(config.company.name).toBe('Cost ${X} SAS');
  });

  it('validates each connection with its adapter schema and reports unknown types', () => {
    const text = [
      'version: 1',
      'connections:',
      '  - id: main',
      '    type: odoo',
      '    url: not-a-url',
      '    database: demo',
      '    apiKey: ${ODOO_KEY}',
      '    colour: blue',
      '  - id: main',
      '    type: sap',
      '',
    ].join('\n');
    const problems = problemsOf(text, { ODOO_KEY: 'k' }, fakeRegistry);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^5:\d+ connections.0.url: /),
        expect.stringMatching(/^7:\d+ connections.0.apiKey: /),
        expect.stringMatching(/^8:5 connections.0.colour: unknown key "colour"/),
        expect.stringMatching(/^9:\d+ connections.1.id: duplicate connection id "main"/),
        expect.stringMatching(/^10:\d+ connections.1.type: unknown connection type "sap" \(available: odoo\)/),
      ]),
    );
  });

  it('warns about a secret written in clear text and still treats it as a secret', () => {
    const text =
      'version: 1\nconnections:\n  - id: main\n    type: odoo\n    url: https://erp.example\n    database: demo\n    apiKey: clear-text-key-123\n';
    const loaded = parseConfig('c.yaml', text, { env: {}, registry: fakeRegistry });
    expect(loaded.warnings[0]).toContain('connections.0.apiKey holds a secret in clear text');
    expect(loaded.secrets).toContain('clear-text-key-123');
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('version: 1\nstore: [unclosed\n')[0]).toMatch(/^\d+:\d+ : /);
  });
});
