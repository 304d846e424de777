/** API answers the dashboard tests serve, in the shapes of connector/kpis/overview.ts and the worklist contract. */

const kpi = (value: number | null, fr: string, en: string, unavailable?: string) => ({
  value,
  formula: { fr, en },
  ...(unavailable ? { unavailable } : {}),
});

export function overviewAnswer(extra: Record<string, unknown> = {}) {
  return {
    asOf: '2026-12-06',
    window: { from: '2026-09-08', to: '2026-12-06', days: 90 },
    basis: { fr: 'Ventes : factures et avoirs lus.', en: 'Sales: invoices and credit notes read.' },
    currencies: [
      {
        currency: 'EUR',
        receivables: 123456,
        overdue: 100000,
        current: 23456,
        unappliedCredits: 5000,
        disputed: 12000,
        excluded: 0,
        overdueRatio: kpi(81, 'échu ÷ encours total × 100', 'overdue ÷ total open × 100'),
        aging: [
          { bucket: 'not_due', items: 2, amount: 23456 },
          { bucket: '1_30', items: 1, amount: 40000 },
          { bucket: '31_60', items: 0, amount: 0 },
          { bucket: '61_90', items: 1, amount: 30000 },
          { bucket: 'over_90', items: 3, amount: 30000 },
        ],
        dso: {
          standard: kpi(67.1, 'encours ÷ ventes des 90 derniers jours × 90', 'open ÷ sales of the last 90 days × 90'),
          countback: kpi(39, 'épuisement des ventes mois par mois', 'sales exhausted month by month'),
          bestPossible: kpi(12.7, 'non échu ÷ ventes × 90', 'current ÷ sales × 90'),
          daysDelinquent: kpi(54.4, 'DSO − meilleur DSO possible', 'DSO − best possible DSO'),
          windowSales: 165000,
        },
        stages: [
          { stage: 'open', cases: 1, items: 2, amount: 23456 },
          { stage: 'reminding', cases: 2, items: 3, amount: 70000 },
          { stage: 'formal_notice', cases: 1, items: 2, amount: 30000 },
        ],
        ...extra,
      },
      {
        currency: 'JPY',
        receivables: 123456,
        overdue: 0,
        current: 123456,
        unappliedCredits: 0,
        disputed: 0,
        excluded: 0,
        overdueRatio: kpi(0, 'échu ÷ encours total × 100', 'overdue ÷ total open × 100'),
        aging: [{ bucket: 'not_due', items: 1, amount: 123456 }],
        dso: {
          standard: kpi(
            null,
            'encours ÷ ventes des 90 derniers jours × 90',
            'open ÷ sales of the last 90 days × 90',
            'no sales in the last 90 days',
          ),
          countback: kpi(null, 'épuisement', 'countback', 'no sales in the last 12 months'),
          bestPossible: kpi(null, 'non échu ÷ ventes × 90', 'current ÷ sales × 90', 'no sales'),
          daysDelinquent: kpi(null, 'DSO − meilleur DSO possible', 'DSO − best possible DSO', 'no DSO'),
          windowSales: 0,
        },
        stages: [],
      },
    ],
  };
}

export function worklistItem(n: number, over: Record<string, unknown> = {}) {
  return {
    caseId: `case_${n}`,
    debtor: { id: `d${n}`, name: `Debtor ${n} SARL` },
    companyId: 'co1',
    connectionIds: ['odoo-main'],
    stage: 'reminding',
    currency: 'EUR',
    open: 123456 + n,
    overdue: 100000,
    itemCount: 3,
    oldestDueDate: '2026-09-01',
    daysOverdue: 96,
    paused: false,
    pendingApproval: false,
    risk: {
      score: 72,
      level: 'high',
      reasons: [{ code: 'DAYS_OVERDUE', fr: 'Plus de 90 jours de retard', en: 'Over 90 days overdue' }],
    },
    ...over,
  };
}

export const UNAUTHENTICATED = { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'sign in first' } } };

/** The characters Intl puts in French amounts: U+202F between thousands, U+00A0 before the currency. */
export const NNBSP = '\u202f';
export const NBSP = '\u00a0';
