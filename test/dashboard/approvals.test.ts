import { buildToTemp, openPage, sessionOf, type ApiCall, type Built, type FakeAnswer, type Page } from './page-harness';

/** Approvals, run from the built bundle: the gate's conditions before approving, one or several, and roles. */

let built: Built;
beforeAll(async () => {
  built = await buildToTemp();
});
afterAll(() => built.remove());

let page: Page | undefined;
afterEach(() => {
  page?.close();
  page = undefined;
});

function approval(n: number, over: Record<string, unknown> = {}) {
  return {
    caseId: `case_${n}`,
    debtor: { id: `d${n}`, name: `Debtor ${n} SAS`, kind: 'company' },
    step: { id: 'escalate', kind: 'escalation', channels: [] },
    decidedOn: '2026-12-01',
    decisionId: `dec_${n}`,
    decidedAt: '2026-12-01T08:00:00Z',
    amounts: { currency: 'EUR', open: 500000, overdue: 500000, credit: 0 },
    itemIds: ['rcv_1', 'rcv_2'],
    manualPause: null,
    ...over,
  };
}

const decisionEntry = (n: number) => ({
  seq: 7,
  caseId: `case_${n}`,
  at: '2026-12-01T08:00:00Z',
  actor: { kind: 'system', id: 'policy:default@1' },
  type: 'decision',
  summary: 'escalate decided',
  data: {
    decisionId: `dec_${n}`,
    reasons: [
      { code: 'STEP_DUE', message: 'the step is due' },
      { code: 'ESCALATION_CONDITION_MET', message: 'formal_notice_expired: the notice of 1 Nov expired on 9 Nov' },
      { code: 'ESCALATION_CONDITION_FAILED', message: 'worth_the_cost: 50,00 € is under the threshold' },
    ],
  },
});

function api(
  role: 'viewer' | 'controller' | 'approver',
  over: (call: ApiCall) => FakeAnswer | undefined = () => undefined,
) {
  return (call: ApiCall): FakeAnswer | undefined => {
    const answer = over(call);
    if (answer) return answer;
    if (call.path === '/api/session') return { status: 200, body: sessionOf(role) };
    if (call.path === '/api/approvals')
      return { status: 200, body: { approvals: [approval(1), approval(2)], next: null } };
    const journal = /^\/api\/cases\/case_(\d)\/journal$/.exec(call.path);
    if (journal) {
      // The decision is on the second page: the screen follows `next`.
      if (call.query.get('after') === null)
        return { status: 200, body: { entries: [{ ...decisionEntry(9), type: 'case_opened', seq: 1 }], next: 1 } };
      return { status: 200, body: { entries: [decisionEntry(Number(journal[1]))], next: null } };
    }
    if (call.method === 'POST') return { status: 200, body: {} };
    return undefined;
  };
}

const posts = (p: Page) => p.calls.filter((c) => c.method === 'POST');

describe('approvals', () => {
  it('shows no approve or reject control to a viewer or a controller', async () => {
    for (const role of ['viewer', 'controller'] as const) {
      page = await openPage(built, { lang: 'en', hash: '#/approvals', api: api(role) });
      await page.waitFor('[data-case-id=case_1]');
      expect(page.$('[data-testid=approve]')).toBeNull();
      expect(page.$('[data-testid=reject]')).toBeNull();
      expect(page.$('[data-testid=select]')).toBeNull();
      expect(page.$('[data-testid=approver-only]')).not.toBeNull();
      page.close();
      page = undefined;
    }
  });

  it('shows the gate’s conditions from the decision’s journal entry before an approval is confirmed', async () => {
    page = await openPage(built, { lang: 'en', hash: '#/approvals', api: api('approver') });
    await page.waitFor('[data-case-id=case_1] [data-testid=approve]');
    page.click('[data-case-id=case_1] [data-testid=approve]');
    await page.waitFor('[data-testid=approval-confirm] [data-testid=gate-conditions]');
    expect(page.calls.filter((c) => c.path === '/api/cases/case_1/journal').map((c) => c.query.get('after'))).toEqual([
      null,
      '1',
    ]);
    const conditions = page.$$('[data-testid=approval-confirm] [data-testid=gate-conditions] li');
    expect(
      conditions.map((li) => [li.getAttribute('data-pass'), (li.textContent ?? '').replace(/\s+/g, ' ').trim()]),
    ).toEqual([
      ['yes', 'Met: The formal notice has expired — the notice of 1 Nov expired on 9 Nov'],
      ['no', 'Not met: Worth the cost of a procedure — 50,00 € is under the threshold'],
    ]);
    expect(posts(page)).toHaveLength(0);
    page.click('[data-testid=approval-confirm-yes]');
    await page.waitFor('[data-testid=results]');
    expect(posts(page).map((c) => [c.url, c.headers['x-csrf-token']])).toEqual([
      ['/api/cases/case_1/approve', 'csrf-approver'],
    ]);
    expect(page.text('[data-testid=results] li')).toBe('Debtor 1 SAS: approved');
  });

  it('rejects the selected approvals only with a reason, one call per case, each answer reported', async () => {
    page = await openPage(built, {
      lang: 'en',
      hash: '#/approvals',
      api: api('approver', (call) =>
        call.url === '/api/cases/case_2/reject'
          ? {
              status: 409,
              body: { error: { code: 'NOT_AWAITING_APPROVAL', message: 'case case_2 is not awaiting approval' } },
            }
          : undefined,
      ),
    });
    await page.waitFor('[data-case-id=case_2] [data-testid=select]');
    expect(page.$('[data-testid=reject-selected]')?.hasAttribute('disabled')).toBe(true);
    page.click('[data-case-id=case_1] [data-testid=select]');
    page.click('[data-case-id=case_2] [data-testid=select]');
    await page.waitUntil(
      () => page!.text('[data-testid=reject-selected]') === 'Reject the selected (2)',
      'the selection',
    );
    page.click('[data-testid=reject-selected]');
    await page.waitFor('[data-testid=reject-reason]');
    page.click('[data-testid=approval-confirm-yes]');
    await page.waitFor('[data-testid=confirm-error]');
    expect(page.text('[data-testid=confirm-error]')).toBe('A rejection needs its reason.');
    expect(posts(page)).toHaveLength(0);
    page.fill('[data-testid=reject-reason]', 'the debtor paid by cheque');
    page.click('[data-testid=approval-confirm-yes]');
    await page.waitFor('[data-testid=results]');
    expect(posts(page).map((c) => [c.url, c.body])).toEqual([
      ['/api/cases/case_1/reject', { reason: 'the debtor paid by cheque' }],
      ['/api/cases/case_2/reject', { reason: 'the debtor paid by cheque' }],
    ]);
    expect(page.$$('[data-testid=results] li').map((li) => [li.getAttribute('class'), li.textContent])).toEqual([
      ['success', 'Debtor 1 SAS: rejected'],
      ['error', 'Debtor 2 SAS: case case_2 is not awaiting approval'],
    ]);
  });

  it('shows the recommended procedure and court when the API gives them with the approval', async () => {
    page = await openPage(built, {
      lang: 'fr',
      hash: '#/approvals',
      api: api('approver', (call) =>
        call.path === '/api/approvals'
          ? {
              status: 200,
              body: {
                approvals: [
                  approval(1, {
                    recommendation: {
                      procedure: 'injonction_de_payer',
                      court: { kind: 'tribunal_de_commerce', territory: 'Nantes' },
                      reasons: ['créance contractuelle'],
                    },
                    gate: { pass: true, conditions: [{ id: 'not_disputed', pass: true, reason: 'aucun litige' }] },
                  }),
                ],
                next: null,
              },
            }
          : undefined,
      ),
    });
    await page.waitFor('[data-testid=recommended-procedure]');
    expect(page.text('[data-testid=recommended-procedure]')).toBe('Injonction de payer');
    expect(page.text('[data-testid=recommended-court]')).toBe('Tribunal de commerce — Nantes');
    page.click('[data-testid=approve]');
    await page.waitFor('[data-testid=approval-confirm] [data-testid=gate-conditions]');
    expect(page.text('[data-testid=approval-confirm] [data-testid=gate-conditions] li')).toBe(
      'Remplie : Non contestée — aucun litige',
    );
    // The gate came with the approval: no journal read.
    expect(page.calls.some((c) => c.path.endsWith('/journal'))).toBe(false);
  });
});
