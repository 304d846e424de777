import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateSage100 } from '../../../connector/app/cli/simulate-command';
import { createSage100Adapter } from '../../../adapters/sage-100-fr/index';
import { Sage100ConnectionSchema } from '../../../adapters/sage-100-fr/config.schema';
import { fixedClock } from '../../../connector/time/clock';
import { memoryLogger } from '../../helpers/logger';

describe('recouvra simulate sage-100-fr', () => {
  let dir: string;
  let out: jest.SpiedFunction<typeof process.stdout.write>;
  let err: jest.SpiedFunction<typeof process.stderr.write>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'recouvra-sim100-'));
    out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    out.mockRestore();
    err.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a fixture the adapter reads, rewrites its own file, refuses anyone else’s', async () => {
    const file = join(dir, 'demo.sqlite');
    expect(await simulateSage100({ file, lines: 200, seed: 3 })).toBe(0);
    expect(String(out.mock.calls[0]![0])).toMatch(
      /Sage 100 France fixture written to .*demo\.sqlite.*\n.*accounting lines \(\d+ open on 411\)/,
    );
    const config = Sage100ConnectionSchema.parse({ id: 'demo', type: 'sage-100-fr', fixture: file, pageSize: 5000 });
    const adapter = createSage100Adapter(config, {
      clock: fixedClock('2026-04-01T00:00:00Z'),
      logger: memoryLogger('error').logger,
    });
    const page = await adapter.read('receivables', { saved: undefined });
    await adapter.close();
    expect(page.receivables.length).toBeGreaterThan(150);
    // The named case whose remaining amounts disagree is in every fixture, quarantined.
    expect(page.quarantined.map((q) => q.reason).join('\n')).toMatch(/remaining amount is ambiguous/);

    expect(await simulateSage100({ file, lines: 50, seed: 4 })).toBe(0);
    const foreign = join(dir, 'store.sqlite');
    writeFileSync(foreign, 'not written by the simulator');
    expect(await simulateSage100({ file: foreign, lines: 10, seed: 1 })).toBe(1);
    expect(String(err.mock.calls[0]![0])).toMatch(
      /store\.sqlite exists and was not written by recouvra simulate sage-100-fr: it is not overwritten/,
    );
    expect(readFileSync(foreign, 'utf8')).toBe('not written by the simulator');
  });
});
