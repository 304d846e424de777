import { CommanderError, type Command } from 'commander';
import { MIN_WEBHOOK_SECRET_LENGTH } from '../../adapters/lawfirm/config.schema';
import { ODOO_VERSIONS } from '../../adapters/odoo/simulator/model';
import { JOURNAL_PAGE_MAX } from '../../connector/cases';
import { DAY_COUNTS, IMPUTATIONS } from '../../connector/claim/compute-claim';
import { demoCommand, RUN_NEEDS_CONFIG, runCommand } from '../../connector/app/cli/definitions/daemon';
import * as values from '../../connector/app/cli/definitions/option-values';
import { CaseStageSchema } from '../../connector/model/case.schema';

/**
 * The command definitions (connector/app/cli/definitions/) state choices and limits the code
 * defines elsewhere, copied so that the program starts without loading that code: the copies
 * must be the same. And the daemon's two commands: `demo` takes the demo's options, `run` needs
 * a configuration.
 */

const longOptions = (command: Command) => command.options.map((o) => o.long);

describe('the command definitions', () => {
  it('state the same choices and limits as the code that acts on them', () => {
    expect(values.CASE_STAGES).toEqual(CaseStageSchema.options);
    expect(values.JOURNAL_PAGE_MAX).toBe(JOURNAL_PAGE_MAX);
    expect(values.DAY_COUNTS).toEqual(DAY_COUNTS);
    expect(values.IMPUTATIONS).toEqual(IMPUTATIONS);
    expect(values.SIMULATED_ODOO_VERSIONS).toEqual(ODOO_VERSIONS);
    expect(values.MIN_WEBHOOK_SECRET_LENGTH).toBe(MIN_WEBHOOK_SECRET_LENGTH);
  });

  it('demo takes the demo options with their defaults; run takes a configuration and no demo option', () => {
    const demo = demoCommand();
    expect(Object.fromEntries(demo.options.map((o) => [o.long, o.defaultValue as unknown]))).toEqual({
      '--clock-speed': 21_600,
      '--demo-invoices': 400,
      '--seed': 1,
      '--manual-approval': undefined,
      '--data-dir': './data/demo',
      '--dry-run': undefined,
      '--once': undefined,
    });
    expect(longOptions(runCommand())).toEqual(['--config', '--dry-run', '--once']);
  });

  it('run without --config fails with exit code 1 and says where the demo went', async () => {
    const run = runCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    const error = await run.parseAsync(['--dry-run'], { from: 'user' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommanderError);
    expect(error).toMatchObject({ exitCode: 1, code: 'recouvra.run.noConfig', message: RUN_NEEDS_CONFIG });
    expect(RUN_NEEDS_CONFIG).toContain('recouvra demo');
  });

  it('demo and run refuse --once without --dry-run', async () => {
    for (const [command, args] of [
      [demoCommand(), ['--once']],
      [runCommand(), ['--config', 'recouvra.yaml', '--once']],
    ] as const) {
      command.exitOverride().configureOutput({ writeErr: () => undefined });
      await expect(command.parseAsync([...args], { from: 'user' })).rejects.toThrow(
        `--once goes with --dry-run (recouvra ${command.name()} --dry-run --once)`,
      );
    }
  });
});
