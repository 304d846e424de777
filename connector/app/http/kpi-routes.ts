import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { portfolioOverview } from '../../kpis/overview';
import { IsoDateSchema } from '../../model/common.schema';
import { businessDate } from '../../time/clock';
import type { ApiContext } from './api-context';
import { parseRequest } from './request-validation';

export const KPI_ROUTE = '/api/kpis';

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
}
