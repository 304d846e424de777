/** What a command produced: commands return it instead of writing, so they test without a process. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function emit(result: CommandResult): void {
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}
