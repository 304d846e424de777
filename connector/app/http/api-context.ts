import type { CaseClaim } from '../../dossier';
import type { NextStep } from '../../policy/next-step';
import type { EscalationPreview } from '../../lawfirm/dossier-builder';
import type { CaseOperations } from '../../cases';
import type { LegalData } from '../../claim/legal-data';
import type { ProcedureData } from '../../dossier/procedure-data';
import type { JobName, JobQueue } from '../../jobs/job-queue';
import type { Store } from '../../store/store';
import type { Clock } from '../../time/clock';
import type { ConnectionAuthorization } from '../connection-authorizations';
import type { Metrics } from './metrics';
import type { MonthlyReads } from '../erp-read-meter';
import type { LawFirmLink } from '../../lawfirm/link';

/** What `POST /connections/:id/sync` enqueues through: the daemon (`Daemon.enqueue`) has this shape. */
export interface JobEnqueuer {
  /** Adds job `<name>/<key>` unless one with that id exists. */
  enqueue(name: JobName, data: Record<string, string>, key: string): Promise<{ added: boolean }>;
}

/** What route handlers share. */
export interface ApiContext {
  store: Store;
  operations: CaseOperations;
  enqueuer: JobEnqueuer | undefined;
  queue: JobQueue | undefined;
  connections: ReadonlySet<string>;
  /** Every configured connection with the state of its OAuth authorization, read at each call. */
  authorizations: (() => Promise<ConnectionAuthorization[]>) | undefined;
  clock: Clock;
  /** Real time, for what is counted in real time (Intuit's request volume); `clock` unless the clock is simulated. */
  wallClock: Clock;
  timeZone: string;
  locale: string;
  metrics: Metrics;
  metricsPublic: boolean;
  legal: LegalData | undefined;
  procedures: ProcedureData | undefined;
  /** Each metered connection's reads this month against its allowance (GET /connections `reads`). */
  monthlyReads: (() => Promise<Map<string, MonthlyReads>>) | undefined;
  /** The law-firm partner and how its events are polled (GET /lawfirm); undefined without one. */
  lawfirm: { link: LawFirmLink; polling: LawFirmPolling | null } | undefined;
  /** The escalation preview shown with each escalation waiting for approval, when the daemon gives one. */
  escalationPreview: ((caseId: string) => Promise<EscalationPreview | undefined>) | undefined;
  /** The claim of a case as of today, when the daemon gives the legal data to compute it. */
  caseClaim: ((caseId: string) => Promise<CaseClaim | undefined>) | undefined;
  /** What the dunning ladder does next on a case, when the daemon gives the policies. */
  nextStep: ((caseId: string) => Promise<NextStep | undefined>) | undefined;
}

/** How the daemon polls the firm's events: its cron in the company's time zone, or the demo's simulated interval. */
export type LawFirmPolling = { cron: string; timeZone: string } | { everySimulatedSeconds: number };
