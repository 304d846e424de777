import { NBSP, NNBSP } from './fixtures';
import { buildToTemp, openPage, sessionOf, type ApiCall, type Built, type FakeAnswer, type Page } from './page-harness';

/** The case screen, run from the built bundle: what it reads from the case's routes, and the actions it posts. */

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

const CASE = 'case_abc';

function item(id: string, number: string, over: Record<string, unknown> = {}) {
  return {
    id,
    kind: 'invoice',
    number,
    issueDate: '2026-08-01',
    dueDate: '2026-09-01',
    currency: 'EUR',
    total: 150000,
    open: 123456,
    disputed: null,
    excluded: null,
    promiseToPay: null,
    paymentPlan: null,
    ...over,
  };
}

function detail(paused = false) {
  return {
    case: {
      id: CASE,
      debtorId: 'd1',
      companyId: 'co1',
      currency: 'EUR',
      stage: 'formal_notice',
      manualPause: paused ? { reason: 'talks with the buyer', until: '2026-12-20' } : null,
      pendingApproval: null,
      lastContactOn: null,
      openedAt: '2026-09-02T08:00:00Z',
    },
    debtor: { id: 'd1', name: 'Boulangerie Martin SARL', kind: 'company' },
    items: [
      item('rcv_1', 'INV/2026/0001'),
      item('rcv_2', 'INV/2026/0002', { disputed: { reason: 'goods damaged', since: '2026-11-02' } }),
    ],
    amounts: {
      currency: 'EUR',
      invoices: 246912,
      credit: 0,
      net: 246912,
      overdue: 246912,
      disputed: 123456,
      excluded: 0,
    },
    asOf: '2026-12-06',
  };
}

const journal = {
  entries: [
    {
      seq: 1,
      caseId: CASE,
      at: '2026-09-02T08:00:00Z',
      actor: { kind: 'system', id: 'sync' },
      type: 'case_opened',
      summary: 'case opened with 2 item(s)',
      data: {},
    },
    {
      seq: 2,
      caseId: CASE,
      at: '2026-10-01T08:00:00Z',
      actor: { kind: 'system', id: 'outbox' },
      type: 'action_performed',
      summary: 'phone task created in Odoo',
      data: { actionId: 'act_phone_1', kind: 'phone_task' },
    },
  ],
  next: 2,
};

function api(role: 'viewer' | 'controller', over: (call: ApiCall) => FakeAnswer | undefined = () => undefined) {
  let paused = false;
  return (call: ApiCall): FakeAnswer | undefined => {
    const answer = over(call);
    if (answer) return answer;
    if (call.path === '/api/session') return { status: 200, body: sessionOf(role) };
    if (call.path === `/api/cases/${CASE}`) return { status: 200, body: detail(paused) };
    if (call.path === `/api/cases/${CASE}/journal`)
      return call.query.get('after') === '2'
        ? {
            status: 200,
            body: {
              entries: [
                { ...journal.entries[0], seq: 3, type: 'note', summary: 'a later note', at: '2026-11-01T08:00:00Z' },
              ],
              next: null,
            },
          }
        : { status: 200, body: journal };
    if (call.path === `/api/cases/${CASE}/documents`)
      return {
        status: 200,
        body: {
          documents: [
            {
              id: 'proof:act_1:acknowledgement_of_receipt',
              kind: 'acknowledgement_of_receipt',
              mediaType: 'application/pdf',
              provenAt: '2026-10-05T10:00:00Z',
              createdAt: '2026-10-06T10:00:00Z',
              size: 20480,
              sha256: 'a'.repeat(64),
            },
          ],
        },
      };
    if (call.path === `/api/cases/${CASE}/dossiers`)
      return {
        status: 200,
        body: {
          dossiers: [
            {
              id: 'dos_1',
              partner: 'cabinet-arc',
              fileId: 'ARC-77',
              status: 'accepted',
              state: 'order_issued',
              stateAt: '2026-11-20T10:00:00Z',
              submittedAt: '2026-11-01T10:00:00Z',
              content: {
                recommendedProcedure: 'injonction_de_payer',
                court: { kind: 'tribunal_de_commerce', name: 'Tribunal de commerce de Nantes' },
                deadlines: [
                  { what: 'serve the order', rule: 'within 6 months of the order', article: 'CPC 1411', dueOn: null },
                ],
                claim: { asOf: '2026-11-01', currency: 'EUR', total: 260000 },
              },
              procedureEvents: [
                { id: 'ev1', state: 'accepted', sourceState: 'ACCEPTED', occurredAt: '2026-11-02T10:00:00Z' },
                { id: 'ev2', state: 'order_issued', sourceState: 'IP_RENDUE', occurredAt: '2026-11-20T10:00:00Z' },
              ],
              deadlines: [],
            },
          ],
        },
      };
    if (call.method === 'POST' && call.path.endsWith('/pause')) {
      paused = true;
      return { status: 200, body: {} };
    }
    if (call.method !== 'GET') return { status: 200, body: {} };
    return undefined;
  };
}

const posts = (p: Page) => p.calls.filter((c) => c.method !== 'GET');

describe('case screen', () => {
  it('shows the debtor, the items with their marks, the claim, the journal, the documents and the procedure', async () => {
    page = await openPage(built, { lang: 'fr', hash: `#/cases/${CASE}`, api: api('viewer') });
    await page.waitFor('[data-testid=debtor-name]');
    await page.waitUntil(() => page!.$$('[data-testid=journal] li').length === 2, 'the journal');
    expect(page.text('[data-testid=debtor-name]')).toBe('Boulangerie Martin SARL');
    expect(page.text('[data-testid=case-stage]')).toBe('Mise en demeure');
    expect(page.text('[data-testid=claim-net]')).toBe(`2${NNBSP}469,12${NBSP}€`);
    expect(page.cells('[data-item-id=rcv_2]').slice(0, 6)).toEqual([
      'INV/2026/0002',
      'Facture',
      '1 août 2026',
      '1 sept. 2026',
      `1${NNBSP}500,00${NBSP}€`,
      `1${NNBSP}234,56${NBSP}€`,
    ]);
    expect(page.text('[data-item-id=rcv_2] li')).toBe('En litige depuis le 2 nov. 2026: goods damaged');
    expect(page.$$('[data-testid=journal] li').map((li) => li.getAttribute('data-type'))).toEqual([
      'case_opened',
      'action_performed',
    ]);
    expect(page.text('[data-testid=journal] li')).toContain('Dossier ouvert');
    const doc = page.$('[data-testid=documents] a')!;
    expect(doc.getAttribute('href')).toBe('/api/documents/proof%3Aact_1%3Aacknowledgement_of_receipt');
    expect(doc.hasAttribute('download')).toBe(true);
    const dossier = '[data-dossier-id=dos_1]';
    expect(page.text(`${dossier} h3`)).toBe('Ordonnance rendue — cabinet-arc (ARC-77)');
    expect(page.text(dossier)).toContain('Injonction de payer');
    expect(page.text(dossier)).toContain('Tribunal de commerce de Nantes');
    expect(page.text(`${dossier} [data-testid=deadlines] li`)).toBe(
      'date à venir: serve the order (within 6 months of the order, CPC 1411)',
    );
    expect(page.$$(`${dossier} [data-testid=procedure-events] li`)).toHaveLength(2);
    // Every call under /api, never at the root.
    expect(page.calls.every((c) => c.path.startsWith('/api/'))).toBe(true);

    page.click('[data-testid=journal-more]');
    await page.waitUntil(() => page!.$$('[data-testid=journal] li').length === 3, 'the next journal page');
    expect(page.calls.at(-1)?.url).toBe(`/api/cases/${CASE}/journal?after=2`);
    expect(page.$('[data-testid=journal-more]')).toBeNull();
  });

  it('shows what could be claimed today with interest and indemnity, what is left out, and why there is no claim', async () => {
    const claimAnswer = {
      asOf: '2026-12-06',
      claim: {
        currency: 'EUR',
        rule: 'C. com. L441-10 (between professionals)',
        principal: 246_912,
        interest: 8_143,
        indemnity: 8_000,
        total: 263_055,
        lines: [
          {
            kind: 'invoice',
            number: 'INV/2026/0002',
            dueDate: '2026-09-01',
            principal: 123_456,
            interest: 4_071,
            indemnity: 4_000,
            segments: [{ from: '2026-09-02', to: '2026-12-06', days: 96, ratePercent: '12.15', interest: 4_071 }],
          },
        ],
        warnings: ['FAC-1: payments do not explain the open amount'],
      },
      leftOut: [{ number: 'INV/2026/0009', reason: 'not_yet_due', open: 50_000 }],
    };
    page = await openPage(built, {
      lang: 'en',
      hash: `#/cases/${CASE}`,
      api: api('viewer', (call) =>
        call.path === `/api/cases/${CASE}/claim` ? { status: 200, body: claimAnswer } : undefined,
      ),
    });
    await page.waitFor('[data-testid=legal-claim-total]');
    expect(page.text('[data-testid=legal-claim-total]')).toBe('€2,630.55');
    expect(page.cells('[data-testid=legal-claim-lines] tbody tr')).toEqual([
      'INV/2026/0002',
      '1 Sept 2026',
      '€1,234.56',
      '€40.71',
      '12.15 % × 96 days',
      '€40.00',
    ]);
    expect(page.text('[data-testid=legal-claim] .warnings')).toBe('FAC-1: payments do not explain the open amount');
    expect(page.text('[data-testid=legal-claim-left-out]')).toBe('Left out: INV/2026/0009 (not yet due, €500.00)');

    page.close();
    page = await openPage(built, {
      lang: 'fr',
      hash: `#/cases/${CASE}`,
      api: api('viewer', (call) =>
        call.path === `/api/cases/${CASE}/claim`
          ? {
              status: 200,
              body: { asOf: '2026-12-06', claim: null, leftOut: [], unavailable: 'no rate for 2026-H2' },
            }
          : undefined,
      ),
    });
    await page.waitFor('[data-testid=legal-claim-unavailable]');
    expect(page.text('[data-testid=legal-claim-unavailable]')).toBe('Indisponible : no rate for 2026-H2');
    expect(page.$('[data-testid=legal-claim] [role=alert]')).toBeNull();
  });

  it('says what the ladder does next, and shows nothing when the API cannot say', async () => {
    const next = (body: Record<string, unknown>) =>
      api('viewer', (call) =>
        call.path === `/api/cases/${CASE}/next-step`
          ? { status: 200, body: { asOf: '2026-12-06', reasons: [], ...body } }
          : undefined,
      );
    page = await openPage(built, {
      lang: 'fr',
      hash: `#/cases/${CASE}`,
      api: next({
        status: 'waiting',
        step: { id: 'reminder-2', kind: 'reminder', channels: ['email'], requiresApproval: false },
        dueOn: '2026-12-11',
      }),
    });
    await page.waitFor('[data-testid=next-step]');
    expect(page.text('[data-testid=next-step]')).toBe('Relance (reminder-2), le 11 déc. 2026');

    page.close();
    page = await openPage(built, {
      lang: 'en',
      hash: `#/cases/${CASE}`,
      api: next({ status: 'paused', step: null, dueOn: null, resumesOn: '2026-12-21' }),
    });
    await page.waitFor('[data-testid=next-step]');
    expect(page.text('[data-testid=next-step]')).toBe('paused; dunning may resume on 21 Dec 2026');

    page.close();
    page = await openPage(built, { lang: 'en', hash: `#/cases/${CASE}`, api: api('viewer') });
    await page.waitFor('[data-testid=debtor-name]');
    await page.waitUntil(() => page!.calls.some((c) => c.path.endsWith('/next-step')), 'the next-step call');
    expect(page.$('[data-testid=next-step]')).toBeNull();
    expect(page.$('[data-testid=case-facts] [role=alert]')).toBeNull();
  });

  it('shows the payer profile when its endpoint answers, and leaves it out on 404', async () => {
    page = await openPage(built, { lang: 'en', hash: `#/cases/${CASE}`, api: api('viewer') });
    await page.waitFor('[data-testid=debtor-name]');
    await page.waitUntil(() => page!.calls.some((c) => c.path === '/api/debtors/d1/profile'), 'the profile call');
    expect(page.$('[data-testid=payer-profile]')).toBeNull();

    page.close();
    page = await openPage(built, {
      lang: 'en',
      hash: `#/cases/${CASE}`,
      api: api('viewer', (call) =>
        call.path === '/api/debtors/d1/profile'
          ? {
              status: 200,
              body: {
                averageDaysToPay: 48.5,
                promisesKept: 60,
                risk: {
                  score: 81,
                  level: 'high',
                  reasons: [{ code: 'BROKEN_PROMISES', fr: 'x', en: 'Two promises broken' }],
                },
              },
            }
          : undefined,
      ),
    });
    await page.waitFor('[data-testid=payer-profile]');
    expect(page.$$('[data-testid=payer-profile] dd').map((dd) => dd.textContent)).toEqual(['48.5', '60%']);
    expect(page.text('[data-testid=payer-profile] li')).toBe('Two promises broken');
  });

  it('lets a viewer read but shows no action', async () => {
    page = await openPage(built, { lang: 'en', hash: `#/cases/${CASE}`, api: api('viewer') });
    await page.waitFor('[data-testid=read-only]');
    expect(page.$('[data-testid=case-actions]')).toBeNull();
    expect(page.$('[data-testid=item-dispute]')).toBeNull();
  });

  it('pauses with a reason and a last day, sending the CSRF token, then reads the case again', async () => {
    page = await openPage(built, { lang: 'en', hash: `#/cases/${CASE}`, api: api('controller') });
    await page.waitFor('[data-testid=pause-form]');
    page.submit('[data-testid=pause-form]');
    await page.waitFor('[data-testid=action-error]');
    expect(page.text('[data-testid=action-error]')).toBe('Give the reason for the pause.');
    expect(posts(page)).toHaveLength(0);
    page.fill('[data-testid=pause-reason]', 'talks with the buyer');
    page.fill('[data-testid=pause-until]', '2026-12-20');
    page.submit('[data-testid=pause-form]');
    await page.waitFor('[data-testid=resume]');
    expect(posts(page)).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: `/api/cases/${CASE}/pause`,
        body: { reason: 'talks with the buyer', until: '2026-12-20' },
        headers: expect.objectContaining({ 'x-csrf-token': 'csrf-controller' }),
      }),
    ]);
    expect(page.text('[data-testid=status]')).toBe('Dunning paused.');
    expect(page.text('[data-testid=case-paused]')).toBe('talks with the buyer (until 20 Dec 2026)');

    // Resuming asks first, and Cancel sends nothing.
    page.click('[data-testid=resume]');
    await page.waitFor('[data-testid=confirm]');
    page.click('[data-testid=confirm-no]');
    await page.waitUntil(() => page!.$('[data-testid=confirm]') === null, 'the cancelled confirmation');
    expect(posts(page)).toHaveLength(1);
    page.click('[data-testid=resume]');
    await page.waitFor('[data-testid=confirm-yes]');
    page.click('[data-testid=confirm-yes]');
    await page.waitUntil(() => posts(page!).length === 2, 'the resume');
    expect(posts(page)[1]).toMatchObject({ method: 'POST', url: `/api/cases/${CASE}/resume` });
  });

  it('disputes an item with a reason, removes a dispute after confirming, and records a promise in minor units', async () => {
    page = await openPage(built, { lang: 'en', hash: `#/cases/${CASE}`, api: api('controller') });
    await page.waitFor('[data-item-id=rcv_1] [data-testid=item-dispute]');
    page.click('[data-item-id=rcv_1] [data-testid=item-dispute]');
    await page.waitFor('[data-testid=mark-form]');
    expect(page.$('label[for=mark-reason]')?.textContent).toBe('Reason');
    page.fill('[data-testid=mark-reason]', 'price not agreed');
    page.submit('[data-testid=mark-form]');
    await page.waitUntil(() => page!.text('[data-testid=status]') === 'Item marked disputed.', 'the dispute');
    expect(posts(page)[0]).toMatchObject({
      method: 'POST',
      url: '/api/items/rcv_1/dispute',
      body: { reason: 'price not agreed' },
    });
    expect(page.$('[data-testid=mark-form]')).toBeNull();

    page.click('[data-item-id=rcv_2] [data-testid=item-undispute]');
    await page.waitFor('[data-testid=confirm-yes]');
    expect(page.text('[data-testid=confirm] p')).toBe('Remove the dispute mark from this item?');
    page.click('[data-testid=confirm-yes]');
    await page.waitUntil(() => posts(page!).length === 2, 'the removal');
    expect(posts(page)[1]).toMatchObject({ method: 'DELETE', url: '/api/items/rcv_2/dispute' });
    expect(posts(page)[1]!.headers['x-csrf-token']).toBe('csrf-controller');
    // The buttons stay disabled until the case is read again.
    await page.waitUntil(() => page!.text('[data-testid=status]') === 'Dispute removed.', 'the case read again');

    page.fill('[data-testid=promise-date]', '2026-12-31');
    page.fill('[data-testid=promise-amount]', '1 000,50');
    page.submit('[data-testid=promise-form]');
    await page.waitUntil(() => posts(page!).length === 3, 'the promise');
    expect(posts(page)[2]).toMatchObject({
      url: `/api/cases/${CASE}/promise`,
      body: { date: '2026-12-31', amount: 100050 },
    });
  });

  it('records a call result against a phone task of the journal', async () => {
    page = await openPage(built, { lang: 'en', hash: `#/cases/${CASE}`, api: api('controller') });
    await page.waitFor('[data-testid=call-form]');
    page.fill('[data-testid=call-task]', 'act_phone_1');
    page.fill('[data-testid=call-outcome]', 'promise');
    await page.waitFor('[data-testid=call-date]');
    page.fill('[data-testid=call-date]', '2026-12-15');
    page.fill('[data-testid=call-note]', 'will pay after the holidays');
    page.submit('[data-testid=call-form]');
    await page.waitUntil(() => posts(page!).length === 1, 'the call result');
    expect(posts(page)[0]).toMatchObject({
      url: '/api/actions/act_phone_1/call-result',
      body: { outcome: 'promise', note: 'will pay after the holidays', date: '2026-12-15' },
    });
  });

  it('shows the server’s refusal of a role clearly', async () => {
    page = await openPage(built, {
      lang: 'en',
      hash: `#/cases/${CASE}`,
      api: api('controller', (call) =>
        call.method === 'POST'
          ? { status: 403, body: { error: { code: 'FORBIDDEN', message: 'the role viewer cannot pause a case' } } }
          : undefined,
      ),
    });
    await page.waitFor('[data-testid=pause-form]');
    page.fill('[data-testid=pause-reason]', 'x');
    page.submit('[data-testid=pause-form]');
    await page.waitFor('[data-testid=action-error]');
    expect(page.text('[data-testid=action-error]')).toBe(
      'Your role does not allow this action. the role viewer cannot pause a case',
    );
    expect(page.$('[data-testid=action-error]')?.getAttribute('role')).toBe('alert');
  });
});
