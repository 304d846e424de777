#!/usr/bin/env node
// First, before the modules that take a while to load: a SIGTERM or SIGINT from now on is heard.
import { releaseStopSignals } from './stop-signals';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { bundledPath } from '../../paths';
import { addCaseActionCommands, caseActionCommands } from './case-actions-command';
import { casesCommand } from './cases-command';
import { claimCommand } from './claim-command';
import { configCommand, policyCommand } from './config-command';
import { connectionsCommand } from './connections-command';
import { legalCommand } from './legal-command';
import { procedureCommand } from './procedure-command';
import { evaluateCommand } from './evaluate-command';
import { opsCommands } from './ops-command';
import { simulateCommand } from './simulate-command';
import { storeMaintenanceCommand } from './store-command';
import { runCommand } from './run-command';
import { syncCommand } from './sync-command';

/** The `recouvra` command line. Every command exits non-zero on failure with a message saying what and where. */
export function buildProgram(): Command {
  const pkg = JSON.parse(readFileSync(bundledPath('package.json'), 'utf8')) as { version: string };
  const program = new Command('recouvra')
    .description('Debt-recovery connector: dunning policies, French claim rules, law-firm hand-off')
    .version(pkg.version)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) })
    // `recouvra run` stops cleanly on a signal; every other command ends by the signal's default action.
    .hook('preAction', (_program, action) => {
      if (!(action.name() === 'run' && action.parent === program)) releaseStopSignals();
    });
  program.addCommand(runCommand());
  program.addCommand(evaluateCommand());
  program.addCommand(claimCommand());
  program.addCommand(configCommand());
  program.addCommand(policyCommand());
  program.addCommand(legalCommand());
  program.addCommand(procedureCommand());
  program.addCommand(connectionsCommand());
  program.addCommand(syncCommand());
  program.addCommand(addCaseActionCommands(casesCommand()));
  for (const command of [...caseActionCommands(), ...opsCommands()]) program.addCommand(command);
  program.addCommand(simulateCommand());
  program.addCommand(storeMaintenanceCommand());
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    });
}
