/**
 * Shape of config/legal/fr/procedures.yaml: the figures the dossier builder needs to recommend
 * a procedure and list its deadlines. Strict, like legal-data.schema.ts: an unknown key is a
 * typo until proven otherwise.
 */
import { z } from 'zod';
import { IsoDateSchema } from '../../connector/model/common.schema';
import { CurrencySchema, PositiveMinorUnitsSchema } from '../../connector/model/money.schema';

const SourcesSchema = z
  .array(z.string().trim().min(1, { error: 'a source must not be empty' }), {
    error: 'sources must be a list of strings',
  })
  .min(1, { error: 'give at least one source for every legal figure' });

const ArticleSchema = z.string().trim().min(1, { error: 'name the legal text, e.g. "CPC 1411"' });

/** An amount in minor units of its currency: `{ amount: 500000, currency: EUR }` is 5,000.00 EUR. */
const AmountSchema = z.strictObject({ amount: PositiveMinorUnitsSchema, currency: CurrencySchema });

const Months = z.number().int().min(1).max(120);

export const ProceduresFileSchema = z.strictObject({
  petitesCreances: z.strictObject({
    /** Principal plus interest, at most (CPCE L125-1). */
    ceiling: AmountSchema,
    since: IsoDateSchema,
    /** Months the debtor has to accept the commissaire de justice's invitation; silence is a refusal. */
    debtorReplyMonths: Months,
    article: ArticleSchema,
    sources: SourcesSchema,
  }),
  injonctionDePayer: z.strictObject({
    article: ArticleSchema,
    /** Months to serve the ordonnance after its date, and the later regimes by the date the ordonnance is issued. */
    serviceDeadline: z.strictObject({
      months: Months,
      article: ArticleSchema,
      changes: z
        .array(z.strictObject({ ordersIssuedFrom: IsoDateSchema, months: Months, article: ArticleSchema }))
        .default([]),
    }),
    /** Months after service to the person for the debtor's opposition. */
    oppositionMonths: Months,
    oppositionArticle: ArticleSchema,
    /** From this regime on, the creditor may enforce when no opposition was notified within `months` of service. */
    noOppositionNotice: z.strictObject({ ordersIssuedFrom: IsoDateSchema, months: Months }),
    sources: SourcesSchema,
  }),
  lawyer: z.strictObject({
    /** Representation by a lawyer is compulsory when the claim exceeds this amount. */
    compulsoryAbove: AmountSchema,
    articles: z.strictObject({
      tribunal_judiciaire: ArticleSchema,
      tribunal_de_commerce: ArticleSchema,
      juge_de_l_execution: ArticleSchema,
    }),
    sources: SourcesSchema,
  }),
  priorAmicableAttempt: z.strictObject({
    /** Claims up to this amount before the tribunal judiciaire need a prior conciliation, mediation or procédure participative. */
    upTo: AmountSchema,
    since: IsoDateSchema,
    article: ArticleSchema,
    sources: SourcesSchema,
  }),
  conservatorySeizure: z.strictObject({
    executeWithinMonths: Months,
    executeArticle: ArticleSchema,
    meritsWithinMonths: Months,
    meritsArticle: ArticleSchema,
    notifyDebtorWithinDays: z.number().int().min(1).max(60),
    notifyArticle: ArticleSchema,
    sources: SourcesSchema,
  }),
  collectiveProcedure: z.strictObject({
    /** Months after the BODACC publication of the opening judgment to declare the claim. */
    declareWithinMonths: Months,
    outsideMetropolitanFranceExtraMonths: z.number().int().min(0).max(12),
    declareArticle: ArticleSchema,
    reliefWithinMonths: Months,
    reliefArticle: ArticleSchema,
    sources: SourcesSchema,
  }),
  /** What follows an enforceable title (a judgment, an ordonnance not opposed). */
  afterTitle: z.strictObject({
    /** Points added to the legal interest rate, and the months after the decision became enforceable they start (CMF L313-3). */
    rateIncreasePoints: z.number().int().min(1).max(20),
    rateIncreaseAfterMonths: Months,
    rateIncreaseArticle: ArticleSchema,
    /** Years within which the title may be enforced (CPCE L111-4). */
    titlePrescriptionYears: z.number().int().min(1).max(30),
    titlePrescriptionArticle: ArticleSchema,
    sources: SourcesSchema,
  }),
  economicActivitiesCourts: z
    .strictObject({
      from: IsoDateSchema,
      until: IsoDateSchema,
      /** Seat (city) of each tribunal des activités économiques. */
      seats: z.array(z.string().trim().min(1)).min(1),
      contribution: z.strictObject({
        above: AmountSchema,
        ratePercentMin: z.number().min(0).max(100),
        ratePercentMax: z.number().min(0).max(100),
        cap: AmountSchema,
        exemptBelowEmployees: z.number().int().min(1),
      }),
      sources: SourcesSchema,
    })
    .refine((t) => t.from <= t.until, { error: 'from must not be after until', path: ['until'] }),
});
export type ProceduresFile = z.infer<typeof ProceduresFileSchema>;
