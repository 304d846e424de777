export { FileDropPartner, FILE_DROP_DEFAULTS, type FileDropOptions } from './file-drop-partner';
export type { FileDropHooks } from './atomic-fs';
export { writeFileAtomically } from './atomic-fs';
export {
  readOutboundDossiers,
  readOutboundInstructions,
  writeStatusFile,
  type InvalidOutbound,
  type OutboundDocument,
  type OutboundDossier,
  type OutboundInstruction,
} from './firm-side';
export {
  buildStatusFileXml,
  decodeStatusFile,
  toPartnerEvent,
  type FirmAcknowledgement,
  type StatusItem,
} from './status-file';
export { checkXml, schemaPath, DOSSIER_NAMESPACE, STATUS_NAMESPACE, type SchemaName, type XmlProblem } from './xsd';
export {
  ARCHIVE_DIR,
  REJECTED_DIR,
  MANIFEST_FILE,
  INSTRUCTION_FILE,
  dossierFolderName,
  instructionFolderName,
  keyHash,
} from './layout';
