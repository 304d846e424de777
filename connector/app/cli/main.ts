#!/usr/bin/env node
// First, before the modules that take a while to load: a SIGTERM or SIGINT from now on is heard.
import { releaseStopSignals } from './stop-signals';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { bundledPath } from '../../paths';
import { caseActionCommands, casesCommand } from './definitions/cases';
import { claimCommand } from './definitions/claim';
import { configCommand, policyCommand } from './definitions/config';
import { connectionsCommand } from './definitions/connections';
import { connectCommand } from './definitions/connect';
import { demoCommand, runCommand } from './definitions/daemon';
import { evaluateCommand } from './definitions/evaluate';
import { legalCommand } from './definitions/legal';
import { opsCommands } from './definitions/ops';
import { procedureCommand } from './definitions/procedure';
import { simulateCommand } from './definitions/simulate';
import { storeMaintenanceCommand } from './definitions/store';
import { syncCommand } from './definitions/sync';

/** The commands that stop cleanly on a signal; every other one ends by the signal's default action. */
const DAEMON_COMMANDS: ReadonlySet<string> = new Set(['run', 'demo']);

/**
 * The `recouvra` command line. Every command exits non-zero on failure with a message saying what
 * and where. The program holds the commands' definitions (connector/app/cli/definitions/): each
 * loads its implementation, and what that needs, only when it runs.
 */
export function buildProgram(): Command {
  const pkg = JSON.parse(readFileSync(bundledPath('package.json'), 'utf8')) as { version: string };
  const program = new Command('recouvra')
    .description('Debt-recovery connector: dunning policies, French claim rules, law-firm hand-off')
    .version(pkg.version)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) })
    .hook('preAction', (_program, action) => {
      if (!(DAEMON_COMMANDS.has(action.name()) && action.parent === program)) releaseStopSignals();
    });
  program.addCommand(runCommand());
  program.addCommand(demoCommand());
  program.addCommand(evaluateCommand());
  program.addCommand(claimCommand());
  program.addCommand(configCommand());
  program.addCommand(policyCommand());
  program.addCommand(legalCommand());
  program.addCommand(procedureCommand());
  program.addCommand(connectionsCommand());
  program.addCommand(connectCommand());
  program.addCommand(syncCommand());
  program.addCommand(casesCommand());
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
