import { Command } from 'commander';
import { emit } from '../command-result';
import { implementation } from './lazy';

/** `recouvra config check` and `recouvra config hash-password` (connector/app/cli/config-command.ts). */
export function configCommand(): Command {
  const cmd = new Command('config').description('configuration tools');
  cmd
    .command('check')
    .description(
      'validate a configuration file, the policies and the legal data it uses; lists every problem and exits 1 if any',
    )
    .requiredOption('-c, --config <file>', 'configuration file (YAML)')
    .action((opts: { config: string }) => emit(implementation('config-command').runConfigCheck(opts.config)));
  cmd
    .command('hash-password')
    .description(
      'print the argon2id hash of the password read from standard input, for api.users[].passwordHash (at least 12 characters)',
    )
    .action(async () => emit(await implementation('config-command').runHashPassword()));
  return cmd;
}

/** `recouvra policy check [DIR]`. */
export function policyCommand(): Command {
  const cmd = new Command('policy').description('dunning policy tools');
  cmd
    .command('check')
    .description('validate the policies of a folder (default: the bundled config/policies); lists every problem')
    .argument('[dir]', 'folder of *.yaml policies')
    .action((dir: string | undefined) => emit(implementation('config-command').runPolicyCheck(dir)));
  return cmd;
}
