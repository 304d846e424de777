import type { DirectPayment, PartnerDocument } from '../../../connector/ports/lawfirm';
import { invalidOutput } from './errors';
import { documentFileName, sha256Hex, unsafeDocumentName } from './layout';
import {
  boolean,
  buildDocument,
  date,
  dateTime,
  decodeFields,
  encodeFields,
  FieldError,
  group,
  integer,
  list,
  nullable,
  optional,
  text,
  type Field,
  type XmlElement,
} from './xml-codec';
import { checkXml, describeProblem, DOSSIER_NAMESPACE } from './xsd';

/**
 * The dossier ↔ manifest mapping, and the instructions', in one place: to carry a new dossier
 * field, add a line to the tables below and its element to xsd/dossier-manifest.xsd (same name,
 * same place in the sequence). The test "carries every field of the canonical dossier" fails
 * until both are done; until then a dossier holding the new field is refused by name, never
 * handed over without it.
 */

const ADDRESS: readonly Field[] = [
  optional(text('kind')),
  list('lines', 'line', 'string'),
  text('postalCode'),
  text('city'),
  text('country'),
];

const LEGAL_FORM: readonly Field[] = [text('category'), text('label'), text('source')];

const IDENTIFIERS: readonly Field[] = [optional(text('siren')), optional(text('siret')), optional(text('vat'))];

const CREDITOR: readonly Field[] = [
  text('name'),
  group('legalForm', LEGAL_FORM),
  ...IDENTIFIERS,
  group('address', ADDRESS),
  optional(text('email')),
];

const DEBTOR: readonly Field[] = [
  text('name'),
  text('kind'),
  group('legalForm', LEGAL_FORM),
  ...IDENTIFIERS,
  list('addresses', 'address', ADDRESS),
  list('emails', 'email', 'string'),
];

const INTEREST_SEGMENT: readonly Field[] = [
  date('from'),
  date('to'),
  integer('days'),
  text('semester'),
  text('ratePercent'),
  text('rateKind'),
  integer('base'),
  integer('interest'),
];

const CLAIM_LINE: readonly Field[] = [
  text('kind'),
  text('number'),
  date('issueDate'),
  date('dueDate'),
  integer('total'),
  integer('principal'),
  integer('interest'),
  integer('indemnity'),
  list('payments', 'payment', [date('date'), integer('amount')]),
  optional(integer('ledgerOpen')),
  list('imputed', 'payment', [date('date'), integer('amount'), integer('toInterest'), integer('toPrincipal')]),
  list('segments', 'segment', INTEREST_SEGMENT),
  nullable(date('prescribesOn')),
  nullable(text('documentRef')),
];

const CLAIM: readonly Field[] = [
  date('asOf'),
  text('currency'),
  text('rule'),
  text('dayCount'),
  text('imputation'),
  integer('principal'),
  integer('interest'),
  integer('indemnity'),
  integer('total'),
  list('lines', 'line', CLAIM_LINE),
  list('warnings', 'warning', 'string'),
];

/** An entry of the evidence list; `file` and `size` when the document is in the folder. */
const LISTED_DOCUMENT: readonly Field[] = [
  text('name'),
  optional(text('ref')),
  text('kind'),
  text('mediaType'),
  nullable(text('sha256')),
  nullable(dateTime('provenAt')),
  optional(text('file')),
  optional(integer('size')),
];

const ATTACHED_DOCUMENT: readonly Field[] = [
  text('name'),
  text('kind'),
  text('mediaType'),
  text('sha256'),
  text('file'),
  integer('size'),
];

const EVIDENCE: readonly Field[] = [
  list('messages', 'message', [
    integer('journalSeq'),
    date('on'),
    text('step'),
    text('stepId'),
    text('channel'),
    nullable(text('template')),
    text('summary'),
    nullable(text('messageId')),
    nullable(text('trackingNumber')),
    nullable(text('deliveryStatus')),
  ]),
  nullable(
    group('formalNotice', [
      text('stepId'),
      date('sentOn'),
      list('channels', 'channel', 'string'),
      nullable(date('receivedOn')),
      date('startsOn'),
      text('startBasis'),
      integer('deadlineDays'),
      date('deadlineEndsOn'),
      list('proofs', 'proof', [text('documentRef'), text('kind'), text('sha256'), nullable(dateTime('provenAt'))]),
    ]),
  ),
  list('calls', 'call', [integer('journalSeq'), date('on'), text('outcome')]),
  list('disputes', 'dispute', [
    text('invoiceNumber'),
    date('since'),
    text('reason'),
    text('outcome'),
    nullable(date('liftedOn')),
  ]),
  list('promises', 'promise', [
    date('recordedOn'),
    date('promisedFor'),
    nullable(integer('amount')),
    list('invoiceNumbers', 'invoiceNumber', 'string'),
    text('outcome'),
  ]),
];

const ADDITIONAL_CLAIMS: readonly Field[] = [
  text('currency'),
  nullable(
    group('recoveryCosts', [
      text('article'),
      list('costs', 'cost', [date('date'), text('label'), integer('amount'), text('documentRef')]),
      integer('total'),
      integer('fixedIndemnities'),
      integer('complementaryIndemnity'),
      text('note'),
    ]),
  ),
  nullable(
    group('penaltyClause', [
      text('reference'),
      text('article'),
      text('ratePercent'),
      integer('base'),
      nullable(integer('minimum')),
      integer('amount'),
      text('label'),
      list('warnings', 'warning', 'string'),
    ]),
  ),
  group('article700', [text('article'), nullable(integer('amount')), text('note')]),
  group('courtCosts', [
    text('procedure'),
    text('court'),
    text('currency'),
    nullable(integer('amount')),
    boolean('verified'),
    nullable(group('range', [integer('from'), integer('to')])),
    text('reason'),
    list('sources', 'source', 'string'),
  ]),
  group('capitalisation', [
    boolean('proposed'),
    text('article'),
    list('invoices', 'invoice', [text('number'), date('interestFrom'), date('fullYearOn'), integer('interest')]),
    text('reason'),
  ]),
];

/** `<dossier>`: the canonical dossier's fields plus `idempotencyKey`; `documents` is the dossier's list with each document's file. */
export const MANIFEST_FIELDS: readonly Field[] = [
  text('id'),
  text('caseId'),
  text('idempotencyKey'),
  dateTime('createdAt'),
  date('asOf'),
  group('creditor', CREDITOR),
  group('debtor', DEBTOR),
  group('claim', CLAIM),
  list('documents', 'document', LISTED_DOCUMENT),
  group('evidence', EVIDENCE),
  text('recommendedProcedure'),
  group('court', [text('kind'), optional(text('name')), optional(text('territory'))]),
  list('reasons', 'reason', 'string'),
  list('deadlines', 'deadline', [text('what'), text('rule'), text('article'), nullable(date('dueOn'))]),
  optional(group('lawyer', [boolean('compulsory'), text('reason')])),
  list('alternatives', 'alternative', [text('procedure'), text('reason')]),
  list('warnings', 'warning', 'string'),
  optional(group('additionalClaims', ADDITIONAL_CLAIMS)),
];

const INSTRUCTION_HEAD: readonly Field[] = [text('fileId'), text('dossierId'), text('idempotencyKey')];

export const INSTRUCTION_FIELDS = {
  addDocuments: [...INSTRUCTION_HEAD, list('documents', 'document', ATTACHED_DOCUMENT)],
  directPayment: [
    ...INSTRUCTION_HEAD,
    text('paymentId'),
    integer('amount'),
    text('currency'),
    date('receivedOn'),
    boolean('settlesInFull'),
  ],
  withdrawal: [...INSTRUCTION_HEAD, text('reason')],
} as const satisfies Record<string, readonly Field[]>;

export type InstructionRoot = keyof typeof INSTRUCTION_FIELDS;

/** A document as the manifest lists it: the dossier's entry, plus `file` and `size` when the document is in the folder. */
export interface ListedDocument {
  name: string;
  /** Our reference (a stored document, `invoice:<number>`); absent for a document handed over without being listed. */
  ref?: string;
  kind: string;
  mediaType: string;
  /** Null until the bytes are known (the dossier lists an invoice PDF the ledger has not given yet). */
  sha256: string | null;
  provenAt?: string | null;
  file?: string;
  size?: number;
}

/** A document in a folder, with its file name and size. */
export interface AttachedDocument {
  name: string;
  kind: string;
  mediaType: string;
  sha256: string;
  file: string;
  size: number;
}

/** A document we write into a folder, with the bytes. */
export interface AttachedFile {
  listed: AttachedDocument;
  content: Buffer;
}

/**
 * Checks the documents handed over (names safe, hashes right, no two landing on one file) and
 * gives each its file name in the folder.
 */
export function attachDocuments(documents: readonly PartnerDocument[], what: string): AttachedFile[] {
  const byName = new Set<string>();
  const byFile = new Map<string, string>();
  return documents.map((doc, i) => {
    const at = `${what} document ${i} ("${doc.name}")`;
    const unsafe = unsafeDocumentName(doc.name);
    if (unsafe) throw invalidOutput(at, `its name ${unsafe}; a document name must not be a path`);
    if (byName.has(doc.name)) throw invalidOutput(at, 'another document has the same name');
    byName.add(doc.name);
    const actual = sha256Hex(doc.content);
    if (actual !== doc.sha256)
      throw invalidOutput(at, `its sha256 says ${doc.sha256} but its content hashes to ${actual}`);
    const file = documentFileName(doc.name);
    // Compared without case: the firm may read the folder on Windows or macOS.
    const clash = byFile.get(file.toLowerCase());
    if (clash !== undefined) throw invalidOutput(at, `it would be written to the same file (${file}) as "${clash}"`);
    byFile.set(file.toLowerCase(), doc.name);
    return {
      listed: {
        name: doc.name,
        kind: doc.kind,
        mediaType: doc.mediaType,
        sha256: doc.sha256,
        file,
        size: doc.content.length,
      },
      content: doc.content,
    };
  });
}

/**
 * The manifest's document list: the dossier's own list (its evidence list, which may name
 * documents that come later with addDocuments), each with its file when it is attached now —
 * and its hash, when the dossier did not know it yet — then any attached document the dossier
 * does not list. A listed name attached as another kind, media type or hash is a contradiction,
 * refused. Every other key of an entry goes through the table (an unknown one is refused).
 */
export function listDocuments(dossierDocuments: unknown, attached: readonly AttachedFile[]): Record<string, unknown>[] {
  const listed: Record<string, unknown>[] = [];
  const byName = new Map(attached.map((a) => [a.listed.name, a.listed]));
  const seen = new Set<string>();
  if (dossierDocuments !== undefined && dossierDocuments !== null) {
    if (!Array.isArray(dossierDocuments)) throw invalidOutput('the dossier', 'dossier.documents is not a list');
    dossierDocuments.forEach((entry: unknown, i) => {
      const at = `dossier.documents[${i}]`;
      if (typeof entry !== 'object' || entry === null || typeof (entry as { name?: unknown }).name !== 'string')
        throw invalidOutput('the dossier', `${at} has no name`);
      const e = entry as Record<string, unknown> & { name: string };
      if (seen.has(e.name)) throw invalidOutput('the dossier', `${at}: the name "${e.name}" is listed twice`);
      seen.add(e.name);
      const file = byName.get(e.name);
      if (file === undefined) {
        listed.push(e);
        return;
      }
      const contradiction = (['kind', 'mediaType', 'sha256'] as const).find(
        (k) => e[k] !== undefined && e[k] !== null && e[k] !== file[k],
      );
      if (contradiction) {
        throw invalidOutput(
          'the dossier',
          `${at} lists "${e.name}" with ${contradiction} ${String(e[contradiction])}, but the document handed over has ${file[contradiction]}`,
        );
      }
      listed.push({ ...e, sha256: file.sha256, file: file.file, size: file.size });
    });
  }
  for (const a of attached) if (!seen.has(a.listed.name)) listed.push({ ...a.listed });
  return listed;
}

function encoded<T>(what: string, encode: () => T): T {
  try {
    return encode();
  } catch (error) {
    if (error instanceof FieldError) throw invalidOutput(what, `${error.path} ${error.problem}`);
    // xmlbuilder refuses characters XML 1.0 cannot hold (most control characters).
    if (error instanceof Error) throw invalidOutput(what, error.message);
    throw error;
  }
}

/** The element path (`dossier/claim/currency`) open at `line` of a document we built: one element per line, no comments. */
export function elementPathAtLine(xml: string, line: number): string {
  const stack: string[] = [];
  const lines = xml.split('\n');
  for (let i = 0; i < Math.min(line, lines.length); i++) {
    const row = lines[i]!;
    const tag = /^\s*<([A-Za-z][\w.-]*)(?:\s[^>]*)?(\/?)>/.exec(row);
    if (i === line - 1) return [...stack, tag?.[1] ?? ''].filter(Boolean).join('/');
    if (tag && tag[2] !== '/' && !new RegExp(`</${tag[1]}>\\s*$`).test(row)) stack.push(tag[1]!);
    else if (!tag && /^\s*<\/[^>]+>\s*$/.test(row)) stack.pop();
  }
  return stack.join('/');
}

/** What we built must pass our own XSD; when it does not, the bug is named by element path and line. */
export async function assertOwnXml(what: string, xml: string, root: string): Promise<void> {
  const checked = await checkXml(xml, 'dossier-manifest', [root]);
  if (checked.ok) return;
  const first = checked.problems[0]!;
  const path = first.line === undefined ? '' : ` at ${elementPathAtLine(xml, first.line)}`;
  throw invalidOutput(
    what,
    `it fails xsd/dossier-manifest.xsd${path}: ${describeProblem(first)}`,
    checked.problems.map(describeProblem).join('\n'),
  );
}

/** The manifest XML of a dossier (not yet checked: see `assertOwnXml`). Deterministic: the same input gives the same bytes. */
export function buildManifestXml(
  dossier: Record<string, unknown>,
  idempotencyKey: string,
  documents: readonly Record<string, unknown>[],
): string {
  return encoded(`dossier ${String(dossier.id)}`, () =>
    buildDocument(
      'dossier',
      DOSSIER_NAMESPACE,
      encodeFields({ ...dossier, idempotencyKey, documents }, MANIFEST_FIELDS, 'dossier'),
    ),
  );
}

export interface DecodedManifest {
  /** The dossier as handed over, in the canonical shape (its `documents` without `file` and `size`). */
  dossier: Record<string, unknown> & { id: string; caseId: string };
  idempotencyKey: string;
  documents: ListedDocument[];
}

/** The manifest back into the canonical dossier. `root` has passed the XSD. */
export function decodeManifest(root: XmlElement): DecodedManifest {
  const { idempotencyKey, documents, ...dossier } = decodeFields(root, MANIFEST_FIELDS, 'dossier');
  const listed = documents as ListedDocument[];
  return {
    dossier: {
      ...(dossier as { id: string; caseId: string }),
      documents: listed.map(({ file: _file, size: _size, ...canonical }) => canonical),
    },
    idempotencyKey: idempotencyKey as string,
    documents: listed,
  };
}

export type Instruction =
  | { root: 'addDocuments'; fileId: string; dossierId: string; idempotencyKey: string; documents: AttachedDocument[] }
  | { root: 'directPayment'; fileId: string; dossierId: string; idempotencyKey: string; payment: DirectPayment }
  | { root: 'withdrawal'; fileId: string; dossierId: string; idempotencyKey: string; reason: string };

function instructionBody(instruction: Instruction): Record<string, unknown> {
  const head = {
    fileId: instruction.fileId,
    dossierId: instruction.dossierId,
    idempotencyKey: instruction.idempotencyKey,
  };
  switch (instruction.root) {
    case 'addDocuments':
      return { ...head, documents: instruction.documents };
    case 'directPayment': {
      const { id, ...payment } = instruction.payment;
      return { ...head, paymentId: id, ...payment };
    }
    case 'withdrawal':
      return { ...head, reason: instruction.reason };
  }
}

export function buildInstructionXml(instruction: Instruction): string {
  return encoded(`the ${instruction.root} instruction for ${instruction.fileId}`, () =>
    buildDocument(
      instruction.root,
      DOSSIER_NAMESPACE,
      encodeFields(instructionBody(instruction), INSTRUCTION_FIELDS[instruction.root], instruction.root),
    ),
  );
}

export function decodeInstruction(root: XmlElement): Instruction {
  const name = root.name as InstructionRoot;
  const v = decodeFields(root, INSTRUCTION_FIELDS[name], name);
  const head = {
    fileId: v.fileId as string,
    dossierId: v.dossierId as string,
    idempotencyKey: v.idempotencyKey as string,
  };
  switch (name) {
    case 'addDocuments':
      return { root: name, ...head, documents: v.documents as AttachedDocument[] };
    case 'directPayment':
      return {
        root: name,
        ...head,
        payment: {
          id: v.paymentId as string,
          amount: v.amount as number,
          currency: v.currency as string,
          receivedOn: v.receivedOn as string,
          settlesInFull: v.settlesInFull as boolean,
        },
      };
    case 'withdrawal':
      return { root: name, ...head, reason: v.reason as string };
  }
}
