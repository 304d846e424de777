import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidFrenchVat, isValidSiren, isValidSiret } from '../../../connector/model';
import {
  ADMIN_UID,
  BILLING_UID,
  createOdooDatabase,
  evaluateDomain,
  keysetDomain,
  OdooFault,
  OPEN_RECEIVABLE_DOMAIN,
  PORTAL_UID,
  type OdooDatabase,
  type OdooRecord,
  type OdooVersion,
} from '../../../adapters/odoo/simulator/model';

const SAMPLES = '/work/shared/reference/odoo-xmlrpc-samples';
const NOW = '2026-11-23T05:00:00Z';

/** The repository's copy of the captures, which holds the second 18.0 server's (v18-20 to v18-54) too. */
const FIXTURES = join(__dirname, '../../../adapters/odoo/fixtures/xmlrpc-captures');

/** faultCode and faultString of a captured fault response. */
function capturedFault(file: string, dir = SAMPLES): { code: number; text: string } {
  const xml = readFileSync(join(dir, file), 'utf8');
  const code = /<name>faultCode<\/name>\s*<value><int>(\d+)<\/int>/.exec(xml)![1]!;
  const text = /<name>faultString<\/name>\s*<value><string>([\s\S]*?)<\/string>/.exec(xml)![1]!;
  return {
    code: Number(code),
    text: text
      .replace(/&apos;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  };
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop()!;
}

/** The fault a call throws (fails the test if it does not throw one). */
function faultOf(fn: () => unknown): OdooFault {
  try {
    fn();
  } catch (e) {
    if (e instanceof OdooFault) return e;
    throw e;
  }
  throw new Error('expected an OdooFault');
}

function db(
  options: {
    invoices?: number;
    version?: OdooVersion;
    seed?: number | string;
    idOffset?: number;
    l10nFr?: boolean;
    edition?: 'community' | 'enterprise';
  } = {},
): OdooDatabase {
  return createOdooDatabase({ seed: 7, invoices: 400, version: '18.0', now: () => new Date(NOW), ...options });
}

function searchRead(
  d: OdooDatabase,
  model: string,
  domain: unknown[],
  kwargs: Record<string, unknown> = {},
): OdooRecord[] {
  return d.call(model, 'search_read', [domain], kwargs) as OdooRecord[];
}

function ids(records: readonly OdooRecord[]): number[] {
  return records.map((r) => r.id);
}

function idOf(value: unknown): number {
  return (value as [number, string])[0];
}

describe('seed data', () => {
  // A French Enterprise database: l10n_fr gives partners a siret, and only Enterprise shows in_payment on 18.0.
  const seeded = { invoices: 5000, l10nFr: true, edition: 'enterprise' } as const;
  let d: OdooDatabase;
  let moves: OdooRecord[];
  let partners: OdooRecord[];
  beforeAll(() => {
    d = db(seeded);
    moves = searchRead(d, 'account.move', [], { order: 'id asc' });
    partners = searchRead(d, 'res.partner', [], { context: { active_test: false }, order: 'id asc' });
  });

  it('is identical for the same seed and differs for another', () => {
    const again = db(seeded);
    expect(searchRead(again, 'account.move', [], { order: 'id asc' })).toEqual(moves);
    expect(searchRead(again, 'res.partner', [], { context: { active_test: false }, order: 'id asc' })).toEqual(
      partners,
    );
    const other = searchRead(db({ ...seeded, seed: 8 }), 'account.move', [], { order: 'id asc', limit: 50 });
    expect(other).not.toEqual(moves.slice(0, 50));
  });

  it('gives the same invoices on Community, paid where Enterprise shows in_payment, and no siret without l10n_fr', () => {
    const community = db({ invoices: 5000 });
    const communityMoves = searchRead(community, 'account.move', [], { order: 'id asc' });
    expect(communityMoves.filter((m) => m['payment_state'] === 'in_payment')).toEqual([]);
    const inPayment = moves.filter((m) => m['payment_state'] === 'in_payment');
    expect(inPayment.length).toBeGreaterThan(10);
    expect(communityMoves).toEqual(
      moves.map((m) => (m['payment_state'] === 'in_payment' ? { ...m, payment_state: 'paid' } : m)),
    );
    const communityPartners = searchRead(community, 'res.partner', [], {
      context: { active_test: false },
      order: 'id asc',
    });
    expect(communityPartners).toEqual(partners.map(({ siret: _siret, ...p }) => p));
  });

  it('has two or three companies, the main one French in EUR with a valid SIREN and VAT', () => {
    const companies = searchRead(d, 'res.company', [], { order: 'id asc' });
    expect(companies.length).toBeGreaterThanOrEqual(2);
    expect(companies.length).toBeLessThanOrEqual(3);
    const main = companies[0]!;
    expect(main['country_id']).toEqual([75, 'France']);
    expect(main['currency_id']).toEqual([1, 'EUR']);
    expect(isValidSiren(main['company_registry'] as string)).toBe(true);
    expect(main['vat']).toBe(`FR${(main['vat'] as string).slice(2, 4)}${main['company_registry'] as string}`);
    expect(isValidFrenchVat(main['vat'] as string)).toBe(true);
  });

  it('gives French customer companies valid SIREN, SIRET and VAT numbers, with a few gaps', () => {
    const french = partners.filter((p) => p['is_company'] === true && idOf(p['country_id']) === 75 && p.id > 8);
    expect(french.length).toBeGreaterThan(600);
    const withSiren = french.filter((p) => p['company_registry'] !== false);
    expect(withSiren.length / french.length).toBeGreaterThan(0.9);
    expect(withSiren.length).toBeLessThan(french.length);
    for (const p of withSiren) expect(isValidSiren(p['company_registry'] as string)).toBe(true);
    const withVat = french.filter((p) => p['vat'] !== false);
    for (const p of withVat) expect(isValidFrenchVat(p['vat'] as string)).toBe(true);
    const withSiret = french.filter((p) => p['siret'] !== false);
    expect(withSiret.length / french.length).toBeGreaterThan(0.8);
    for (const p of withSiret) expect(isValidSiret(p['siret'] as string)).toBe(true);
    const sample = french.find((p) => p['siret'] !== false && p['company_registry'] !== false && p['vat'] !== false)!;
    expect((sample['siret'] as string).slice(0, 9)).toBe(sample['company_registry']);
    expect((sample['vat'] as string).slice(4)).toBe(sample['company_registry']);
    expect(sample).toMatchObject({ lang: 'fr_FR', country_id: [75, 'France'] });
    expect(sample['email']).toMatch(/^[a-z]+@[a-z0-9-]+\.example\.fr$/);
    expect(sample['zip']).toMatch(/^\d{5}$/);
  });

  it('has contacts under companies and individuals on their own', () => {
    const byId = new Map(partners.map((p) => [p.id, p]));
    const contacts = partners.filter((p) => p['parent_id'] !== false && p.id > 8);
    expect(contacts.length).toBeGreaterThan(100);
    for (const c of contacts.slice(0, 50)) {
      const parent = byId.get(idOf(c['parent_id']))!;
      expect(parent['is_company']).toBe(true);
      expect(c['commercial_partner_id']).toEqual([parent.id, parent['name']]);
      expect(c['display_name']).toBe(`${parent['name'] as string}, ${c['name'] as string}`);
      expect(parent['child_ids']).toContain(c.id);
    }
    const individuals = partners.filter((p) => p['is_company'] === false && p['parent_id'] === false && p.id > 8);
    expect(individuals.length).toBeGreaterThan(20);
    for (const i of individuals) expect(i['commercial_partner_id']).toEqual([i.id, i['name']]);
  });

  it('has invoices and credit notes in every state a receivable can be in', () => {
    const count = (pred: (m: OdooRecord) => boolean) => moves.filter(pred).length;
    expect(moves).toHaveLength(5000);
    expect(count((m) => m['state'] === 'draft')).toBeGreaterThan(50);
    expect(count((m) => m['state'] === 'cancel')).toBeGreaterThan(30);
    for (const state of ['not_paid', 'partial', 'paid', 'in_payment', 'reversed', 'blocked']) {
      expect([state, count((m) => m['state'] === 'posted' && m['payment_state'] === state) > 10]).toEqual([
        state,
        true,
      ]);
    }
    for (const m of moves) {
      if (m['state'] === 'draft') expect(m['name']).toBe('/');
      else if (m['name'] !== '/') expect(m['name']).toMatch(/^(INV|RINV)\/20\d\d\/\d{5}$/);
      expect(m['invoice_date_due'] === false || /^\d{4}-\d{2}-\d{2}$/.test(m['invoice_date_due'] as string)).toBe(true);
      expect(m['write_date']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect((m['write_date'] as string) >= (m['create_date'] as string)).toBe(true);
      expect(Math.round((m['amount_total'] as number) * 100)).toBeCloseTo((m['amount_total'] as number) * 100, 6);
      expect(Math.round((m['amount_residual'] as number) * 100)).toBeCloseTo((m['amount_residual'] as number) * 100, 6);
      if (m['payment_state'] === 'partial') {
        expect(m['amount_residual']).toBeGreaterThan(0);
        expect(m['amount_residual']).toBeLessThan(m['amount_total'] as number);
      }
      if (['paid', 'in_payment', 'reversed'].includes(m['payment_state'] as string))
        expect(m['amount_residual']).toBe(0);
      if (m['state'] === 'posted' && m['payment_state'] === 'not_paid')
        expect(m['amount_residual']).toBe(m['amount_total']);
    }
  });

  it('links full reversals to their credit note and keeps standalone credit notes open', () => {
    const refunds = moves.filter((m) => m['move_type'] === 'out_refund');
    expect(refunds.length).toBeGreaterThan(100);
    const byId = new Map(moves.map((m) => [m.id, m]));
    const reversals = refunds.filter((r) => r['reversed_entry_id'] !== false);
    expect(reversals.length).toBeGreaterThan(20);
    for (const r of reversals) {
      const original = byId.get(idOf(r['reversed_entry_id']))!;
      expect(original['payment_state']).toBe('reversed');
      expect(r['amount_total']).toBe(original['amount_total']);
      expect(r['ref']).toBe(`Reversal of: ${original['name'] as string}`);
      expect(r['amount_total_signed']).toBeLessThan(0);
    }
    expect(
      refunds.some(
        (r) =>
          r['reversed_entry_id'] === false && r['payment_state'] === 'not_paid' && (r['amount_residual'] as number) > 0,
      ),
    ).toBe(true);
  });

  it('uses mostly EUR, with USD and CHF', () => {
    const byCurrency = new Map<string, number>();
    for (const m of moves)
      byCurrency.set(
        (m['currency_id'] as [number, string])[1],
        (byCurrency.get((m['currency_id'] as [number, string])[1]) ?? 0) + 1,
      );
    expect([...byCurrency.keys()].sort()).toEqual(['CHF', 'EUR', 'USD']);
    expect(byCurrency.get('EUR')! / moves.length).toBeGreaterThan(0.7);
    expect(byCurrency.get('USD')!).toBeGreaterThan(20);
    expect(byCurrency.get('CHF')!).toBeGreaterThan(20);
  });

  it('has same-second write_date ties on purpose, one larger than a page', () => {
    const ties = new Map<string, number>();
    for (const m of moves) ties.set(m['write_date'] as string, (ties.get(m['write_date'] as string) ?? 0) + 1);
    const shared = [...ties.values()].filter((n) => n > 1);
    expect(shared.length).toBeGreaterThan(200);
    expect(ties.get(d.bulkWriteDate)!).toBeGreaterThan(40);
    const big = createOdooDatabase({ seed: 7, invoices: 60_000, version: '18.0', now: () => new Date(NOW) });
    expect(big.call('account.move', 'search_count', [[['write_date', '=', big.bulkWriteDate]]])).toBeGreaterThan(500);
  });

  it('returns dates as strings, many2one as [id, name] and empty values as false', () => {
    const draft = moves.find((m) => m['state'] === 'draft' && m['invoice_date'] === false)!;
    expect(draft['invoice_date']).toBe(false);
    expect(draft['display_name']).toBe(`Draft Invoice (* ${draft.id})`);
    const noRef = moves.find((m) => m['ref'] === false)!;
    expect(noRef['ref']).toBe(false);
    const posted = moves.find((m) => m['state'] === 'posted')!;
    expect(posted['partner_id']).toEqual([expect.any(Number), expect.any(String)]);
    expect(posted['company_id']).toEqual([expect.any(Number), expect.any(String)]);
  });
});

describe('versions', () => {
  const fields = (version: OdooVersion, model: string, l10nFr = false) =>
    createOdooDatabase({ invoices: 50, version, l10nFr }).call(model, 'fields_get', [], {
      attributes: ['type', 'selection', 'string'],
    }) as Record<string, Record<string, unknown>>;

  it('adds payment_state "blocked" from 18.0 on', () => {
    const keys = (v: OdooVersion) =>
      (fields(v, 'account.move')['payment_state']!['selection'] as [string, string][]).map(([k]) => k);
    expect(keys('16.0')).not.toContain('blocked');
    expect(keys('17.0')).not.toContain('blocked');
    expect(keys('18.0')).toContain('blocked');
    expect(keys('19.0')).toContain('blocked');
    expect(keys('16.0')).toEqual(['not_paid', 'in_payment', 'paid', 'partial', 'reversed', 'invoicing_legacy']);
    const seeded16 = db({ version: '16.0', invoices: 3000 }).call('account.move', 'search_count', [
      [['payment_state', '=', 'blocked']],
    ]);
    expect(seeded16).toBe(0);
  });

  it('has siret only with l10n_fr installed (not by default), and __last_update only on 16.0', () => {
    // The 18.0 captures come from a database without l10n_fr: no siret (erp-apis.md §1.5).
    for (const version of ['16.0', '17.0', '18.0', '19.0'] as const) {
      expect([version, fields(version, 'res.partner')['siret']]).toEqual([version, undefined]);
      expect([version, fields(version, 'res.partner', true)['siret']]).toEqual([
        version,
        { string: 'SIRET', type: 'char' },
      ]);
    }
    expect(fields('18.0', 'res.company', true)['siret']).toBeDefined();
    expect(fields('18.0', 'res.company')['siret']).toBeUndefined();
    expect(fields('16.0', 'account.move')['__last_update']).toBeDefined();
    expect(fields('17.0', 'account.move')['__last_update']).toBeUndefined();
    const f = createOdooDatabase({ invoices: 10, omitFields: { 'res.partner': ['company_registry'] } }).call(
      'res.partner',
      'fields_get',
      [],
    ) as Record<string, unknown>;
    expect(f['company_registry']).toBeUndefined();
  });

  it('uses the account.move default order of each version', () => {
    const check = (version: OdooVersion, keys: readonly string[]) => {
      const d = db({ version, invoices: 300 });
      const got = ids(searchRead(d, 'account.move', [], { fields: keys.filter((k) => k !== 'id') }));
      const all = searchRead(d, 'account.move', [], { order: 'id asc', fields: keys.filter((k) => k !== 'id') });
      const expected = [...all].sort((a, b) => {
        for (const k of keys) {
          const x = k === 'id' ? a.id : a[k];
          const y = k === 'id' ? b.id : b[k];
          if (x === y) continue;
          if (x === false) return -1;
          if (y === false) return 1;
          return (x as string | number) < (y as string | number) ? 1 : -1;
        }
        return 0;
      });
      expect(got).toEqual(ids(expected));
    };
    check('16.0', ['date', 'name', 'id']);
    check('18.0', ['date', 'name', 'invoice_date', 'id']);
  });
});

describe('domains on plain records', () => {
  const rec = {
    id: 5,
    name: 'INV/2026/00042',
    ref: false,
    amount_total: 120.5,
    partner_id: [10, 'Deco Addict'],
    state: 'posted',
    is_company: false,
    write_date: '2026-11-23 04:53:11',
  };
  const ev = (domain: unknown[]) => evaluateDomain(domain, rec);

  it.each([
    [[['state', '=', 'posted']], true],
    [[['state', '!=', 'posted']], false],
    [[['amount_total', '<', 120.5]], false],
    [[['amount_total', '<=', 120.5]], true],
    [[['amount_total', '>', 100]], true],
    [[['amount_total', '>=', 121]], false],
    [[['state', 'in', ['draft', 'posted']]], true],
    [[['state', 'not in', ['draft', 'posted']]], false],
    [[['name', 'like', '2026/000']], true],
    [[['name', 'like', 'inv/']], false],
    [[['name', 'ilike', 'inv/']], true],
    [[['name', 'not like', 'INV']], false],
    [[['name', 'not ilike', 'rinv']], true],
    [[['name', '=like', 'INV/____/%']], true],
    [[['name', '=like', 'INV/2026']], false],
    [[['name', '=ilike', 'inv/2026/%42']], true],
    [[['partner_id', '=', 10]], true],
    [[['partner_id', '=', 11]], false],
    [[['partner_id', 'in', [1, 10]]], true],
    [[['partner_id', '=', 'Deco Addict']], true],
    [[['partner_id', 'ilike', 'deco']], true],
    [[['ref', '=', false]], true],
    [[['ref', '!=', false]], false],
    [[['ref', '!=', 'X']], true],
    [[['ref', 'not ilike', 'x']], true],
    [[['ref', 'ilike', 'x']], false],
    [[['ref', 'in', [false, 'X']]], true],
    [[['ref', 'not in', ['X']]], true],
    [[['is_company', '=', false]], true],
    [[['write_date', '>', '2026-11-23 04:53:10']], true],
    [[['write_date', '=', '2026-11-23 04:53:11']], true],
    [['!', ['state', '=', 'posted']], false],
    [['|', ['state', '=', 'draft'], ['amount_total', '>', 100]], true],
    [['&', ['state', '=', 'posted'], ['amount_total', '>', 200]], false],
    [
      [
        ['state', '=', 'posted'],
        ['amount_total', '>', 100],
      ],
      true,
    ],
    [
      [
        ['state', '=', 'posted'],
        ['amount_total', '>', 200],
      ],
      false,
    ],
    [['|', ['state', '=', 'draft'], '!', ['ref', '!=', false]], true],
    [[[1, '=', 1]], true],
    [[[0, '=', 1]], false],
    [[], true],
  ] as [unknown[], boolean][])('%j → %s', (domain, expected) => {
    expect(ev(domain)).toBe(expected);
  });

  it('compares date-only values against datetime fields like Odoo does when given field definitions', () => {
    const fields = createOdooDatabase({ invoices: 10 }).fieldDefs('account.move');
    const at = (domain: unknown[]) => evaluateDomain(domain, rec, { model: 'account.move', fields });
    // 16.0 expression.py: `> 'YYYY-MM-DD'` means after that whole day, `>=` from its start.
    expect(at([['write_date', '>', '2026-11-23']])).toBe(false);
    expect(at([['write_date', '>=', '2026-11-23']])).toBe(true);
    expect(at([['write_date', '<=', '2026-11-23']])).toBe(true);
    expect(at([['write_date', '<', '2026-11-23']])).toBe(false);
  });

  it('faults on a field the record lacks, with the captured message', () => {
    const f = faultOf(() => evaluateDomain([['no_such_field', '=', 1]], rec, { model: 'account.move' }));
    expect(f.code).toBe(1);
    expect(f.detail).toBe("Invalid field account.move.no_such_field in leaf ('no_such_field', '=', 1)");
  });
});

describe('search, order and faults', () => {
  let d: OdooDatabase;
  beforeAll(() => {
    d = db({ invoices: 3000 });
  });

  it('applies every operator against the seeded invoices like a filter over all records', () => {
    const all = searchRead(d, 'account.move', [], { order: 'id asc' });
    const cases: [unknown[], (m: OdooRecord) => boolean][] = [
      [[['payment_state', '=', 'partial']], (m) => m['payment_state'] === 'partial'],
      [[['ref', '=', false]], (m) => m['ref'] === false],
      [[['ref', '!=', false]], (m) => m['ref'] !== false],
      [[['ref', 'not ilike', 'po-']], (m) => m['ref'] === false || !(m['ref'] as string).toLowerCase().includes('po-')],
      [[['ref', '=like', 'BC %']], (m) => typeof m['ref'] === 'string' && m['ref'].startsWith('BC ')],
      [[['currency_id', 'in', [2, 6]]], (m) => [2, 6].includes(idOf(m['currency_id']))],
      [[['currency_id', '!=', 1]], (m) => idOf(m['currency_id']) !== 1],
      [[['invoice_date', '=', false]], (m) => m['invoice_date'] === false],
      [
        [['invoice_date_due', '<', '2026-01-01']],
        (m) => m['invoice_date_due'] !== false && (m['invoice_date_due'] as string) < '2026-01-01',
      ],
      [['|', ['state', '=', 'draft'], ['state', '=', 'cancel']], (m) => m['state'] !== 'posted'],
      [['!', ['move_type', '=', 'out_invoice']], (m) => m['move_type'] !== 'out_invoice'],
      [[['name', 'ilike', 'rinv/']], (m) => (m['name'] as string).startsWith('RINV/')],
    ];
    for (const [domain, pred] of cases) {
      expect([domain, ids(searchRead(d, 'account.move', domain, { fields: ['id'], order: 'id asc' }))]).toEqual([
        domain,
        ids(all.filter(pred)),
      ]);
    }
    expect(d.call('account.move', 'search_count', [OPEN_RECEIVABLE_DOMAIN])).toBe(
      all.filter(
        (m) =>
          ['out_invoice', 'out_refund'].includes(m['move_type'] as string) &&
          m['state'] === 'posted' &&
          !['paid', 'reversed', 'in_payment'].includes(m['payment_state'] as string),
      ).length,
    );
  });

  it('always includes id, honours fields, limit, offset and multi-key orders', () => {
    const page = searchRead(d, 'account.move', OPEN_RECEIVABLE_DOMAIN as unknown[], {
      fields: ['name', 'write_date'],
      order: 'write_date desc, id desc',
      limit: 5,
      offset: 3,
    });
    expect(page).toHaveLength(5);
    expect(Object.keys(page[0]!).sort()).toEqual(['id', 'name', 'write_date']);
    const full = searchRead(d, 'account.move', OPEN_RECEIVABLE_DOMAIN as unknown[], {
      fields: ['write_date'],
      order: 'write_date desc, id desc',
    });
    expect(ids(page)).toEqual(ids(full.slice(3, 8)));
    for (let i = 1; i < full.length; i++) {
      const [a, b] = [full[i - 1]!, full[i]!];
      expect(
        (a['write_date'] as string) > (b['write_date'] as string) ||
          (a['write_date'] === b['write_date'] && a.id > b.id),
      ).toBe(true);
    }
    const byDue = searchRead(d, 'account.move', [['state', '=', 'posted']], {
      fields: ['invoice_date_due', 'amount_total'],
      order: 'invoice_date_due asc, amount_total desc, id',
    });
    for (let i = 1; i < byDue.length; i++) {
      const [a, b] = [byDue[i - 1]!, byDue[i]!];
      const [dueA, dueB] = [a['invoice_date_due'] as string, b['invoice_date_due'] as string];
      const ok =
        dueA < dueB ||
        (dueA === dueB &&
          ((a['amount_total'] as number) > (b['amount_total'] as number) ||
            (a['amount_total'] === b['amount_total'] && a.id < b.id)));
      expect(ok).toBe(true);
    }
    const drafts = ids(searchRead(d, 'account.move', [['state', '=', 'draft']], { order: 'id desc' }));
    expect(d.call('account.move', 'search', [[['state', '=', 'draft']]], { order: 'id desc', limit: 3 })).toEqual(
      drafts.slice(0, 3),
    );
    expect(d.call('res.partner', 'read', [[1]], { fields: ['name'] })).toEqual([{ id: 1, name: 'Recouvra Démo SAS' }]);
  });

  it('hides archived partners unless asked, as Odoo’s implicit active filter does', () => {
    const visible = d.call('res.partner', 'search_count', [[]]) as number;
    const all = d.call('res.partner', 'search_count', [[]], { context: { active_test: false } }) as number;
    const archived = d.call('res.partner', 'search_count', [[['active', '=', false]]]) as number;
    expect(archived).toBeGreaterThan(0);
    expect(all).toBe(visible + archived);
  });

  it('faults on an unknown domain field exactly like the 16.0 and 18.0 captures', () => {
    for (const [version, file] of [
      ['16.0', 'v16-12-object-fault-bad-field.response.xml'],
      ['18.0', 'v18-12-object-fault-bad-field.response.xml'],
    ] as const) {
      const captured = capturedFault(file);
      const f = faultOf(() =>
        db({ version, invoices: 20 }).call('account.move', 'search_read', [[['no_such_field', '=', 1]]], {
          fields: ['name'],
        }),
      );
      expect(f.code).toBe(captured.code);
      expect(lastLine(f.faultString)).toBe(lastLine(captured.text));
      expect(f.faultString.startsWith('Traceback (most recent call last):\n')).toBe(true);
      expect(f.kind).toBe('application');
    }
  });

  it('faults on unknown fields in `fields`, malformed domains, bad operators and bad orders', () => {
    const field = faultOf(() => searchRead(d, 'account.move', [], { fields: ['name', 'x_nope'] }));
    expect([field.code, field.detail]).toEqual([1, "Invalid field 'x_nope' on model 'account.move'"]);
    const syntax18 = faultOf(() => searchRead(d, 'account.move', ['|', ['state', '=', 'draft']]));
    expect([syntax18.code, lastLine(syntax18.faultString)]).toEqual([
      1,
      "ValueError: Domain ['|', ['state', '=', 'draft']] is syntactically not correct.",
    ]);
    const syntax16 = faultOf(() =>
      searchRead(db({ version: '16.0', invoices: 10 }), 'account.move', ['&', ['state', '=', 'draft']]),
    );
    expect(lastLine(syntax16.faultString)).toBe(
      "AssertionError: This domain is syntactically not correct: ['&', ['state', '=', 'draft']]",
    );
    const operator = faultOf(() => searchRead(d, 'account.move', [['state', 'equals', 'draft']]));
    expect([operator.code, operator.detail]).toEqual([1, "Invalid leaf ('state', 'equals', 'draft')"]);
    const leaf = faultOf(() => searchRead(d, 'account.move', [['state', '=']]));
    expect(leaf.detail).toBe("Invalid leaf ('state', '=')");
    const order = faultOf(() => searchRead(d, 'account.move', [], { order: 'name; drop table' }));
    expect([order.code, order.exception]).toEqual([2, 'odoo.exceptions.UserError']);
    expect(order.detail).toMatch(/^Invalid "order" specified \(name; drop table\)/);
    const orderField = faultOf(() => searchRead(d, 'account.move', [], { order: 'nope asc' }));
    expect(orderField.detail).toBe("Invalid field 'nope' on model 'account.move'");
    const badDate = faultOf(() => searchRead(d, 'account.move', [['write_date', '>', 'yesterday']]));
    expect(badDate.code).toBe(1);
  });

  it('faults on unknown models, methods, private methods, bad arguments and missing records', () => {
    const model = faultOf(() => d.call('account.invoice', 'search_read', [[]]));
    expect([model.code, model.faultString, model.kind]).toEqual([
      2,
      "Object account.invoice doesn't exist",
      'not_found',
    ]);
    const method18 = faultOf(() => d.call('account.move', 'frobnicate', [[1]]));
    expect([method18.code, lastLine(method18.faultString), method18.kind]).toEqual([
      1,
      "AttributeError: The method 'account.move.frobnicate' does not exist",
      'not_found',
    ]);
    const method16 = faultOf(() => db({ version: '16.0', invoices: 5 }).call('account.move', 'frobnicate', [[1]]));
    expect(lastLine(method16.faultString)).toBe(
      "AttributeError: type object 'account.move' has no attribute 'frobnicate'",
    );
    const priv = faultOf(() => d.call('account.move', '_post', [[1]]));
    expect([priv.code, priv.faultString]).toEqual([
      4,
      "Private methods (such as 'account.move._post') cannot be called remotely.",
    ]);
    const kw = faultOf(() => d.call('account.move', 'search_read', [[]], { colour: 'red' }));
    expect([kw.code, lastLine(kw.faultString), kw.kind]).toEqual([
      1,
      "TypeError: BaseModel.search_read() got an unexpected keyword argument 'colour'",
      'arguments',
    ]);
    const missingArg = faultOf(() => d.call('account.move', 'write', [[1]]));
    expect(missingArg.detail).toBe("BaseModel.write() missing 1 required positional argument: 'vals'");
    const tooMany = faultOf(() => d.call('account.move', 'search_count', [[], 1, 2]));
    expect(tooMany.detail).toBe('BaseModel.search_count() takes from 2 to 3 positional arguments but 4 were given');
    // read leaves missing ids out (v18-33); write still refuses them.
    expect(d.call('account.move', 'read', [[999_999]], { fields: ['name'] })).toEqual([]);
    const gone = faultOf(() => d.call('account.move', 'write', [[999_999], { ref: 'x' }]));
    expect([gone.code, gone.detail]).toEqual([
      2,
      'Record does not exist or has been deleted.\n(Record: account.move(999999,), User: 2)',
    ]);
  });

  it('answers bad credentials with code 3 "Access Denied" as captured, and ACL refusals with code 4', () => {
    const captured = capturedFault('v18-11-object-fault-access-denied.response.xml');
    const denied = faultOf(() => d.call('account.move', 'search_count', [[]], {}, { uid: 99 }));
    expect([denied.code, denied.faultString]).toEqual([captured.code, captured.text]);
    expect(d.authenticate('admin', 'wrong')).toBe(false);
    expect(d.authenticate('admin', 'admin')).toBe(ADMIN_UID);
    expect(d.authenticate('recouvra', 'recouvra-api-key')).toBe(BILLING_UID);
    expect(d.uidForApiKey('recouvra-api-key')).toBe(BILLING_UID);
    const acl = faultOf(() => d.call('account.move', 'search_read', [[]], { limit: 1 }, { uid: PORTAL_UID }));
    expect(acl.code).toBe(4);
    // The group list a real 18.0 gives (v18-29).
    expect(acl.faultString).toBe(
      "You are not allowed to access 'Journal Entry' (account.move) records.\n\n" +
        'This operation is allowed for the following groups:\n\t- Invoicing/Administrator\n\t- Invoicing/Invoicing\n' +
        '\t- Technical/Show Accounting Features - Readonly\n\t- User types/Portal\n\n' +
        'Contact your administrator to request access if necessary.',
    );
    expect(d.call('account.move', 'search_count', [[]], {}, { uid: BILLING_UID })).toBe(3000);
    const fresh = db({ invoices: 20 });
    fresh.setAccess(BILLING_UID, 'account.move', ['read']);
    const write = faultOf(() => fresh.call('account.move', 'write', [[1], { ref: 'x' }], {}, { uid: BILLING_UID }));
    expect(write.faultString.split('\n')[0]).toBe(
      "You are not allowed to modify 'Journal Entry' (account.move) records.",
    );
  });
});

describe('keyset paging on (write_date, id)', () => {
  it('walks every open invoice exactly once with pages smaller than the ties', () => {
    const d = db({ invoices: 3000 });
    const expected = new Set(d.call('account.move', 'search', [OPEN_RECEIVABLE_DOMAIN]) as number[]);
    const seen: number[] = [];
    let cursor = { ts: '1970-01-01 00:00:00', id: 0 };
    for (let pages = 0; pages < 10_000; pages++) {
      const page = searchRead(d, 'account.move', [...OPEN_RECEIVABLE_DOMAIN, ...keysetDomain(cursor.ts, cursor.id)], {
        fields: ['write_date'],
        order: 'write_date asc, id asc',
        limit: 7,
      });
      if (page.length === 0) break;
      seen.push(...ids(page));
      const last = page[page.length - 1]!;
      cursor = { ts: last['write_date'] as string, id: last.id };
    }
    expect(seen.length).toBe(expected.size);
    expect(new Set(seen)).toEqual(expected);
    const tie = searchRead(d, 'account.move', [...OPEN_RECEIVABLE_DOMAIN, ['write_date', '=', d.bulkWriteDate]], {
      fields: ['id'],
    });
    expect(tie.length).toBeGreaterThan(7);
  });

  it('returns the same page whether the index or a full sort answers', () => {
    const d = db({ invoices: 2000 });
    const ts = d.bulkWriteDate;
    const keyset = [...OPEN_RECEIVABLE_DOMAIN, ...keysetDomain(ts, 0)];
    const viaIndex = ids(
      searchRead(d, 'account.move', keyset, { order: 'write_date asc, id asc', limit: 50, fields: ['id'] }),
    );
    // A three-key order is not served by the write_date index.
    const viaSort = ids(
      searchRead(d, 'account.move', keyset, { order: 'write_date asc, id asc, name asc', limit: 50, fields: ['id'] }),
    );
    expect(viaIndex).toEqual(viaSort);
    const desc = ids(
      searchRead(d, 'account.move', [['write_date', '<=', ts]], {
        order: 'write_date desc, id desc',
        limit: 20,
        fields: ['id'],
      }),
    );
    const descSorted = ids(
      searchRead(d, 'account.move', [['write_date', '<=', ts]], {
        order: 'write_date desc, id desc, name',
        limit: 20,
        fields: ['id'],
      }),
    );
    expect(desc).toEqual(descSorted);
  });
});

describe('controls', () => {
  const open = (d: OdooDatabase) => new Set(d.call('account.move', 'search', [OPEN_RECEIVABLE_DOMAIN]) as number[]);
  const move = (d: OdooDatabase, id: number) => searchRead(d, 'account.move', [['id', '=', id]])[0]!;
  const unpaid = [...OPEN_RECEIVABLE_DOMAIN, ['move_type', '=', 'out_invoice'], ['payment_state', '=', 'not_paid']];
  const firstOpen = (d: OdooDatabase, n = 1) =>
    d.call('account.move', 'search', [unpaid], { order: 'id asc', limit: n }) as number[];

  it('pays partially then fully, bumping write_date each time', () => {
    const d = db();
    const [id] = firstOpen(d);
    const before = move(d, id!);
    d.setNow('2026-11-24T10:00:00Z');
    d.payInvoice(id!, 10);
    const partial = move(d, id!);
    expect(partial).toMatchObject({
      payment_state: 'partial',
      amount_residual: Math.round(((before['amount_total'] as number) - 10) * 100) / 100,
      write_date: '2026-11-24 10:00:00',
    });
    expect(open(d).has(id!)).toBe(true);
    d.advanceClock(60);
    d.payInvoice(id!, 1e9);
    expect(move(d, id!)).toMatchObject({
      payment_state: 'paid',
      amount_residual: 0,
      write_date: '2026-11-24 10:01:00',
    });
    expect(open(d).has(id!)).toBe(false);
    const seen = ids(searchRead(d, 'account.move', [['write_date', '>', '2026-11-24 10:00:30']], { fields: ['id'] }));
    expect(seen).toEqual([id]);
  });

  it('can leave a full payment in_payment on Enterprise, which the open domain excludes', () => {
    const d = db({ edition: 'enterprise' });
    const [id] = firstOpen(d);
    d.payInvoice(id!, move(d, id!)['amount_total'] as number, { inPayment: true });
    expect(move(d, id!)['payment_state']).toBe('in_payment');
    expect(open(d).has(id!)).toBe(false);
  });

  it('shows in_payment only on Enterprise from 18.0, also for a partial payment with money still owed', () => {
    const pay = (d: OdooDatabase, share: number) => {
      const [id] = firstOpen(d);
      const total = move(d, id!)['amount_total'] as number;
      d.payInvoice(id!, Math.round(total * share * 100) / 100, { inPayment: true });
      return move(d, id!);
    };
    expect(pay(db({ edition: 'enterprise' }), 0.5)).toMatchObject({
      payment_state: 'in_payment',
      amount_residual: expect.any(Number),
    });
    expect(pay(db({ edition: 'enterprise' }), 0.5)['amount_residual']).toBeGreaterThan(0);
    expect(db().edition).toBe('community');
    expect(pay(db(), 1)).toMatchObject({ payment_state: 'paid', amount_residual: 0 });
    expect(pay(db(), 0.5)['payment_state']).toBe('partial');
    expect(pay(db({ version: '19.0' }), 1)['payment_state']).toBe('paid');
    // 16.0 and 17.0 as before, whatever the edition [UNVERIFIED].
    expect(pay(db({ version: '17.0' }), 1)['payment_state']).toBe('in_payment');
    expect(pay(db({ version: '16.0', edition: 'enterprise' }), 0.5)['payment_state']).toBe('partial');
  });

  it('cancels, deletes and reverses', () => {
    const d = db();
    const [a, b, c] = firstOpen(d, 3) as [number, number, number];
    d.cancelInvoice(a);
    expect(move(d, a)['state']).toBe('cancel');
    d.deleteInvoice(b);
    expect(searchRead(d, 'account.move', [['id', '=', b]])).toEqual([]);
    expect(d.call('account.move', 'read', [[b]])).toEqual([]);
    expect(faultOf(() => d.call('account.move', 'message_post', [[b]], { body: 'x' })).exception).toBe(
      'odoo.exceptions.MissingError',
    );
    d.setNow('2026-12-01T08:00:00Z');
    const refundId = d.reverseInvoice(c);
    const original = move(d, c);
    const refund = move(d, refundId);
    expect(original).toMatchObject({
      payment_state: 'reversed',
      amount_residual: 0,
      write_date: '2026-12-01 08:00:00',
    });
    expect(refund).toMatchObject({
      move_type: 'out_refund',
      state: 'posted',
      reversed_entry_id: [c, original['name']],
      amount_total: original['amount_total'],
      write_date: '2026-12-01 08:00:00',
    });
    expect(refund['name']).toMatch(/^RINV\/2026\/\d{5}$/);
    const now = open(d);
    for (const id of [a, b, c, refundId]) expect(now.has(id)).toBe(false);
  });

  it('hides a late transaction until commit, then shows it with its older start time', () => {
    const d = db();
    const [id] = firstOpen(d);
    d.setNow('2026-11-24T09:00:00Z');
    const tx = d.beginLateTransaction();
    tx.payInvoice(id!, 1);
    const createdId = tx.create('account.move', {
      move_type: 'out_invoice',
      partner_id: 10,
      invoice_date: '2026-11-24',
      invoice_line_ids: [[0, 0, { quantity: 1, price_unit: 50 }]],
    });
    expect(tx.startedAt).toBe('2026-11-24 09:00:00');
    d.setNow('2026-11-24T09:05:00Z');
    d.call('account.move', 'write', [[firstOpen(d, 2)[1]!], { ref: 'other' }]);
    // The poll runs while the transaction is still open: it sees the 09:05 write, not the payment.
    const poll = searchRead(d, 'account.move', [['write_date', '>', '2026-11-24 08:59:59']], {
      fields: ['write_date'],
      order: 'write_date asc, id asc',
    });
    expect(ids(poll)).toEqual([firstOpen(d, 2)[1]]);
    expect(move(d, id!)['payment_state']).toBe('not_paid');
    expect(searchRead(d, 'account.move', [['id', '=', createdId]])).toEqual([]);
    const cursor = poll[poll.length - 1]!['write_date'] as string;
    d.setNow('2026-11-24T09:10:00Z');
    tx.commit();
    const paid = move(d, id!);
    expect(paid).toMatchObject({ payment_state: 'partial', write_date: '2026-11-24 09:00:00' });
    expect(move(d, createdId)).toMatchObject({
      state: 'draft',
      amount_total: 50,
      write_date: '2026-11-24 09:00:00',
      create_date: '2026-11-24 09:00:00',
    });
    // The naive cursor misses both; an overlap window re-reads them.
    expect(ids(searchRead(d, 'account.move', [['write_date', '>', cursor]]))).toEqual([]);
    const overlap = ids(
      searchRead(d, 'account.move', [['write_date', '>', '2026-11-24 08:55:00']], { order: 'id asc' }),
    );
    expect(overlap).toEqual(expect.arrayContaining([id, createdId]));
    expect(() => tx.commit()).toThrow('already committed');
  });

  it('rolls back a late transaction without a trace, except the consumed id', () => {
    const d = db();
    const tx = d.beginLateTransaction();
    const createdId = tx.create('res.partner', { name: 'Ghost SARL', is_company: true });
    tx.rollback();
    expect(searchRead(d, 'res.partner', [['name', '=', 'Ghost SARL']])).toEqual([]);
    const next = d.call('res.partner', 'create', [{ name: 'Real SAS', is_company: true }]) as number;
    expect(next).toBe(createdId + 1);
  });

  it('adds custom x_ fields, writes them and bumps write_date (the write-back shows up in the next poll)', () => {
    const d = db();
    const [id] = firstOpen(d);
    expect(faultOf(() => d.call('account.move', 'write', [[id], { x_recovery_status: 'formal_notice' }])).detail).toBe(
      "Invalid field 'x_recovery_status' on model 'account.move'",
    );
    d.addCustomField('account.move', 'x_recovery_status', 'selection', {
      string: 'Recovery status',
      selection: [
        ['formal_notice', 'Formal notice'],
        ['lawyer', 'At the lawyer'],
      ],
    });
    const meta = (
      d.call('account.move', 'fields_get', [['x_recovery_status']]) as Record<string, Record<string, unknown>>
    )['x_recovery_status']!;
    expect(meta).toMatchObject({ type: 'selection', manual: true, string: 'Recovery status' });
    d.setNow('2026-11-25T00:00:00Z');
    expect(d.call('account.move', 'write', [[id], { x_recovery_status: 'formal_notice' }])).toBe(true);
    expect(move(d, id!)).toMatchObject({ x_recovery_status: 'formal_notice', write_date: '2026-11-25 00:00:00' });
    const wrong = faultOf(() => d.call('account.move', 'write', [[id], { x_recovery_status: 'jail' }]));
    expect(wrong.detail).toBe("Wrong value for account.move.x_recovery_status: 'jail'");
    expect(() => d.addCustomField('account.move', 'recovery', 'char')).toThrow('x_');
  });

  it('seeds ids past 2^31-1 when asked, for the XML-RPC overflow fault', () => {
    const d = db({ idOffset: 2 ** 31, invoices: 30 });
    const [first] = searchRead(d, 'account.move', [], { order: 'id asc', limit: 1 });
    expect(first!.id).toBe(2 ** 31 + 1);
    expect(idOf(first!['partner_id'])).toBeGreaterThan(2 ** 31 - 1);
    expect(first!['company_id']).toEqual([1, 'Recouvra Démo SAS']);
    expect(ids(searchRead(d, 'account.move', [['id', '>', 2 ** 31 + 28]], { order: 'id asc' }))).toEqual([
      2 ** 31 + 29,
      2 ** 31 + 30,
    ]);
  });
});

describe('create, post and returning None', () => {
  it('creates a draft from line commands, posts it with action_post → false, numbering it', () => {
    const d = db();
    // Capture v16-05: an invoice created with one line of 2 × 150.0.
    const vals = {
      move_type: 'out_invoice',
      partner_id: 10,
      invoice_date: '2026-11-23',
      ref: 'RECOUVRA-TEST-1',
      invoice_line_ids: [[0, 0, { product_id: 16, name: 'line', quantity: 2, price_unit: 150.0 }]],
    };
    const id = d.call('account.move', 'create', [vals]) as number;
    const draft = searchRead(d, 'account.move', [['id', '=', id]])[0]!;
    expect(draft).toMatchObject({
      state: 'draft',
      name: '/',
      amount_total: 300,
      amount_residual: 300,
      ref: 'RECOUVRA-TEST-1',
      display_name: `Draft Invoice (* ${id})`,
    });
    const [partner] = d.call('res.partner', 'read', [[10]], { fields: ['commercial_partner_id'] }) as OdooRecord[];
    expect(draft['commercial_partner_id']).toEqual(partner!['commercial_partner_id']);
    expect(d.call('account.move', 'action_post', [[id]])).toBe(false);
    const posted = searchRead(d, 'account.move', [['id', '=', id]])[0]!;
    expect(posted).toMatchObject({ state: 'posted', payment_state: 'not_paid', invoice_date_due: '2026-11-23' });
    expect(posted['name']).toMatch(/^INV\/2026\/\d{5}$/);
    expect(faultOf(() => d.call('account.move', 'action_post', [[id]])).detail).toBe(
      `The entry ${posted['name'] as string} (id ${id}) is already posted.`,
    );
    expect(
      d.call('account.move', 'create', [
        [
          { move_type: 'out_invoice', partner_id: 10 },
          { move_type: 'out_refund', partner_id: 10 },
        ],
      ]),
    ).toEqual([id + 1, id + 2]);
    expect(faultOf(() => d.call('account.move', 'create', [{ partner_id: 99_999_999 }])).code).toBe(2);
  });

  it('posts a seeded draft through the control, dating and numbering it today', () => {
    let clock = new Date('2026-11-30T16:20:00Z');
    const d = createOdooDatabase({ seed: 7, invoices: 400, version: '17.0', now: () => clock });
    const [draft] = searchRead(
      d,
      'account.move',
      [
        ['state', '=', 'draft'],
        ['invoice_date', '=', false],
      ],
      { order: 'id asc', limit: 1 },
    );
    expect(new Set(d.call('account.move', 'search', [OPEN_RECEIVABLE_DOMAIN]) as number[]).has(draft!.id)).toBe(false);
    clock = new Date('2026-12-01T08:00:00Z');
    d.postInvoice(draft!.id);
    const posted = searchRead(d, 'account.move', [['id', '=', draft!.id]])[0]!;
    expect(posted).toMatchObject({
      state: 'posted',
      invoice_date: '2026-12-01',
      date: '2026-12-01',
      write_date: '2026-12-01 08:00:00',
      display_name: posted['name'],
    });
    expect(posted['name']).toMatch(/^INV\/2026\/\d{5}$/);
    expect(new Set(d.call('account.move', 'search', [OPEN_RECEIVABLE_DOMAIN]) as number[]).has(draft!.id)).toBe(true);
    expect(d.describeMethod('account.move', 'message_post')).toEqual({
      kind: 'records',
      params: expect.arrayContaining(['body', 'body_is_html', 'subtype_xmlid']),
    });
    expect(d.describeMethod('account.move', 'search_read')?.kind).toBe('model');
    expect(d.describeMethod('res.currency', 'message_post')).toBeUndefined();
  });

  it('returns None from a method after doing its work when told to', () => {
    const d = db();
    const id = d.call('account.move', 'create', [{ move_type: 'out_invoice', partner_id: 10 }]) as number;
    d.returnNone('account.move', 'action_post');
    expect(d.call('account.move', 'action_post', [[id]])).toBeNull();
    expect(searchRead(d, 'account.move', [['id', '=', id]], { fields: ['state'] })[0]!['state']).toBe('posted');
    d.returnNone('account.move', 'action_post', false);
    const other = d.call('account.move', 'create', [{ move_type: 'out_invoice', partner_id: 10 }]) as number;
    expect(d.call('account.move', 'action_post', [[other]])).toBe(false);
  });
});

describe('chatter and activities', () => {
  // erp-apis.md §1.7: the internal-note form of message_post.
  const post = (d: OdooDatabase, id: number, kwargs: Record<string, unknown>) =>
    d.call('account.move', 'message_post', [[id]], {
      message_type: 'comment',
      subtype_xmlid: 'mail.mt_note',
      ...kwargs,
    });
  const messagesOf = (d: OdooDatabase, id: number) =>
    searchRead(
      d,
      'mail.message',
      [
        ['model', '=', 'account.move'],
        ['res_id', '=', id],
      ],
      {
        fields: ['body', 'subtype_id', 'message_type', 'author_id', 'record_name'],
      },
    );

  it('on 16.0 rejects body_is_html and stores the body as HTML', () => {
    const d = db({ version: '16.0' });
    const f = faultOf(() => post(d, 1, { body: '<b>Relance</b>', body_is_html: true }));
    expect([f.code, lastLine(f.faultString), f.kind]).toEqual([
      1,
      "TypeError: MailThread.message_post() got an unexpected keyword argument 'body_is_html'",
      'arguments',
    ]);
    expect(messagesOf(d, 1)).toEqual([]);
    const messageId = post(d, 1, { body: '<b>Relance 1</b> envoyée<script>alert(1)</script>' });
    expect(typeof messageId).toBe('number');
    expect(messagesOf(d, 1)).toEqual([
      {
        id: messageId,
        body: '<b>Relance 1</b> envoyée',
        subtype_id: [2, 'Note'],
        message_type: 'comment',
        author_id: [3, 'Mitchell Admin'],
        record_name: expect.any(String),
      },
    ]);
  });

  it('on 18.0 escapes a tagged body unless body_is_html, and does not touch the invoice', () => {
    const d = db({ version: '18.0' });
    const before = searchRead(d, 'account.move', [['id', '=', 1]], { fields: ['write_date'] })[0]!;
    d.setNow('2026-12-24T12:00:00Z');
    const escaped = post(d, 1, { body: '<b>Relance</b> "1"' }) as number;
    const html = post(d, 1, { body: '<b>Relance</b> 2', body_is_html: true }) as number;
    const bodies = messagesOf(d, 1).map((m) => [m.id, m['body']]);
    // v18-37: escaped (<, > and & only) and wrapped in a paragraph.
    expect(bodies).toEqual([
      [html, '<b>Relance</b> 2'],
      [escaped, '<p>&lt;b&gt;Relance&lt;/b&gt; "1"</p>'],
    ]);
    expect(searchRead(d, 'account.move', [['id', '=', 1]], { fields: ['write_date'] })[0]!['write_date']).toBe(
      before['write_date'],
    );
    expect(faultOf(() => d.call('account.move', 'message_post', [[1, 2]], { body: 'x' })).detail).toBe(
      'Expected singleton: account.move(1, 2)',
    );
    expect(faultOf(() => d.call('account.move', 'message_post', [[1], 'positional'])).detail).toBe(
      'MailThread.message_post() takes 1 positional argument but 2 were given',
    );
  });

  it('creates activities from the ir.model id and reads them back by res_model and res_id', () => {
    const d = db();
    const [model] = searchRead(d, 'ir.model', [['model', '=', 'account.move']], { fields: ['model', 'name'] });
    expect(model).toMatchObject({ model: 'account.move', name: 'Journal Entry' });
    const [todo] = searchRead(d, 'mail.activity.type', [['name', '=', 'To-Do']], { fields: ['name'] });
    const activity = {
      res_model_id: model!.id,
      res_id: 3,
      activity_type_id: todo!.id,
      summary: 'Appeler le client',
      note: '<p>Relance téléphonique</p>',
      date_deadline: '2026-11-30',
      user_id: ADMIN_UID,
    };
    const activityId = d.call('mail.activity', 'create', [activity]) as number;
    const found = searchRead(
      d,
      'mail.activity',
      [
        ['res_model', '=', 'account.move'],
        ['res_id', '=', 3],
      ],
      {
        fields: [
          'res_model_id',
          'res_model',
          'res_id',
          'activity_type_id',
          'summary',
          'note',
          'date_deadline',
          'user_id',
          'state',
          'res_name',
        ],
      },
    );
    expect(found).toEqual([
      {
        id: activityId,
        res_model_id: [model!.id, 'Journal Entry'],
        res_model: 'account.move',
        res_id: 3,
        activity_type_id: [todo!.id, 'To-Do'],
        summary: 'Appeler le client',
        note: '<p>Relance téléphonique</p>',
        date_deadline: '2026-11-30',
        user_id: [ADMIN_UID, 'Mitchell Admin'],
        state: 'planned',
        res_name: expect.any(String),
      },
    ]);
    expect(
      faultOf(() => d.call('mail.activity', 'create', [{ res_model_id: model!.id, res_id: 999_999, summary: 'x' }]))
        .exception,
    ).toBe('odoo.exceptions.MissingError');
    const portal = faultOf(() =>
      d.call('mail.activity', 'create', [{ res_model_id: model!.id, res_id: 3 }], {}, { uid: PORTAL_UID }),
    );
    expect(portal.code).toBe(4);
  });
});

/**
 * What the second 18.0 server showed (captures v18-20 to v18-54), at the model's level; the server test
 * replays the captured requests over HTTP. Its user 9 (billing) is our BILLING_UID and its user 8 (no
 * accounting) our PORTAL_UID.
 */
describe('the second 18.0 server’s answers (v18-20 to v18-54)', () => {
  const fault = (file: string) => capturedFault(file, FIXTURES);
  const activity = (summary: string, userId: number, extra: Record<string, unknown> = {}) => ({
    res_id: 1,
    summary,
    note: '<p>Relancer le client par téléphone</p>',
    user_id: userId,
    date_deadline: '2026-12-11',
    ...extra,
  });
  const TO_MOVES = { context: { default_res_model: 'account.move' } };
  const ACCOUNT_MOVE_MODEL = 427;
  const activities = (d: OdooDatabase, domain: unknown[] = []) =>
    searchRead(d, 'mail.activity', domain, {
      fields: ['activity_type_id', 'res_model_id', 'res_model', 'res_id', 'summary', 'user_id'],
      order: 'id asc',
    });
  const nextActivityId = (d: OdooDatabase) =>
    d.call('mail.activity', 'create', [
      [activity('probe', ADMIN_UID, { res_model_id: ACCOUNT_MOVE_MODEL })],
    ]) as number[];

  it('fails a create whose records come as the keyword vals_list, after the create ran: nothing kept, the id used up (v18-20)', () => {
    for (const version of ['16.0', '17.0', '18.0', '19.0'] as const) {
      const d = db({ version, invoices: 20 });
      const f = faultOf(() =>
        d.call('mail.activity', 'create', [], { vals_list: [activity('Relance 1', ADMIN_UID)], ...TO_MOVES }),
      );
      expect([version, f.code, lastLine(f.faultString)]).toEqual([version, 1, 'IndexError: tuple index out of range']);
      expect(activities(d)).toEqual([]);
      expect(nextActivityId(d)).toEqual([2]);
      // Any model's create, not only activities': the check is call_kw's.
      const partners = d.count('res.partner');
      expect(faultOf(() => d.call('res.partner', 'create', [], { vals_list: [{ name: 'Kwarg SARL' }] })).code).toBe(1);
      expect(d.count('res.partner')).toBe(partners);
    }
    // On 18.0 the whole traceback is the captured one.
    const d18 = db({ invoices: 20 });
    expect(
      faultOf(() =>
        d18.call('mail.activity', 'create', [], { vals_list: [activity('Relance 1', ADMIN_UID)], ...TO_MOVES }),
      ).faultString,
    ).toBe(fault('v18-20-object-create-activity-kwarg-vals_list.response.xml').text);
    // JSON-2 passes named arguments without call_kw: the same create works there.
    const d19 = db({ version: '19.0', invoices: 20 });
    expect(
      d19.call(
        'mail.activity',
        'create',
        [],
        { vals_list: [activity('Relance 1', ADMIN_UID)], ...TO_MOVES },
        { uid: ADMIN_UID },
        'json2',
      ),
    ).toEqual([1]);
    expect(d19.call('mail.activity', 'create', [[activity('Relance 2', ADMIN_UID)]], TO_MOVES)).toEqual([2]);
  });

  it('gives an activity its model and the To-Do type from default_res_model, and no type from a bare res_model_id (v18-21 to v18-25)', () => {
    const d = db({ invoices: 20 });
    const [fromContext] = d.call('mail.activity', 'create', [[activity('Relance 1', ADMIN_UID)]], TO_MOVES) as number[];
    const [fromId] = d.call('mail.activity', 'create', [
      [activity('Relance 2', ADMIN_UID, { res_model_id: ACCOUNT_MOVE_MODEL })],
    ]) as number[];
    const [typed] = d.call('mail.activity', 'create', [
      [activity('Relance 3', ADMIN_UID, { res_model_id: ACCOUNT_MOVE_MODEL, activity_type_id: 2 })],
    ]) as number[];
    const single = d.call('mail.activity', 'create', [activity('Relance 4', ADMIN_UID)], TO_MOVES);
    expect(typeof single).toBe('number');
    const common = {
      res_model_id: [ACCOUNT_MOVE_MODEL, 'Journal Entry'],
      res_model: 'account.move',
      res_id: 1,
      user_id: [ADMIN_UID, 'Mitchell Admin'],
    };
    expect(activities(d)).toEqual([
      { id: fromContext, activity_type_id: [4, 'To-Do'], summary: 'Relance 1', ...common },
      { id: fromId, activity_type_id: false, summary: 'Relance 2', ...common },
      { id: typed, activity_type_id: [2, 'Call'], summary: 'Relance 3', ...common },
      { id: single, activity_type_id: [4, 'To-Do'], summary: 'Relance 4', ...common },
    ]);
    expect(
      searchRead(d, 'ir.model', [['model', '=', 'account.move']], { fields: ['id', 'model', 'name'], limit: 1 }),
    ).toEqual([{ id: 427, model: 'account.move', name: 'Journal Entry' }]);
  });

  it('refuses ir.model to the billing user, with the captured group list (v18-26), yet takes an ir.model id from it (v18-53)', () => {
    const d = db({ invoices: 20 });
    const f = faultOf(() =>
      d.call(
        'ir.model',
        'search_read',
        [[['model', '=', 'account.move']]],
        { fields: ['id', 'model', 'name'], limit: 1 },
        { uid: BILLING_UID },
      ),
    );
    expect([f.code, f.faultString]).toEqual([
      fault('v18-26-object-search_read-ir.model-billing.response.xml').code,
      fault('v18-26-object-search_read-ir.model-billing.response.xml').text,
    ]);
    const created = d.call(
      'mail.activity',
      'create',
      [[activity('Relance 6', BILLING_UID, { res_model_id: ACCOUNT_MOVE_MODEL })]],
      {},
      { uid: BILLING_UID },
    ) as number[];
    const viaContext = d.call('mail.activity', 'create', [[activity('Relance 5', BILLING_UID)]], TO_MOVES, {
      uid: BILLING_UID,
    }) as number[];
    expect(
      activities(d, [['id', 'in', [...created, ...viaContext]]]).map((a) => [
        a['summary'],
        a['activity_type_id'],
        a['res_model'],
      ]),
    ).toEqual([
      ['Relance 6', false, 'account.move'],
      ['Relance 5', [4, 'To-Do'], 'account.move'],
    ]);
  });

  it('needs the creator’s e-mail to assign an activity to someone else, not to oneself (v18-27, v18-28, v18-52, v18-53)', () => {
    const d = db({ invoices: 20 });
    const [me] = d.call('res.users', 'read', [[BILLING_UID]], { fields: ['partner_id'] }) as {
      partner_id: [number, string];
    }[];
    // The seeded integration user is set up properly: it has an e-mail.
    expect(
      (d.call('res.partner', 'read', [[me!.partner_id[0]]], { fields: ['email'] }) as OdooRecord[])[0]!['email'],
    ).toEqual(expect.stringContaining('@'));
    const [first] = d.call('mail.activity', 'create', [[activity('to admin', ADMIN_UID)]], TO_MOVES, {
      uid: BILLING_UID,
    }) as number[];
    d.setUserEmail(BILLING_UID, false);
    const captured = fault('v18-27-object-create-activity-default_res_model-billing.response.xml');
    const byContext = faultOf(() =>
      d.call('mail.activity', 'create', [[activity('Relance 3', ADMIN_UID)]], TO_MOVES, { uid: BILLING_UID }),
    );
    const byId = faultOf(() =>
      d.call(
        'mail.activity',
        'create',
        [[activity('Relance 4', ADMIN_UID, { res_model_id: ACCOUNT_MOVE_MODEL })]],
        {},
        { uid: BILLING_UID },
      ),
    );
    for (const f of [byContext, byId])
      expect([f.code, f.faultString, f.kind]).toEqual([captured.code, captured.text, 'user']);
    // Nothing was created, and the two failed creates used up their ids, as 37 and 38 were on the server.
    expect(activities(d).map((a) => a.id)).toEqual([first]);
    const self = d.call('mail.activity', 'create', [[activity('Relance 5', BILLING_UID)]], TO_MOVES, {
      uid: BILLING_UID,
    }) as number[];
    expect(self).toEqual([first! + 3]);
    // An admin write on the user's partner works as well as the control.
    d.setUserEmail(BILLING_UID, 'api@recouvra-demo.example.fr');
    expect(d.call('mail.activity', 'create', [[activity('again', ADMIN_UID)]], TO_MOVES, { uid: BILLING_UID })).toEqual(
      [first! + 4],
    );
    d.call('res.partner', 'write', [[me!.partner_id[0]], { email: false }]);
    expect(
      faultOf(() => d.call('mail.activity', 'create', [[activity('again', ADMIN_UID)]], TO_MOVES, { uid: BILLING_UID }))
        .code,
    ).toBe(2);
  });

  it('refuses invoices to a user without accounting rights with the captured group list (v18-29)', () => {
    const d = db({ invoices: 20 });
    const f = faultOf(() =>
      d.call(
        'account.move',
        'search_count',
        [
          [
            ['move_type', '=', 'out_invoice'],
            ['state', '=', 'posted'],
            ['payment_state', 'in', ['not_paid', 'partial']],
          ],
        ],
        {},
        { uid: PORTAL_UID },
      ),
    );
    const captured = fault('v18-29-object-search_count-invoices-noacc.response.xml');
    expect([f.code, f.faultString]).toEqual([captured.code, captured.text]);
  });

  it('reads a missing id as nothing and an unknown field as a ValueError (v18-33, v18-34)', () => {
    const d = db({ invoices: 20 });
    expect(d.call('account.move', 'read', [[99_999_999]], { fields: ['name', 'state'] })).toEqual([]);
    expect(ids(d.call('account.move', 'read', [[3, 99_999_999, 1]], { fields: ['name'] }) as OdooRecord[])).toEqual([
      3, 1,
    ]);
    const f = faultOf(() => d.call('account.move', 'read', [[1]], { fields: ['name', 'no_such_field'] }));
    const captured = fault('v18-34-object-read-bad-field.response.xml');
    expect([f.code, f.faultString]).toEqual([captured.code, captured.text]);
    const f17 = faultOf(() =>
      db({ version: '17.0', invoices: 5 }).call('account.move', 'read', [[1]], { fields: ['no_such_field'] }),
    );
    expect(lastLine(f17.faultString)).toBe("ValueError: Invalid field 'no_such_field' on model 'account.move'");
  });

  it('stores a plain-text note escaped in a paragraph and an HTML one as sent, answering the id as an int (v18-35 to v18-38)', () => {
    const d = db({ invoices: 20 });
    const note = { message_type: 'comment', subtype_xmlid: 'mail.mt_note' };
    const plain = d.call('account.move', 'message_post', [[1]], { body: 'a < b & "c"', ...note });
    const html = d.call('account.move', 'message_post', [[1]], {
      body: '<p>x&nbsp;y</p>',
      body_is_html: true,
      ...note,
    });
    expect([typeof plain, typeof html]).toEqual(['number', 'number']);
    expect(searchRead(d, 'mail.message', [['id', '=', plain]], { fields: ['body'] })).toEqual([
      { id: plain, body: '<p>a &lt; b &amp; "c"</p>' },
    ]);
    expect(searchRead(d, 'mail.message', [['id', '=', html]], { fields: ['body'] })).toEqual([
      { id: html, body: '<p>x&nbsp;y</p>' },
    ]);
  });

  it('moves write_date on a write of the value already there (v18-41 to v18-44)', () => {
    const d = db({ invoices: 20 });
    d.addCustomField('account.move', 'x_recovery_stage', 'char', { string: 'Recovery stage' });
    d.setNow('2026-12-04T22:48:26Z');
    expect(d.call('account.move', 'write', [[1], { x_recovery_stage: 'relance_1' }])).toBe(true);
    d.setNow('2026-12-04T22:48:28Z');
    expect(d.call('account.move', 'read', [[1]], { fields: ['x_recovery_stage', 'write_date'] })).toEqual([
      { id: 1, x_recovery_stage: 'relance_1', write_date: '2026-12-04 22:48:26' },
    ]);
    d.setNow('2026-12-04T22:48:31Z');
    expect(d.call('account.move', 'write', [[1], { x_recovery_stage: 'relance_1' }])).toBe(true);
    expect(d.call('account.move', 'read', [[1]], { fields: ['x_recovery_stage', 'write_date'] })).toEqual([
      { id: 1, x_recovery_stage: 'relance_1', write_date: '2026-12-04 22:48:31' },
    ]);
  });

  it('answers fields_get in definition order with attributes in alphabetical order, blocked before invoicing_legacy (v18-45, v18-46)', () => {
    const d = db({ invoices: 20 });
    d.addCustomField('account.move', 'x_recovery_stage', 'char', { string: 'Recovery stage' });
    const asked = ['payment_state', 'amount_residual', 'invoice_date_due', 'commercial_partner_id', 'x_recovery_stage'];
    const got = d.call('account.move', 'fields_get', [], {
      allfields: asked,
      attributes: ['type', 'string', 'readonly', 'store', 'selection'],
    }) as Record<string, Record<string, unknown>>;
    expect(Object.keys(got)).toEqual([
      'invoice_date_due',
      'commercial_partner_id',
      'amount_residual',
      'payment_state',
      'x_recovery_stage',
    ]);
    expect(Object.keys(got['payment_state']!)).toEqual(['readonly', 'selection', 'store', 'string', 'type']);
    expect((got['payment_state']!['selection'] as [string, string][]).map(([k]) => k)).toEqual([
      'not_paid',
      'in_payment',
      'paid',
      'partial',
      'reversed',
      'blocked',
      'invoicing_legacy',
    ]);
    expect(got['x_recovery_stage']).toEqual({ readonly: false, store: true, string: 'Recovery stage', type: 'char' });
    const all = d.call('account.move', 'fields_get', [['name']]) as Record<string, Record<string, unknown>>;
    expect(Object.keys(all['name']!)).toEqual([...Object.keys(all['name']!)].sort());
  });

  it('blocks the payment and cancels an invoice, answering None after keeping the change (v18-47 to v18-50)', () => {
    const d = db({ invoices: 20 });
    const id = d.call('account.move', 'create', [
      { move_type: 'out_invoice', partner_id: 10, invoice_line_ids: [[0, 0, { quantity: 1, price_unit: 200 }]] },
    ]) as number;
    d.call('account.move', 'action_post', [[id]]);
    expect(d.call('account.move', 'action_toggle_block_payment', [[id]])).toBeNull();
    expect(d.call('account.move', 'read', [[id]], { fields: ['state', 'payment_state'] })).toEqual([
      { id, state: 'posted', payment_state: 'blocked' },
    ]);
    expect(d.call('account.move', 'button_cancel', [[id]])).toBeNull();
    expect(d.call('account.move', 'read', [[id]], { fields: ['state', 'payment_state'] })).toEqual([
      { id, state: 'cancel', payment_state: 'blocked' },
    ]);
    // Unblocking gives back the state the amounts say [UNVERIFIED].
    const other = d.call('account.move', 'create', [
      { move_type: 'out_invoice', partner_id: 10, invoice_line_ids: [[0, 0, { quantity: 1, price_unit: 50 }]] },
    ]) as number;
    d.call('account.move', 'action_post', [[other]]);
    d.call('account.move', 'action_toggle_block_payment', [[other]]);
    d.call('account.move', 'action_toggle_block_payment', [[other]]);
    expect(
      (d.call('account.move', 'read', [[other]], { fields: ['payment_state'] }) as OdooRecord[])[0]!['payment_state'],
    ).toBe('not_paid');
    expect(
      db({ version: '17.0', invoices: 5 }).describeMethod('account.move', 'action_toggle_block_payment'),
    ).toBeUndefined();
  });
});

describe('scale', () => {
  it('generates 200,000 invoices quickly and serves keyset pages of 500 without sorting', () => {
    const buffersBefore = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const d = createOdooDatabase({ seed: 1, invoices: 200_000, version: '18.0', now: () => new Date(NOW) });
    const generationMs = performance.now() - started;
    const heapMb = process.memoryUsage().heapUsed / 1e6;
    // Columns live in typed arrays: about a hundred bytes per invoice, not an object each.
    const columnsMb = (process.memoryUsage().arrayBuffers - buffersBefore) / 1e6;
    expect(columnsMb).toBeLessThan(80);
    expect(d.count('account.move')).toBe(200_000);
    expect(generationMs).toBeLessThan(10_000);

    const fields = [
      'name',
      'partner_id',
      'invoice_date_due',
      'amount_residual',
      'amount_total',
      'currency_id',
      'payment_state',
      'write_date',
    ];
    const pageStarted = performance.now();
    let cursor = { ts: '1970-01-01 00:00:00', id: 0 };
    let pages = 0;
    let rows = 0;
    const seen = new Set<number>();
    for (;;) {
      const page = searchRead(d, 'account.move', [...OPEN_RECEIVABLE_DOMAIN, ...keysetDomain(cursor.ts, cursor.id)], {
        fields,
        order: 'write_date asc, id asc',
        limit: 500,
      });
      if (page.length === 0) break;
      pages++;
      rows += page.length;
      for (const r of page) seen.add(r.id);
      const last = page[page.length - 1]!;
      cursor = { ts: last['write_date'] as string, id: last.id };
    }
    const msPerPage = (performance.now() - pageStarted) / pages;
    expect(rows).toBe(d.call('account.move', 'search_count', [OPEN_RECEIVABLE_DOMAIN]));
    expect(seen.size).toBe(rows);
    expect(msPerPage).toBeLessThan(50);
    console.log(
      `odoo simulator model: 200,000 invoices generated in ${generationMs.toFixed(0)} ms ` +
        `(typed columns ${columnsMb.toFixed(0)} MB, heap ${heapMb.toFixed(0)} MB); ` +
        `${pages} keyset pages of 500 over ${rows} open invoices at ${msPerPage.toFixed(2)} ms/page`,
    );
  });
});
