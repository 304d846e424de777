import { runConnectionsCheck } from '../../connector/app/cli/connections-command';
import { BILLING_UID } from '../../adapters/odoo/simulator/model';
import { startOdoo, writeConfig, ODOO_KEY, type OdooFixture } from './odoo-fixture';

describe('recouvra connections check', () => {
  let fx: OdooFixture;
  beforeAll(async () => (fx = await startOdoo(30)));
  afterAll(() => fx.stop());

  it('reports each connection: version and offers when it works, the fix when it does not; exit 1 if any fails', async () => {
    const config = writeConfig(fx, 'check', [
      { id: 'good', keyVar: 'GOOD_KEY' },
      { id: 'bad', keyVar: 'BAD_KEY' },
    ]);
    const r = await runConnectionsCheck({ config, env: { GOOD_KEY: ODOO_KEY, BAD_KEY: 'not-the-right-key-123' } });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^good \(odoo\): ok, server 18\.0$/m);
    expect(r.stdout).toMatch(/offers: .*body_is_html yes/);
    expect(r.stdout).toMatch(/^bad \(odoo\): FAILED\n {2}problem: ODOO_ACCESS_DENIED: .*API key/m);
    expect(r.stdout + r.stderr).not.toContain('not-the-right-key-123');
    expect(r.stderr).toBe('1 of 2 connection(s) failed the check\n');
  });

  it('--json, and a user without invoice rights is named as such', async () => {
    fx.db.setAccess(BILLING_UID, 'account.move', []);
    try {
      const config = writeConfig(fx, 'rights', [{ id: 'norights', keyVar: 'KEY' }]);
      const r = await runConnectionsCheck({ config, json: true, env: { KEY: ODOO_KEY } });
      const [result] = JSON.parse(r.stdout) as { connection: string; ok: boolean; problems: string[] }[];
      expect(result).toMatchObject({ connection: 'norights', ok: false });
      expect(result!.problems[0]).toMatch(
        /^ODOO_ACCESS_ERROR: the Odoo user may not read 'Journal Entry' \(account\.move\) records, .*add the integration user to one of them/,
      );
    } finally {
      fx.db.setAccess(BILLING_UID, 'account.move', ['read', 'write', 'create']);
    }
  });
});
