import { sendError } from './send-error';
import { payerProfile } from '../../kpis/payer-profile';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { portfolioOverview } from '../../kpis/overview';
import { IsoDateSchema } from '../../model/common.schema';
import { businessDate } from '../../time/clock';
import type { ApiContext } from './api-context';
import { IdParamSchema, intParam, parseRequest, RequestValidationError } from './request-validation';
import { CaseStageSchema } from '../../model/case.schema';
import { CurrencySchema } from '../../model/money.schema';
import { WORKLIST_MAX_LIMIT, WORKLIST_DEFAULT_LIMIT, WorklistCursorError, worklistPage } from '../../kpis/worklist';

export const KPI_ROUTE = '/api/kpis';
export const WORKLIST_ROUTE = '/api/worklist';
export const PROFILE_ROUTE = '/api/debtors/:id/profile';

/** A bound on amounts: 10^15 minor units is beyond any receivable, and within a double's exact integers. */
const MAX_AMOUNT = 1e15;

const WorklistQuerySchema = z
  .strictObject({
    q: z.string().trim().max(100, { error: 'is longer than 100 characters' }).optional(),
    stage: CaseStageSchema.optional(),
    currency: CurrencySchema.optional(),
    connection: IdParamSchema.optional(),
    company: IdParamSchema.optional(),
    minOpen: intParam(0, MAX_AMOUNT).optional(),
    maxOpen: intParam(0, MAX_AMOUNT).optional(),
    minDaysOverdue: intParam(0, 36_500).optional(),
    sort: z.enum(['risk', 'open', 'daysOverdue', 'debtor']).default('risk'),
    order: z.enum(['asc', 'desc']).optional(),
    limit: intParam(1, WORKLIST_MAX_LIMIT).default(WORKLIST_DEFAULT_LIMIT),
    cursor: z.string().min(1).max(2_000).optional(),
  })
  .refine((q) => q.minOpen === undefined || q.maxOpen === undefined || q.minOpen <= q.maxOpen, {
    path: ['maxOpen'],
    error: 'must not be below minOpen',
  });

const KpiQuerySchema = z.strictObject({ asOf: IsoDateSchema.optional() });

/**
 * GET /api/kpis[?asOf=YYYY-MM-DD]: the overview's figures (connector/kpis/overview.ts), per
 * currency, each KPI with its formula in French and English, as of the company's business date
 * unless `asOf` names another. Amounts in minor units; the dashboard formats them.
 */
export function registerKpiRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(KPI_ROUTE, async (request) => {
    const { query } = parseRequest(request, { query: KpiQuerySchema });
    return portfolioOverview(ctx.store, query.asOf ?? businessDate(ctx.clock, ctx.timeZone));
  });

  /**
   * GET /api/worklist: a page of the cases with something open (connector/kpis/worklist.ts).
   * Filters: q (debtor name, or a case id), stage, currency, connection, company, minOpen and
   * maxOpen (minor units), minDaysOverdue; sort risk (default), open, daysOverdue or debtor;
   * order asc or desc; limit (default 50, at most 200); cursor (the `next` of the page before).
   */
  app.get(WORKLIST_ROUTE, async (request) => {
    const { query } = parseRequest(request, { query: WorklistQuerySchema });
    const { q, cursor, ...rest } = query;
    try {
      return await worklistPage(
        ctx.store,
        { ...rest, ...(q ? { q } : {}), ...(cursor !== undefined ? { cursor } : {}) },
        businessDate(ctx.clock, ctx.timeZone),
        ctx.locale,
      );
    } catch (error) {
      if (error instanceof WorklistCursorError)
        throw new RequestValidationError([{ path: 'query.cursor', message: error.message }]);
      throw error;
    }
  });

  /** GET /api/debtors/:id/profile: how the debtor pays (connector/kpis/payer-profile.ts), as of the business date. */
  app.get(PROFILE_ROUTE, async (request, reply) => {
    const { params } = parseRequest(request, {
      params: z.strictObject({ id: IdParamSchema }),
      query: z.strictObject({}),
    });
    const facts = await ctx.store.kpis.payerFacts(params.id);
    if (facts === undefined) return sendError(reply, 404, 'DEBTOR_NOT_FOUND', `no debtor ${params.id}`);
    return payerProfile(facts, businessDate(ctx.clock, ctx.timeZone), ctx.locale);
  });
}
