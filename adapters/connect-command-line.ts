/**
 * The command that connects a company again (connector/app/cli/connect-command.ts), as told by
 * `connections check`, GET /ready and GET /connections when an OAuth authorization ends or was
 * refused: one spelling for every ERP whose connection a person authorizes (QuickBooks, Sage Active).
 */
export function connectCommandLine(erp: string, connection: string, configFile?: string): string {
  return `recouvra connect ${erp}${configFile === undefined ? '' : ` --config ${shellWord(configFile)}`} --connection ${shellWord(connection)}`;
}

/** A word a POSIX shell reads back as is: quoted when it holds anything but plain path characters. */
function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
