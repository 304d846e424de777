import type { PartnerEvent } from '../../../connector/ports/lawfirm';
import {
  buildFragment,
  dateTime,
  decodeFields,
  encodeFields,
  group,
  integer,
  list,
  optional,
  text,
  type Field,
  type XmlElement,
} from './xml-codec';
import { STATUS_NAMESPACE } from './xsd';

/**
 * Status files, the firm's side of the folder: the tables below map each item to its XML
 * (xsd/status-file.xsd), and acknowledgements become `accepted` / `rejected` events so that the
 * connector sees one stream of events whatever the transport.
 */

/** The firm takes a dossier folder in, or refuses it. */
export interface FirmAcknowledgement {
  id: string;
  fileId: string;
  dossierId: string;
  occurredAt: string;
  decision: 'accepted' | 'rejected';
  /** Why the firm refuses the file (at least one when rejected). */
  reasons: string[];
  note?: string;
}

export type StatusItem = ({ kind: 'event' } & PartnerEvent) | ({ kind: 'acknowledgement' } & FirmAcknowledgement);

const EVENT_FIELDS: readonly Field[] = [
  text('id'),
  text('fileId'),
  text('dossierId'),
  text('type'),
  dateTime('occurredAt'),
  optional(text('label')),
  // PartnerEvent's { amount, currency } is two sibling elements in the file (both or neither).
  optional(integer('amount')),
  optional(text('currency')),
  optional(list('documents', 'document', [text('name'), text('sha256')])),
  optional(text('note')),
];

const ACKNOWLEDGEMENT_FIELDS: readonly Field[] = [
  text('id'),
  text('fileId'),
  text('dossierId'),
  dateTime('occurredAt'),
  optional(group('accepted', [])),
  optional(list('rejected', 'reason', 'string')),
  optional(text('note')),
];

function eventBody(item: PartnerEvent): Record<string, unknown> {
  const { amount, ...rest } = item;
  return { ...rest, ...(amount === undefined ? {} : { amount: amount.amount, currency: amount.currency }) };
}

function acknowledgementBody(item: FirmAcknowledgement): Record<string, unknown> {
  const { decision, reasons, ...rest } = item;
  return decision === 'accepted' ? { ...rest, accepted: {} } : { ...rest, rejected: reasons };
}

/** The XML of a status file (not checked here: `writeStatusFile` checks it against the XSD). */
export function buildStatusFileXml(items: readonly StatusItem[]): string {
  // xml2js's builder groups children by name; a status file interleaves acknowledgements and
  // events in the order they happened, so each item is built alone and the root written by hand.
  const body = items.map((item) => {
    const { kind, ...fields } = item;
    return kind === 'event'
      ? buildFragment('event', encodeFields(eventBody(fields as PartnerEvent), EVENT_FIELDS, 'event'))
      : buildFragment(
          'acknowledgement',
          encodeFields(acknowledgementBody(fields as FirmAcknowledgement), ACKNOWLEDGEMENT_FIELDS, 'acknowledgement'),
        );
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<statusFile xmlns="${STATUS_NAMESPACE}">\n${body.join('\n')}\n</statusFile>\n`;
}

/** The items of a status file whose root has passed the XSD, in file order. */
export function decodeStatusFile(root: XmlElement): StatusItem[] {
  return root.children.map((child, i): StatusItem => {
    const at = `statusFile/${child.name}[${i}]`;
    if (child.name === 'event') {
      const { amount, currency, ...v } = decodeFields(child, EVENT_FIELDS, at);
      return {
        kind: 'event',
        ...(v as unknown as PartnerEvent),
        ...(amount === undefined ? {} : { amount: { amount: amount as number, currency: currency as string } }),
      };
    }
    const { accepted, rejected, ...v } = decodeFields(child, ACKNOWLEDGEMENT_FIELDS, at);
    return {
      kind: 'acknowledgement',
      ...(v as unknown as Omit<FirmAcknowledgement, 'decision' | 'reasons'>),
      decision: accepted !== undefined ? 'accepted' : 'rejected',
      reasons: (rejected as string[] | undefined) ?? [],
    };
  });
}

/** An item as the connector reads it: an acknowledgement is the event `accepted` or `rejected`, its reasons in the note. */
export function toPartnerEvent(item: StatusItem): PartnerEvent {
  if (item.kind === 'event') {
    const { kind: _kind, ...event } = item;
    return event;
  }
  const note = [...item.reasons, ...(item.note === undefined ? [] : [item.note])].join('\n');
  return {
    id: item.id,
    fileId: item.fileId,
    dossierId: item.dossierId,
    type: item.decision,
    occurredAt: item.occurredAt,
    ...(note === '' ? {} : { note }),
  };
}
