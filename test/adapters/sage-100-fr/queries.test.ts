import { sql, type Kysely } from 'kysely';
import {
  contactsOf,
  customersPage,
  documentsFor,
  linesByNo,
  openItemKeysPage,
  openLinesOfPieces,
  openItemsPage,
  permissionsCheck,
  readPermissions,
  type SageKeyset,
} from '../../../adapters/sage-100-fr/queries';
import {
  createSage100Fixture,
  loadSage100Seed,
  stubbedPermissionsRow,
  type FixtureEngine,
} from '../../../adapters/sage-100-fr/schema/fixture';
import type { Sage100Database, SageDateTime } from '../../../adapters/sage-100-fr/schema/layout';
import { generateSage100Seed, type Sage100Seed } from '../../../adapters/sage-100-fr/schema/seed';
import { amountToMinorUnits, sageDate, sageDateTime } from '../../../adapters/sage-100-fr/values';
import { describeWithPostgres, dropSchemas, freshSchemaName } from '../../helpers/postgres';
import { mssqlCompiler, openPostgresFixture, openSqliteFixture } from './fixture-engines';

const CURSOR: SageKeyset = { modifiedAt: '2026-01-02T03:04:05.006', marq: 7 };

describe('Sage 100 queries compiled for SQL Server', () => {
  const db = mssqlCompiler();

  it('customers page: TOP, customers only, keyset on (cbModification, cbMarq): a range to seek, then the OR form', () => {
    const first = customersPage(db, 'mssql', { after: null, limit: 100 }).compile();
    expect(first.sql).toBe(
      'select top(100) "CT_Num", "CT_Intitule", "CT_Type", "CG_NumPrinc", "CT_Contact", "CT_Adresse", "CT_Complement", "CT_CodePostal", "CT_Ville", "CT_Pays", "CT_Telephone", "CT_EMail", "CT_Siret", "CT_Identifiant", "CT_Sommeil", "CT_NumPayeur", "cbMarq", "cbModification" from "F_COMPTET" where "CT_Type" = @1 order by "cbModification", "cbMarq"',
    );
    expect(first.parameters).toEqual([0]);
    const next = customersPage(db, 'mssql', { after: CURSOR, limit: 100 }).compile();
    expect(next.sql).toMatch(
      /where "CT_Type" = @1 and "cbModification" >= @2 and \("cbModification" > @3 or \("cbModification" = @4 and "cbMarq" > @5\)\) order by "cbModification", "cbMarq"$/,
    );
    expect(next.parameters).toEqual([0, CURSOR.modifiedAt, CURSOR.modifiedAt, CURSOR.modifiedAt, 7]);
  });

  it('contacts of a page of customers', () => {
    const q = contactsOf(db, ['CDUPONT', 'CMARTIN']).compile();
    expect(q.sql).toBe(
      'select "CT_Num", "CT_No", "CT_Nom", "CT_Prenom", "CT_Fonction", "CT_Telephone", "CT_TelPortable", "CT_EMail", "cbMarq", "cbModification" from "F_CONTACTT" where "CT_Num" in (@1, @2) order by "CT_Num", "CT_No"',
    );
    expect(q.parameters).toEqual(['CDUPONT', 'CMARTIN']);
  });

  it('open items page: customer tiers, not lettered, customer accounts, signed by EC_Sens', () => {
    const q = openItemsPage(db, 'mssql', { after: CURSOR, limit: 100 }).compile();
    expect(q.sql).toBe(
      'select top(100) "F_ECRITUREC"."EC_No", "F_ECRITUREC"."cbMarq", "F_ECRITUREC"."cbModification", "F_ECRITUREC"."JO_Num", "F_ECRITUREC"."EC_Date", "F_ECRITUREC"."EC_Piece", "F_ECRITUREC"."EC_RefPiece", "F_ECRITUREC"."CG_Num", "F_ECRITUREC"."CT_Num", "F_ECRITUREC"."EC_Intitule", "F_ECRITUREC"."EC_Echeance", "F_ECRITUREC"."EC_Sens", "F_ECRITUREC"."EC_Montant", ' +
        'case "F_ECRITUREC"."EC_Sens" when @1 then "F_ECRITUREC"."EC_Montant" when @2 then -"F_ECRITUREC"."EC_Montant" end as "EC_MontantSigne", ' +
        '"F_ECRITUREC"."EC_Lettrage", "F_ECRITUREC"."EC_StatusRegle", "F_ECRITUREC"."EC_MontantRegle", "F_ECRITUREC"."EC_DateRegle", "F_ECRITUREC"."EC_Reference", "F_ECRITUREC"."N_Devise", "F_ECRITUREC"."EC_Devise" ' +
        'from "F_ECRITUREC" inner join "F_COMPTET" on "F_COMPTET"."CT_Num" = "F_ECRITUREC"."CT_Num" ' +
        'where "F_ECRITUREC"."CT_Num" <> @3 and "F_COMPTET"."CT_Type" = @4 and "F_ECRITUREC"."EC_Lettrage" = @5 and "F_ECRITUREC"."CG_Num" like @6 ' +
        'and "F_ECRITUREC"."cbModification" >= @7 and ("F_ECRITUREC"."cbModification" > @8 or ("F_ECRITUREC"."cbModification" = @9 and "F_ECRITUREC"."cbMarq" > @10)) ' +
        'order by "F_ECRITUREC"."cbModification", "F_ECRITUREC"."cbMarq"',
    );
    expect(q.parameters).toEqual([0, 1, '', 0, '', '411%', CURSOR.modifiedAt, CURSOR.modifiedAt, CURSOR.modifiedAt, 7]);
  });

  it('changed items: the same page with lettered lines too (no EC_Lettrage filter)', () => {
    const q = openItemsPage(db, 'mssql', { after: CURSOR, limit: 100, includeLettered: true }).compile();
    expect(q.sql).toContain(
      'where "F_ECRITUREC"."CT_Num" <> @3 and "F_COMPTET"."CT_Type" = @4 and "F_ECRITUREC"."CG_Num" like @5 and "F_ECRITUREC"."cbModification" >= @6 and ("F_ECRITUREC"."cbModification" > @7',
    );
    expect(q.sql).not.toContain('"EC_Lettrage" =');
    expect(q.parameters).toEqual([0, 1, '', 0, '411%', CURSOR.modifiedAt, CURSOR.modifiedAt, CURSOR.modifiedAt, 7]);
  });

  it('open lines of pieces and lines by number: the item columns, by EC_RefPiece or EC_No', () => {
    const pieces = openLinesOfPieces(db, ['FA00001', 'FA00002']).compile();
    expect(pieces.sql).toMatch(
      /^select "F_ECRITUREC"."EC_No", .* from "F_ECRITUREC" inner join "F_COMPTET" on .* and "F_ECRITUREC"."EC_Lettrage" = @5 and "F_ECRITUREC"."CG_Num" like @6 and "F_ECRITUREC"."EC_RefPiece" in \(@7, @8\) order by "F_ECRITUREC"."cbMarq"$/,
    );
    expect(pieces.parameters).toEqual([0, 1, '', 0, '', '411%', 'FA00001', 'FA00002']);
    const byNo = linesByNo(db, [3, 4]).compile();
    expect(byNo.sql).toMatch(/"F_ECRITUREC"."EC_No" in \(@6, @7\) order by "F_ECRITUREC"."cbMarq"$/);
    expect(byNo.sql).not.toContain('"EC_Lettrage" =');
    expect(byNo.parameters).toEqual([0, 1, '', 0, '411%', 3, 4]);
    expect(() => linesByNo(db, [1.5])).toThrow(/EC_No 1.5 is not an integer/);
  });

  it('open lines of pieces outside a page: the span (after, through] left out, in the OR form', () => {
    const through: SageKeyset = { modifiedAt: '2026-01-02T03:09:00.000', marq: 42 };
    const q = openLinesOfPieces(db, ['FA00001'], { outside: { after: CURSOR, through } }).compile();
    expect(q.sql).toMatch(
      /"F_ECRITUREC"."EC_RefPiece" in \(@7\) and \("F_ECRITUREC"."cbModification" < @8 or \("F_ECRITUREC"."cbModification" = @9 and "F_ECRITUREC"."cbMarq" <= @10\) or "F_ECRITUREC"."cbModification" > @11 or \("F_ECRITUREC"."cbModification" = @12 and "F_ECRITUREC"."cbMarq" > @13\)\) order by "F_ECRITUREC"."cbMarq"$/,
    );
    expect(q.parameters.slice(6)).toEqual([
      'FA00001',
      CURSOR.modifiedAt,
      CURSOR.modifiedAt,
      7,
      through.modifiedAt,
      through.modifiedAt,
      42,
    ]);
    const first = openLinesOfPieces(db, ['FA00001'], { outside: { after: null, through } }).compile();
    expect(first.sql).toMatch(
      /in \(@7\) and \("F_ECRITUREC"."cbModification" > @8 or \("F_ECRITUREC"."cbModification" = @9 and "F_ECRITUREC"."cbMarq" > @10\)\) order by/,
    );
    expect(() =>
      openLinesOfPieces(db, ['FA00001'], { outside: { after: null, through: { modifiedAt: '2026-01-02', marq: 1 } } }),
    ).toThrow(/cursor modifiedAt "2026-01-02" is not/);
  });

  it('in another schema than the login default: every table qualified', () => {
    const q = openItemsPage(db.withSchema('sage'), 'mssql', { after: null, limit: 10 }).compile();
    expect(q.sql).toContain('from "sage"."F_ECRITUREC" inner join "sage"."F_COMPTET" on "sage"."F_COMPTET"."CT_Num"');
  });

  it('open-set sweep: keys only, keyset on cbMarq, one LIKE per account prefix', () => {
    const q = openItemKeysPage(db, 'mssql', { afterMarq: 7, limit: 1000, accountPrefixes: ['411', '416'] }).compile();
    expect(q.sql).toBe(
      'select top(1000) "F_ECRITUREC"."EC_No", "F_ECRITUREC"."cbMarq", "F_ECRITUREC"."CT_Num", "F_ECRITUREC"."EC_RefPiece", "F_ECRITUREC"."EC_Sens" from "F_ECRITUREC" inner join "F_COMPTET" on "F_COMPTET"."CT_Num" = "F_ECRITUREC"."CT_Num" where "F_ECRITUREC"."CT_Num" <> @1 and "F_COMPTET"."CT_Type" = @2 and "F_ECRITUREC"."EC_Lettrage" = @3 and ("F_ECRITUREC"."CG_Num" like @4 or "F_ECRITUREC"."CG_Num" like @5) and "F_ECRITUREC"."cbMarq" > @6 order by "F_ECRITUREC"."cbMarq"',
    );
    expect(q.parameters).toEqual(['', 0, '', '411%', '416%', 7]);
  });

  it('documents: sales invoices (domain 0, types 6 and 7) by piece', () => {
    const q = documentsFor(db, ['FA00001']).compile();
    expect(q.sql).toBe(
      'select "DO_Piece", "DO_Type", "DO_Date", "DO_Ref", "DO_Tiers", "DO_TotalHT", "DO_TotalTTC", "DO_NetAPayer", "DO_MontantRegle", "DO_Provenance", "cbMarq", "cbModification" from "F_DOCENTETE" where "DO_Domaine" = @1 and "DO_Type" in (@2, @3) and "DO_Piece" in (@4) order by "DO_Piece", "cbMarq"',
    );
    expect(q.parameters).toEqual([0, 6, 7, 'FA00001']);
  });

  it('permissions check: HAS_PERMS_BY_NAME per table and permission, no parameters, nothing written', () => {
    const q = permissionsCheck(db).compile();
    expect(q.parameters).toEqual([]);
    expect(
      q.sql.startsWith(`select HAS_PERMS_BY_NAME('dbo.F_COMPTET', 'OBJECT', 'SELECT') as "F_COMPTET_SELECT", `),
    ).toBe(true);
    expect(q.sql.match(/HAS_PERMS_BY_NAME\(/g)).toHaveLength(20);
    expect(q.sql).toContain(`HAS_PERMS_BY_NAME('dbo.F_DOCENTETE', 'OBJECT', 'ALTER') as "F_DOCENTETE_ALTER"`);
    expect(q.sql).not.toMatch(/\b(insert|update|delete|alter|create|drop|exec)\b(?!')/i);
    expect(permissionsCheck(db, 'sage_societe').compile().sql).toContain(`'sage_societe.F_ECRITUREC'`);
    expect(() => permissionsCheck(db, "dbo'; drop table x --")).toThrow(/schema .* is not a plain identifier/);
  });

  it('refuses bad page options with a message naming them', () => {
    expect(() => customersPage(db, 'mssql', { after: null, limit: 0 })).toThrow(
      /customers page: limit must be an integer from 1 to 5000, got 0/,
    );
    expect(() =>
      openItemsPage(db, 'mssql', { after: { modifiedAt: '2026-01-02 03:04:05', marq: 1 }, limit: 10 }),
    ).toThrow(/open items page: cursor modifiedAt "2026-01-02 03:04:05" is not YYYY-MM-DDTHH:MM:SS.mmm/);
    expect(() => openItemKeysPage(db, 'mssql', { afterMarq: null, limit: 10, accountPrefixes: ['41%'] })).toThrow(
      /account prefix "41%" must be 1 to 13 digits/,
    );
    expect(() => contactsOf(db, [])).toThrow(/between 1 and 500 keys per query, got 0/);
  });
});

describe('Sage 100 permissions answer', () => {
  it('a read-only login with every table is read-only', () => {
    expect(readPermissions(stubbedPermissionsRow())).toEqual({ missingReads: [], writeRights: [], readOnly: true });
  });

  it('names missing reads, held or unknown write rights, and refuses a malformed answer', () => {
    const report = readPermissions(
      stubbedPermissionsRow({
        F_DOCENTETE_SELECT: 0,
        F_CONTACTT_SELECT: null,
        F_ECRITUREC_UPDATE: 1,
        F_COMPTET_ALTER: null,
      }),
    );
    expect(report).toEqual({
      missingReads: ['F_CONTACTT', 'F_DOCENTETE'],
      writeRights: [
        { table: 'F_COMPTET', permission: 'ALTER', answer: null },
        { table: 'F_ECRITUREC', permission: 'UPDATE', answer: 1 },
      ],
      readOnly: false,
    });
    const { F_COMPTET_DELETE: _, ...missing } = stubbedPermissionsRow();
    expect(() => readPermissions(missing)).toThrow(/no column F_COMPTET_DELETE/);
    expect(() => readPermissions(stubbedPermissionsRow({ F_COMPTET_SELECT: 2 }))).toThrow(/F_COMPTET_SELECT is 2/);
  });
});

describe('Sage 100 values', () => {
  it('amounts in cents from either driver form, refusing fractions of a cent', () => {
    expect(amountToMinorUnits('1234.560000', 'x')).toBe(123456);
    expect(amountToMinorUnits(1234.56, 'x')).toBe(123456);
    expect(amountToMinorUnits('-250.000000', 'x')).toBe(-25000);
    expect(amountToMinorUnits(-0.1 - 0.2, 'x')).toBe(-30);
    expect(() => amountToMinorUnits('10.005000', 'F_ECRITUREC.EC_Montant')).toThrow(
      /F_ECRITUREC.EC_Montant: 10.005000 has a fraction of a cent/,
    );
    expect(() => amountToMinorUnits('abc', 'y')).toThrow(/y: "abc" is not a decimal amount/);
  });

  it('datetimes to the canonical text, and the 1753-01-01 sentinel as no date', () => {
    expect(sageDateTime('2026-03-01 10:00:00', 'x')).toBe('2026-03-01T10:00:00.000');
    expect(sageDateTime('2026-03-01 10:00:00.5', 'x')).toBe('2026-03-01T10:00:00.500');
    expect(sageDateTime(new Date(Date.UTC(2026, 2, 1, 10, 0, 0, 3)), 'x')).toBe('2026-03-01T10:00:00.003');
    expect(sageDate('1753-01-01 00:00:00', 'x')).toBeNull();
    expect(sageDate('2026-04-20T00:00:00.000', 'x')).toBe('2026-04-20');
    expect(() => sageDateTime('01/03/2026', 'F_ECRITUREC.EC_Echeance')).toThrow(
      /F_ECRITUREC.EC_Echeance: "01\/03\/2026" is not a datetime/,
    );
  });

  it('the seed is deterministic and differs with the seed', () => {
    expect(generateSage100Seed({ seed: 7, customers: 20 })).toEqual(generateSage100Seed({ seed: 7, customers: 20 }));
    expect(generateSage100Seed({ seed: 8, customers: 20 })).not.toEqual(
      generateSage100Seed({ seed: 7, customers: 20 }),
    );
    expect(() => generateSage100Seed({ seed: 1, customers: -1 })).toThrow(/customers must be an integer/);
  });
});

/** The expected open items of a seed, computed in JavaScript from the generated rows. */
function expectedOpenItems(seed: Sage100Seed): { EC_No: number; cbMarq: number; cbModification: string }[] {
  const customers = new Set(seed.F_COMPTET.filter((c) => c.CT_Type === 0).map((c) => c.CT_Num));
  return seed.F_ECRITUREC.filter(
    (l) => l.CT_Num !== '' && customers.has(l.CT_Num) && l.EC_Lettrage === '' && l.CG_Num.startsWith('411'),
  )
    .map((l) => ({ EC_No: l.EC_No, cbMarq: l.cbMarq, cbModification: String(l.cbModification) }))
    .sort((a, b) =>
      a.cbModification < b.cbModification ? -1 : a.cbModification > b.cbModification ? 1 : a.cbMarq - b.cbMarq,
    );
}

function describeFixture(
  engine: FixtureEngine,
  open: () => Promise<{ db: Kysely<Sage100Database>; close: () => Promise<void> }>,
): void {
  const seed = generateSage100Seed({ seed: 15, customers: 150 });
  let db: Kysely<Sage100Database>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await open());
    await createSage100Fixture(db, engine);
    await loadSage100Seed(db, seed);
  });
  afterAll(async () => {
    await close();
  });

  it('holds the layout with every generated row', async () => {
    const count = async (table: keyof Sage100Database): Promise<number> =>
      Number(
        (
          await db
            .selectFrom(table)
            .select(sql<number | string>`count(*)`.as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('F_ECRITUREC')).toBe(seed.F_ECRITUREC.length);
    expect(await count('F_COMPTET')).toBe(seed.F_COMPTET.length);
    expect(seed.F_ECRITUREC.length).toBeGreaterThan(300);
  });

  it('pages through the open items in keyset order, across cbModification ties, matching the seed', async () => {
    const seen: { EC_No: number; cbMarq: number; cbModification: string }[] = [];
    let after: SageKeyset | null = null;
    let pages = 0;
    for (;;) {
      const rows = await openItemsPage(db, engine, { after, limit: 7 }).execute();
      if (rows.length === 0) break;
      pages++;
      for (const r of rows)
        seen.push({
          EC_No: r.EC_No,
          cbMarq: r.cbMarq,
          cbModification: sageDateTime(r.cbModification, 'cbModification'),
        });
      const last = seen[seen.length - 1]!;
      after = { modifiedAt: last.cbModification, marq: last.cbMarq };
    }
    const expected = expectedOpenItems(seed);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 7));
    // The seed has same-time changes, so the tie-break was exercised.
    expect(new Set(expected.map((e) => e.cbModification)).size).toBeLessThan(expected.length);
  });

  it('lines of pieces outside a page, with the page, are every open line of its pieces', async () => {
    let after: SageKeyset | null = null;
    let outsideRead = 0;
    for (;;) {
      const rows = await openItemsPage(db, engine, { after, limit: 7 }).execute();
      const last = rows.at(-1);
      if (last === undefined) break;
      const through: SageKeyset = {
        modifiedAt: sageDateTime(last.cbModification, 'cbModification'),
        marq: last.cbMarq,
      };
      const pieces = [...new Set(rows.map((r) => r.EC_RefPiece))];
      const every = await openLinesOfPieces(db, pieces).execute();
      const outside = await openLinesOfPieces(db, pieces, { outside: { after, through } }).execute();
      const own = new Set(rows.map((r) => r.EC_No));
      expect(outside.map((r) => r.EC_No)).toEqual(every.filter((r) => !own.has(r.EC_No)).map((r) => r.EC_No));
      outsideRead += outside.length;
      after = through;
    }
    // Some pieces straddle two pages, so lines were found on both sides of a span.
    expect(outsideRead).toBeGreaterThan(0);
  });

  it('returns the named cases as they are: signed amounts, the sentinel, both remaining amounts', async () => {
    const rows = await openItemsPage(db, engine, { after: null, limit: 5000 }).execute();
    const byPiece = (piece: string) => rows.filter((r) => r.EC_RefPiece === piece);
    const fa1 = byPiece('FA00001');
    expect(
      fa1.map((r) => [r.CT_Num, amountToMinorUnits(r.EC_MontantSigne!, 'x'), sageDate(r.EC_Echeance, 'x')]),
    ).toEqual([['CDUPONT', 120000, expect.stringMatching(/^2026-03-1\d$/)]]);
    const av = byPiece('AV00001');
    expect(
      av.map((r) => [
        r.EC_Sens,
        amountToMinorUnits(r.EC_Montant, 'x'),
        amountToMinorUnits(r.EC_MontantSigne!, 'x'),
        sageDate(r.EC_Echeance, 'x'),
      ]),
    ).toEqual([[1, 25000, -25000, null]]);
    expect(byPiece('FA00003')).toEqual([]);
    expect(rows.some((r) => r.CT_Num === 'FDURAND')).toBe(false);

    // FA00002: the line says 1000.00 remains (EC_Montant − EC_MontantRegle); the piece's open lines
    // and the document say 600.00. The read model returns both; the mapping will quarantine it.
    const fa2 = byPiece('FA00002');
    const invoice = fa2.find((r) => r.EC_Sens === 0)!;
    expect(amountToMinorUnits(invoice.EC_Montant, 'x') - amountToMinorUnits(invoice.EC_MontantRegle, 'x')).toBe(100000);
    expect(fa2.reduce((sum, r) => sum + amountToMinorUnits(r.EC_MontantSigne!, 'x'), 0)).toBe(60000);
    const [doc2] = await documentsFor(db, ['FA00002']).execute();
    expect(amountToMinorUnits(doc2!.DO_TotalTTC, 'x') - amountToMinorUnits(doc2!.DO_MontantRegle, 'x')).toBe(60000);

    // FA00004: both say 500.00.
    const fa4 = byPiece('FA00004');
    const inv4 = fa4.find((r) => r.EC_Sens === 0)!;
    expect(amountToMinorUnits(inv4.EC_Montant, 'x') - amountToMinorUnits(inv4.EC_MontantRegle, 'x')).toBe(50000);
    expect(fa4.reduce((sum, r) => sum + amountToMinorUnits(r.EC_MontantSigne!, 'x'), 0)).toBe(50000);
  });

  it('reads customers in keyset pages (customers only) and their contacts', async () => {
    const ids: string[] = [];
    let after: SageKeyset | null = null;
    for (;;) {
      const rows: { CT_Num: string; cbModification: SageDateTime; cbMarq: number }[] = await customersPage(db, engine, {
        after,
        limit: 40,
      }).execute();
      if (rows.length === 0) break;
      ids.push(...rows.map((r) => r.CT_Num));
      const last = rows[rows.length - 1]!;
      after = { modifiedAt: sageDateTime(last.cbModification, 'x'), marq: last.cbMarq };
    }
    const expected = seed.F_COMPTET.filter((c) => c.CT_Type === 0)
      .sort((a, b) =>
        a.cbModification < b.cbModification ? -1 : a.cbModification > b.cbModification ? 1 : a.cbMarq - b.cbMarq,
      )
      .map((c) => c.CT_Num);
    expect(ids).toEqual(expected);
    expect(ids).not.toContain('FDURAND');
    const contacts = await contactsOf(db, ['CDUPONT', 'CMARTIN']).execute();
    expect(contacts.map((c) => [c.CT_Num, c.CT_No, c.CT_Prenom, c.CT_Nom])).toEqual([
      ['CDUPONT', 1, 'Jeanne', 'Dupont'],
      ['CDUPONT', 2, 'Marc', 'Lefèvre'],
    ]);
  });

  it('sweeps the open keys in cbMarq pages, and sees lettering and deletion as keys gone', async () => {
    const sweep = async (): Promise<number[]> => {
      const keys: number[] = [];
      let afterMarq: number | null = null;
      for (;;) {
        const rows = await openItemKeysPage(db, engine, { afterMarq, limit: 50 }).execute();
        if (rows.length === 0) return keys;
        keys.push(...rows.map((r) => r.EC_No));
        afterMarq = rows[rows.length - 1]!.cbMarq;
      }
    };
    const before = await sweep();
    expect([...before].sort((a, b) => a - b)).toEqual(
      expectedOpenItems(seed)
        .map((e) => e.EC_No)
        .sort((a, b) => a - b),
    );
    const fa1 = seed.F_ECRITUREC.find((l) => l.EC_RefPiece === 'FA00001')!.EC_No;
    const av1 = seed.F_ECRITUREC.find((l) => l.EC_RefPiece === 'AV00001')!.EC_No;
    await db.updateTable('F_ECRITUREC').set({ EC_Lettrage: 'ZZ', EC_Lettre: 1 }).where('EC_No', '=', fa1).execute();
    await db.deleteFrom('F_ECRITUREC').where('EC_No', '=', av1).execute();
    const after = await sweep();
    expect(before.filter((k) => !after.includes(k)).sort((a, b) => a - b)).toEqual([fa1, av1].sort((a, b) => a - b));
    expect(after.length).toBe(before.length - 2);
  });

  it('enriches from the sales documents, ignoring other types and unknown pieces', async () => {
    const docs = await documentsFor(db, ['FA00001', 'FA00004', 'AV00001', 'NOPE']).execute();
    expect(docs.map((d) => [d.DO_Piece, d.DO_Type, d.DO_Tiers, amountToMinorUnits(d.DO_TotalTTC, 'x')])).toEqual([
      ['FA00001', 7, 'CDUPONT', 120000],
      ['FA00004', 6, 'CPETIT', 80000],
    ]);
  });
}

describe('Sage 100 queries on the SQLite fixture', () => {
  describeFixture('sqlite', () => {
    const db = openSqliteFixture();
    return Promise.resolve({ db, close: () => db.destroy() });
  });
});

describeWithPostgres('Sage 100 queries on the PostgreSQL fixture', () => {
  const schema = freshSchemaName('recouvra_sage100');
  describeFixture('postgres', async () => {
    const { db, pool } = openPostgresFixture(schema);
    await pool.query(`create schema ${schema}`);
    return {
      db,
      close: async () => {
        await db.destroy();
        await dropSchemas([schema]);
      },
    };
  });
});
