/**
 * The modules that implement the commands, loaded when a command runs. The program is built from
 * the definitions in this folder, which load commander and nothing heavier: `recouvra --help` or
 * `recouvra cases list` do not pay for the HTTP server, the job queue, the PDF writer, the
 * simulators and the rest of what other commands use (README, "Command line": start-up time).
 */
interface Implementations {
  'case-actions-command': typeof import('../case-actions-command');
  'cases-command': typeof import('../cases-command');
  'claim-command': typeof import('../claim-command');
  'config-command': typeof import('../config-command');
  'connect-command': typeof import('../connect-command');
  'connections-command': typeof import('../connections-command');
  'evaluate-command': typeof import('../evaluate-command');
  'legal-command': typeof import('../legal-command');
  'ops-command': typeof import('../ops-command');
  'procedure-command': typeof import('../procedure-command');
  'run-command': typeof import('../run-command');
  'simulate-command': typeof import('../simulate-command');
  'store-command': typeof import('../store-command');
  'sync-command': typeof import('../sync-command');
}

/** The implementation module `name` of connector/app/cli/, loaded now (once; Node caches it). */
export function implementation<K extends keyof Implementations>(name: K): Implementations[K] {
  // `require`, not `import()`: the package is CommonJS, and an ESM import of it is slower and needs
  // an ESM loader the test runner does not give by default.
  return module.require(`../${name}`) as Implementations[K];
}
