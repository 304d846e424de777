import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOdooAdapter } from '../../adapters/odoo';
import { OdooConnectionSchema } from '../../adapters/odoo/config.schema';
import { createOdooDatabase } from '../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../adapters/odoo/simulator/server';
import { parseConfig } from '../../connector/config/load-config';
import { ProblemsError } from '../../connector/config/problems';
import { buildPerformers } from '../../connector/app/daemon/performers';
import { ActionSchema, type Action } from '../../connector/model/action.schema';
import { CaseSchema, caseIdOf } from '../../connector/model/case.schema';
import { dispatchActions, type Performer } from '../../connector/outbox/dispatch';
import { DEFAULT_LANES } from '../../connector/outbox/lanes';
import { decide, policyFor } from '../../connector/policy/decide';
import { loadRuntime } from '../../connector/app/runtime';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { AdapterError } from '../../connector/ports/adapter-error';
import { syncConnection } from '../../connector/sync/sync-connection';
import type { Clock } from '../../connector/time/clock';
import { closedPort, startSmtp, type TestSmtp } from '../channels/email/smtp-test-server';
import { invoice } from '../helpers/builders';
import { memoryLogger } from '../helpers/logger';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

/**
 * The outbox's lanes: each destination (each ERP connection, SMTP, SMS, post, the firm) has its
 * own, they run together, and a destination that cannot be reached stops its own lane only.
 */

const AT = '2026-11-23T08:00:00.000Z';

/** Resolves once `ready()` holds, checking every 20 ms; fails after `deadlineMs` (generous: real servers answer). */
async function eventually(ready: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!ready()) {
    if (Date.now() > until) throw new Error(`still waiting for ${what} after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('outbox lanes (real SQLite store)', () => {
  let store: Store;
  const clock: Clock = { now: () => new Date(AT) };
  const { logger } = memoryLogger('error');

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
  });
  afterEach(() => store.close());

  /** One case per (debtor, connection), each with one row of every kind given. */
  async function seed(rows: { debtor: string; connection: string; kinds: Action['kind'][] }[]): Promise<Action[]> {
    const all: Action[] = [];
    for (const { debtor, connection, kinds } of rows) {
      await saveReceivables(
        store,
        [
          {
            ...invoice({ id: `${connection}:${debtor}:r1`, debtorId: debtor, companyId: 'co1' }),
            source: { system: 'odoo', connection, id: `${debtor}-r1` },
          },
        ],
        AT,
      );
      const caseId = caseIdOf(debtor, 'co1', 'EUR');
      const decisionId = `dec-${debtor}`;
      const actions = kinds.map((kind, i) =>
        ActionSchema.parse({
          id: `${debtor}-${kind}-${i}`,
          idempotencyKey: `${caseId}/step/${kind}/${i}`,
          caseId,
          decisionId,
          subject: { type: 'decision', decisionId: decisionId },
          kind,
          template: 'reminder-1',
          status: 'pending',
          notBefore: AT,
          createdAt: AT,
          updatedAt: AT,
        }),
      );
      const c = (await store.cases.getCase(caseId))!;
      await store.outbox.recordDecision({
        decision: {
          id: decisionId,
          idempotencyKey: `${caseId}/step`,
          caseId,
          stepId: 'step',
          stepIndex: 0,
          policyId: 'p',
          policyVersion: 1,
          asOf: '2026-11-23',
          decidedAt: AT,
          requiresApproval: false,
          evaluation: {},
        },
        actions,
        journal: [],
        caseAfter: CaseSchema.parse({ ...c, stage: 'reminding' }),
      });
      all.push(...actions);
    }
    return all;
  }

  const unreachable = (code = 'ODOO_UNREACHABLE') =>
    new AdapterError({
      code,
      kind: 'transient',
      userMessage: 'cannot reach Odoo at http://127.0.0.1:1 (ECONNREFUSED)',
    });
  const statuses = async (ids: string[]) => Promise.all(ids.map(async (id) => (await store.outbox.getAction(id))!));

  it('an ERP connection that cannot be reached stops its own lane after one row; the other connection and the e-mails go on', async () => {
    await seed([
      { debtor: 'a1', connection: 'odoo-a', kinds: ['ledger_note', 'email'] },
      { debtor: 'a2', connection: 'odoo-a', kinds: ['ledger_note', 'phone_task'] },
      { debtor: 'a3', connection: 'odoo-a', kinds: ['ledger_activity'] },
      { debtor: 'b1', connection: 'odoo-b', kinds: ['ledger_note', 'email'] },
      { debtor: 'b2', connection: 'odoo-b', kinds: ['phone_task'] },
    ]);
    const attempts: string[] = [];
    const ledger: Performer = async (action) => {
      attempts.push(action.id);
      if (action.id.startsWith('a')) throw unreachable();
      return { summary: 'note written' };
    };
    const email: Performer = async () => ({ summary: 'e-mail sent' });
    const result = await dispatchActions({
      store,
      clock,
      logger,
      performers: { ledger_note: ledger, ledger_activity: ledger, phone_task: ledger, email },
      connections: ['odoo-a', 'odoo-b'],
      random: () => 0.5,
    });

    expect(result).toMatchObject({
      done: 4,
      retried: 1,
      failed: 0,
      stopped: [{ lane: 'erp:odoo-a', reason: expect.stringMatching(/^ODOO_UNREACHABLE/) }],
    });
    expect(attempts.filter((id) => id.startsWith('a'))).toHaveLength(1);
    const rowsOfA = await statuses(['a1-ledger_note-0', 'a2-ledger_note-0', 'a2-phone_task-1', 'a3-ledger_activity-0']);
    expect(rowsOfA.map((a) => a.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    // One was tried (and waits for its retry), the others were not touched: their budget is whole.
    expect(rowsOfA.map((a) => a.attempts).sort()).toEqual([0, 0, 0, 1]);
    expect(
      (await statuses(['b1-ledger_note-0', 'b2-phone_task-0', 'a1-email-1', 'b1-email-1'])).map((a) => a.status),
    ).toEqual(['done', 'done', 'done', 'done']);
  });

  it('the rows of a connection with no lane of its own (no longer configured) still go, through one more lane', async () => {
    await seed([
      { debtor: 'a1', connection: 'odoo-a', kinds: ['ledger_note'] },
      { debtor: 'g1', connection: 'odoo-gone', kinds: ['ledger_note'] },
    ]);
    const result = await dispatchActions({
      store,
      clock,
      logger,
      performers: { ledger_note: async () => ({ summary: 'not written: no connected ledger' }) },
      connections: ['odoo-a'],
    });
    expect(result).toEqual({ done: 2, retried: 0, failed: 0, skipped: 0 });
  });

  it('a failure about one row (a refused recipient) does not stop the lane; a destination down does, and the others keep going', async () => {
    await seed([
      { debtor: 'd1', connection: 'odoo-a', kinds: ['email', 'sms'] },
      { debtor: 'd2', connection: 'odoo-a', kinds: ['email', 'sms'] },
      { debtor: 'd3', connection: 'odoo-a', kinds: ['email', 'sms'] },
    ]);
    let mails = 0;
    let texts = 0;
    const email: Performer = async (action) => {
      mails++;
      if (action.caseId === caseIdOf('d1', 'co1', 'EUR'))
        throw new AdapterError({
          code: 'EMAIL_RECIPIENT_REJECTED',
          kind: 'system',
          userMessage: '550 5.1.1 mailbox unknown',
        });
      return { summary: 'sent' };
    };
    const sms: Performer = async () => {
      texts++;
      throw new AdapterError({
        code: 'SMS_UNREACHABLE',
        kind: 'transient',
        userMessage: 'cannot reach the SMS provider (ECONNREFUSED)',
      });
    };
    const result = await dispatchActions({
      store,
      clock,
      logger,
      performers: { email, sms },
      lanes: { email: { concurrency: 1 }, sms: { concurrency: 1 } },
      random: () => 0.5,
    });
    expect(result).toMatchObject({ done: 2, failed: 1, retried: 1, stopped: [{ lane: 'sms' }] });
    expect(mails).toBe(3);
    expect(texts).toBe(1);
  });

  it('a lane runs up to its concurrency at once', async () => {
    await seed(
      ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'].map((debtor) => ({
        debtor,
        connection: 'odoo-a',
        kinds: ['email'] as Action['kind'][],
      })),
    );
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const email: Performer = async () => {
      most = Math.max(most, ++running);
      await new Promise<void>((r) => release.push(r));
      running--;
      return { summary: 'sent' };
    };
    const run = dispatchActions({ store, clock, logger, performers: { email }, lanes: { email: { concurrency: 3 } } });
    // Answers one row each time as many are in flight as the lane allows (or as are left).
    for (let answered = 0; answered < 6; answered++) {
      await eventually(
        () => running === Math.min(3, 6 - answered) && release.length === running,
        `${Math.min(3, 6 - answered)} rows in flight`,
      );
      release.shift()!();
    }
    expect(await run).toMatchObject({ done: 6 });
    expect(most).toBe(3);
  });

  it('rows of one case go one after another, in the order they were due, whatever the concurrency', async () => {
    await seed([{ debtor: 'd1', connection: 'odoo-a', kinds: ['email', 'email', 'email', 'email'] }]);
    const performed: string[] = [];
    let together = 0;
    let running = 0;
    const email: Performer = async (action) => {
      if (running++ > 0) together++;
      await new Promise((r) => setTimeout(r, 10));
      performed.push(action.id);
      running--;
      return { summary: 'sent' };
    };
    expect(
      await dispatchActions({ store, clock, logger, performers: { email }, lanes: { email: { concurrency: 4 } } }),
    ).toMatchObject({ done: 4 });
    expect(together).toBe(0);
    expect(performed).toEqual(['d1-email-0', 'd1-email-1', 'd1-email-2', 'd1-email-3']);
  });

  it('rows claimed while their lane stops go back untouched, due now', async () => {
    await seed([{ debtor: 'd1', connection: 'odoo-a', kinds: ['email', 'email', 'email'] }]);
    let calls = 0;
    const email: Performer = async () => {
      calls++;
      throw new AdapterError({
        code: 'EMAIL_CONNECTION',
        kind: 'transient',
        userMessage: 'cannot reach the mail server (ECONNREFUSED)',
      });
    };
    const result = await dispatchActions({
      store,
      clock,
      logger,
      performers: { email },
      lanes: { email: { concurrency: 3 } },
      random: () => 0.5,
    });
    // Three workers took the case's three rows; they go one after another, so the first failure stops the others.
    expect(calls).toBe(1);
    expect(result).toMatchObject({ retried: 1, done: 0, failed: 0 });
    const rows = await statuses(['d1-email-0', 'd1-email-1', 'd1-email-2']);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['pending', 1],
      ['pending', 0],
      ['pending', 0],
    ]);
    expect(rows.slice(1).map((r) => r.notBefore)).toEqual([AT, AT]);
    expect(rows.slice(1).every((r) => r.firstFailedAt === undefined && r.lastError === null)).toBe(true);
  });
});

describe('daemon.lanes configuration', () => {
  const problemsOf = (text: string): string[] => {
    try {
      parseConfig('c.yaml', text, { env: {} });
    } catch (e) {
      if (e instanceof ProblemsError) return e.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
      throw e;
    }
    return [];
  };

  it('defaults to an empty map (each lane its default); a lane is set alone; a wrong lane or concurrency is named', () => {
    expect(parseConfig('c.yaml', 'version: 1\n', { env: {} }).config.daemon.lanes).toEqual({});
    expect(
      parseConfig('c.yaml', 'version: 1\ndaemon:\n  lanes:\n    email: { concurrency: 8 }\n', { env: {} }).config.daemon
        .lanes,
    ).toEqual({ email: { concurrency: 8 } });
    const problems = problemsOf(
      'version: 1\ndaemon:\n  lanes:\n    smtp: { concurrency: 2 }\n    erp: { concurrency: 0 }\n    sms: { concurrency: 99 }\n',
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^daemon\.lanes\.smtp: /),
        'daemon.lanes.erp.concurrency: concurrency must be at least 1',
        'daemon.lanes.sms.concurrency: concurrency is at most 16',
      ]),
    );
    expect(DEFAULT_LANES.erp.concurrency).toBe(1);
  });
});

describe('outbox lanes against real servers: Odoo out of reach, SMTP up', () => {
  const CONNECTION = 'odoo-lanes';
  let sim: OdooSimulator;
  let smtp: TestSmtp;
  let store: Store;
  let now = new Date('2026-11-23T06:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const { logger } = memoryLogger('error', ['recouvra-api-key']);
  const runtime = loadRuntime(undefined);

  const connection = (url: string) =>
    OdooConnectionSchema.parse({
      id: CONNECTION,
      type: 'odoo',
      url,
      database: 'demo',
      login: 'recouvra',
      apiKey: 'recouvra-api-key',
      protocol: 'xmlrpc',
    });
  const configFor = (smtpPort: number) =>
    parseConfig(
      'lanes.yaml',
      `version: 1
company:
  name: Lanes Test SAS
  address: { lines: ["1 rue du Test"], postalCode: "75001", city: Paris, country: FR }
  contact: { email: recouvrement@lanes.test }
channels:
  email:
    host: 127.0.0.1
    port: ${smtpPort}
    requireTls: false
    from: { address: recouvrement@lanes.test, name: Lanes Test SAS }
`,
      { env: {} },
    ).config;

  beforeEach(async () => {
    sim = await new OdooSimulator({
      db: createOdooDatabase({ version: '18.0', invoices: 60, seed: 5 }),
      version: '18.0',
    }).start();
    smtp = await startSmtp();
    store = await openSqliteStore(':memory:');
    await store.migrate();
    now = new Date('2026-11-23T06:00:00Z');
    const adapter = createOdooAdapter(connection(sim.url), { clock, logger });
    expect(
      (await syncConnection({ store, adapter, connection: CONNECTION, clock, logger, mode: 'auto' })).error,
    ).toBeUndefined();
    // Far enough after the due dates that the first steps send e-mails and note them in the ledger.
    const asOf = '2026-12-20';
    now = new Date(`${asOf}T08:00:00Z`);
    for await (const s of store.cases.streamCaseSnapshots()) {
      await decide(
        store,
        s,
        policyFor(s, runtime.policies, runtime.config.dunning.defaultPolicy),
        asOf,
        clock.now(),
        runtime.context,
      );
    }
  });

  afterEach(async () => {
    await store.close();
    await smtp.close();
    await sim.stop();
  });

  async function pending(kind: Action['kind']): Promise<Action[]> {
    return store.outbox.listActions({ status: 'pending', kind });
  }

  it('Odoo holding its answer: every e-mail arrives while the ledger write still waits; the ERP lane stops after it, and writes all once Odoo is back', async () => {
    const emails = await pending('email');
    const notes = [
      ...(await pending('ledger_note')),
      ...(await pending('ledger_activity')),
      ...(await pending('phone_task')),
    ];
    expect(emails.length).toBeGreaterThan(2);
    expect(notes.length).toBeGreaterThan(2);

    // An Odoo that takes requests and answers none until told to, then answers 502 (a proxy whose Odoo is down).
    const held: ServerResponse[] = [];
    let requests = 0;
    let answering = false;
    const hanging: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      requests++;
      req.resume();
      if (answering) res.writeHead(502).end('Bad Gateway');
      else held.push(res);
    });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
    const down = createOdooAdapter(connection(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}`), {
      clock,
      logger,
    });
    const config = configFor(smtp.port);
    const performers = buildPerformers({
      config,
      store,
      clock,
      logger,
      legal: runtime.legal,
      connections: new Map([[CONNECTION, { adapter: down, settings: {} }]]),
    });
    try {
      const run = dispatchActions({
        store,
        clock,
        logger,
        performers: performers.performers,
        connections: [CONNECTION],
        random: () => 0.5,
      });
      // Every e-mail reaches the SMTP server while Odoo still holds the first ledger request.
      await eventually(() => smtp.received.length === emails.length, `${emails.length} e-mails`);
      expect(held.length).toBe(1);
      answering = true;
      for (const res of held.splice(0)) res.writeHead(502).end('Bad Gateway');
      const result = await run;
      expect(result.stopped).toEqual([
        { lane: `erp:${CONNECTION}`, reason: expect.stringMatching(/^ODOO_SERVER_ERROR/) },
      ]);
      expect(result.done).toBe(emails.length);
      // One ledger row was tried; the others were left whole for the next run.
      const ledgerRows = await Promise.all(notes.map(async (a) => (await store.outbox.getAction(a.id))!));
      expect(ledgerRows.every((a) => a.status === 'pending')).toBe(true);
      expect(ledgerRows.filter((a) => a.attempts > 0)).toHaveLength(1);
      expect(new Set(smtp.received.map((m) => m.parsed.messageId)).size).toBe(emails.length);
    } finally {
      await performers.close();
      await new Promise<void>((r) => hanging.close(() => r()));
    }
    expect(requests).toBeGreaterThan(0);

    // Odoo is back: the next runs, once the retried row is due, write every ledger row once.
    const up = createOdooAdapter(connection(sim.url), { clock, logger });
    const back = buildPerformers({
      config,
      store,
      clock,
      logger,
      legal: runtime.legal,
      connections: new Map([[CONNECTION, { adapter: up, settings: {} }]]),
    });
    try {
      now = new Date(now.getTime() + 60 * 60_000);
      const result = await dispatchActions({
        store,
        clock,
        logger,
        performers: back.performers,
        connections: [CONNECTION],
        random: () => 0.5,
      });
      expect(result).toMatchObject({ done: notes.length, retried: 0, failed: 0 });
      expect(result.stopped).toBeUndefined();
    } finally {
      await back.close();
    }
    expect(smtp.received).toHaveLength(emails.length);
  }, 120_000);

  it('Odoo stopped (connection refused): the e-mails go out in the same run, the ERP lane stops after one row', async () => {
    const emails = await pending('email');
    const notes = [
      ...(await pending('ledger_note')),
      ...(await pending('ledger_activity')),
      ...(await pending('phone_task')),
    ];
    const down = createOdooAdapter(connection(`http://127.0.0.1:${await closedPort()}`), { clock, logger });
    const performers = buildPerformers({
      config: configFor(smtp.port),
      store,
      clock,
      logger,
      legal: runtime.legal,
      connections: new Map([[CONNECTION, { adapter: down, settings: {} }]]),
    });
    try {
      const result = await dispatchActions({
        store,
        clock,
        logger,
        performers: performers.performers,
        connections: [CONNECTION],
        random: () => 0.5,
      });
      expect(result).toMatchObject({
        done: emails.length,
        retried: 1,
        failed: 0,
        stopped: [{ lane: `erp:${CONNECTION}`, reason: expect.stringMatching(/^ODOO_UNREACHABLE/) }],
      });
      expect(smtp.received).toHaveLength(emails.length);
      const ledgerRows = await Promise.all(notes.map(async (a) => (await store.outbox.getAction(a.id))!));
      expect(ledgerRows.filter((a) => a.attempts > 0)).toHaveLength(1);
      expect(ledgerRows.every((a) => a.status === 'pending')).toBe(true);
    } finally {
      await performers.close();
    }
  }, 120_000);
});
