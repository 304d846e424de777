import { createHash } from 'node:crypto';
import type { Policy } from '../../config/policy.schema';
import { CaseOperations } from '../../connector/cases';
import { messageIdFor } from '../../adapters/email/message-id';
import { loadFrenchLegalData } from '../../connector/claim/legal-data';
import type { CreditorIdentity, DossierDeps } from '../../connector/dossier';
import { loadProcedureData } from '../../connector/dossier/procedure-data';
import type { Action, Channel } from '../../connector/model/action.schema';
import { caseIdOf } from '../../connector/model/case.schema';
import type { Debtor } from '../../connector/model/debtor.schema';
import type { CaseJournalEntry } from '../../connector/model/journal.schema';
import type { Receivable } from '../../connector/model/receivable.schema';
import { loadPolicies } from '../../connector/policy/load-policies';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { fixedClock } from '../../connector/time/clock';
import { debtor as debtorOf, invoice } from '../helpers/builders';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

/**
 * A real SQLite store brought to the point of escalation the way the connector gets there:
 * reminders and a formal notice decided and performed through the store's own writes (the
 * outbox completion with its journal line, the delivery check with its proofs as documents),
 * disputes and promises through the controller's operations, payments as a sync stores them.
 */

export const TIME_ZONE = 'Europe/Paris';
export const COMPANY = 'demo:company:1';
export const LEGAL = loadFrenchLegalData();
export const PROCEDURES = loadProcedureData();
export const POLICIES = loadPolicies();
export const B2B = POLICIES.get('fr-b2b')!;
export const B2C = POLICIES.get('fr-b2c')!;

export const CREDITOR: CreditorIdentity = {
  name: 'Recouvra Demo SAS',
  siren: '732829320',
  address: {
    kind: 'registered_office',
    lines: ['12 rue de la République'],
    postalCode: '69002',
    city: 'Lyon',
    country: 'FR',
  },
  email: 'compta@recouvra-demo.example',
};

/** Valid SIREN (Luhn) and a SIRET of it. */
export const SIREN = '552100554';
export const SIRET = '55210055400013';

export const NANTES = {
  kind: 'registered_office' as const,
  lines: ['4 quai de la Fosse'],
  postalCode: '44000',
  city: 'Nantes',
  country: 'FR',
};

/** The debtors of the tables, with a phone number each, which no dossier may carry. */
export const DEBTORS = {
  merchant: debtorOf({
    id: 'odoo:partner:7',
    name: 'Garage Lemoine SARL',
    kind: 'company',
    registration: { siren: SIREN, siret: SIRET },
    addresses: [{ ...NANTES, kind: 'billing', lines: ['Service comptable', 'BP 12'] }, NANTES],
    emails: ['compta@lemoine.example'],
    phones: ['+33 6 12 34 56 78'],
  }),
  consumer: debtorOf({
    id: 'odoo:partner:8',
    name: 'Claire Fontaine',
    kind: 'individual',
    registration: {},
    addresses: [{ kind: 'billing', lines: ['3 rue des Lilas'], postalCode: '35000', city: 'Rennes', country: 'FR' }],
    emails: ['claire.fontaine@example.org'],
    phones: ['06 11 22 33 44'],
  }),
  sci: debtorOf({
    id: 'odoo:partner:9',
    name: 'SCI Les Tilleuls',
    kind: 'company',
    registration: { siren: '732829320' },
    addresses: [{ ...NANTES, lines: ['8 allée des Tilleuls'] }],
    emails: ['gerance@tilleuls.example'],
    phones: ['+33 2 40 00 00 00'],
  }),
  association: debtorOf({
    id: 'odoo:partner:10',
    name: 'Association Sportive Nantaise',
    kind: 'company',
    registration: {},
    addresses: [NANTES],
    emails: [],
    phones: ['+33 2 40 11 11 11'],
  }),
  lyonMerchant: debtorOf({
    id: 'odoo:partner:11',
    name: 'Imprimerie Garnier SAS',
    kind: 'company',
    registration: { siren: SIREN },
    addresses: [
      { kind: 'registered_office', lines: ['5 rue Mercière'], postalCode: '69002', city: 'Lyon', country: 'FR' },
    ],
    emails: ['factures@garnier.example'],
    phones: [],
  }),
} satisfies Record<string, Debtor>;

export interface NoticeSpec {
  /** Day the outbox performed it (registered letter and e-mail, unless `channels` says otherwise). */
  on: string;
  channels?: Channel[];
  /** The deposit proof's instant; absent: none kept. */
  deposit?: string;
  /** The acknowledgement of receipt's instant; absent: none kept. */
  ack?: string;
  /** The postal service returned the letter. */
  returned?: boolean;
  /** Performed or still pending in the outbox. */
  performed?: boolean;
  /** Channels still pending in the outbox while the others were performed. */
  pending?: Channel[];
}

export interface World {
  debtor: Debtor;
  items: Receivable[];
  policy: Policy;
  reminders?: { stepId: string; on: string; channels: Channel[] }[];
  notice?: NoticeSpec | null;
  /** Payments received: [receivable id, date, amount]. The receivable's open amount is lowered accordingly. */
  payments?: [string, string, number][];
  /** Controller operations after the notice, in order. */
  operations?: ((ops: CaseOperations) => Promise<unknown>)[];
  /** Record the escalation decision on this day. */
  escalatedOn?: string;
}

/** What the dossier's builder is given for a world: the bundled legal data, its policy, the creditor, on 2026-04-20. */
export function dossierDeps(world: Pick<World, 'policy'>, over: Partial<DossierDeps> = {}): DossierDeps {
  return {
    legal: LEGAL,
    procedures: PROCEDURES,
    policy: world.policy,
    creditor: CREDITOR,
    timeZone: TIME_ZONE,
    clock: fixedClock('2026-04-20T10:00:00Z'),
    ...over,
  };
}

export function item(d: Debtor, id: string, over: Partial<Receivable>): Receivable {
  return invoice({
    id,
    source: { system: 'odoo', connection: 'odoo-main', id: id.split(':').pop()! },
    debtorId: d.id,
    companyId: COMPANY,
    ...over,
  });
}

export function caseOfDebtor(d: Debtor, currency = 'EUR'): string {
  return caseIdOf(d.id, COMPANY, currency);
}

export async function openStore(): Promise<Store> {
  const store = await openSqliteStore(':memory:');
  await store.migrate();
  return store;
}

/** French amounts use narrow and non-breaking spaces (`5\u202f800,00\u00a0€`): tables write them as plain spaces. */
export const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);

/** Seeds the world; returns the case id. */
export async function seedWorld(store: Store, w: World): Promise<string> {
  const caseId = caseOfDebtor(w.debtor);
  const paid = new Map<string, number>();
  for (const [id, , amount] of w.payments ?? []) paid.set(id, (paid.get(id) ?? 0) + amount);
  await store.sync.upsertDebtors([w.debtor]);
  await saveReceivables(
    store,
    w.items.map((r) => ({ ...r, open: r.open - (paid.get(r.id) ?? 0) })),
    '2025-01-01T00:00:00.000Z',
  );
  if (w.payments?.length) {
    await store.sync.upsertPayments(
      w.payments.map(([receivableId, date, amount], i) => ({
        id: `odoo:payment:${i + 1}`,
        source: { system: 'odoo', connection: 'odoo-main', id: String(i + 1) },
        debtorId: w.debtor.id,
        companyId: COMPANY,
        date,
        currency: 'EUR',
        amount,
        allocations: [{ receivableId, amount }],
      })),
    );
  }
  const itemIds = w.items.map((r) => r.id);
  const stepIndex = (id: string) => w.policy.steps.findIndex((s) => s.id === id);
  for (const r of w.reminders ?? [])
    await performStep(
      store,
      caseId,
      w.policy,
      {
        id: r.stepId,
        index: stepIndex(r.stepId),
        kind: 'reminder',
        channels: r.channels,
        template: r.stepId,
        deadlineDays: null,
      },
      r.on,
      itemIds,
      true,
    );
  if (w.notice) {
    const n = w.notice;
    const noticeStep = w.policy.steps.find((s) => s.kind === 'formal_notice')!;
    const channels = n.channels ?? ['registered_letter', 'email'];
    const actions = await performStep(
      store,
      caseId,
      w.policy,
      {
        id: noticeStep.id,
        index: stepIndex(noticeStep.id),
        kind: 'formal_notice',
        channels,
        template: 'formal-notice',
        deadlineDays: noticeStep.deadlineDays ?? null,
      },
      n.on,
      itemIds,
      n.performed ?? true,
      n.pending ?? [],
    );
    const letter = actions.find((a) => a.kind === 'registered_letter');
    if (letter && (n.performed ?? true) && !(n.pending ?? []).includes('registered_letter'))
      await recordProofs(store, caseId, letter, n);
  }
  const ops = new CaseOperations({ store, clock: fixedClock('2026-01-01T00:00:00Z'), timeZone: TIME_ZONE });
  for (const op of w.operations ?? []) await op(ops);
  if (w.escalatedOn) await recordEscalation(store, caseId, w.policy, w.escalatedOn, itemIds);
  return caseId;
}

type StepSpec = {
  id: string;
  index: number;
  kind: 'reminder' | 'formal_notice' | 'escalation';
  channels: Channel[];
  template: string | null;
  deadlineDays: number | null;
};

/** Decides a step and performs its channels as the outbox would (journal line with what each channel reports). */
async function performStep(
  store: Store,
  caseId: string,
  policy: Policy,
  step: StepSpec,
  on: string,
  itemIds: string[],
  performed: boolean,
  pending: readonly Channel[] = [],
): Promise<Action[]> {
  const decidedAt = `${on}T07:00:00.000Z`;
  const c = (await store.cases.getCase(caseId))!;
  const decisionId = `dec-${step.id}-${on}`;
  const key = `${caseId}/${step.id}/${on}`;
  const actions: Action[] = step.channels.map((kind) => ({
    id: `act-${step.id}-${kind}`,
    idempotencyKey: `${key}/${kind}`,
    caseId,
    decisionId,
    subject: { type: 'decision', decisionId: decisionId },
    kind,
    template: step.template,
    status: 'pending',
    attempts: 0,
    notBefore: decidedAt,
    lastError: null,
    createdAt: decidedAt,
    updatedAt: decidedAt,
  }));
  await store.outbox.recordDecision({
    decision: {
      id: decisionId,
      idempotencyKey: key,
      caseId,
      stepId: step.id,
      stepIndex: step.index,
      policyId: policy.id,
      policyVersion: policy.version,
      asOf: on,
      decidedAt,
      requiresApproval: false,
      evaluation: { status: 'due', step: { ...step, requiresApproval: false }, itemIds },
    },
    actions,
    journal: [
      {
        caseId,
        at: decidedAt,
        actor: { kind: 'system', id: `policy:${policy.id}@${policy.version}` },
        type: 'decision',
        summary: `${step.id} decided`,
        data: { decisionId, step },
      },
    ],
    caseAfter: {
      ...c,
      stage: step.kind === 'reminder' ? 'reminding' : 'formal_notice',
      lastStep: { stepId: step.id, index: step.index, on },
      lastContactOn: on,
      updatedAt: decidedAt,
    },
  });
  if (!performed) return actions;
  let minute = 0;
  for (const a of actions.filter((x) => !pending.includes(x.kind as Channel))) {
    const at = `${on}T09:${String(10 + minute++).padStart(2, '0')}:00.000Z`;
    const data: Record<string, unknown> =
      a.kind === 'email'
        ? {
            messageId: messageIdFor(a.idempotencyKey, 'recouvra.example'),
            accepted: 1,
            rejected: 0,
            template: step.template,
          }
        : a.kind === 'sms'
          ? { providerId: `sms-${a.id}` }
          : a.kind === 'phone_task'
            ? { activityId: 41 }
            : {
                providerId: `post-${a.id}`,
                trackingNumber: `1A${a.id.length}${minute}000${minute}`,
                status: 'accepted',
                template: step.template,
              };
    const summary =
      a.kind === 'email'
        ? `e-mail "${step.template}" sent to 1 recipient(s)`
        : a.kind === 'sms'
          ? 'SMS sent (accepted)'
          : a.kind === 'phone_task'
            ? 'call task created in the ledger'
            : `${a.kind === 'registered_letter' ? 'registered letter with acknowledgement of receipt' : 'letter'} (${step.template}) handed to the postal service`;
    await store.outbox.completeAction({
      id: a.id,
      status: 'done',
      attempts: 1,
      lastError: null,
      at,
      journal: [
        {
          caseId,
          at,
          actor: { kind: 'system', id: 'outbox' },
          type: 'action_performed',
          summary,
          data: { actionId: a.id, idempotencyKey: a.idempotencyKey, kind: a.kind, ...data },
        },
      ],
      ...(a.kind === 'sms' || a.kind === 'letter' || a.kind === 'registered_letter'
        ? { delivery: { channel: a.kind, providerId: String(data['providerId']), status: 'accepted', nextCheckAt: at } }
        : {}),
    });
  }
  return actions;
}

export const PROOF_BYTES = { deposit: pdf('deposit proof'), ack: pdf('acknowledgement of receipt, signed') };

/** What delivery tracking records for a registered letter: statuses, then proofs as documents. */
async function recordProofs(store: Store, caseId: string, letter: Action, n: NoticeSpec): Promise<void> {
  const delivery = (await store.deliveries.getDelivery(letter.id))!;
  const at = n.ack ?? n.deposit ?? `${n.on}T18:00:00.000Z`;
  const entry = (
    type: CaseJournalEntry['type'],
    summary: string,
    data: Record<string, unknown>,
  ): Omit<CaseJournalEntry, 'seq'> => ({
    caseId,
    at,
    actor: { kind: 'system', id: 'tracking' },
    type,
    summary,
    data: { actionId: letter.id, channel: 'registered_letter', providerId: delivery.providerId, ...data },
  });
  const journal: Omit<CaseJournalEntry, 'seq'>[] = [];
  const documents = [];
  const proofs: string[] = [];
  if (n.deposit) {
    documents.push({
      id: `proof:${letter.id}:deposit_proof`,
      caseId,
      actionId: letter.id,
      kind: 'deposit_proof',
      mediaType: 'application/pdf',
      content: PROOF_BYTES.deposit,
      provenAt: n.deposit,
      createdAt: at,
    });
    proofs.push('deposit_proof');
    journal.push(
      entry('proof_received', `proof of deposit of the registered letter received (${n.deposit})`, {
        documentId: `proof:${letter.id}:deposit_proof`,
        proofKind: 'deposit_proof',
        provenAt: n.deposit,
      }),
    );
  }
  const status = n.returned ? 'returned' : n.ack ? 'delivered' : 'posted';
  journal.push(
    entry('delivery_status', `registered letter ${status}`, {
      status,
      providerAt: at,
      detail: n.returned ? 'Pli avisé et non réclamé' : status,
    }),
  );
  if (n.ack) {
    documents.push({
      id: `proof:${letter.id}:acknowledgement_of_receipt`,
      caseId,
      actionId: letter.id,
      kind: 'acknowledgement_of_receipt',
      mediaType: 'application/pdf',
      content: PROOF_BYTES.ack,
      provenAt: n.ack,
      createdAt: at,
    });
    proofs.push('acknowledgement_of_receipt');
    journal.push(
      entry('proof_received', `acknowledgement of receipt of the registered letter received (${n.ack})`, {
        documentId: `proof:${letter.id}:acknowledgement_of_receipt`,
        proofKind: 'acknowledgement_of_receipt',
        provenAt: n.ack,
      }),
    );
  }
  const ok = await store.deliveries.recordDeliveryCheck({
    actionId: letter.id,
    expectedChecks: delivery.checks,
    status,
    eventsSeen: 1,
    proofs,
    final: status !== 'posted',
    nextCheckAt: at,
    lastError: null,
    at,
    journal,
    documents,
  });
  if (!ok) throw new Error('fixture: delivery check not recorded');
}

/** The escalation decision as `decide()` records it when it waits for approval. */
export async function recordEscalation(
  store: Store,
  caseId: string,
  policy: Policy,
  on: string,
  itemIds: string[],
): Promise<string> {
  const step = policy.steps.find((s) => s.kind === 'escalation')!;
  const index = policy.steps.indexOf(step);
  const at = `${on}T07:00:00.000Z`;
  const c = (await store.cases.getCase(caseId))!;
  const decisionId = `dec-escalation-${on}`;
  const key = `${caseId}/${step.id}/${on}`;
  await store.outbox.recordDecision({
    decision: {
      id: decisionId,
      idempotencyKey: key,
      caseId,
      stepId: step.id,
      stepIndex: index,
      policyId: policy.id,
      policyVersion: policy.version,
      asOf: on,
      decidedAt: at,
      requiresApproval: true,
      evaluation: {
        status: 'due',
        step: {
          id: step.id,
          index,
          kind: 'escalation',
          channels: [],
          template: null,
          requiresApproval: true,
          deadlineDays: null,
        },
        itemIds,
      },
    },
    actions: [
      {
        id: `act-escalation-${on}`,
        idempotencyKey: `${key}/ledger_activity`,
        caseId,
        decisionId,
        subject: { type: 'decision', decisionId: decisionId },
        kind: 'ledger_activity',
        template: null,
        status: 'pending',
        attempts: 0,
        notBefore: at,
        lastError: null,
        createdAt: at,
        updatedAt: at,
      },
    ],
    journal: [
      {
        caseId,
        at,
        actor: { kind: 'system', id: `policy:${policy.id}@${policy.version}` },
        type: 'decision',
        summary: `${step.id} decided`,
        data: { decisionId },
      },
    ],
    caseAfter: { ...c, stage: 'awaiting_approval', pendingApproval: { stepId: step.id, index, on }, updatedAt: at },
  });
  return decisionId;
}
