import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoopbackServer } from '../../../adapters/loopback-server';
import { LawFirmHttpConfigSchema } from '../../../adapters/lawfirm/config.schema';
import { HttpLawFirmPartner } from '../../../adapters/lawfirm/http-client';
import { FileDropPartner } from '../../../adapters/lawfirm/file-drop';
import { verifyWebhook } from '../../../adapters/lawfirm/webhook-signature';
import { simulateCommand } from '../../../connector/app/cli/definitions/simulate';
import { startFileDropSimulation, startLawFirmSimulation } from '../../../connector/app/cli/simulate-command';
import { fixedClock } from '../../../connector/time/clock';
import { sampleRequest } from './file-drop/fixtures';
import { submission } from './fixtures';

describe('recouvra simulate lawfirm', () => {
  it('declares its options with their defaults', () => {
    const lawfirm = simulateCommand().commands.find((c) => c.name() === 'lawfirm')!;
    expect(lawfirm).toBeDefined();
    const options = Object.fromEntries(lawfirm.options.map((o) => [o.long, o.defaultValue as unknown]));
    expect(options).toEqual({
      '--port': 8091,
      '--webhook': undefined,
      '--webhook-secret': 'sim-lawfirm-webhook-secret',
      '--api-key': 'sim-lawfirm-key',
      '--seed': 1,
      '--speed': 21_600,
      '--start-at': undefined,
      '--file-drop': undefined,
    });
  });

  it('refuses a webhook that is not an http(s) URL, a short secret, a bad speed', async () => {
    const lawfirm = simulateCommand().commands.find((c) => c.name() === 'lawfirm')!;
    lawfirm.exitOverride().configureOutput({ writeErr: () => undefined });
    for (const args of [
      ['--webhook', 'ftp://x'],
      ['--webhook-secret', 'short'],
      ['--speed', '-1'],
      ['--start-at', 'soon'],
    ]) {
      await expect(lawfirm.parseAsync(args, { from: 'user' })).rejects.toThrow(/invalid/i);
    }
  });

  it('serves the contract with the given key and pushes webhooks signed with the given secret', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = new LoopbackServer('receiver', async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
    await receiver.start();
    const secret = 'cli-test-secret-0123456789';
    const { sim, banner } = await startLawFirmSimulation({
      port: 0,
      seed: 3,
      speed: 0,
      apiKey: 'cli-key-0001',
      webhook: `${receiver.url}/hook`,
      webhookSecret: secret,
      startAt: '2026-04-01T08:00:00Z',
    });
    try {
      expect(banner).toContain(
        `Law-firm simulator on ${sim.url} (seed 3, simulated time from 2026-04-01T08:00:00Z, ×0: clock stopped)`,
      );
      expect(banner).toContain('API key: cli-key-0001');
      expect(banner).toContain(
        `webhooks: POST ${receiver.url}/hook, signed (Recouvra-Signature v1) with the secret ${secret}`,
      );
      const firm = new HttpLawFirmPartner({
        config: LawFirmHttpConfigSchema.parse({ baseUrl: sim.url, apiKey: 'cli-key-0001', webhookSecret: secret }),
      });
      await firm.submit(submission());
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toHaveLength(1);
      expect(
        verifyWebhook({ secret, headers: received[0]!.headers, rawBody: received[0]!.body, now: Date.now() }),
      ).toMatchObject({ ok: true });
    } finally {
      await sim.stop();
      await receiver.stop();
    }
  });

  it('refuses --file-drop with the options of the HTTP firm', async () => {
    for (const args of [
      ['--webhook', 'http://127.0.0.1:1/hook'],
      ['--port', '9000'],
      ['--api-key', 'k'],
      ['--webhook-secret', 'a-long-enough-secret'],
    ]) {
      const lawfirm = simulateCommand().commands.find((c) => c.name() === 'lawfirm')!;
      lawfirm.exitOverride().configureOutput({ writeErr: () => undefined });
      await expect(
        lawfirm.parseAsync(['--file-drop', join(tmpdir(), 'never-created'), ...args], { from: 'user' }),
      ).rejects.toThrow(/cannot be used with/);
    }
  });

  it('--file-drop: creates DIR/outbound and DIR/inbound, says where they are, and answers a dossier dropped there by itself', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'recouvra-simulate-file-drop-')), 'cabinet');
    const { firm, banner } = await startFileDropSimulation({
      dir,
      seed: 2,
      speed: 0,
      startAt: '2026-04-01T08:00:00Z',
      pollIntervalMs: 10,
    });
    try {
      expect((await readdir(dir)).sort()).toEqual(['inbound', 'outbound']);
      expect(banner).toContain(
        `Law-firm simulator on the file drop in ${dir} (seed 2, simulated time from 2026-04-01T08:00:00Z, ×0: clock stopped)`,
      );
      expect(banner).toContain(`fileDrop: { outbound: ${join(dir, 'outbound')}, inbound: ${join(dir, 'inbound')} }`);
      const partner = new FileDropPartner({
        outbound: join(dir, 'outbound'),
        inbound: join(dir, 'inbound'),
        clock: fixedClock('2026-04-01T08:00:00Z'),
      });
      const { fileId } = await partner.submit(sampleRequest());
      let events: { fileId: string; type: string }[] = [];
      for (let i = 0; i < 200 && events.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
        events = (await partner.events()).events;
      }
      expect(events).toMatchObject([{ fileId, type: 'submitted' }]);
    } finally {
      await firm.stop();
      await rm(join(dir, '..'), { recursive: true, force: true });
    }
  });

  it('says how fast simulated time runs, and that there are no webhooks without --webhook', async () => {
    const { sim, banner } = await startLawFirmSimulation({
      port: 0,
      seed: 1,
      speed: 21_600,
      apiKey: 'k',
      webhookSecret: 'sim-lawfirm-webhook-secret',
    });
    await sim.stop();
    expect(banner).toContain('a simulated day every 4 s');
    expect(banner).toContain('webhooks: none (give --webhook URL)');
  });
});
