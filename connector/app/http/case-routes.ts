import { dateInZone } from '../../time/calendar-date';
import { afterTitleDeadlines } from '../../dossier/after-title';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  JOURNAL_PAGE_DEFAULT,
  JOURNAL_PAGE_MAX,
  listApprovals,
  listNeedingAttention,
  MAX_RECEIPT_BYTES,
  NotFoundError,
  readCaseDetail,
  readJournalPage,
  resolveCaseId,
  resolveItemId,
} from '../../cases';
import { CaseStageSchema } from '../../model/case.schema';
import { IsoDateSchema } from '../../model/common.schema';
import { PositiveMinorUnitsSchema } from '../../model/money.schema';
import { businessDate } from '../../time/clock';
import type { ApiContext } from './api-context';
import { IdParamSchema, intParam, parseRequest, problemsOf, RequestValidationError } from './request-validation';

/**
 * Cases, their items and actions: what the controller reads and does (connector/cases).
 *
 * `:id` of a case route is a case id or what a person reads: the case reference printed in
 * letters, notes and phone tasks, an item id, or an invoice number (`INV%2F2025%2F00137`: a
 * slash in a number is sent percent-encoded). `:id` of an item route is an item id or an invoice
 * number. A number found in several connections is refused with 409 AMBIGUOUS_REFERENCE and the
 * candidates; `?connection=<id>` picks one (connector/cases/case-reference.ts).
 */

const MAX_PAGE = 500;
const DEFAULT_PAGE = 50;

const Reason = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(2_000, { error: 'is longer than 2,000 characters' });
const IdParams = z.strictObject({ id: IdParamSchema });
const NoBody = z.strictObject({}).optional();
const ReasonBody = z.strictObject({ reason: Reason });

const PageQuery = {
  limit: intParam(1, MAX_PAGE).default(DEFAULT_PAGE),
  after: IdParamSchema.optional(),
};
const CasesQuerySchema = z.strictObject({ stage: CaseStageSchema.optional(), ...PageQuery });
const ApprovalsQuerySchema = z.strictObject(PageQuery);
/** Narrows an invoice number to one connection. */
const RefQuery = { connection: IdParamSchema.optional() };
const RefQuerySchema = z.strictObject(RefQuery);
/** `after`: a seq, as `next` of the previous page gives it; `limit`: default JOURNAL_PAGE_DEFAULT (100), at most JOURNAL_PAGE_MAX (1,000). */
const JournalQuerySchema = z.strictObject({
  after: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
  limit: intParam(1, JOURNAL_PAGE_MAX).default(JOURNAL_PAGE_DEFAULT),
  ...RefQuery,
});

const PauseBodySchema = z.strictObject({
  reason: Reason,
  /** Last day of the pause (YYYY-MM-DD); absent or null: until resumed. */
  until: IsoDateSchema.nullable().optional(),
});

const PromiseBodySchema = z.strictObject({
  date: IsoDateSchema,
  /** Minor units; absent: everything open. */
  amount: PositiveMinorUnitsSchema.optional(),
});

const CallResultBodySchema = z
  .strictObject({
    outcome: z.enum(['reached', 'no_answer', 'promise', 'dispute', 'wrong_number'], {
      error: 'must be one of reached, no_answer, promise, dispute, wrong_number',
    }),
    note: z.string().trim().max(2_000, { error: 'is longer than 2,000 characters' }).optional(),
    /** With outcome `promise`: the date the debtor promised to pay by, and how much (minor units). */
    date: IsoDateSchema.optional(),
    amount: PositiveMinorUnitsSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.outcome !== 'promise') {
      for (const key of ['date', 'amount'] as const)
        if (body[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: 'goes only with the outcome "promise"' });
    } else if (body.amount !== undefined && body.date === undefined) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'a promised amount needs the date it is promised by' });
    }
  });

/** Standard padded base64 (RFC 4648 §4) of at most MAX_RECEIPT_BYTES bytes, no line breaks. */
const MAX_RECEIPT_BASE64 = 4 * Math.ceil(MAX_RECEIPT_BYTES / 3);
const Base64Schema = z
  .string()
  .max(MAX_RECEIPT_BASE64, { error: `decodes to more than ${MAX_RECEIPT_BYTES} bytes` })
  .refine(isPaddedBase64, { error: 'must be standard padded base64 without line breaks' });

/**
 * Checked without a backtracking pattern: a regular expression repeating 4-character groups over
 * megabytes overflows V8's stack ("Maximum call stack size exceeded") and the route answered 500.
 */
function isPaddedBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  const body = text.endsWith('==') ? text.slice(0, -2) : text.endsWith('=') ? text.slice(0, -1) : text;
  return !/[^A-Za-z0-9+/]/.test(body);
}

const CostBodySchema = z.strictObject({
  /** The day the cost was paid (YYYY-MM-DD, today or before). */
  date: IsoDateSchema,
  /** Minor units of the case's currency. */
  amount: PositiveMinorUnitsSchema,
  label: z.string().trim().min(1, { error: 'must not be empty' }).max(500, { error: 'is longer than 500 characters' }),
  /** The receipt's bytes; its media type is read from them (PDF, PNG or JPEG). */
  receipt: z.strictObject(
    { contentBase64: Base64Schema },
    { error: 'must be {"contentBase64": "…"}: the receipt proving the cost' },
  ),
});

/** A receipt of 10 MiB is about 14 MiB of base64: this route alone takes bodies that large. */
const COST_BODY_LIMIT_BYTES = MAX_RECEIPT_BASE64 + 64 * 1024;

/** As the law-firm contract's: 1 to 255 printable ASCII characters, no spaces. */
const IDEMPOTENCY_HEADER = 'idempotency-key';
const IdempotencyKeySchema = z
  .string()
  .regex(/^[!-~]{1,255}$/, { error: 'must be 1 to 255 printable ASCII characters without spaces' })
  .optional();

export function registerCaseRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const ops = ctx.operations;
  const today = () => businessDate(ctx.clock, ctx.timeZone);

  app.get('/cases', async (request) => {
    const { query } = parseRequest(request, { query: CasesQuerySchema });
    const cases = await ctx.store.cases.listCases({
      limit: query.limit,
      ...(query.stage ? { stage: query.stage } : {}),
      ...(query.after ? { afterId: query.after } : {}),
    });
    return { cases, next: cases.length === query.limit ? (cases[cases.length - 1]?.id ?? null) : null };
  });

  /** The cases that stopped with no next step, each with the reason and what to do (connector/cases/attention.ts). Not paged: only stuck cases are listed. */
  app.get('/cases/attention', async (request) => {
    parseRequest(request, { query: z.strictObject({}) });
    return { attention: await listNeedingAttention(ctx.store, { now: ctx.clock.now() }) };
  });

  app.get('/cases/:id', async (request) => {
    const { params, query } = parseRequest(request, { params: IdParams, query: RefQuerySchema });
    const caseId = await resolveCaseId(ctx.store, params.id, query);
    const detail = await readCaseDetail(ctx.store, caseId, today());
    if (!detail) throw new NotFoundError('CASE_NOT_FOUND', `no case ${caseId}`);
    return detail;
  });

  /**
   * What the case could claim today: principal, interest by semester and the fixed indemnity,
   * as the law firm would be handed it, and the open invoices left out with why.
   */
  app.get('/cases/:id/claim', async (request) => {
    const { params, query } = parseRequest(request, { params: IdParams, query: RefQuerySchema });
    const caseId = await resolveCaseId(ctx.store, params.id, query);
    if (!ctx.caseClaim)
      throw new NotFoundError('CLAIM_NOT_SERVED', 'this API computes no claim: it was started without the legal data');
    const claim = await ctx.caseClaim(caseId);
    if (!claim) throw new NotFoundError('CASE_NOT_FOUND', `no case ${caseId}, or its debtor is not synced yet`);
    return claim;
  });

  /** What the dunning ladder does next: the step due or waited for and its date, or why none (paused, completed, blocked). */
  app.get('/cases/:id/next-step', async (request) => {
    const { params, query } = parseRequest(request, { params: IdParams, query: RefQuerySchema });
    const caseId = await resolveCaseId(ctx.store, params.id, query);
    if (!ctx.nextStep)
      throw new NotFoundError(
        'NEXT_STEP_NOT_SERVED',
        'this API evaluates no case: it was started without the policies',
      );
    const next = await ctx.nextStep(caseId);
    if (!next) throw new NotFoundError('CASE_NOT_FOUND', `no case ${caseId}, or its debtor is not synced yet`);
    return next;
  });

  /** Paged: `{entries, next}`; pass `next` as `after` for the following page (null at the end). */
  app.get('/cases/:id/journal', async (request) => {
    const { params, query } = parseRequest(request, { params: IdParams, query: JournalQuerySchema });
    const caseId = await resolveCaseId(ctx.store, params.id, query);
    return readJournalPage(ctx.store, caseId, {
      limit: query.limit,
      ...(query.after === undefined ? {} : { after: query.after }),
    });
  });

  app.get('/cases/:id/deliveries', async (request) => {
    const { params, query } = parseRequest(request, { params: IdParams, query: RefQuerySchema });
    const caseId = await resolveCaseId(ctx.store, params.id, query);
    return { deliveries: await ctx.store.deliveries.listDeliveries({ caseId }) };
  });

  /** The files handed to the law firm and every event it reported, in the order applied. */
  app.get('/cases/:id/dossiers', async (request) => {
    const { params, query } = parseRequest(request, { params: IdParams, query: RefQuerySchema });
    const caseId = await resolveCaseId(ctx.store, params.id, query);
    const dossiers = await ctx.store.dossiers.listDossiers({ caseId });
    return {
      dossiers: await Promise.all(
        dossiers.map(async (d) => {
          const procedureEvents = await ctx.store.dossiers.listProcedureEvents(d.id);
          // Once the firm reports a title: the legal rate's increase and the title's own prescription.
          const title = procedureEvents.find((e) => e.state === 'enforceable_title');
          const deadlines =
            title && ctx.procedures
              ? afterTitleDeadlines(dateInZone(new Date(title.occurredAt), ctx.timeZone), ctx.procedures)
              : [];
          return { ...d, procedureEvents, deadlines };
        }),
      ),
    };
  });

  app.get('/cases/:id/documents', async (request) => {
    const { params, query } = parseRequest(request, { params: IdParams, query: RefQuerySchema });
    const caseId = await resolveCaseId(ctx.store, params.id, query);
    return { documents: await ctx.store.deliveries.listDocuments(caseId) };
  });

  /** A document's bytes (a proof of deposit, an acknowledgement of receipt), with its SHA-256 to check them against the journal. */
  app.get('/documents/:id', async (request, reply) => {
    const { params } = parseRequest(request, { params: IdParams });
    const doc = await ctx.store.deliveries.getDocument(params.id);
    if (!doc) throw new NotFoundError('DOCUMENT_NOT_FOUND', `no document ${params.id}`);
    const filename = `${doc.id.replace(/[^A-Za-z0-9._-]+/g, '-')}${doc.mediaType === 'application/pdf' ? '.pdf' : ''}`;
    return reply
      .type(doc.mediaType)
      .header('Content-Disposition', `attachment; filename="${filename}"`)
      .header('X-Content-SHA256', doc.sha256)
      .send(doc.content);
  });

  app.get('/approvals', async (request) => {
    const { query } = parseRequest(request, { query: ApprovalsQuerySchema });
    const page = await listApprovals(ctx.store, {
      limit: query.limit,
      ...(query.after ? { afterId: query.after } : {}),
    });
    const preview = ctx.escalationPreview;
    if (!preview) return page;
    // An escalation shows, before it is approved, the gate as of today and what the firm would be asked for.
    return {
      ...page,
      approvals: await Promise.all(
        page.approvals.map(async (a) => {
          if (a.step?.kind !== 'escalation') return a;
          // One case whose preview fails (its data, the store) must not take the whole list down.
          let p: Awaited<ReturnType<typeof preview>>;
          try {
            p = await preview(a.caseId);
          } catch (error) {
            return { ...a, previewUnavailable: error instanceof Error ? error.message : String(error) };
          }
          return p
            ? {
                ...a,
                gate: p.gate,
                recommendation: p.recommendation,
                claimToday: p.claim,
                ...(p.unavailable ? { previewUnavailable: p.unavailable } : {}),
              }
            : a;
        }),
      ),
    };
  });

  app.post('/cases/:id/approve', async (request) => {
    const { params, query, who } = parseRequest(request, { params: IdParams, query: RefQuerySchema, body: NoBody });
    return ops.approve(await resolveCaseId(ctx.store, params.id, query), who);
  });

  app.post('/cases/:id/reject', async (request) => {
    const { params, query, body, who } = parseRequest(request, {
      params: IdParams,
      query: RefQuerySchema,
      body: ReasonBody,
    });
    return ops.reject(await resolveCaseId(ctx.store, params.id, query), who, body.reason);
  });

  app.post('/cases/:id/pause', async (request) => {
    const { params, query, body, who } = parseRequest(request, {
      params: IdParams,
      query: RefQuerySchema,
      body: PauseBodySchema,
    });
    return ops.pause(await resolveCaseId(ctx.store, params.id, query), who, body.reason, body.until ?? null);
  });

  app.post('/cases/:id/resume', async (request) => {
    const { params, query, who } = parseRequest(request, { params: IdParams, query: RefQuerySchema, body: NoBody });
    return ops.resume(await resolveCaseId(ctx.store, params.id, query), who);
  });

  app.post('/cases/:id/promise', async (request) => {
    const { params, query, body, who } = parseRequest(request, {
      params: IdParams,
      query: RefQuerySchema,
      body: PromiseBodySchema,
    });
    return ops.promiseToPay({ caseId: await resolveCaseId(ctx.store, params.id, query) }, who, promiseOf(body));
  });

  /**
   * A cost of recovery with its receipt (the CLI's `cases cost`). `Idempotency-Key` records it
   * once; without one, the same cost with the same receipt is recorded once.
   */
  app.post('/cases/:id/costs', { bodyLimit: COST_BODY_LIMIT_BYTES }, async (request) => {
    const { params, query, body, who } = parseRequest(request, {
      params: IdParams,
      query: RefQuerySchema,
      body: CostBodySchema,
    });
    const header = IdempotencyKeySchema.safeParse(request.headers[IDEMPOTENCY_HEADER]);
    if (!header.success) throw new RequestValidationError(problemsOf(`headers.${IDEMPOTENCY_HEADER}`, header.error));
    return ops.recordRecoveryCost(await resolveCaseId(ctx.store, params.id, query), who, {
      date: body.date,
      amount: body.amount,
      label: body.label,
      receipt: Buffer.from(body.receipt.contentBase64, 'base64'),
      ...(header.data === undefined ? {} : { idempotencyKey: header.data }),
    });
  });

  app.post('/items/:id/promise', async (request) => {
    const { params, query, body, who } = parseRequest(request, {
      params: IdParams,
      query: RefQuerySchema,
      body: PromiseBodySchema,
    });
    return ops.promiseToPay({ receivableId: await resolveItemId(ctx.store, params.id, query) }, who, promiseOf(body));
  });

  for (const mark of ['dispute', 'exclude'] as const) {
    const key = mark === 'dispute' ? 'disputed' : 'excluded';
    app.post(`/items/:id/${mark}`, async (request) => {
      const { params, query, body, who } = parseRequest(request, {
        params: IdParams,
        query: RefQuerySchema,
        body: ReasonBody,
      });
      return ops.markItem(await resolveItemId(ctx.store, params.id, query), who, { [key]: { reason: body.reason } });
    });
    app.delete(`/items/:id/${mark}`, async (request) => {
      const { params, query, who } = parseRequest(request, { params: IdParams, query: RefQuerySchema, body: NoBody });
      return ops.markItem(await resolveItemId(ctx.store, params.id, query), who, { [key]: null });
    });
  }

  /** Sends again a row that failed for good (the CLI's `actions retry`). */
  app.post('/actions/:id/retry', async (request) => {
    const { params, who } = parseRequest(request, { params: IdParams, body: NoBody });
    return ops.retryAction(params.id, who);
  });

  app.post('/actions/:id/call-result', async (request) => {
    const { params, body, who } = parseRequest(request, { params: IdParams, body: CallResultBodySchema });
    return ops.recordCallResult(params.id, who, {
      outcome: body.outcome,
      ...(body.note ? { note: body.note } : {}),
      ...(body.date ? { promise: promiseOf({ date: body.date, amount: body.amount }) } : {}),
    });
  });
}

function promiseOf(body: { date: string; amount?: number | undefined }): { date: string; amount?: number } {
  return { date: body.date, ...(body.amount === undefined ? {} : { amount: body.amount }) };
}
