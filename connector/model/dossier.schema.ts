import { z } from 'zod';
import { IdSchema, IsoDateSchema, IsoDateTimeSchema } from './common.schema';
import { AddressSchema, DebtorKindSchema } from './debtor.schema';
import { ChannelSchema } from './action.schema';
import { isValidFrenchVat, isValidSiren, isValidSiret } from './identifiers';
import {
  CurrencySchema,
  MinorUnitsSchema,
  NonNegativeMinorUnitsSchema,
  PositiveMinorUnitsSchema,
} from './money.schema';

export const ProcedureKindSchema = z.enum([
  'injonction_de_payer',
  'refere_provision',
  'assignation_au_fond',
  'saisie_conservatoire',
  'execution_forcee',
  'petites_creances',
  'declaration_de_creance',
]);
export type ProcedureKind = z.infer<typeof ProcedureKindSchema>;

export const CourtKindSchema = z.enum([
  'tribunal_de_commerce',
  'tribunal_des_activites_economiques',
  'tribunal_judiciaire',
  'juge_des_contentieux_de_la_protection',
  /** The JEX, who authorises a conservatory seizure (CPCE R511-1, R511-2). */
  'juge_de_l_execution',
  'commissaire_de_justice',
  'mandataire_judiciaire',
]);
export type CourtKind = z.infer<typeof CourtKindSchema>;

/**
 * How the law treats a party for the choice of court: a merchant (commercial company, trader,
 * artisan) goes before the tribunal de commerce, every other debtor before the tribunal
 * judiciaire (reference §6, "Competent court").
 */
export const LegalCategorySchema = z.enum([
  'consumer',
  'merchant',
  'civil_company',
  'association',
  'liberal_profession',
  'unknown',
]);
export type LegalCategory = z.infer<typeof LegalCategorySchema>;

export const LegalFormSchema = z.strictObject({
  category: LegalCategorySchema,
  /** The legal form as known, e.g. "SARL", "SCI", "association", "particulier". */
  label: z.string().min(1),
  /** Where it comes from: given by the caller (a register), read from an INSEE code, inferred from the name, or the debtor's kind. */
  source: z.enum(['declared', 'insee', 'name', 'debtor_kind', 'unknown']),
});
export type LegalForm = z.infer<typeof LegalFormSchema>;

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, { error: 'sha256 must be 64 lower-case hex digits' });

/** Registration numbers, checked with Luhn (connector/model/identifiers.ts): a dossier never carries an invalid one. */
const IdentifiersShape = {
  siren: z.string().refine(isValidSiren, { error: 'SIREN must be 9 digits passing the Luhn checksum' }).optional(),
  siret: z.string().refine(isValidSiret, { error: 'SIRET must be 14 digits passing the Luhn checksum' }).optional(),
  vat: z
    .string()
    .refine((v) => !v.startsWith('FR') || isValidFrenchVat(v), {
      error: 'French VAT number must be FR + 2-digit key + SIREN with a matching key',
    })
    .optional(),
};

export const ClaimSegmentLineSchema = z.strictObject({
  from: IsoDateSchema,
  to: IsoDateSchema,
  days: z.number().int().positive(),
  semester: z.string().regex(/^\d{4}-H[12]$/),
  /** Annual rate as a decimal string with two decimals, e.g. "12.15" (never a float). */
  ratePercent: z.string().regex(/^\d+\.\d{2}$/),
  rateKind: z.enum([
    'l441-10-default',
    'contractual',
    'contractual-floor',
    'legal-rate-other',
    'legal-rate-individual-creditor',
  ]),
  base: NonNegativeMinorUnitsSchema,
  /** This segment's interest rounded half-up, for display: the line's interest is the exact sum rounded once. */
  interest: NonNegativeMinorUnitsSchema,
});

/** One invoice (positive principal) or credit note (negative principal) of the claim, by its number: no internal id. */
export const ClaimLineSchema = z.strictObject({
  kind: z.enum(['invoice', 'credit_note']),
  number: z.string().min(1),
  issueDate: IsoDateSchema,
  dueDate: IsoDateSchema,
  total: PositiveMinorUnitsSchema,
  principal: MinorUnitsSchema,
  interest: NonNegativeMinorUnitsSchema,
  indemnity: NonNegativeMinorUnitsSchema,
  payments: z.array(z.strictObject({ date: IsoDateSchema, amount: PositiveMinorUnitsSchema })).default([]),
  /**
   * What the ledger shows open on this invoice at the hand-off. With C. civ. 1343-1 the principal
   * claimed may be higher: a payment paid the interest accrued first (see `imputed`).
   */
  ledgerOpen: MinorUnitsSchema.optional(),
  /** How each payment made while interest ran was split between interest and principal (C. civ. 1343-1). */
  imputed: z
    .array(
      z.strictObject({
        date: IsoDateSchema,
        amount: PositiveMinorUnitsSchema,
        toInterest: NonNegativeMinorUnitsSchema,
        toPrincipal: NonNegativeMinorUnitsSchema,
      }),
    )
    .default([]),
  segments: z.array(ClaimSegmentLineSchema).default([]),
  /** Last day the claim can be brought (null for a credit note). */
  prescribesOn: IsoDateSchema.nullable().default(null),
  /** `documents[].ref` of the invoice's PDF, when the ledger has one. */
  documentRef: z.string().min(1).nullable().default(null),
});
export type ClaimLine = z.infer<typeof ClaimLineSchema>;

export const DossierDocumentSchema = z.strictObject({
  /** Our reference: a stored document id (proofs), or `invoice:<number>` for a PDF the ledger holds. */
  ref: z.string().min(1),
  kind: z.enum(['invoice', 'formal_notice', 'proof_of_delivery', 'contract', 'correspondence', 'other']),
  /** Unique within the dossier (the file name the firm receives). */
  name: z.string().min(1),
  mediaType: z.string().min(1),
  /** Null until the bytes are fetched (an invoice PDF from the ledger). */
  sha256: Sha256Schema.nullable(),
  /** When the proven event happened (a proof of delivery). */
  provenAt: IsoDateTimeSchema.nullable().default(null),
});
export type DossierDocument = z.infer<typeof DossierDocumentSchema>;

/** A reminder or the formal notice, as the journal proves it was sent. */
export const EvidenceMessageSchema = z.strictObject({
  journalSeq: z.number().int().positive(),
  on: IsoDateSchema,
  step: z.enum(['reminder', 'formal_notice']),
  stepId: z.string().min(1),
  channel: ChannelSchema,
  template: z.string().min(1).nullable(),
  summary: z.string().min(1),
  /** The e-mail's Message-ID, or the letter's tracking number. */
  messageId: z.string().min(1).nullable().default(null),
  trackingNumber: z.string().min(1).nullable().default(null),
  /** The provider's last reported status (delivered, returned…), when tracked. */
  deliveryStatus: z.string().min(1).nullable().default(null),
});

export const EvidenceProofSchema = z.strictObject({
  documentRef: z.string().min(1),
  kind: z.string().min(1),
  sha256: Sha256Schema,
  provenAt: IsoDateTimeSchema.nullable(),
});

export const FormalNoticeEvidenceSchema = z.strictObject({
  stepId: z.string().min(1),
  sentOn: IsoDateSchema,
  channels: z.array(ChannelSchema).min(1),
  /** First presentation as the acknowledgement of receipt proves it; null without one. */
  receivedOn: IsoDateSchema.nullable(),
  /** The day the deadline counts from: `receivedOn`, else `sentOn`. */
  startsOn: IsoDateSchema,
  startBasis: z.enum(['acknowledgement_of_receipt', 'date_sent']),
  deadlineDays: z.number().int().positive(),
  deadlineEndsOn: IsoDateSchema,
  proofs: z.array(EvidenceProofSchema).default([]),
});

/** A cost of recovery the creditor proves with a receipt (C. com. L441-10 II). */
export const RecoveryCostLineSchema = z.strictObject({
  /** The day it was paid. */
  date: IsoDateSchema,
  label: z.string().min(1),
  amount: PositiveMinorUnitsSchema,
  /** `documents[].ref` of its receipt. */
  documentRef: z.string().min(1),
});

/**
 * What a recovery lawyer claims beyond principal, interest and the fixed indemnities, each apart
 * from `claim` (whose total stays principal + interest + indemnity): some are amounts on proof,
 * some are requests the court decides.
 */
export const AdditionalClaimsSchema = z
  .strictObject({
    /** The claim's currency: the currency of every amount below but `courtCosts`'. */
    currency: CurrencySchema,
    /**
     * Between professionals only: the recovery costs the controller entered with their receipts,
     * and the complementary indemnity asked on proof when they exceed the fixed indemnities
     * already claimed (C. com. L441-10 II). Null without any cost, or against a consumer (CPCE
     * L111-8 al. 2: they stay with the creditor).
     */
    recoveryCosts: z
      .strictObject({
        article: z.string().min(1),
        costs: z.array(RecoveryCostLineSchema).min(1),
        total: PositiveMinorUnitsSchema,
        /** The fixed indemnities the claim holds (`claim.indemnity`: 40 EUR per late invoice). */
        fixedIndemnities: NonNegativeMinorUnitsSchema,
        /** `total` − `fixedIndemnities` when positive, else 0. */
        complementaryIndemnity: NonNegativeMinorUnitsSchema,
        note: z.string().min(1),
      })
      .nullable()
      .default(null),
    /**
     * The clause pénale of the creditor's terms of sale (C. civ. 1231-5), computed on the
     * principal claimed and claimed separately: the judge may reduce it if manifestly excessive.
     * Null when the configuration has none.
     */
    penaltyClause: z
      .strictObject({
        /** Where the clause is: "CGV art. 9". */
        reference: z.string().min(1),
        article: z.string().min(1),
        ratePercent: z.string().regex(/^\d+\.\d{2}$/),
        /** The principal claimed the rate applies to. */
        base: NonNegativeMinorUnitsSchema,
        /** The clause's floor, when it has one and the claim is in EUR. */
        minimum: PositiveMinorUnitsSchema.nullable(),
        amount: NonNegativeMinorUnitsSchema,
        label: z.string().min(1),
        warnings: z.array(z.string().min(1)).default([]),
      })
      .nullable()
      .default(null),
    /** A request to the court (CPC 700): the configured amount, or null for the firm to assess. */
    article700: z.strictObject({
      article: z.string().min(1),
      amount: PositiveMinorUnitsSchema.nullable(),
      note: z.string().min(1),
    }),
    /**
     * The court's filing fee of the recommended procedure, when the data knows it
     * (config/legal/fr/costs.yaml); null with the reason otherwise. `verified` is false where the
     * sources disagree: no figure is given then, only their `range`.
     */
    courtCosts: z.strictObject({
      procedure: ProcedureKindSchema,
      court: CourtKindSchema,
      currency: CurrencySchema,
      amount: NonNegativeMinorUnitsSchema.nullable(),
      verified: z.boolean(),
      range: z
        .strictObject({ from: NonNegativeMinorUnitsSchema, to: NonNegativeMinorUnitsSchema })
        .nullable()
        .default(null),
      reason: z.string().min(1),
      sources: z.array(z.string().min(1)).default([]),
    }),
    /**
     * Anatocism (C. civ. 1343-2): proposed to the court in an assignation au fond when interest
     * has run a full year on a claimed invoice, never against a consumer; a request, never
     * compounded into the claim. `reason` says why it is or is not proposed.
     */
    capitalisation: z.strictObject({
      proposed: z.boolean(),
      article: z.string().min(1),
      /** The claimed invoices whose interest has run a full year by the hand-off date. */
      invoices: z
        .array(
          z.strictObject({
            number: z.string().min(1),
            interestFrom: IsoDateSchema,
            fullYearOn: IsoDateSchema,
            interest: NonNegativeMinorUnitsSchema,
          }),
        )
        .default([]),
      reason: z.string().min(1),
    }),
  })
  .refine(
    (a) => !a.recoveryCosts || a.recoveryCosts.total === a.recoveryCosts.costs.reduce((s, c) => s + c.amount, 0),
    {
      error: 'recovery costs total must be the sum of the costs',
      path: ['recoveryCosts', 'total'],
    },
  )
  .refine(
    (a) =>
      !a.recoveryCosts ||
      a.recoveryCosts.complementaryIndemnity === Math.max(0, a.recoveryCosts.total - a.recoveryCosts.fixedIndemnities),
    {
      error: 'the complementary indemnity must be the costs beyond the fixed indemnities',
      path: ['recoveryCosts', 'complementaryIndemnity'],
    },
  )
  .refine((a) => !a.capitalisation.proposed || a.capitalisation.invoices.length > 0, {
    error: 'capitalisation is proposed only on invoices whose interest has run a full year',
    path: ['capitalisation', 'invoices'],
  });
export type AdditionalClaims = z.infer<typeof AdditionalClaimsSchema>;

export const DossierSchema = z
  .strictObject({
    /** Deterministic: derived from the case id and the escalation decision. */
    id: IdSchema,
    /** Our reference for the case: procedure events come back with it. */
    caseId: IdSchema,
    createdAt: IsoDateTimeSchema,
    /** The hand-off date the claim is computed as of. */
    asOf: IsoDateSchema,
    creditor: z.strictObject({
      name: z.string().min(1),
      legalForm: LegalFormSchema,
      ...IdentifiersShape,
      address: AddressSchema,
      email: z.email().optional(),
    }),
    /**
     * Data minimisation (GDPR art. 5-1-c, reference §9): the identity, the address to serve acts
     * and the e-mail addresses the firm's amicable phase writes to; no phone number, no
     * internal id, nothing about other cases.
     */
    debtor: z.strictObject({
      name: z.string().min(1),
      kind: DebtorKindSchema,
      legalForm: LegalFormSchema,
      ...IdentifiersShape,
      /** The registered office (company) or domicile (individual) first: it sets the court's territory. */
      addresses: z.array(AddressSchema).min(1, { error: 'a dossier needs at least one address to serve the debtor' }),
      emails: z.array(z.string()).default([]),
    }),
    claim: z.strictObject({
      asOf: IsoDateSchema,
      currency: CurrencySchema,
      /** The legal regime applied (L441-10 between professionals, legal rate otherwise). */
      rule: z.string().min(1),
      dayCount: z.enum(['actual/365', 'actual/actual']),
      /**
       * How partial payments were imputed: 'interest-first' is C. civ. 1343-1 (a payment pays the
       * interest accrued first); 'principal-first' is a creditor's choice not to claim interest on
       * the interest so paid. Absent in dossiers built before the field existed: principal-first.
       */
      imputation: z.enum(['interest-first', 'principal-first']).default('principal-first'),
      principal: MinorUnitsSchema,
      interest: NonNegativeMinorUnitsSchema,
      indemnity: NonNegativeMinorUnitsSchema,
      total: MinorUnitsSchema,
      lines: z.array(ClaimLineSchema).min(1, { error: 'a dossier claims at least one invoice' }),
      warnings: z.array(z.string()).default([]),
    }),
    documents: z.array(DossierDocumentSchema).default([]),
    evidence: z
      .strictObject({
        /** Reminders and the formal notice, in journal order. */
        messages: z.array(EvidenceMessageSchema).default([]),
        formalNotice: FormalNoticeEvidenceSchema.nullable().default(null),
        calls: z
          .array(
            z.strictObject({ journalSeq: z.number().int().positive(), on: IsoDateSchema, outcome: z.string().min(1) }),
          )
          .default([]),
        disputes: z
          .array(
            z.strictObject({
              invoiceNumber: z.string().min(1),
              since: IsoDateSchema,
              reason: z.string().min(1),
              outcome: z.enum(['open', 'lifted']),
              liftedOn: IsoDateSchema.nullable(),
            }),
          )
          .default([]),
        promises: z
          .array(
            z.strictObject({
              recordedOn: IsoDateSchema,
              promisedFor: IsoDateSchema,
              amount: PositiveMinorUnitsSchema.nullable(),
              invoiceNumbers: z.array(z.string().min(1)),
              /** kept: paid by the date; broken: the date passed unpaid; pending: the date has not come. */
              outcome: z.enum(['kept', 'broken', 'pending']),
            }),
          )
          .default([]),
      })
      .default({ messages: [], formalNotice: null, calls: [], disputes: [], promises: [] }),
    recommendedProcedure: ProcedureKindSchema,
    court: z.strictObject({
      kind: CourtKindSchema,
      name: z.string().optional(),
      /** Where the court sits, as far as the connector can tell: the debtor's seat or domicile it follows. */
      territory: z.string().min(1).optional(),
    }),
    reasons: z.array(z.string().min(1)).min(1, { error: 'a recommendation must say why' }),
    /** The deadlines that follow from the procedure (a date when the connector can compute it). */
    deadlines: z
      .array(
        z.strictObject({
          what: z.string().min(1),
          rule: z.string().min(1),
          article: z.string().min(1),
          dueOn: IsoDateSchema.nullable(),
        }),
      )
      .default([]),
    lawyer: z.strictObject({ compulsory: z.boolean(), reason: z.string().min(1) }).optional(),
    /** Other procedures considered, and why they come second. */
    alternatives: z.array(z.strictObject({ procedure: ProcedureKindSchema, reason: z.string().min(1) })).default([]),
    /** What the firm or the controller must check before filing (an inferred legal form, an unverified territory…). */
    warnings: z.array(z.string().min(1)).default([]),
    /** Beyond the claim: recovery costs on proof, the penalty clause, CPC 700, court costs, capitalisation. Absent in dossiers built before it existed. */
    additionalClaims: AdditionalClaimsSchema.optional(),
  })
  .refine((d) => d.claim.total === d.claim.principal + d.claim.interest + d.claim.indemnity, {
    error: 'claim total must equal principal + interest + indemnity',
    path: ['claim', 'total'],
  })
  .refine(
    (d) =>
      d.claim.lines.reduce((s, l) => s + l.principal, 0) === d.claim.principal &&
      d.claim.lines.reduce((s, l) => s + l.interest, 0) === d.claim.interest &&
      d.claim.lines.reduce((s, l) => s + l.indemnity, 0) === d.claim.indemnity,
    { error: 'claim principal, interest and indemnity must be the sums of its lines', path: ['claim', 'lines'] },
  );
export type Dossier = z.infer<typeof DossierSchema>;
export type DossierInput = z.input<typeof DossierSchema>;
