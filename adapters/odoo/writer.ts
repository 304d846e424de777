import type { Clock } from '../../connector/time/clock';
import { AdapterError } from '../../connector/ports/adapter-error';
import type { WriteBackRequest, WriteBackResult } from '../../connector/ports/erp';
import { noteHtml, recoveryFieldValues, writeBackMarker } from '../../mappings/odoo/write-back';
import { odooMoveId } from './reader';
import { BODY_IS_HTML_SINCE_MAJOR, type OdooSession } from './session';
import {
  ADDON_PARTNER_FIELDS,
  IN_RECOVERY_STAGES,
  invoiceStatusValues,
  partnerRecovery,
  toMajorUnits,
  WRITTEN_WITH,
  type InvoiceInRecovery,
  type OdooScalar,
  type StatusAddon,
} from './status-addon';
import { toMinorUnits } from '../../mappings/odoo/to-canonical';

type Item = WriteBackResult['items'][number];

/**
 * Recovery status into the ledger (erp-apis.md §1.7): internal notes (`message_post`,
 * `mail.mt_note`), activities (`mail.activity`) and `x_` fields when they exist; and, when the
 * `recouvra_status` addon is installed (addon/README.md), its fields on the invoices and their
 * customers, after each note and each fields write.
 *
 * Idempotent across crashes: before writing, it looks for its own marker on each invoice, so a
 * note written just before a crash (or whose answer was lost) is found instead of written twice;
 * fields are read first and only those that differ are written.
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
      case 'note': {
        items.push(...(await this.notes(request, ids)));
        // The note is the event: its first line becomes the invoice's last event in the addon.
        const addon = await (await this.session.prepare()).statusAddon();
        if (addon)
          await this.forgettingFieldsOnInvalidField(async () => {
            const eventAt = request.recovery?.eventAt;
            const status = invoiceStatusValues(addon, {
              stage: request.stage,
              procedureState: request.procedureState,
              lastEvent: {
                text: request.text,
                at: eventAt !== undefined && !Number.isNaN(Date.parse(eventAt)) ? new Date(eventAt) : this.clock.now(),
              },
              dossierRef: request.recovery?.dossierRef,
              nextDeadline: request.recovery?.nextDeadline,
            });
            const { rows } = await this.writeChanged(ids, status.vals);
            await this.partnerStatus(addon, request.stage, rows);
          });
        break;
      }
      case 'activity':
        items.push(...(await this.activities(request, ids)));
        break;
      case 'fields':
        items.push(...(await this.forgettingFieldsOnInvalidField(() => this.fields(request, ids))));
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
    const addon = await facts.statusAddon();
    const custom = recoveryFieldValues(this.session.config.writeBack, await facts.moveFields(), {
      stage: request.stage,
      procedureState: request.procedureState,
    });
    const status = addon
      ? invoiceStatusValues(addon, {
          stage: request.stage,
          procedureState: request.procedureState,
          dossierRef: request.recovery?.dossierRef,
          nextDeadline: request.recovery?.nextDeadline,
        })
      : undefined;
    // With the addon, the x_ fields are an option nobody needs: their absence is no reason to report.
    const reasons = [
      ...(custom.missing.length && !addon
        ? [
            `account.move has no field ${custom.missing.join(', ')} (create it in Odoo, or install the recouvra_status addon, to see the recovery status in list views)`,
          ]
        : []),
      ...(status?.refused ?? []),
    ];
    const reason = reasons.length ? reasons.join('; ') : undefined;
    const vals = { ...custom.vals, ...status?.vals };
    if (Object.keys(vals).length === 0)
      return [...ids.values()].map((rid) => ({
        receivableId: rid,
        status: 'skipped',
        reason: reason ?? 'nothing to write',
      }));
    const { outcome, rows } = await this.writeChanged(ids, vals);
    if (addon) await this.partnerStatus(addon, request.stage, rows);
    return [...ids].map(([id, rid]): Item => {
      const o = outcome.get(id);
      if (o === undefined) return { receivableId: rid, status: 'skipped', reason: 'the invoice is no longer in Odoo' };
      return { receivableId: rid, status: o, ...(reason ? { reason } : {}) };
    });
  }

  /**
   * Writes `vals` on the invoices whose values differ. Any write moves write_date, even of a value
   * already there (v18-43/44), and the next incremental sync would then read the invoice as changed:
   * the values are read first and only those that differ are written, grouped by what changes. Read
   * now rather than kept from the sync, whose value may be stale. The rows read (with each invoice's
   * customer and currency) come back for the partners' status.
   */
  private async writeChanged(
    ids: Map<number, string>,
    vals: Record<string, OdooScalar>,
  ): Promise<{ outcome: Map<number, 'written' | 'already_written'>; rows: Record<string, unknown>[] }> {
    const names = Object.keys(vals);
    const rows = await this.session.call<Record<string, unknown>[]>(
      'account.move',
      'read',
      { ids: [...ids.keys()], fields: [...names, 'commercial_partner_id', 'currency_id'] },
      false,
    );
    if (!Array.isArray(rows))
      throw new AdapterError({
        code: 'ODOO_BAD_RESPONSE',
        kind: 'system',
        userMessage: 'account.move.read did not return a list',
      });
    const outcome = new Map<number, 'written' | 'already_written'>();
    const writes = new Map<string, { vals: Record<string, OdooScalar>; ids: number[] }>();
    // `read` leaves out ids that no longer exist (v18-33): they get no outcome.
    for (const row of rows) {
      const id = row['id'];
      if (typeof id !== 'number' || !ids.has(id)) continue;
      const differs = new Set(names.filter((n) => !sameValue(row[n], vals[n]!)));
      for (const [field, leader] of Object.entries(WRITTEN_WITH)) if (!differs.has(leader)) differs.delete(field);
      if (differs.size === 0) {
        outcome.set(id, 'already_written');
        continue;
      }
      const changed = Object.fromEntries([...differs].map((n) => [n, vals[n]!]));
      const group = JSON.stringify(changed);
      writes.set(group, { vals: changed, ids: [...(writes.get(group)?.ids ?? []), id] });
      outcome.set(id, 'written');
    }
    for (const w of writes.values())
      await this.session.call<boolean>('account.move', 'write', { ids: w.ids, vals: w.vals }, true);
    return { outcome, rows };
  }

  /**
   * Runs a write of fields that `fields_get` listed. Odoo refusing one of them as unknown means the
   * server changed since the session learnt its fields (the addon or an x_ field removed): the session
   * forgets them, and the failure is transient, so that the outbox's retry connects anew and writes
   * only what is there (a note already written is found by its marker). Not retried here: the outbox
   * is the one layer that retries.
   */
  private async forgettingFieldsOnInvalidField<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (!(e instanceof AdapterError && e.code === 'ODOO_INVALID_FIELD')) throw e;
      this.session.forget();
      throw new AdapterError({
        code: 'ODOO_FIELDS_CHANGED',
        kind: 'transient',
        userMessage: `connection ${this.session.config.id}: Odoo no longer has a field it listed when the connector connected (the recouvra_status addon or an x_ field removed?); the next attempt connects again and writes only the fields there are`,
        ...(e.detail === undefined ? {} : { detail: e.detail }),
        cause: e,
      });
    }
  }

  /**
   * The customers' status in the addon: for each commercial partner of the invoices just written,
   * the most advanced stage among its invoices in recovery (or this case's stage when none is), and
   * what is still due on those in the currency of this case's invoices, with that currency. Read from
   * Odoo rather than carried by the request, so that a partner with several cases gets its worst
   * stage. Skipped for a partner whose invoices here come in several currencies (not one case).
   */
  private async partnerStatus(
    addon: StatusAddon,
    stage: string | undefined,
    invoices: readonly Record<string, unknown>[],
  ): Promise<void> {
    if (stage === undefined) return;
    const currencies = new Map<number, Map<string, number>>();
    for (const row of invoices) {
      const partner = many2oneId(row['commercial_partner_id']);
      const currency = row['currency_id'];
      if (partner === undefined || !Array.isArray(currency) || typeof currency[1] !== 'string') continue;
      const seen = currencies.get(partner) ?? new Map<string, number>();
      seen.set(currency[1], currency[0] as number);
      currencies.set(partner, seen);
    }
    const F = ADDON_PARTNER_FIELDS;
    for (const [partner, seen] of currencies) {
      // Same filter as the addon's "Debtors in Recovery" and "In Recovery": posted invoices at a working stage.
      const inRecovery = await this.session.call<InvoiceInRecovery[]>(
        'account.move',
        'search_read',
        {
          domain: [
            ['commercial_partner_id', '=', partner],
            ['move_type', '=', 'out_invoice'],
            ['state', '=', 'posted'],
            ['recouvra_stage', 'in', [...IN_RECOVERY_STAGES]],
          ],
          fields: ['recouvra_stage', 'amount_residual', 'currency_id'],
        },
        false,
      );
      const [[code, currencyId]] = [...seen] as [[string, number]];
      const recovery = partnerRecovery(Array.isArray(inRecovery) ? inRecovery : [], code);
      const vals: Record<string, OdooScalar> = {};
      const partnerStage = recovery.stage ?? stage;
      if (addon.stages.has(partnerStage)) vals[F.stage] = partnerStage;
      if (seen.size === 1 && typeof recovery.amount === 'number') {
        vals[F.amount] = toMajorUnits(recovery.amount, code);
        vals[F.currency] = currencyId;
      }
      const [current] = await this.session.call<Record<string, unknown>[]>(
        'res.partner',
        'read',
        { ids: [partner], fields: Object.values(F), context: { active_test: false } },
        false,
      );
      if (!current) continue;
      // Compared in minor units: the float Odoo stored may print differently from the one computed here.
      const amount = current[F.amount];
      const sameAmount =
        many2oneId(current[F.currency]) === currencyId &&
        typeof amount === 'number' &&
        toMinorUnits(amount, code) === recovery.amount;
      const changed = Object.fromEntries(
        Object.entries(vals).filter(([name, value]) =>
          name === F.amount || name === F.currency ? !sameAmount : !sameValue(current[name], value),
        ),
      );
      if (Object.keys(changed).length > 0)
        await this.session.call<boolean>('res.partner', 'write', { ids: [partner], vals: changed }, true);
    }
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

/** A value `read` returned and one to write are the same: `false` for empty, `[id, name]` for a many2one. */
function sameValue(current: unknown, wanted: OdooScalar): boolean {
  if (Array.isArray(current)) return current[0] === wanted;
  return current === wanted;
}

function many2oneId(value: unknown): number | undefined {
  return Array.isArray(value) && typeof value[0] === 'number' ? value[0] : undefined;
}
