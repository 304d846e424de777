/**
 * The Sage 100 France tables and columns the read model uses, with their SQL Server types.
 *
 * Sources (shared/reference/sage.md §4.2): the column lists and meanings are from §4.2; the
 * types are from the audit DDL §4.2 points to (index id 17252259436), except the lengths §4.2
 * states itself (CT_Num max 17, CT_Intitule max 69, DO_Piece max 13) — that DDL copies Sage's
 * tables into audit tables and widens some codes (CT_Num varchar(20) there), so its other
 * lengths may be wider than Sage's too. A column marked `unverified` has no source for its
 * type: the type is our guess from similar columns. The fixture makes every column NOT NULL
 * because Sage stores empty dates as the 1753-01-01 sentinel rather than NULL (§4.2); whether
 * every other column is NOT NULL in Sage is UNVERIFIED.
 */

/** Where a column's type comes from: §4.2 itself, the audit DDL it cites, or nowhere. */
export type TypeSource = 'reference' | 'audit-ddl' | 'unverified';

/** The SQL Server types the layout uses. */
export type SqlServerType = `varchar(${number})` | 'smallint' | 'int' | 'numeric(24,6)' | 'datetime';

export interface ColumnSpec {
  readonly type: SqlServerType;
  readonly source: TypeSource;
}

const col = <T extends SqlServerType>(
  type: T,
  source: TypeSource,
): { readonly type: T; readonly source: TypeSource } => ({
  type,
  source,
});

/** Every table carries cbMarq (identity) and cbModification (last change) — §4.3. */
const rowMetadata = {
  cbMarq: col('int', 'audit-ddl'),
  cbModification: col('datetime', 'unverified'),
};

export const SAGE_100_LAYOUT = {
  /** Third parties (customers are CT_Type 0) — §4.2 "Customers: F_COMPTET". */
  F_COMPTET: {
    CT_Num: col('varchar(17)', 'reference'),
    CT_Intitule: col('varchar(69)', 'reference'),
    CT_Type: col('smallint', 'audit-ddl'),
    CG_NumPrinc: col('varchar(20)', 'audit-ddl'),
    CT_Contact: col('varchar(69)', 'audit-ddl'),
    CT_Adresse: col('varchar(69)', 'audit-ddl'),
    CT_Complement: col('varchar(69)', 'audit-ddl'),
    CT_CodePostal: col('varchar(20)', 'audit-ddl'),
    CT_Ville: col('varchar(69)', 'audit-ddl'),
    CT_Pays: col('varchar(69)', 'audit-ddl'),
    CT_Telephone: col('varchar(21)', 'unverified'),
    CT_Telecopie: col('varchar(21)', 'unverified'),
    CT_EMail: col('varchar(69)', 'unverified'),
    CT_Siret: col('varchar(15)', 'unverified'),
    CT_Identifiant: col('varchar(25)', 'unverified'),
    CT_Ape: col('varchar(7)', 'unverified'),
    CT_Commentaire: col('varchar(35)', 'unverified'),
    CT_Sommeil: col('smallint', 'unverified'),
    CT_NumPayeur: col('varchar(17)', 'unverified'),
    ...rowMetadata,
  },
  /** Contacts of a third party — §4.2 "Contacts are in F_CONTACTT". */
  F_CONTACTT: {
    CT_Num: col('varchar(17)', 'reference'),
    CT_No: col('int', 'unverified'),
    CT_Nom: col('varchar(35)', 'unverified'),
    CT_Prenom: col('varchar(35)', 'unverified'),
    CT_Fonction: col('varchar(35)', 'unverified'),
    CT_Telephone: col('varchar(21)', 'unverified'),
    CT_TelPortable: col('varchar(21)', 'unverified'),
    CT_EMail: col('varchar(69)', 'unverified'),
    ...rowMetadata,
  },
  /** Accounting lines — §4.2 "Accounting lines: F_ECRITUREC"; types from the audit DDL. */
  F_ECRITUREC: {
    EC_No: col('int', 'audit-ddl'),
    JO_Num: col('varchar(20)', 'audit-ddl'),
    JM_Date: col('datetime', 'audit-ddl'),
    EC_Jour: col('smallint', 'audit-ddl'),
    EC_Date: col('datetime', 'audit-ddl'),
    EC_Piece: col('varchar(20)', 'audit-ddl'),
    EC_RefPiece: col('varchar(20)', 'audit-ddl'),
    CG_Num: col('varchar(20)', 'audit-ddl'),
    CT_Num: col('varchar(17)', 'reference'),
    EC_Intitule: col('varchar(100)', 'audit-ddl'),
    EC_Echeance: col('datetime', 'audit-ddl'),
    EC_Sens: col('smallint', 'audit-ddl'),
    EC_Montant: col('numeric(24,6)', 'reference'),
    EC_Lettre: col('smallint', 'audit-ddl'),
    EC_Lettrage: col('varchar(3)', 'audit-ddl'),
    EC_LettreQ: col('smallint', 'audit-ddl'),
    EC_LettrageQ: col('varchar(3)', 'audit-ddl'),
    EC_StatusRegle: col('smallint', 'audit-ddl'),
    EC_MontantRegle: col('numeric(24,6)', 'audit-ddl'),
    EC_DateRegle: col('datetime', 'audit-ddl'),
    EC_Rappel: col('smallint', 'audit-ddl'),
    EC_DateRelance: col('datetime', 'audit-ddl'),
    EC_Reference: col('varchar(20)', 'reference'),
    N_Reglement: col('smallint', 'audit-ddl'),
    N_Devise: col('smallint', 'audit-ddl'),
    EC_Devise: col('numeric(24,6)', 'audit-ddl'),
    cbCreation: col('datetime', 'unverified'),
    ...rowMetadata,
  },
  /** Commercial documents (Gestion commerciale, optional) — §4.2 "Gestion commerciale route". */
  F_DOCENTETE: {
    DO_Domaine: col('smallint', 'unverified'),
    DO_Type: col('smallint', 'unverified'),
    DO_Piece: col('varchar(13)', 'reference'),
    DO_Date: col('datetime', 'unverified'),
    DO_Ref: col('varchar(17)', 'unverified'),
    DO_Tiers: col('varchar(17)', 'reference'),
    DO_TotalHT: col('numeric(24,6)', 'unverified'),
    DO_TotalTTC: col('numeric(24,6)', 'unverified'),
    DO_NetAPayer: col('numeric(24,6)', 'unverified'),
    DO_MontantRegle: col('numeric(24,6)', 'unverified'),
    DO_Provenance: col('smallint', 'unverified'),
    ...rowMetadata,
  },
} as const satisfies Record<string, Record<string, ColumnSpec>>;

export type Sage100Table = keyof typeof SAGE_100_LAYOUT;

/**
 * A numeric(24,6) as a driver returns it: tedious gives a JavaScript number, pg a decimal string,
 * SQLite a number. amountToMinorUnits (values.ts) turns either into cents.
 */
export type SageDecimal = number | string;

/**
 * A datetime as a driver returns it: tedious a Date (read as UTC), pg (with the fixture's parser)
 * and SQLite a text. sageDateTime (values.ts) turns either into the canonical text.
 */
export type SageDateTime = Date | string;

type ValueOf<T extends SqlServerType> = T extends `varchar(${number})`
  ? string
  : T extends 'smallint' | 'int'
    ? number
    : T extends 'numeric(24,6)'
      ? SageDecimal
      : SageDateTime;

/** The Kysely database type of the layout: the queries are typed on it. */
export type Sage100Database = {
  [Table in Sage100Table]: {
    [Column in keyof (typeof SAGE_100_LAYOUT)[Table]]: (typeof SAGE_100_LAYOUT)[Table][Column] extends {
      type: infer T extends SqlServerType;
    }
      ? ValueOf<T>
      : never;
  };
};
