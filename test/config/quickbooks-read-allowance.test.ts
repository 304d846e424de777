import { adapterRegistry } from '../../adapters/registry';
import { QBO_BUILDER_MONTHLY_READS } from '../../adapters/quickbooks/config.schema';
import { meteredConnections } from '../../connector/app/erp-read-meter';
import { parseConfig } from '../../connector/config/load-config';
import { ProblemsError } from '../../connector/config/problems';

/** `monthlyReadAllowance` of a QuickBooks connection: Intuit's Builder tier by default, a paid tier's figure when set, nothing else. */

const file = (allowance?: string): string =>
  [
    'version: 1',
    'connections:',
    '  - id: qbo-fr',
    '    type: quickbooks',
    '    realmId: "9130350000000001"',
    '    clientId: client-id',
    '    clientSecret: ${QBO_SECRET}',
    ...(allowance === undefined ? [] : [`    monthlyReadAllowance: ${allowance}`]),
    '  - id: odoo-main',
    '    type: odoo',
    '    url: https://erp.example',
    '    database: demo',
    '    login: recouvra',
    '    apiKey: ${ODOO_KEY}',
    '',
  ].join('\n');

const env = { QBO_SECRET: 'a-client-secret', ODOO_KEY: 'an-odoo-api-key' };

function problemsOf(text: string): string[] {
  try {
    parseConfig('recouvra.yaml', text, { env, registry: adapterRegistry });
  } catch (e) {
    if (e instanceof ProblemsError) return e.problems.map((p) => `${p.line ?? '-'} ${p.path.join('.')}: ${p.message}`);
    throw e;
  }
  return [];
}

const allowances = (text: string) =>
  meteredConnections(
    parseConfig('recouvra.yaml', text, { env, registry: adapterRegistry }).config.connections,
    adapterRegistry,
    () => undefined,
  ).map((c) => [c.id, c.allowance]);

describe('QuickBooks monthlyReadAllowance', () => {
  it('is the Builder tier’s 500,000 reads a month unless set; Odoo has none', () => {
    expect(QBO_BUILDER_MONTHLY_READS).toBe(500_000);
    expect(allowances(file())).toEqual([['qbo-fr', 500_000]]);
    expect(allowances(file('2000000'))).toEqual([['qbo-fr', 2_000_000]]);
  });

  it.each([
    ['0', /1 or more/],
    ['-5', /1 or more/],
    ['12.5', /whole number/],
    ['"lots"', /number of read calls per month/],
  ])('refuses %s, naming the key and its line', (value, message) => {
    const problems = problemsOf(file(value));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^8 connections\.0\.monthlyReadAllowance: /);
    expect(problems[0]).toMatch(message);
  });
});
