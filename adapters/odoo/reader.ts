import { z } from 'zod';
import type { Receivable } from '../../connector/model';
import { AdapterError } from '../../connector/ports/adapter-error';
import { emptyPage, type Closure, type InvoicePdf, type ReadPage, type ReadPosition } from '../../connector/ports/erp';
import { moveToReceivable, odooIds, partnerToDebtor } from '../../mappings/odoo/to-canonical';
import { OPTIONAL_PARTNER_FIELDS, type OdooSession } from './session';
import {
  afterCursorDomain,
  compareCursors,
  CUSTOMER_MOVES_DOMAIN,
  cursorAfterPage,
  KEYSET_ORDER,
  OPEN_RECEIVABLES_DOMAIN,
  startOfRun,
  type OdooCursor,
  type OdooDomain,
} from './sync-plan';

/**
 * Reading Odoo: pages of account.move in `(write_date, id)` order with the partners they need,
 * changed commercial partners, the ids of every open receivable, and moves by id. Pure wire
 * work; mapping is in mappings/odoo, saving in the core.
 */

// erp-apis.md §1.5: the fields of an open receivable.
/** The fields read from account.move and res.partner (the benchmarks' bare fetches read the same). */
export const MOVE_FIELDS = [
  'name',
  'ref',
  'move_type',
  'state',
  'payment_state',
  'invoice_date',
  'invoice_date_due',
  'amount_total',
  'amount_residual',
  'currency_id',
  'partner_id',
  'commercial_partner_id',
  'company_id',
  'reversed_entry_id',
  'write_date',
];
export const PARTNER_FIELDS = [
  'name',
  'is_company',
  'commercial_partner_id',
  'vat',
  'email',
  'phone',
  'street',
  'street2',
  'zip',
  'city',
  'country_id',
  'lang',
  'write_date',
];
/** ids per `search` page when listing every open receivable (ids only: small responses). */
const ID_PAGE = 10_000;

/** Commercial entities that are customers (erp-apis.md §1.5: group by commercial_partner_id). */
const DEBTORS_DOMAIN: OdooDomain = [
  ['customer_rank', '>', 0],
  '|',
  ['is_company', '=', true],
  ['parent_id', '=', false],
];

const CursorSchema = z.strictObject({
  writeDate: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
  id: z.number().int().nonnegative(),
});
/** Where the next page of a run starts; `openOnly` carries a first run's choice to its later pages. */
const ResumeSchema = CursorSchema.extend({ openOnly: z.boolean().optional() });

type RawRecord = Record<string, unknown>;

export class OdooReader {
  /** Partners already sent during this adapter's life: a page does not fetch them again. */
  private readonly sentPartners = new Set<number>();
  private countryCodes: Promise<Map<number, string>> | undefined;

  constructor(private readonly session: OdooSession) {}

  private get connection(): string {
    return this.session.config.id;
  }

  private companyFilter(): OdooDomain {
    const ids = this.session.config.companyIds;
    return ids ? [['company_id', 'in', ids]] : [];
  }

  /** One page of account.move changed after the position, with the commercial partners it names. */
  async receivablesPage(position: ReadPosition): Promise<ReadPage> {
    return this.keysetPage(this.plan('receivables', position), MOVE_FIELDS, (records) => this.mapMoves(records));
  }

  /**
   * One page of changed commercial partners that are customers. A commercial entity whose invoices
   * all go to its contacts may have customer_rank 0: it still arrives with its invoices, and
   * the full reconciliation re-reads it.
   */
  async debtorsPage(position: ReadPosition): Promise<ReadPage> {
    const fields = await this.partnerFields();
    return this.keysetPage(this.plan('debtors', position), fields, async (records) => {
      const page = emptyPage();
      await this.mapPartners(records, page);
      return page;
    });
  }

  /** How many records a run from `position` will read (search_count of the same domain). */
  async count(stream: 'receivables' | 'debtors', position: ReadPosition): Promise<number> {
    const { model, domain } = this.plan(stream, position);
    const n = await this.session.call<unknown>(model, 'search_count', { domain }, false);
    if (typeof n !== 'number') throw badResponse(`${model}.search_count`, 'a number', n);
    return n;
  }

  /**
   * What to ask for from a position. A first run (nothing saved yet) reads only the OPEN
   * receivables: what was settled before the connector was installed is none of its business,
   * and on a ledger with years of history it is most of the data. Later runs read every state,
   * so that a payment or a cancellation closes what we hold. Pages of one run keep its choice.
   */
  private plan(
    stream: 'receivables' | 'debtors',
    position: ReadPosition,
  ): {
    model: string;
    domain: OdooDomain;
    saved: OdooCursor | undefined;
    start: OdooCursor | undefined;
    openOnly: boolean;
  } {
    const model = stream === 'receivables' ? 'account.move' : 'res.partner';
    const saved = parseCursor(position.saved, `saved cursor of ${this.connection}/${stream}`);
    const resume = position.resume
      ? parseCursor(position.resume, `resume position of ${this.connection}/${stream}`, ResumeSchema)
      : undefined;
    const start =
      resume ?? startOfRun(saved, this.session.config.overlapSeconds, { connection: this.connection, model });
    const openOnly = stream === 'receivables' && (resume ? resume.openOnly === true : saved === undefined);
    const filter: OdooDomain =
      stream === 'debtors'
        ? DEBTORS_DOMAIN
        : [...(openOnly ? OPEN_RECEIVABLES_DOMAIN : CUSTOMER_MOVES_DOMAIN), ...this.companyFilter()];
    return { model, domain: afterCursorDomain(start, filter), saved, start, openOnly };
  }

  private async keysetPage(
    plan: ReturnType<OdooReader['plan']>,
    fields: string[],
    map: (records: RawRecord[]) => Promise<ReadPage>,
  ): Promise<ReadPage> {
    const { model, domain, saved, start } = plan;
    const limit = this.session.config.pageSize;
    // https://www.odoo.com/documentation/18.0/developer/reference/external_api.html (search_read, pagination)
    const records = await this.session.call<RawRecord[]>(
      model,
      'search_read',
      { domain, fields, limit, order: KEYSET_ORDER },
      false,
    );
    if (!Array.isArray(records)) throw badResponse(`${model}.search_read`, 'a list of records', records);
    const orderable = records.filter(isOrderable);
    const after = cursorAfterPage(start, orderable, { connection: this.connection, model });
    if (records.length === limit && orderable.length === 0)
      throw badResponse(`${model}.search_read`, 'records with an id and a write_date', records[0]);
    const page = await map(records);
    const cursor = saved && after && compareCursors(after, saved) < 0 ? saved : (after ?? saved);
    page.read = records.length;
    page.cursor = cursor ? { ...cursor } : undefined;
    page.resume =
      records.length < limit || !after ? undefined : { ...after, ...(plan.openOnly ? { openOnly: true } : {}) };
    return page;
  }

  /** Maps moves; non-posted ones become closures, the rest receivables or quarantined rows. */
  private async mapMoves(records: RawRecord[]): Promise<ReadPage> {
    const page = emptyPage();
    const partnerIds = new Set<number>();
    for (const raw of records) {
      const id = typeof raw['id'] === 'number' ? raw['id'] : undefined;
      if (id !== undefined && typeof raw['state'] === 'string' && raw['state'] !== 'posted') {
        page.closed.push({
          id: odooIds.move(this.connection, id),
          reason: raw['state'] === 'cancel' ? 'cancelled in Odoo' : `back to ${raw['state']} in Odoo`,
        });
        continue;
      }
      const mapped = moveToReceivable(raw, this.connection);
      if (!mapped.ok) {
        page.quarantined.push({ sourceId: sourceIdOf(raw), reason: mapped.reason, raw });
        continue;
      }
      page.receivables.push(mapped.value);
      page.warnings.push(...mapped.warnings);
      const partner = raw['commercial_partner_id'];
      if (Array.isArray(partner) && typeof partner[0] === 'number' && !this.sentPartners.has(partner[0]))
        partnerIds.add(partner[0]);
    }
    if (partnerIds.size > 0) {
      const fields = await this.partnerFields();
      // `active_test: False`: an archived customer still owes what it owes.
      const partners = await this.session.call<RawRecord[]>(
        'res.partner',
        'read',
        { ids: [...partnerIds], fields, context: { active_test: false } },
        false,
      );
      if (!Array.isArray(partners)) throw badResponse('res.partner.read', 'a list of records', partners);
      await this.mapPartners(partners, page);
      // `read` leaves out ids that do not exist instead of failing (v18-33): an invoice whose
      // customer did not come back is kept aside with the reason, never saved without its debtor.
      for (const p of partners) if (typeof p['id'] === 'number') partnerIds.delete(p['id']);
      if (partnerIds.size > 0) this.quarantineOrphans(page, partnerIds, records);
    }
    return page;
  }

  private quarantineOrphans(page: ReadPage, missing: ReadonlySet<number>, records: RawRecord[]): void {
    const orphan = new Set([...missing].map((id) => odooIds.partner(this.connection, id)));
    const kept: Receivable[] = [];
    for (const r of page.receivables) {
      if (!orphan.has(r.debtorId)) {
        kept.push(r);
        continue;
      }
      const raw = records.find((x) => odooIds.move(this.connection, x['id'] as number) === r.id);
      page.quarantined.push({
        sourceId: r.source.id,
        reason: `${r.number}: its customer ${r.debtorId.split(':').slice(1).join('/')} could not be read (deleted, or hidden from the integration user)`,
        raw: raw ?? r.source,
      });
    }
    page.receivables = kept;
  }

  private async mapPartners(records: RawRecord[], page: ReadPage): Promise<void> {
    const codes = (await this.partnerFields()).includes('country_code') ? undefined : await this.countries();
    for (const raw of records) {
      const withCode = codes ? { ...raw, country_code: countryCodeOf(raw['country_id'], codes) } : raw;
      const mapped = partnerToDebtor(withCode, this.connection);
      if (!mapped.ok) {
        page.quarantined.push({ sourceId: `res.partner/${sourceIdOf(raw)}`, reason: mapped.reason, raw });
        continue;
      }
      page.debtors.push(mapped.value);
      page.warnings.push(...mapped.warnings);
      if (typeof raw['id'] === 'number') this.sentPartners.add(raw['id']);
    }
  }

  private async partnerFields(): Promise<string[]> {
    const facts = await this.session.prepare();
    return [...PARTNER_FIELDS, ...OPTIONAL_PARTNER_FIELDS.filter((f) => facts.partnerFields.has(f))];
  }

  /** res.country id → ISO code, read once: servers without `country_code` on partners. */
  private countries(): Promise<Map<number, string>> {
    this.countryCodes ??= this.session
      .call<RawRecord[]>('res.country', 'search_read', { domain: [], fields: ['code'] }, false)
      .then((rows) => {
        if (!Array.isArray(rows)) throw badResponse('res.country.search_read', 'a list of records', rows);
        return new Map(
          rows
            .filter((r) => typeof r['id'] === 'number' && typeof r['code'] === 'string')
            .map((r) => [r['id'] as number, r['code'] as string]),
        );
      });
    return this.countryCodes;
  }

  /** Every open receivable's canonical id, listed by id in keyset pages (ids only). */
  async openReceivableIds(onProgress?: (listed: number) => void): Promise<Set<string>> {
    const ids = new Set<string>();
    let last = 0;
    for (;;) {
      const domain = [...OPEN_RECEIVABLES_DOMAIN, ['id', '>', last], ...this.companyFilter()];
      const page = await this.session.call<unknown>(
        'account.move',
        'search',
        { domain, limit: ID_PAGE, order: 'id asc' },
        false,
      );
      if (!Array.isArray(page) || !page.every((x): x is number => Number.isInteger(x)))
        throw badResponse('account.move.search', 'a list of ids', page);
      for (const id of page) ids.add(odooIds.move(this.connection, id));
      onProgress?.(ids.size);
      if (page.length < ID_PAGE) return ids;
      last = page[page.length - 1]!;
    }
  }

  /** Moves by canonical id: ids Odoo no longer returns were deleted (or are no longer visible). */
  async byIds(ids: readonly string[]): Promise<ReadPage> {
    const wanted = new Map<number, string>();
    for (const id of ids) {
      const n = odooMoveId(id, this.connection);
      if (n !== undefined) wanted.set(n, id);
    }
    const records = await this.session.call<RawRecord[]>(
      'account.move',
      'search_read',
      { domain: [['id', 'in', [...wanted.keys()]]], fields: MOVE_FIELDS, order: 'id asc' },
      false,
    );
    if (!Array.isArray(records)) throw badResponse('account.move.search_read', 'a list of records', records);
    const page = await this.mapMoves(records);
    for (const r of records) if (typeof r['id'] === 'number') wanted.delete(r['id']);
    const gone: Closure[] = [...wanted.values()].map((id) => ({
      id,
      reason: 'deleted in Odoo (or no longer visible to the integration user)',
    }));
    page.closed.push(...gone);
    page.read = records.length;
    return page;
  }

  /**
   * The invoice PDF Odoo keeps once the invoice was printed or sent: the newest PDF attachment of
   * the move (`datas` is base64). Undefined when there is none, or for an id of another connection.
   */
  async invoicePdf(receivableId: string): Promise<InvoicePdf | undefined> {
    const id = odooMoveId(receivableId, this.connection);
    if (id === undefined) return undefined;
    const domain = [
      ['res_model', '=', 'account.move'],
      ['res_id', '=', id],
      ['mimetype', '=', 'application/pdf'],
    ];
    const rows = await this.session.call<RawRecord[]>(
      'ir.attachment',
      'search_read',
      { domain, fields: ['name', 'datas', 'mimetype'], order: 'id desc', limit: 1 },
      false,
    );
    if (!Array.isArray(rows)) throw badResponse('ir.attachment.search_read', 'a list of records', rows);
    const row = rows[0];
    if (!row) return undefined;
    const datas = row['datas'];
    // `false` when the file is missing from Odoo's filestore (a restored database without it).
    if (typeof datas !== 'string' || datas === '') return undefined;
    const content = Buffer.from(datas, 'base64');
    // Odoo guesses `mimetype` from the uploaded file's name: a scan or an HTML page saved as
    // "facture.pdf" is labelled a PDF too. Handing the firm a file that is not the invoice PDF
    // is worse than handing none (the dossier still lists the invoice), so anything that does
    // not start with the PDF header counts as absent.
    if (content.subarray(0, 5).toString('latin1') !== '%PDF-') return undefined;
    const name = typeof row['name'] === 'string' && row['name'] !== '' ? row['name'] : `account.move-${id}.pdf`;
    return { name, content };
  }
}

function parseCursor(
  value: Record<string, unknown> | undefined,
  what: string,
  schema: z.ZodType<z.infer<typeof ResumeSchema>> = CursorSchema,
): z.infer<typeof ResumeSchema> | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new AdapterError({
      code: 'ODOO_BAD_CURSOR',
      kind: 'config',
      userMessage: `the ${what} is not an Odoo (write_date, id) cursor: ${JSON.stringify(value)}; read everything again with \`recouvra sync --once --from-scratch\``,
    });
  return parsed.data;
}

function isOrderable(r: RawRecord): r is RawRecord & { id: number; write_date: string } {
  return (
    typeof r['id'] === 'number' &&
    typeof r['write_date'] === 'string' &&
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(r['write_date'])
  );
}

function sourceIdOf(raw: unknown): string {
  const id = raw !== null && typeof raw === 'object' ? (raw as RawRecord)['id'] : undefined;
  return typeof id === 'number' || typeof id === 'string' || typeof id === 'bigint' ? String(id) : 'unknown';
}

function countryCodeOf(countryId: unknown, codes: Map<number, string>): string | false {
  return Array.isArray(countryId) && typeof countryId[0] === 'number' ? (codes.get(countryId[0]) ?? false) : false;
}

export function odooMoveId(canonicalId: string, connection: string): number | undefined {
  const prefix = odooIds.move(connection, 0).slice(0, -1);
  if (!canonicalId.startsWith(prefix)) return undefined;
  const n = Number(canonicalId.slice(prefix.length));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function badResponse(what: string, expected: string, got: unknown): AdapterError {
  // A bigint (an XML-RPC integer beyond 2^53) would make JSON.stringify throw instead of describing it.
  // JSON.stringify says nothing (undefined) of undefined itself.
  const json = JSON.stringify(got, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) as string | undefined;
  const shown = json ?? String(got);
  return new AdapterError({
    code: 'ODOO_BAD_RESPONSE',
    kind: 'system',
    userMessage: `${what} did not return ${expected}`,
    detail: shown.slice(0, 300),
  });
}
