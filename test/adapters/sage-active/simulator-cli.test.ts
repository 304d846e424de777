import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../../connector/paths';
import { simulateCommand } from '../../../connector/app/cli/definitions/simulate';
import { startSageActiveSimulation } from '../../../connector/app/cli/simulate-command';

/** `recouvra simulate sage-active`: its options, and a banner whose key, token and organisation id work. */

async function firstInvoices(
  url: string,
  key: string,
  token: string,
  org: string,
): Promise<{ status: number; totalCount: number }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'x-api-key': key,
      Authorization: `Bearer ${token}`,
      'X-OrganizationId': org,
    },
    body: JSON.stringify({ query: '{ salesInvoices(first: 1) { totalCount } }' }),
  });
  const body = (await res.json()) as { data: { salesInvoices: { totalCount: number } } };
  return { status: res.status, totalCount: body.data.salesInvoices.totalCount };
}

function field(banner: string, label: string): string {
  return new RegExp(`${label}[^:]*: (\\S+)`).exec(banner)![1]!;
}

describe('recouvra simulate sage-active', () => {
  it('declares its options with their defaults and refuses bad values', async () => {
    const cmd = simulateCommand().commands.find((c) => c.name() === 'sage-active')!;
    const options = Object.fromEntries(cmd.options.map((o) => [o.long, o.defaultValue as unknown]));
    expect(options).toEqual({ '--port': 8093, '--invoices': 1_000, '--seed': 1, '--rate-scale': 1 });
    cmd.exitOverride().configureOutput({ writeErr: () => undefined });
    for (const args of [
      ['--rate-scale', '0'],
      ['--invoices', '-1'],
      ['--seed', 'x'],
    ])
      await expect(cmd.parseAsync(args, { from: 'user' })).rejects.toThrow();
  });

  it('prints the subscription key, a bearer token and the organisation ids, which work together', async () => {
    const { sim, banner } = await startSageActiveSimulation({ port: 0, invoices: 40, seed: 4, rateScale: 2 });
    try {
      expect(banner).toContain(`Sage Active simulator on ${sim.url} (40 invoices, seed 4`);
      expect(banner).toContain('6000 requests/min (3000 × rate scale 2)');
      const key = field(banner, 'subscription key');
      const token = field(banner, 'bearer token');
      expect(key).toBe(sim.subscriptionKeys[0]);
      for (const org of sim.organizations) expect(banner).toContain(`organisation ${org.id}: ${org.socialName}`);
      const org = sim.organizations[0]!;
      expect(await firstInvoices(sim.url, key, token, org.id)).toEqual({
        status: 200,
        totalCount: org.invoices.length,
      });
    } finally {
      await sim.stop();
    }
  });

  it('runs from the built command line and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        join(packageRoot(), 'dist/connector/app/cli/main.js'),
        'simulate',
        'sage-active',
        '--port',
        '0',
        '--invoices',
        '30',
        '--seed',
        '2',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString('utf8');
          if (out.includes('Press Ctrl-C to stop.')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`exited ${String(code)} before its banner: ${out}`)));
      });
      const url = /simulator on (http:\/\/\S+)/.exec(out)![1]!;
      const org = /organisation (\S+):/.exec(out)![1]!;
      const answer = await firstInvoices(url, field(out, 'subscription key'), field(out, 'bearer token'), org);
      expect(answer.status).toBe(200);
      expect(answer.totalCount).toBe(20);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 30_000);
});
