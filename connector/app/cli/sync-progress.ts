import { MultiBar, type SingleBar } from 'cli-progress';
import { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '../../log/logger';
import type { SyncProgress } from '../../sync/sync-connection';

/**
 * How `recouvra sync` shows progress: bars on a terminal, one log line per finished phase
 * otherwise (a bar redrawn into a file or a log collector is noise). This is the only file
 * that imports cli-progress.
 */
export interface ProgressDisplay {
  update(p: SyncProgress): void;
  /** The connection's sync returned: its open phase ends (stopped, when the sync failed). */
  connectionDone(connection: string, failed: boolean): void;
  close(): void;
}

const PHASE_LABEL: Record<SyncProgress['phase'], string> = {
  debtors: 'debtors',
  receivables: 'receivables',
  payments: 'payments',
  'reconcile:list': 'reconciliation: listing open ids',
  'reconcile:read': 'reconciliation: reading differences',
};

interface Phase {
  connection: string;
  phase: SyncProgress['phase'];
  startedAt: number;
  done: number;
  total: number | undefined;
}

/** Turns the engine's progress events into phase start / update / end. */
abstract class PhaseTracker implements ProgressDisplay {
  private current: Phase | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  update(p: SyncProgress): void {
    const c = this.current;
    if (c && c.connection === p.connection && c.phase === p.phase) {
      c.done = p.done;
      c.total = p.total;
      this.progressed(c, this.now());
      return;
    }
    if (c) this.ended(c, this.now(), false);
    this.current = { connection: p.connection, phase: p.phase, startedAt: this.now(), done: p.done, total: p.total };
    this.started(this.current);
  }

  connectionDone(connection: string, failed: boolean): void {
    const c = this.current;
    if (!c || c.connection !== connection) return;
    this.current = undefined;
    this.ended(c, this.now(), failed);
  }

  close(): void {
    const c = this.current;
    this.current = undefined;
    if (c) this.ended(c, this.now(), true);
    this.closed();
  }

  protected abstract started(phase: Phase): void;
  protected abstract progressed(phase: Phase, at: number): void;
  protected abstract ended(phase: Phase, at: number, stopped: boolean): void;
  protected closed(): void {}
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

function ratePerSecond(done: number, ms: number): string {
  return ms > 0 ? Math.round((done * 1_000) / ms).toLocaleString('en') : '–';
}

function endLine(p: Phase, at: number, stopped: boolean): string {
  const ms = at - p.startedAt;
  const count = p.total === undefined ? `${p.done}` : `${p.done}/${p.total}`;
  return `sync ${p.connection}: ${PHASE_LABEL[p.phase]} ${stopped ? 'stopped after' : 'done:'} ${count} in ${formatDuration(ms)} (${ratePerSecond(p.done, ms)}/s)`;
}

/** Not a terminal: one log line per phase end, through the logger (JSON lines for a collector). */
export class PhaseLogProgress extends PhaseTracker {
  constructor(
    private readonly logger: Logger,
    now?: () => number,
  ) {
    super(now);
  }

  protected started(): void {}
  protected progressed(): void {}
  protected ended(p: Phase, at: number, stopped: boolean): void {
    const meta = {
      connection: p.connection,
      phase: p.phase,
      done: p.done,
      total: p.total,
      durationMs: Math.round(at - p.startedAt),
    };
    if (stopped) this.logger.warn(endLine(p, at, true), meta);
    else this.logger.info(endLine(p, at, false), meta);
  }
}

const BAR_FORMAT = '{connection} {phase} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}';
/** The total is unknown (listing ids): a counter, no bar and no ETA. */
const COUNTER_FORMAT = '{connection} {phase} {value} | {rate}/s';

/**
 * A terminal: one bar per phase on stderr. A finished phase is replaced by its summary line,
 * and log lines are printed above the bar while it runs, so neither garbles the other.
 */
export class TerminalProgress extends PhaseTracker {
  private readonly bars: MultiBar;
  private bar: SingleBar | undefined;
  private readonly transports: winston.transport[];
  private readonly aboveBars: winston.transport;

  constructor(
    private readonly logger: Logger,
    stream: NodeJS.WritableStream = process.stderr,
    now?: () => number,
  ) {
    super(now);
    // The terminal's settings are left alone (cursor shown, wrapping on, bars cut to its width):
    // cli-progress restores them only from a SIGINT handler, and any SIGINT handler stops
    // Ctrl-C from ending the sync. An interrupted sync is safe: each page is saved with its cursor.
    this.bars = new MultiBar({
      stream,
      format: BAR_FORMAT,
      barsize: 30,
      etaBuffer: 50,
      hideCursor: false,
      linewrap: true,
      gracefulExit: false,
    });
    const bars = this.bars;
    this.aboveBars = new winston.transports.Stream({
      stream: new Writable({
        write(chunk: Buffer | string, _enc, done) {
          bars.log(String(chunk));
          done();
        },
      }),
    });
    this.transports = [...logger.transports];
    for (const t of this.transports) logger.remove(t);
    logger.add(this.aboveBars);
  }

  protected started(p: Phase): void {
    const payload = { connection: p.connection, phase: PHASE_LABEL[p.phase], rate: '–' };
    this.bar = this.bars.create(p.total ?? 0, p.done, payload, p.total === undefined ? { format: COUNTER_FORMAT } : {});
  }

  protected progressed(p: Phase, at: number): void {
    if (!this.bar) return;
    if (p.total !== undefined && p.total !== this.bar.getTotal()) this.bar.setTotal(p.total);
    this.bar.update(p.done, { rate: ratePerSecond(p.done, at - p.startedAt) });
  }

  protected ended(p: Phase, at: number, stopped: boolean): void {
    this.bars.log(`${endLine(p, at, stopped)}\n`);
    if (this.bar) this.bars.remove(this.bar);
    this.bar = undefined;
  }

  protected override closed(): void {
    // MultiBar.stop() does not print what log() buffered: one last update does.
    this.bars.update();
    this.bars.stop();
    this.logger.remove(this.aboveBars);
    for (const t of this.transports) this.logger.add(t);
  }
}
