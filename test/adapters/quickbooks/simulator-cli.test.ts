import { simulateCommand } from '../../../connector/app/cli/definitions/simulate';
import { startQuickBooksSimulation } from '../../../connector/app/cli/simulate-command';

describe('recouvra simulate quickbooks', () => {
  it('declares its options with their defaults and refuses a bad rate scale or webhook format', async () => {
    const qbo = simulateCommand().commands.find((c) => c.name() === 'quickbooks')!;
    const options = Object.fromEntries(qbo.options.map((o) => [o.long, o.defaultValue as unknown]));
    expect(options).toEqual({
      '--port': 8092,
      '--invoices': 1_000,
      '--seed': 1,
      '--rate-scale': 1,
      '--webhook': undefined,
      '--webhook-format': 'legacy',
      '--verifier-token': 'qbo-sim-verifier-token',
    });
    qbo.exitOverride().configureOutput({ writeErr: () => undefined });
    for (const args of [
      ['--rate-scale', '0'],
      ['--webhook-format', 'xml'],
      ['--invoices', '-1'],
    ])
      await expect(qbo.parseAsync(args, { from: 'user' })).rejects.toThrow();
  });

  it('prints the realms, client credentials, working tokens, the verifier token and the rate limit', async () => {
    const { sim, banner } = await startQuickBooksSimulation({
      port: 0,
      invoices: 50,
      seed: 9,
      rateScale: 4,
      webhookFormat: 'cloudevents',
      verifierToken: 'cli-verifier',
      webhook: 'http://127.0.0.1:9/hook',
    });
    try {
      expect(banner).toContain(`QuickBooks Online simulator on ${sim.url} (50 invoices, seed 9`);
      expect(banner).toContain(`client id: ${sim.clientId}   client secret: ${sim.clientSecret}`);
      expect(banner).toContain('2000 requests/min per realm (500 × rate scale 4)');
      expect(banner).toContain('signed intuit-signature with the verifier token cli-verifier');
      for (const c of sim.companies) expect(banner).toContain(`realm ${c.realmId}: ${c.name}`);
      const realm = sim.companies[0]!.realmId;
      const token = new RegExp(`realm ${realm}[^\\n]*\\n\\s+access token \\(1 h\\): (\\S+)`).exec(banner)![1]!;
      const res = await fetch(`${sim.url}/v3/company/${realm}/companyinfo/${realm}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await sim.stop();
    }
  });
});
