import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import {
  chromium,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Page,
  type Response,
} from 'playwright-core';
import winston from 'winston';
import { startDaemon, type RunningDaemon } from '../../connector/app/cli/run-command';
import { describeWithService } from '../helpers/service-suite';

/**
 * The dashboard in Debian's Chromium, on the demo's data, as the people of the demo use it:
 * the built page under its strict Content-Security-Policy, signing in through the form, the
 * figures checked against the JSON API the page reads, an escalation approved and found in the
 * API and the journal, a viewer refused, every screen reached by keyboard, checked by axe-core
 * and kept as a screenshot.
 *
 * The demo's clock runs two days a second, so the data moves under the page. A figure on the page
 * is compared with the API only when the API answered the same before and after the page was
 * loaded and read; otherwise the page is loaded again, until a deadline.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
/** Under dist/ (git-ignored), so that CI can keep it as an artefact. */
const ARTIFACTS = join(__dirname, '..', '..', 'dist', 'test-artifacts', 'browser');
/** What the page shows in French, the dashboard's default language (templates/fr.json). */
const FR = {
  casesOnPage: 'Dossiers sur cette page :',
  noCase: 'Aucun dossier ne correspond à ces filtres.',
  approved: 'validé',
};

interface Kpis {
  asOf: string;
  currencies: {
    currency: string;
    receivables: number;
    overdue: number;
    stages: { stage: string; cases: number }[];
    funnel: { steps: { step: string; cases: number }[] };
    recoveredBy: { channels: { channel: string; amount: number }[] };
  }[];
}
interface WorklistItem {
  caseId: string;
  stage: string;
  daysOverdue: number;
}
interface WorklistPage {
  items: WorklistItem[];
  next: string | null;
}
interface JournalEntry {
  seq: number;
  type: string;
  summary: string;
  actor: { kind: string; id: string };
}
interface JournalPage {
  entries: JournalEntry[];
  next: number | null;
}
interface Approval {
  caseId: string;
}
interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

/**
 * An amount in minor units as fr-FR writes it: U+202F between thousands, a decimal comma, U+00A0
 * before the symbol. Written out here rather than through Intl, so that the page's formatting is
 * checked against another way of writing it.
 */
function frMoney(minor: number, currency: string): string {
  const digits = currency === 'TND' ? 3 : currency === 'JPY' ? 0 : 2;
  const symbol = ({ EUR: '€', USD: '$US' } as Record<string, string>)[currency] ?? currency;
  const abs = Math.abs(minor);
  const units = String(Math.floor(abs / 10 ** digits)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  const fraction = digits === 0 ? '' : `,${String(abs % 10 ** digits).padStart(digits, '0')}`;
  return `${minor < 0 ? '-' : ''}${units}${fraction}\u00a0${symbol}`;
}

/** A whole number as the page writes it in French ("1 234"). */
function frInteger(text: string): number {
  return Number(text.replace(/[\s\u00a0\u202f]/g, ''));
}

/** What the tests read of the page's elements (the root project has no DOM types). */
interface DomNode {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomNode | null;
}
interface DomRow extends DomNode {
  cells: ArrayLike<DomNode | undefined>;
}

/** The focused element, read in the page (the root project has no DOM types: the page runs this). */
const FOCUSED = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    testid: el.getAttribute('data-testid'),
    id: el.id,
    text: (el.textContent || '').trim().slice(0, 40),
    onScreen: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.right <= innerWidth,
    focusVisible: el.matches(':focus-visible'),
    outline: style.outlineStyle + ' ' + style.outlineWidth,
  };
})()`;
interface Focused {
  tag: string;
  testid: string | null;
  id: string;
  text: string;
  onScreen: boolean;
  focusVisible: boolean;
  outline: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithService(
  {
    name: 'Chromium',
    available: () => existsSync(CHROMIUM),
    where: CHROMIUM,
    why: " (Debian's chromium package; .ci/run installs it)",
  },
  'the dashboard in Chromium, on the demo',
  () => {
    let running: RunningDaemon | undefined;
    let browser: Browser | undefined;
    let demoRoot: string | undefined;
    let base = '';
    let token = '';
    const passwords: Record<string, string> = {};
    /** Claire's page and context: signed in by the first test, used by the following ones. */
    let claire: { context: BrowserContext; page: Page };
    const pageErrors: string[] = [];
    /**
     * Answers the tests provoke, or that the page asks for by design (GET /api/session answers 401
     * before anyone signed in): Chromium logs each as a console error, which is then expected.
     */
    const expectedFailures: { status: number; path: string }[] = [];
    /** Console errors a test provokes on purpose, each allowed once. */
    const expectedConsole: RegExp[] = [];
    /** The daemon's errors, told when an API call fails. */
    const daemonLog: string[] = [];

    async function newSignedOutPage(who: string): Promise<{ context: BrowserContext; page: Page }> {
      const context = await browser!.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      let signedIn = false;
      page.on('pageerror', (e) => pageErrors.push(`${who}: uncaught ${e.name}: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        const failed = /^Failed to load resource: the server responded with a status of (\d+)/.exec(m.text());
        if (failed) {
          const path = new URL(m.location().url).pathname;
          const status = Number(failed[1]);
          const expected = expectedFailures.findIndex((e) => e.status === status && e.path === path);
          if (expected >= 0) return void expectedFailures.splice(expected, 1);
          if (status === 401 && path === '/api/session' && !signedIn) return;
        }
        const expected = expectedConsole.findIndex((e) => e.test(m.text()));
        if (expected >= 0) return void expectedConsole.splice(expected, 1);
        pageErrors.push(`${who}: console error: ${m.text()} (${m.location().url})`);
      });
      page.on('requestfailed', (r) => {
        // A reload abandons the page's calls in flight: that is the reload, not the page.
        if (r.failure()?.errorText !== 'net::ERR_ABORTED')
          pageErrors.push(`${who}: ${r.method()} ${r.url()} failed: ${r.failure()?.errorText ?? '?'}`);
      });
      page.on('response', (r) => {
        if (r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/session' && r.ok()) signedIn = true;
      });
      return { context, page };
    }

    async function signIn(page: Page, username: string): Promise<void> {
      await page.getByTestId('sign-in-username').fill(username);
      await page.getByTestId('sign-in-password').fill(passwords[username]!);
      await page.getByTestId('sign-in-password').press('Enter');
      await page.getByTestId('user').waitFor();
    }

    async function apiGet<T>(request: APIRequestContext, path: string): Promise<T> {
      const answer = await request.get(`${base}/api${path}`);
      if (!answer.ok())
        throw new Error(`GET /api${path} answered ${answer.status()}: ${await answer.text()}\n${daemonLog.join('\n')}`);
      return (await answer.json()) as T;
    }

    /** As a machine: the demo's bearer token. */
    async function tokenGet<T>(path: string): Promise<T> {
      const answer = await fetch(`${base}/api${path}`, { headers: { Authorization: `Bearer ${token}` } });
      if (!answer.ok)
        throw new Error(`GET /api${path} answered ${answer.status}: ${await answer.text()}\n${daemonLog.join('\n')}`);
      return (await answer.json()) as T;
    }

    async function wholeJournal(caseId: string): Promise<JournalEntry[]> {
      const entries: JournalEntry[] = [];
      let after: number | null = null;
      do {
        const page: JournalPage = await tokenGet<JournalPage>(
          `/cases/${encodeURIComponent(caseId)}/journal?limit=1000${after === null ? '' : `&after=${after}`}`,
        );
        entries.push(...page.entries);
        after = page.next;
      } while (after !== null);
      return entries;
    }

    /**
     * The answers the page itself received while `act` ran, from the API addresses `asked`
     * accepts, in order. The page's text is compared with them: with the demo's clock
     * running two days a second, a separate call to the API may already see other figures than
     * the ones the page was given, and more so on a loaded machine.
     */
    async function answersDuring<T>(page: Page, asked: (url: URL) => boolean, act: () => Promise<void>): Promise<T[]> {
      const bodies: Promise<T>[] = [];
      const listen = (response: Response) => {
        if (asked(new URL(response.url()))) bodies.push(response.json() as Promise<T>);
      };
      page.on('response', listen);
      try {
        await act();
      } finally {
        page.off('response', listen);
      }
      return Promise.all(bodies);
    }

    async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = await probe();
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
        await sleep(250);
      }
    }

    async function screenshot(page: Page, name: string): Promise<void> {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    }

    beforeAll(async () => {
      rmSync(ARTIFACTS, { recursive: true, force: true });
      mkdirSync(ARTIFACTS, { recursive: true });
      console.info(`browser test screenshots: ${ARTIFACTS}`);
      demoRoot = mkdtempSync(join(tmpdir(), 'recouvra-browser-'));
      const dataDir = join(demoRoot, 'demo');
      const discard = () => new Writable({ write: (_chunk: Buffer, _encoding, done) => done() });
      const [started, launched] = await Promise.all([
        startDaemon({ clockSpeed: 2 * 86_400, demoInvoices: 150, seed: 2, dataDir, manualApproval: true }, discard(), {
          log: {
            level: 'warn',
            format: 'json',
            transport: new winston.transports.Stream({
              stream: new Writable({
                write: (chunk: Buffer, _encoding, done) => {
                  const line = chunk.toString('utf8').trim();
                  if ((JSON.parse(line) as { level: string }).level === 'error') daemonLog.push(line);
                  done();
                },
              }),
            }),
          },
        }),
        chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
      ]);
      running = started;
      browser = launched;
      base = new URL(running.apiUrl!).origin;
      token = running.runtime.config.api!.token!;
      for (const line of readFileSync(join(dataDir, 'demo.env'), 'utf8').split('\n')) {
        const m = /^RECOUVRA_DEMO_PASSWORD_([A-Z]+)='(.+)'$/.exec(line);
        if (m) passwords[m[1]!.toLowerCase()] = m[2]!;
      }
      claire = await newSignedOutPage('claire');
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await running?.stop();
      if (demoRoot) rmSync(demoRoot, { recursive: true, force: true });
    }, 60_000);

    it('signs claire in through the form under a CSP without unsafe-eval, and the page raises no error', async () => {
      expect(Object.keys(passwords).sort()).toEqual(['claire', 'lea', 'marc']);
      const { page } = claire;
      const answer = await page.goto(`${base}/`);
      const csp = answer!.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).not.toContain('unsafe-inline');
      // The policy is enforced in this page: a string the page would run as code is refused (the
      // test's own evaluate is not subject to it, but the timer's callback is the page's).
      expectedConsole.push(
        /^Evaluating a string as JavaScript violates the following Content Security Policy directive/,
      );
      expect(
        await page.evaluate<string>(`new Promise((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective + ' ' + e.blockedURI), { once: true });
          setTimeout('window.recouvraEvalRan = true');
          setTimeout(() => resolve(window.recouvraEvalRan ? 'ran' : 'neither ran nor was refused'), 2000);
        })`),
      ).toBe('script-src eval');
      await page.getByTestId('sign-in').waitFor();
      await page.getByTestId('sign-in-username').pressSequentially('claire');
      await page.getByTestId('sign-in-password').pressSequentially(passwords['claire']!);
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('overview').waitFor();
      await page.getByTestId('kpi-open').first().waitFor();
      expect(new URL(page.url()).hash).toBe('#/');
      expect(await page.getByTestId('user').textContent()).toContain('Claire Martin');
      expect(pageErrors).toEqual([]);
    }, 30_000);

    it("shows on the overview each currency's open and overdue amounts, its funnel and what reminders recovered, as /api/kpis gives them", async () => {
      const { page } = claire;
      const answers = await answersDuring<Kpis>(
        page,
        (url) => url.pathname === '/api/kpis',
        async () => {
          await page.reload();
          await page.getByTestId('kpi-open').first().waitFor();
        },
      );
      expect(answers).toHaveLength(1);
      const api = answers[0]!.currencies.map((c) => ({
        currency: c.currency,
        open: c.receivables,
        overdue: c.overdue,
        reminded: c.funnel.steps.find((x) => x.step === 'reminded')!.cases,
        recovered: c.funnel.steps.find((x) => x.step === 'recovered')!.cases,
        byReminders: c.recoveredBy.channels.find((x) => x.channel === 'reminders')!.amount,
      }));
      const shown = await page.locator('section.currency').evaluateAll((sections: DomNode[]) =>
        sections.map((s) => ({
          testid: s.getAttribute('data-testid'),
          open: s.querySelector('[data-testid=kpi-open] dd.figure')?.textContent,
          overdue: s.querySelector('[data-testid=kpi-overdue] dd.figure')?.textContent,
          reminded: s.querySelector('tr[data-step=reminded] td')?.textContent,
          recovered: s.querySelector('tr[data-step=recovered] td')?.textContent,
          byReminders: s.querySelector('tr[data-channel=reminders] td')?.textContent,
        })),
      );
      expect(api.length).toBeGreaterThan(0);
      expect(shown).toEqual(
        api.map((c) => ({
          testid: `currency-${c.currency}`,
          open: frMoney(c.open, c.currency),
          overdue: frMoney(c.overdue, c.currency),
          reminded: new Intl.NumberFormat('fr-FR').format(c.reminded),
          recovered: new Intl.NumberFormat('fr-FR').format(c.recovered),
          byReminders: frMoney(c.byReminders, c.currency),
        })),
      );
      // By then the demo has reminded cases, and the ledger has recorded payments on some.
      expect(api.some((c) => c.reminded > 0 && c.byReminders > 0)).toBe(true);
      // The page's text carries the French spaces themselves, not plain ones.
      const euros = shown.find((s) => s.testid === 'currency-EUR');
      expect(euros?.open).toMatch(/^\d{1,3}(\u202f\d{3})+,\d{2}\u00a0€$/);
    }, 30_000);

    it('filters the worklist by stage and days overdue: every row meets the filter, and the rows are the API’s', async () => {
      const { page } = claire;
      // A filter that keeps some cases and leaves others out: the commonest stage on the first
      // page, and the median lateness of its cases.
      const all = await apiGet<WorklistPage>(page.request, '/worklist?limit=50');
      const byStage = new Map<string, number[]>();
      for (const item of all.items) byStage.set(item.stage, [...(byStage.get(item.stage) ?? []), item.daysOverdue]);
      const [stage, days] = [...byStage.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
      const minDays = [...days].sort((a, b) => a - b)[Math.floor(days.length / 2)]!;

      await page.getByTestId('nav-worklist').click();
      await page.getByTestId('worklist').waitFor();
      const stageLabel = (await page.locator(`[data-testid=filter-stage] option[value="${stage}"]`).textContent())!;
      await page.getByTestId('filter-stage').selectOption(stage);
      await page.getByTestId('filter-min-days').fill(String(minDays));
      await page.getByTestId('filter-apply').click();
      await page.waitForURL(
        (url) => url.hash.includes(`stage=${stage}`) && url.hash.includes(`minDaysOverdue=${minDays}`),
      );

      const status = page.getByTestId('worklist').getByTestId('status');
      const readRows = () =>
        page
          .getByTestId('worklist-table')
          .locator('tbody tr')
          .evaluateAll((rows: DomRow[]) =>
            rows.map((r) => ({
              caseId: r.getAttribute('data-case-id'),
              stage: r.cells[1]?.textContent,
              days: r.cells[4]?.textContent ?? '',
            })),
          );
      const asksTheFilter = (url: URL) =>
        url.pathname === '/api/worklist' &&
        url.searchParams.get('stage') === stage &&
        url.searchParams.get('minDaysOverdue') === String(minDays);
      const pages: Awaited<ReturnType<typeof readRows>>[] = [];
      let more = false;
      const answers = await answersDuring<WorklistPage>(page, asksTheFilter, async () => {
        await page.reload();
        await status.filter({ hasText: new RegExp(`^(${FR.casesOnPage}|${FR.noCase})`) }).waitFor();
        pages.push(await readRows());
        more = await page.getByTestId('page-next').isEnabled();
        if (more) {
          await page.getByTestId('page-next').click();
          await page.getByTestId('page-number').filter({ hasText: '2' }).waitFor();
          await status.filter({ hasText: new RegExp(`^(${FR.casesOnPage}|${FR.noCase})`) }).waitFor();
          pages.push(await readRows());
          more = await page.getByTestId('page-next').isEnabled();
        }
      });
      // The page asked with the filter and order of its address: one answer per page shown.
      expect(answers).toHaveLength(pages.length);
      expect(pages[0]!.length).toBeGreaterThan(0);
      expect(pages[0]!.length).toBeLessThan(all.items.length);
      expect(await status.textContent()).toBe(`${FR.casesOnPage} ${pages[pages.length - 1]!.length}`);
      for (const row of pages.flat()) {
        expect(row.stage).toBe(stageLabel);
        expect(frInteger(row.days)).toBeGreaterThanOrEqual(minDays);
      }
      expect(pages.map((rows) => rows.map((r) => r.caseId))).toEqual(answers.map((a) => a.items.map((i) => i.caseId)));
      // The page offers a next page exactly when the API has one after the last page read.
      expect(more).toBe(answers[answers.length - 1]!.next !== null);
      await screenshot(page, 'worklist-filtered');
    }, 45_000);

    it('opens a case from the worklist and shows its journal as the API gives it', async () => {
      const { page } = claire;
      await page.goto(`${base}/#/worklist`);
      const link = page.getByTestId('worklist-table').getByTestId('case-link').first();
      await link.waitFor();
      const name = (await link.textContent())!;
      await link.click();
      await page.getByTestId('case-screen').waitFor();
      const caseId = decodeURIComponent(/^#\/cases\/(.+)$/.exec(new URL(page.url()).hash)![1]!);
      const entries = page.getByTestId('journal').locator('ol.timeline > li');
      const answers = await answersDuring<JournalPage>(
        page,
        (url) => url.pathname === `/api/cases/${encodeURIComponent(caseId)}/journal`,
        async () => {
          await page.reload();
          await page.getByTestId('debtor-name').waitFor();
          await entries.first().waitFor();
        },
      );
      expect(answers).toHaveLength(1);
      const api = answers[0]!.entries.map((e) => ({ type: e.type, summary: e.summary }));
      const shown = await entries.evaluateAll((items: DomNode[]) =>
        items.map((li) => ({ type: li.getAttribute('data-type'), summary: li.querySelector('p')?.textContent })),
      );
      expect(await page.getByTestId('debtor-name').textContent()).toBe(name);
      expect(api.length).toBeGreaterThan(0);
      expect(shown).toEqual(api);
    }, 30_000);

    it('approves an escalation in the approvals screen: the API no longer lists it, and the journal names claire', async () => {
      const { page } = claire;
      // The fast clock brings formal notices to their end within seconds; two are waited for, so
      // that one is left for the viewer's test.
      await waitFor('two escalations waiting for approval', 45_000, async () => {
        const { approvals } = await tokenGet<{ approvals: Approval[] }>('/approvals?limit=50');
        return approvals.length >= 2 ? approvals : undefined;
      });
      const result = page.getByTestId('results').locator('li');
      let caseId: string;
      for (let attempt = 1; ; attempt++) {
        await page.goto(`${base}/#/approvals`);
        await page.reload();
        const first = page.getByTestId('approvals').locator('article[data-case-id]').first();
        await first.waitFor();
        caseId = (await first.getAttribute('data-case-id'))!;
        const name = (await first.locator('h2').textContent())!.trim();
        await first.getByTestId('approve').click();
        const confirm = page.getByTestId('approval-confirm');
        await confirm.waitFor();
        expect(await confirm.locator('#approval-confirm-text').textContent()).toContain(name);
        await screenshot(page, 'approvals-confirm');
        // The demo's clock may settle the case between the list and the click: the API then
        // refuses the approval (409, "not awaiting approval"), as it must, and another case is taken.
        const conflict = { status: 409, path: `/api/cases/${encodeURIComponent(caseId)}/approve` };
        expectedFailures.push(conflict);
        await page.getByTestId('approval-confirm-yes').click();
        await result.first().waitFor();
        const said = await result.allTextContents();
        if (attempt < 4 && /not awaiting approval/.test(said.join(' '))) continue;
        const unused = expectedFailures.indexOf(conflict);
        if (unused >= 0) expectedFailures.splice(unused, 1);
        expect(said).toEqual([`${name}: ${FR.approved}`]);
        break;
      }
      expect(await result.first().getAttribute('class')).toBe('success');
      await page.locator(`article[data-case-id="${caseId}"]`).waitFor({ state: 'detached' });

      const { approvals } = await tokenGet<{ approvals: Approval[] }>('/approvals?limit=500');
      expect(approvals.map((a) => a.caseId)).not.toContain(caseId);
      const approved = (await wholeJournal(caseId)).filter((e) => e.type === 'approved');
      expect(approved.map((e) => e.actor)).toEqual([{ kind: 'user', id: 'claire' }]);
    }, 75_000);

    it('refuses a viewer: lea sees no approve control, and her approval is refused with her CSRF token and without it', async () => {
      const lea = await newSignedOutPage('lea');
      const { page } = lea;
      try {
        await page.goto(`${base}/#/approvals`);
        await signIn(page, 'lea');
        expect(await page.getByTestId('user').textContent()).toContain('Léa Bernard');
        const pending = await waitFor('an escalation waiting for approval', 30_000, async () => {
          const { approvals } = await tokenGet<{ approvals: Approval[] }>('/approvals?limit=50');
          return approvals[0];
        });
        await page.reload();
        await page.getByTestId('approvals').locator('article[data-case-id]').first().waitFor();
        expect(await page.getByTestId('approver-only').isVisible()).toBe(true);
        for (const control of ['approve', 'reject', 'select', 'approve-selected', 'reject-selected'])
          expect(await page.getByTestId(control).count()).toBe(0);
        await screenshot(page, 'approvals-viewer');

        const path = `/api/cases/${encodeURIComponent(pending.caseId)}/approve`;
        expectedFailures.push({ status: 403, path }, { status: 403, path });
        const post = (withToken: boolean) =>
          page.evaluate(
            async ({ path, withToken }) => {
              const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
              const answer = await fetch(path, {
                method: 'POST',
                headers: withToken ? { 'X-CSRF-Token': session.csrfToken } : {},
              });
              return { status: answer.status, body: (await answer.json()) as { error: { code: string } } };
            },
            { path, withToken },
          );
        const refused = await post(true);
        expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
        const forged = await post(false);
        expect([forged.status, forged.body.error.code]).toEqual([403, 'CSRF_TOKEN_INVALID']);
        const journal = await wholeJournal(pending.caseId);
        expect(journal.filter((e) => e.actor.id === 'lea')).toEqual([]);
      } finally {
        await lea.context.close();
      }
    }, 60_000);

    it('signs in and reaches the worklist with the keyboard only, the focus visible at each step', async () => {
      const marc = await newSignedOutPage('marc');
      const { page } = marc;
      try {
        await page.goto(`${base}/`);
        await page.getByTestId('sign-in').waitFor();
        const path: string[] = [];
        /** Moves the focus with `key` until it is on `target`, checking each stop. */
        const tabTo = async (key: 'Tab' | 'Shift+Tab', target: string, most: number) => {
          let previous = await page.evaluate<Focused | null>(FOCUSED);
          for (let n = 0; n < most; n++) {
            await page.keyboard.press(key);
            const now = await page.evaluate<Focused | null>(FOCUSED);
            const where = now ? (now.testid ?? now.id) || `${now.tag} "${now.text}"` : 'nothing';
            path.push(where);
            expect({ where, moved: !isDeepStrictEqual(now, previous) }).toEqual({ where, moved: true });
            expect({ where, onScreen: now?.onScreen, focusVisible: now?.focusVisible }).toEqual({
              where,
              onScreen: true,
              focusVisible: true,
            });
            expect({ where, outline: now?.outline }).toEqual({ where, outline: 'solid 3px' });
            if (now?.testid === target) return;
            previous = now;
          }
          throw new Error(`${target} not reached in ${most} presses of ${key}: ${path.join(' → ')}`);
        };
        await tabTo('Tab', 'sign-in-username', 4);
        await page.keyboard.type('marc');
        await tabTo('Tab', 'sign-in-password', 1);
        await page.keyboard.type(passwords['marc']!);
        await page.keyboard.press('Enter');
        await page.getByTestId('overview').waitFor();
        // The new screen takes the focus (main), and the navigation is just before it.
        await waitFor('the focus on the main region', 5_000, async () =>
          (await page.evaluate<Focused | null>(FOCUSED))?.id === 'main' ? true : undefined,
        );
        await tabTo('Shift+Tab', 'nav-worklist', 6);
        await page.keyboard.press('Enter');
        await page.getByTestId('worklist').waitFor();
        expect(new URL(page.url()).hash).toBe('#/worklist');
        await waitFor('the focus on the worklist', 5_000, async () =>
          (await page.evaluate<Focused | null>(FOCUSED))?.id === 'main' ? true : undefined,
        );
        await tabTo('Tab', 'filter-q', 1);
      } finally {
        await marc.context.close();
      }
    }, 45_000);

    describe('each screen: no moderate, serious or critical axe-core violation, and a screenshot', () => {
      const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
      /** Injected with evaluate, which the page's CSP does not govern: the app's own scripts still run under it. */
      async function axe(page: Page): Promise<AxeResult['violations']> {
        await page.evaluate(axeSource);
        const result = await page.evaluate<AxeResult>(
          `axe.run(document, { resultTypes: ['violations'] }).then((r) => ({ violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })) }))`,
        );
        return result.violations.filter((v) => v.impact !== 'minor');
      }
      const report = (violations: AxeResult['violations']) =>
        violations.map(
          (v) => `${v.impact ?? '?'} ${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
        );

      it('sign-in', async () => {
        const visitor = await newSignedOutPage('visitor');
        try {
          await visitor.page.goto(`${base}/`);
          await visitor.page.getByTestId('sign-in').waitFor();
          await screenshot(visitor.page, '1-sign-in');
          expect(report(await axe(visitor.page))).toEqual([]);
        } finally {
          await visitor.context.close();
        }
      }, 30_000);

      const screens: [string, () => Promise<string>, (page: Page) => Promise<void>][] = [
        [
          '2-overview',
          async () => '/',
          async (page) => {
            await page.getByTestId('kpi-open').first().waitFor();
          },
        ],
        [
          '3-worklist',
          async () => '/worklist',
          async (page) => {
            await page
              .getByTestId('worklist')
              .getByTestId('status')
              .filter({ hasText: new RegExp(`^(${FR.casesOnPage}|${FR.noCase})`) })
              .waitFor();
          },
        ],
        [
          '4-case',
          async () => {
            const { items } = await tokenGet<WorklistPage>('/worklist?limit=1');
            return `/cases/${encodeURIComponent(items[0]!.caseId)}`;
          },
          async (page) => {
            await page.getByTestId('debtor-name').waitFor();
            await page.getByTestId('journal').locator('ol.timeline > li').first().waitFor();
          },
        ],
        [
          '5-approvals',
          async () => '/approvals',
          async (page) => {
            await page.getByTestId('approvals').locator('article[data-case-id]').first().waitFor();
          },
        ],
        [
          '6-health',
          async () => '/health',
          async (page) => {
            await page.getByTestId('connections').locator('table').waitFor();
            await page.getByTestId('health').locator('p.status').first().waitFor({ state: 'detached' });
          },
        ],
      ];
      it.each(screens)(
        '%s',
        async (name, route, ready) => {
          const { page } = claire;
          await page.goto(`${base}/#${await route()}`);
          await page.reload();
          await ready(page);
          await screenshot(page, name);
          expect(report(await axe(page))).toEqual([]);
        },
        30_000,
      );
    });

    it('raised no page error and logged no console error in any page of the run', () => {
      expect(pageErrors).toEqual([]);
    });
  },
);
