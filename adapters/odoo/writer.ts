import type { Clock } from '../../connector/time/clock';
import { AdapterError } from '../../connector/ports/adapter-error';
import type { WriteBackRequest, WriteBackResult } from '../../connector/ports/erp';
import { noteHtml, recoveryFieldValues, writeBackMarker } from '../../mappings/odoo/write-back';
import { odooMoveId } from './reader';
import { BODY_IS_HTML_SINCE_MAJOR, type OdooSession } from './session';

type Item = WriteBackResult['items'][number];

/**
 * Recovery status into the ledger (erp-apis.md §1.7), with no addon installed: internal notes
 * (`message_post`, `mail.mt_note`), activities (`mail.activity`) and `x_` fields when they exist.
 *
 * Idempotent across crashes: before writing, it looks for its own marker on each invoice, so a
 * note written just before a crash (or whose answer was lost) is found instead of written twice.
 */
export class OdooWriter {
  constructor(
    private readonly session: OdooSession,
    private readonly clock: Clock,
  ) {}

  async writeBack(request: WriteBackRequest): Promise<WriteBackResult> {
    const connection = this.session.config.id;
    const items: Item[] = [];
    const ids = new Map<number, string>();
    for (const rid of request.receivableIds) {
      const id = odooMoveId(rid, connection);
      if (id === undefined)
        items.push({ receivableId: rid, status: 'skipped', reason: `not an invoice of connection ${connection}` });
      else ids.set(id, rid);
    }
    if (ids.size === 0) return { items };
    switch (request.kind) {
      case 'note':
        items.push(...(await this.notes(request, ids)));
        break;
      case 'activity':
        items.push(...(await this.activities(request, ids)));
        break;
      case 'fields':
        items.push(...(await this.fields(request, ids)));
        break;
    }
    return { items };
  }

  private async notes(request: WriteBackRequest, ids: Map<number, string>): Promise<Item[]> {
    const marker = writeBackMarker(request.key);
    const done = await this.markedIn('mail.message', 'model', 'body', [...ids.keys()], marker);
    const facts = await this.session.prepare();
    const body = noteHtml(request.text, marker);
    const items: Item[] = [];
    for (const [id, rid] of ids) {
      if (done.has(id)) {
        items.push({ receivableId: rid, status: 'already_written' });
        continue;
      }
      // https://www.odoo.com/documentation/18.0/developer/reference/external_api.html (message_post; body_is_html from 17.0, odoo/odoo#129977)
      const named = {
        ids: [id],
        body,
        message_type: 'comment',
        subtype_xmlid: 'mail.mt_note',
        ...(facts.version.major >= BODY_IS_HTML_SINCE_MAJOR ? { body_is_html: true } : {}),
      };
      const result = await this.session.call<unknown>('account.move', 'message_post', named, true);
      items.push({
        receivableId: rid,
        status: 'written',
        ref: `mail.message/${String(Array.isArray(result) ? result[0] : result)}`,
      });
    }
    return items;
  }

  private async activities(request: WriteBackRequest, ids: Map<number, string>): Promise<Item[]> {
    const marker = writeBackMarker(request.key);
    // An activity marked done is deleted and leaves a message with its note: look in both.
    const open = await this.markedIn('mail.activity', 'res_model', 'note', [...ids.keys()], marker);
    const closed = await this.markedIn('mail.message', 'model', 'body', [...ids.keys()], marker);
    const facts = await this.session.prepare();
    const config = this.session.config.writeBack;
    const items: Item[] = [];
    for (const [id, rid] of ids) {
      if (open.has(id) || closed.has(id)) {
        items.push({ receivableId: rid, status: 'already_written' });
        continue;
      }
      // No `res_model_id`: the model comes from `default_res_model` in the context, which also gives
      // the activity Odoo's default type for the document, To-Do (v18-21/22); with an explicit
      // `res_model_id` and no context it gets no type at all (v18-24/25), and looking the id up in
      // `ir.model` is refused to an Invoicing-only user (v18-26).
      const vals = {
        res_id: id,
        summary: request.summary ?? request.text.split('\n')[0]!.slice(0, 120),
        note: noteHtml(request.text, marker),
        user_id: config.activityUserId ?? facts.uid,
        date_deadline: request.deadline ?? this.clock.now().toISOString().slice(0, 10),
        ...(config.activityTypeId ? { activity_type_id: config.activityTypeId } : {}),
      };
      // erp-apis.md §1.7: `create` rather than activity_schedule, whose recordset result XML-RPC cannot
      // marshal. The XML-RPC transport sends `vals_list` by position (v18-20: by keyword it faults).
      const result = await this.session.call<unknown>(
        'mail.activity',
        'create',
        { vals_list: [vals], context: { default_res_model: 'account.move' } },
        true,
      );
      items.push({
        receivableId: rid,
        status: 'written',
        ref: `mail.activity/${String(Array.isArray(result) ? result[0] : result)}`,
      });
    }
    return items;
  }

  private async fields(request: WriteBackRequest, ids: Map<number, string>): Promise<Item[]> {
    const facts = await this.session.prepare();
    const { vals, missing } = recoveryFieldValues(this.session.config.writeBack, await facts.moveFields(), {
      stage: request.stage,
      procedureState: request.procedureState,
    });
    const reason = missing.length
      ? `account.move has no field ${missing.join(', ')} (create it in Odoo to see the recovery status in list views)`
      : undefined;
    if (Object.keys(vals).length === 0)
      return [...ids.values()].map((rid) => ({
        receivableId: rid,
        status: 'skipped',
        reason: reason ?? 'nothing to write',
      }));
    // Any write moves write_date, even of a value already there (v18-43/44), and the next incremental
    // sync would then read the invoice as changed: the values are read first and only those that
    // differ are written. Read now rather than kept from the sync, whose value may be stale.
    const names = Object.keys(vals);
    const rows = await this.session.call<Record<string, unknown>[]>(
      'account.move',
      'read',
      { ids: [...ids.keys()], fields: names },
      false,
    );
    if (!Array.isArray(rows))
      throw new AdapterError({
        code: 'ODOO_BAD_RESPONSE',
        kind: 'system',
        userMessage: 'account.move.read did not return a list',
      });
    const current = new Map(rows.map((r) => [r['id'], r]));
    const writes = new Map<string, { vals: Record<string, string>; ids: number[] }>();
    const items: Item[] = [];
    for (const [id, rid] of ids) {
      const row = current.get(id);
      // `read` leaves out ids that no longer exist (v18-33).
      if (!row) {
        items.push({ receivableId: rid, status: 'skipped', reason: 'the invoice is no longer in Odoo' });
        continue;
      }
      const changed = Object.fromEntries(names.filter((n) => row[n] !== vals[n]).map((n) => [n, vals[n]!]));
      if (Object.keys(changed).length === 0) {
        items.push({ receivableId: rid, status: 'already_written', ...(reason ? { reason } : {}) });
        continue;
      }
      const group = JSON.stringify(changed);
      writes.set(group, { vals: changed, ids: [...(writes.get(group)?.ids ?? []), id] });
      items.push({ receivableId: rid, status: 'written', ...(reason ? { reason } : {}) });
    }
    for (const w of writes.values())
      await this.session.call<boolean>('account.move', 'write', { ids: w.ids, vals: w.vals }, true);
    return items;
  }

  /** The documents among `resIds` that already carry `marker` in `textField`. */
  private async markedIn(
    model: 'mail.message' | 'mail.activity',
    modelField: string,
    textField: string,
    resIds: number[],
    marker: string,
  ): Promise<Set<number>> {
    const domain = [
      [modelField, '=', 'account.move'],
      ['res_id', 'in', resIds],
      [textField, 'ilike', marker],
    ];
    const rows = await this.session.call<{ res_id?: unknown }[]>(
      model,
      'search_read',
      { domain, fields: ['res_id'] },
      false,
    );
    if (!Array.isArray(rows))
      throw new AdapterError({
        code: 'ODOO_BAD_RESPONSE',
        kind: 'system',
        userMessage: `${model}.search_read did not return a list`,
      });
    return new Set(rows.map((r) => r.res_id).filter((x): x is number => typeof x === 'number'));
  }
}
