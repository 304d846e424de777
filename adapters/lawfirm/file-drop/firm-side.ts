import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DirectPayment } from '../../../connector/ports/lawfirm';
import { writeFileAtomically } from './atomic-fs';
import { invalidOutput } from './errors';
import {
  classifyOutboundName,
  dossierFolderName,
  instructionFolderName,
  INSTRUCTION_FILE,
  isStatusFileName,
  MANIFEST_FILE,
  sha256Hex,
  type InstructionKind,
} from './layout';
import { decodeInstruction, decodeManifest, type AttachedDocument, type ListedDocument } from './manifest';
import { buildStatusFileXml, type StatusItem } from './status-file';
import type { XmlElement } from './xml-codec';
import { checkXml, describeProblem } from './xsd';

/**
 * The firm's side of the folders, for the law-firm simulator and for tests — and as the
 * reference a firm's own tooling can be checked against: read what the connector handed over
 * (every manifest checked against the XSD, every document against its size and SHA-256), and
 * write status files the way the connector expects them (checked, then renamed into view).
 */

/** A document found in a folder, checked against its size and hash; `ref` and `provenAt` as the dossier lists them. */
export interface OutboundDocument extends AttachedDocument {
  ref?: string;
  provenAt?: string | null;
  content: Buffer;
}

export interface OutboundDossier {
  /** The folder's name: the file's id on both sides. */
  fileId: string;
  /** The dossier as the connector built it (canonical shape). */
  dossier: Record<string, unknown> & { id: string; caseId: string };
  idempotencyKey: string;
  /** The documents in the folder, checked. */
  documents: OutboundDocument[];
  /** Names the dossier lists whose file is not in the folder (they come later with add-documents). */
  missingDocuments: string[];
}

interface InstructionHead {
  /** The folder's name. */
  name: string;
  fileId: string;
  dossierId: string;
  idempotencyKey: string;
}

export type OutboundInstruction =
  | (InstructionHead & { kind: 'add-documents'; documents: OutboundDocument[] })
  | (InstructionHead & { kind: 'payment'; payment: DirectPayment })
  | (InstructionHead & { kind: 'withdrawal'; reason: string });

/** A folder the firm cannot work: its name and every problem found. */
export interface InvalidOutbound {
  name: string;
  problems: string[];
}

const ROOT_OF: Record<InstructionKind, string> = {
  'add-documents': 'addDocuments',
  payment: 'directPayment',
  withdrawal: 'withdrawal',
};

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function outboundFolders(outbound: string): Promise<string[]> {
  const entries = await readdir(outbound, { withFileTypes: true });
  // A name starting with "." is being written (or was abandoned by a crash): never read it.
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(byName);
}

type FolderXml = { ok: true; root: XmlElement; entries: string[] } | { ok: false; problems: string[] };

async function readFolderXml(dir: string, xmlName: string, roots: readonly string[]): Promise<FolderXml> {
  const entries = await readdir(dir);
  if (!entries.includes(xmlName)) return { ok: false, problems: [`no ${xmlName}`] };
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(join(dir, xmlName)));
  } catch (error) {
    if (error instanceof TypeError) return { ok: false, problems: [`${xmlName} is not UTF-8 text`] };
    throw error;
  }
  const checked = await checkXml(xml, 'dossier-manifest', roots);
  if (!checked.ok) return { ok: false, problems: checked.problems.map((p) => `${xmlName}: ${describeProblem(p)}`) };
  return { ok: true, root: checked.root, entries };
}

/** Reads each listed file of the folder and checks its size and hash; any other file in the folder is a problem too. */
async function readDocuments(
  dir: string,
  xmlName: string,
  entries: readonly string[],
  listed: readonly (ListedDocument | AttachedDocument)[],
  problems: string[],
): Promise<OutboundDocument[]> {
  const documents: OutboundDocument[] = [];
  const expected = new Set([xmlName]);
  for (const doc of listed) {
    if (doc.file === undefined || doc.size === undefined) continue;
    expected.add(doc.file);
    if (doc.sha256 === null) {
      problems.push(`document "${doc.name}": its file ${doc.file} has no sha256`);
      continue;
    }
    // The XSD's FileName pattern already excludes separators and leading dots; checked again because this path is opened.
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(doc.file)) {
      problems.push(`document "${doc.name}": file name ${JSON.stringify(doc.file)} is not a plain file name`);
      continue;
    }
    if (!entries.includes(doc.file)) {
      problems.push(`document "${doc.name}": its file ${doc.file} is not in the folder`);
      continue;
    }
    const content = await readFile(join(dir, doc.file));
    if (content.length !== doc.size)
      problems.push(`document "${doc.name}": ${doc.file} has ${content.length} bytes, the manifest says ${doc.size}`);
    const actual = sha256Hex(content);
    if (actual !== doc.sha256)
      problems.push(`document "${doc.name}": ${doc.file} hashes to ${actual}, the manifest says ${doc.sha256}`);
    documents.push({ ...doc, sha256: doc.sha256, file: doc.file, size: doc.size, content });
  }
  for (const entry of entries) if (!expected.has(entry)) problems.push(`${entry} is in the folder but not listed`);
  return documents;
}

/** Every dossier folder in `outbound`, checked; the ones that fail come back in `invalid` with their problems. */
export async function readOutboundDossiers(
  outbound: string,
): Promise<{ dossiers: OutboundDossier[]; invalid: InvalidOutbound[] }> {
  const dossiers: OutboundDossier[] = [];
  const invalid: InvalidOutbound[] = [];
  for (const name of await outboundFolders(outbound)) {
    if (classifyOutboundName(name).kind !== 'dossier') continue;
    const dir = join(outbound, name);
    const read = await readFolderXml(dir, MANIFEST_FILE, ['dossier']);
    if (!read.ok) {
      invalid.push({ name, problems: read.problems });
      continue;
    }
    const manifest = decodeManifest(read.root);
    const problems: string[] = [];
    const expectedName = dossierFolderName(manifest.dossier.id, manifest.idempotencyKey);
    if (expectedName !== name)
      problems.push(`the folder of dossier ${manifest.dossier.id} with its key should be named ${expectedName}`);
    const documents = await readDocuments(dir, MANIFEST_FILE, read.entries, manifest.documents, problems);
    if (problems.length > 0) {
      invalid.push({ name, problems });
      continue;
    }
    const missingDocuments = manifest.documents.filter((d) => d.file === undefined).map((d) => d.name);
    dossiers.push({
      fileId: name,
      dossier: manifest.dossier,
      idempotencyKey: manifest.idempotencyKey,
      documents,
      missingDocuments,
    });
  }
  return { dossiers, invalid };
}

/** Every instruction folder in `outbound` (documents added, direct payments, withdrawals), checked, in name order. */
export async function readOutboundInstructions(
  outbound: string,
): Promise<{ instructions: OutboundInstruction[]; invalid: InvalidOutbound[] }> {
  const instructions: OutboundInstruction[] = [];
  const invalid: InvalidOutbound[] = [];
  for (const name of await outboundFolders(outbound)) {
    const kind = classifyOutboundName(name);
    if (kind.kind !== 'instruction') continue;
    const dir = join(outbound, name);
    const read = await readFolderXml(dir, INSTRUCTION_FILE, [ROOT_OF[kind.instruction]]);
    if (!read.ok) {
      invalid.push({ name, problems: read.problems });
      continue;
    }
    const instruction = decodeInstruction(read.root);
    const problems: string[] = [];
    const expectedName = instructionFolderName(instruction.fileId, kind.instruction, instruction.idempotencyKey);
    if (expectedName !== name) problems.push(`the folder of this ${kind.instruction} should be named ${expectedName}`);
    const head = {
      name,
      fileId: instruction.fileId,
      dossierId: instruction.dossierId,
      idempotencyKey: instruction.idempotencyKey,
    };
    const documents = await readDocuments(
      dir,
      INSTRUCTION_FILE,
      read.entries,
      instruction.root === 'addDocuments' ? instruction.documents : [],
      problems,
    );
    if (problems.length > 0) {
      invalid.push({ name, problems });
      continue;
    }
    if (instruction.root === 'addDocuments') instructions.push({ ...head, kind: 'add-documents', documents });
    else if (instruction.root === 'directPayment')
      instructions.push({ ...head, kind: 'payment', payment: instruction.payment });
    else instructions.push({ ...head, kind: 'withdrawal', reason: instruction.reason });
  }
  return { instructions, invalid };
}

/** `20250301T093000123Z`: sorts in time order, as status file names must. */
function stamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

/**
 * Writes a status file into `inbound` the way the connector expects: checked against
 * xsd/status-file.xsd, written under a hidden temporary name, then given its name in one step
 * (never replacing a file). Returns the name. The default name sorts in time order: pass `now`
 * (a simulator's clock) or a `name` of your own.
 */
export async function writeStatusFile(
  inbound: string,
  items: readonly StatusItem[],
  options: { name?: string; now?: Date } = {},
): Promise<string> {
  const name = options.name ?? `${stamp(options.now ?? new Date())}-${randomBytes(3).toString('hex')}.xml`;
  if (!isStatusFileName(name) || /[/\\]/.test(name))
    throw invalidOutput(
      `status file ${JSON.stringify(name)}`,
      'a status file name ends in .xml, does not start with "." and is not a path',
    );
  const xml = buildStatusFileXml(items);
  const checked = await checkXml(xml, 'status-file', ['statusFile']);
  if (!checked.ok)
    throw invalidOutput(
      `status file ${name}`,
      `it fails xsd/status-file.xsd: ${checked.problems.map(describeProblem).join('; ')}`,
    );
  if ((await writeFileAtomically(inbound, name, xml)) === 'exists')
    throw invalidOutput(`status file ${name}`, 'the inbound folder already has a file of that name');
  return name;
}
