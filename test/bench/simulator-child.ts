import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A message of the simulator process protocol: a `type` and what goes with it. */
interface Message {
  type: string;
}

/**
 * A simulator run in a process of its own (so that the measured process's RSS and CPU are its own),
 * asked by message: one answer per command, in order. `Ready` is what its first message says.
 */
export class SimulatorChild<Command extends Message, Reply extends Message, Ready extends Reply> {
  private readonly waiting: ((reply: Reply) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: Ready,
  ) {
    child.on('message', (reply: Reply) => this.waiting.shift()?.(reply));
  }

  /** Forks `script` (beside this file, built) with `args`, and waits for its `ready` message. */
  static start<C extends Message, R extends Message, Ready extends R>(
    script: string,
    args: string[],
  ): Promise<SimulatorChild<C, R, Ready>> {
    // execArgv: [] keeps this process's flags (--expose-gc, --cpu-prof, heap limits) off the simulator.
    const child = fork(join(__dirname, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the simulator process exited with ${code} before it was ready`)));
      child.once('message', (m: R) =>
        m.type === 'ready'
          ? resolve(new SimulatorChild<C, R, Ready>(child, m as Ready))
          : reject(new Error(JSON.stringify(m))),
      );
    });
  }

  async ask<T extends Reply['type']>(command: Command, expected: T): Promise<Extract<Reply, { type: T }>> {
    const reply = new Promise<Reply>((resolve) => this.waiting.push(resolve));
    this.child.send(command);
    const r = await reply;
    if (r.type !== expected) throw new Error(`simulator: expected ${expected}, got ${JSON.stringify(r)}`);
    return r as Extract<Reply, { type: T }>;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.send({ type: 'stop' });
    });
  }
}

/**
 * The simulator process's side: each command goes to `handle`, which sends its one reply; a command
 * that throws is answered `{ type: 'error' }` with its stack. `stop`, or the bench's process going
 * away, stops the simulator, then the process: no server is left behind.
 */
export function answerCommands<Command extends Message>(
  sim: { stop(): Promise<void> },
  handle: (command: Exclude<Command, { type: 'stop' }>) => void,
): void {
  const stop = (): void => void sim.stop().then(() => process.exit(0));
  process.on('message', (command: Command) => {
    try {
      if (command.type === 'stop') stop();
      else handle(command as Exclude<Command, { type: 'stop' }>);
    } catch (e) {
      process.send!({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  process.on('disconnect', stop);
}
