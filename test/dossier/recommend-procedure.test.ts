import {
  recommendProcedure,
  resolveLegalForm,
  legalFormFromName,
  legalFormFromInseeCode,
  type ProcedureFacts,
} from '../../connector/dossier';
import { parseProcedureData } from '../../connector/dossier/procedure-data';
import { LegalDataError } from '../../connector/claim/legal-data';
import type { LegalForm } from '../../connector/model/dossier.schema';
import { PROCEDURES, plain } from './fixtures';
import { afterTitleDeadlines } from '../../connector/dossier/after-title';

/** Boundaries of the recommendation, on facts given directly (amounts in cents). */

const merchant: LegalForm = { category: 'merchant', label: 'SAS', source: 'declared' };
const seat = (city: string, postalCode = '44000', country = 'FR') => ({
  kind: 'registered_office' as const,
  lines: ['1 rue X'],
  postalCode,
  city,
  country,
});

function facts(
  over: {
    principal?: number;
    interest?: number;
    indemnity?: number;
    currency?: string;
    asOf?: string;
    city?: string;
    postalCode?: string;
    debtor?: Partial<ProcedureFacts['debtor']>;
    creditor?: LegalForm;
  } = {},
): ProcedureFacts {
  const principal = over.principal ?? 800_000;
  const interest = over.interest ?? 0;
  const indemnity = over.indemnity ?? 4_000;
  return {
    asOf: over.asOf ?? '2026-04-20',
    currency: over.currency ?? 'EUR',
    claim: { principal, interest, indemnity, total: principal + interest + indemnity },
    debtor: {
      kind: 'company',
      legalForm: merchant,
      seat: seat(over.city ?? 'Nantes', over.postalCode),
      insolvency: null,
      ...over.debtor,
    },
    creditor: { legalForm: over.creditor ?? merchant },
    disputed: [],
    prescribesOn: null,
  };
}

describe('recommendProcedure: boundaries', () => {
  const table: [string, ProcedureFacts, string, string][] = [
    // CPCE L125-1: a claim "inférieure à" the ceiling; exactly 5,000.00 EUR is not below it.
    [
      'principal + interest one cent below the 5,000 EUR ceiling (the 40 EUR indemnity not counted)',
      facts({ principal: 490_000, interest: 9_999, indemnity: 4_000 }),
      'petites_creances',
      'commissaire_de_justice',
    ],
    [
      'principal + interest exactly at the ceiling: the injonction de payer',
      facts({ principal: 490_000, interest: 10_000, indemnity: 4_000 }),
      'injonction_de_payer',
      'tribunal_de_commerce',
    ],
    [
      'one cent above the ceiling',
      facts({ principal: 490_000, interest: 10_001 }),
      'injonction_de_payer',
      'tribunal_de_commerce',
    ],
    [
      'the ceiling is in euros: a claim in USD goes to the injonction',
      facts({ principal: 100_000, currency: 'USD' }),
      'injonction_de_payer',
      'tribunal_de_commerce',
    ],
    [
      'merchant seated in a TAE territory (the city in capitals, with CEDEX)',
      facts({ city: 'MARSEILLE CEDEX 02', postalCode: '13002', principal: 900_000 }),
      'injonction_de_payer',
      'tribunal_des_activites_economiques',
    ],
    [
      'the TAE experiment ends on 2028-12-31',
      facts({ city: 'Marseille', postalCode: '13002', asOf: '2029-01-02', principal: 900_000 }),
      'injonction_de_payer',
      'tribunal_de_commerce',
    ],
    [
      'a merchant debtor sued by a non-merchant creditor: the tribunal de commerce is named',
      facts({ creditor: { category: 'civil_company', label: 'SCI', source: 'declared' } }),
      'injonction_de_payer',
      'tribunal_de_commerce',
    ],
    [
      'legal form unknown: tribunal judiciaire, with a warning',
      facts({ debtor: { legalForm: { category: 'unknown', label: 'forme juridique inconnue', source: 'unknown' } } }),
      'injonction_de_payer',
      'tribunal_judiciaire',
    ],
    [
      'liberal profession: tribunal judiciaire',
      facts({ debtor: { legalForm: { category: 'liberal_profession', label: 'SELARL', source: 'declared' } } }),
      'injonction_de_payer',
      'tribunal_judiciaire',
    ],
    [
      'insolvency without a BODACC date: declaration, date not computable',
      facts({ debtor: { insolvency: { kind: 'liquidation', openedOn: '2026-03-01' } } }),
      'declaration_de_creance',
      'mandataire_judiciaire',
    ],
    [
      'over-indebtedness of a consumer',
      facts({
        debtor: {
          kind: 'individual',
          legalForm: { category: 'consumer', label: 'particulier', source: 'debtor_kind' },
          insolvency: { kind: 'surendettement', openedOn: '2026-03-01' },
        },
      }),
      'declaration_de_creance',
      'juge_des_contentieux_de_la_protection',
    ],
  ];
  it.each(table)('%s', (_name, f, procedure, court) => {
    const r = recommendProcedure(f, PROCEDURES);
    expect(r.procedure).toBe(procedure);
    expect(r.court.kind).toBe(court);
    expect(r.reasons.length).toBeGreaterThan(0);
  });

  it('names the court of the commune of the seat, a TAE during the experiment, in correct French; no more "confirm the seat lies within"', () => {
    const marseille = recommendProcedure(facts({ city: 'MARSEILLE CEDEX 02', postalCode: '13002' }), PROCEDURES);
    expect(marseille.court.name).toBe('Tribunal des activités économiques de Marseille');
    // French: "du Havre", "du Mans", "d'Avignon", never "de Le Havre" nor "de Avignon".
    for (const [postalCode, city, name] of [
      ['76600', 'Le Havre', 'Tribunal des activités économiques du Havre'],
      ['72000', 'Le Mans', 'Tribunal des activités économiques du Mans'],
      ['84000', 'Avignon', "Tribunal des activités économiques d'Avignon"],
      ['89000', 'Auxerre', "Tribunal des activités économiques d'Auxerre"],
      ['22000', 'Saint-Brieuc', 'Tribunal des activités économiques de Saint-Brieuc'],
      // The territory, not the city: Boulogne-Billancourt and Courbevoie are Nanterre's, Villeurbanne Lyon's.
      ['92100', 'Boulogne-Billancourt', 'Tribunal des activités économiques de Nanterre'],
      ['92400', 'Courbevoie', 'Tribunal des activités économiques de Nanterre'],
      ['92800', 'Puteaux La Défense', 'Tribunal des activités économiques de Nanterre'],
      ['69100', 'Villeurbanne', 'Tribunal des activités économiques de Lyon'],
      // Outside the 12: the tribunal de commerce, named.
      ['44000', 'Nantes', 'Tribunal de commerce de Nantes'],
    ] as const) {
      const r = recommendProcedure(facts({ city, postalCode }), PROCEDURES);
      expect(r.court.name).toBe(name);
      expect(r.court.territory).toBe(
        `le président du ${name}, lieu du siège social du débiteur (${postalCode} ${city})`,
      );
      expect(r.warnings.join('\n')).not.toMatch(/À CONFIRMER|siègent en tant que tribunaux des activités économiques/);
    }
    expect(marseille.reasons).toEqual(
      expect.arrayContaining([
        'le tribunal de commerce de Marseille siège en tant que tribunal des activités économiques du 01/01/2025 au 31/12/2028 (loi 2023-1059 art. 26), sur le même ressort',
        expect.stringMatching(
          /^le code postal 13002 est celui de la seule commune de Marseille \(INSEE 13055\) : dans le ressort du Tribunal des activités économiques de Marseille \(Code de commerce, annexe 7-1 .*\(28\/06\/2013\) ; \[UNVERIFIED\] au regard du texte en vigueur sur Légifrance/,
        ),
      ]),
    );
  });

  it('La Défense (CEDEX 92060), for a non-merchant: the Tribunal judiciaire de Nanterre', () => {
    const sci: LegalForm = { category: 'civil_company', label: 'SCI', source: 'declared' };
    const r = recommendProcedure(
      facts({ city: 'PARIS LA DEFENSE CEDEX', postalCode: '92060', debtor: { legalForm: sci } }),
      PROCEDURES,
    );
    expect(r.court).toMatchObject({ kind: 'tribunal_judiciaire', name: 'Tribunal judiciaire de Nanterre' });
    const defense = recommendProcedure(
      facts({ city: 'La Défense', postalCode: '92060', debtor: { legalForm: sci } }),
      PROCEDURES,
    );
    expect(defense.court.name).toBe('Tribunal judiciaire de Nanterre');
    expect(defense.reasons.join('\n')).toMatch(
      /« La Défense » n'est pas une commune : son quartier d'affaires s'étend sur Courbevoie \(92026\), Puteaux \(92062\), Nanterre \(92050\), La Garenne-Colombes \(92035\) : dans le ressort du Tribunal judiciaire de Nanterre/,
    );
  });

  it('a postal code shared by communes under different courts: both courts named, the commune asked for; a stated commune decides', () => {
    const shared = recommendProcedure(facts({ city: 'Les Bois', postalCode: '37160' }), PROCEDURES);
    expect(shared.court).toEqual({
      kind: 'tribunal_de_commerce',
      territory: 'le président du tribunal de commerce, lieu du siège social du débiteur (37160 Les Bois)',
    });
    expect(shared.warnings.join('\n')).toMatch(
      /tribunal À CONFIRMER, demander la commune du siège social du débiteur : le code postal 37160 couvre .*, qui relèvent de tribunaux différents : Tribunal de commerce de Tours pour Abilly \(37001\), .* ; Tribunal de commerce de Poitiers pour Buxeuil \(86042\) .*indiquer la commune dans `communeCode` sur l'adresse du siège/,
    );
    const stated = recommendProcedure(
      facts({
        city: 'Les Bois',
        postalCode: '37160',
        debtor: { seat: { ...seat('Les Bois', '37160'), communeCode: '86042' } },
      }),
      PROCEDURES,
    );
    expect(stated.court.name).toBe('Tribunal de commerce de Poitiers');
    expect(stated.warnings.join('\n')).not.toMatch(/À CONFIRMER/);
  });

  it("a conservatory seizure names the juge de l'exécution's tribunal judiciaire when the commune gives it", () => {
    const seize = (postalCode: string, city: string) =>
      recommendProcedure(
        { ...facts({ city, postalCode }), circumstances: { recoveryThreatened: 'assets being sold' } },
        PROCEDURES,
      ).court;
    expect(seize('69100', 'Villeurbanne')).toEqual({
      kind: 'juge_de_l_execution',
      territory:
        "le juge de l'exécution près le Tribunal judiciaire de Lyon, lieu du siège social du débiteur (69100 Villeurbanne)",
    });
    expect(seize('69290', 'Craponne').territory).toBe(
      "le juge de l'exécution du lieu du siège social du débiteur (69290 Craponne)",
    );
  });

  it('a commune the data does not place: court TO CONFIRM, with the rule, and the TAE still mentioned', () => {
    const r = recommendProcedure(facts({ city: 'Craponne', postalCode: '69290' }), PROCEDURES);
    expect(r.court).toEqual({
      kind: 'tribunal_de_commerce',
      territory: 'le président du tribunal de commerce, lieu du siège social du débiteur (69290 Craponne)',
    });
    expect(r.warnings.join('\n')).toMatch(
      /tribunal À CONFIRMER : le code postal 69290 couvre 4 communes ; la ville « Craponne » est Craponne \(INSEE 69069\) ; Craponne \(INSEE 69069\) ne figure dans le ressort d'aucun tribunal des données ; le tribunal compétent est le tribunal de commerce dans le ressort duquel se trouve la commune du débiteur \(C\. com\. annexe 7-1\) ; dans le département 69, les données connaissent Tribunal des activités économiques de Lyon, Tribunal de commerce de Villefranche-sur-Saône/,
    );
    expect(r.warnings.join('\n')).toMatch(
      /siègent en tant que tribunaux des activités économiques \(loi 2023-1059 art\. 26\) : si le siège du débiteur se trouve dans l'un de leurs ressorts, c'est ce tribunal qu'il faut saisir \(ici : Tribunal des activités économiques de Lyon\)/,
    );
    const strasbourg = recommendProcedure(facts({ city: 'Strasbourg', postalCode: '67000' }), PROCEDURES);
    expect(strasbourg.warnings.join('\n')).toMatch(
      /département 67 : pas de tribunal de commerce dans le Bas-Rhin : la chambre commerciale du tribunal judiciaire/,
    );
  });

  it('lawyer: 10,000.00 EUR is the last amount without one, one cent more needs one', () => {
    const at = (total: number) => ({
      ...facts(),
      circumstances: { speedMatters: 'now' },
      claim: { principal: total, interest: 0, indemnity: 0, total },
    });
    expect(recommendProcedure(at(1_000_000), PROCEDURES).lawyer.compulsory).toBe(false);
    expect(recommendProcedure(at(1_000_001), PROCEDURES)).toMatchObject({
      procedure: 'refere_provision',
      lawyer: { compulsory: true },
    });
  });

  it('CPC 750-1: a référé-provision of at most 5,000 EUR before the tribunal judiciaire needs the prior amicable attempt too; the injonction never does', () => {
    const association: LegalForm = { category: 'association', label: 'Association', source: 'declared' };
    const claim = (total: number) => ({ principal: total, interest: 0, indemnity: 0, total });
    const refere = (total: number) =>
      recommendProcedure(
        {
          ...facts({ debtor: { legalForm: association } }),
          circumstances: { speedMatters: 'now' },
          claim: claim(total),
        },
        PROCEDURES,
      );
    const small = refere(500_000);
    expect(small).toMatchObject({ procedure: 'refere_provision', court: { kind: 'tribunal_judiciaire' } });
    expect(plain(small.reasons.join('\n'))).toMatch(
      /une demande n'excédant pas 5 000,00 € est irrecevable sans tentative préalable de conciliation, de médiation ou de procédure participative \(CPC 750-1\), y compris en référé/,
    );
    expect(small.deadlines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          what: 'tentative préalable de résolution amiable',
          rule: expect.stringMatching(/^avant le référé :/),
        }),
      ]),
    );
    // One cent more: no prior attempt needed.
    expect(refere(500_001).deadlines.some((d) => d.what === 'tentative préalable de résolution amiable')).toBe(false);
    // Before the tribunal de commerce, 750-1 does not apply.
    const merchantRefere = recommendProcedure(
      { ...facts(), circumstances: { speedMatters: 'now' }, claim: claim(500_000) },
      PROCEDURES,
    );
    expect(merchantRefere.deadlines.some((d) => d.what === 'tentative préalable de résolution amiable')).toBe(false);
    // The injonction de payer stays exempt.
    const ip = recommendProcedure(
      { ...facts({ debtor: { legalForm: association } }), claim: claim(500_000) },
      PROCEDURES,
    );
    expect(ip.procedure).toBe('injonction_de_payer');
    expect(ip.deadlines.some((d) => d.what === 'tentative préalable de résolution amiable')).toBe(false);
  });

  it('an entrepreneur individuel: artisans and traders to the tribunal de commerce (L721-3), liberal professions to the tribunal judiciaire, "to confirm" without the activity', () => {
    const ei = (activity?: 'commercial' | 'artisanal' | 'liberal') =>
      recommendProcedure(
        facts({
          debtor: {
            legalForm: resolveLegalForm(
              { name: 'Jean Dupont', kind: 'company' },
              { inseeCode: '1000', ...(activity ? { activity } : {}) },
            ),
          },
        }),
        PROCEDURES,
      );
    expect(ei('artisanal').court.kind).toBe('tribunal_de_commerce');
    expect(ei('commercial').court.kind).toBe('tribunal_de_commerce');
    expect(ei('liberal').court.kind).toBe('tribunal_judiciaire');
    const unknown = ei();
    expect(unknown.court.kind).toBe('tribunal_judiciaire');
    expect(unknown.warnings.join('\n')).toMatch(
      /tribunal À CONFIRMER : le débiteur est un entrepreneur individuel dont l'activité n'est pas connue ; une activité commerciale ou artisanale relève du tribunal de commerce \(C\. com\. L721-3, artisans depuis 2022\)/,
    );
  });

  it('the injonction service deadline follows the date the ordonnance will be issued: 3 months only once 1 Sep 2026 has come', () => {
    const rule = (asOf: string) =>
      recommendProcedure(facts({ asOf }), PROCEDURES).deadlines.find((d) =>
        d.what.startsWith("signifier l'ordonnance"),
      )!.rule;
    expect(rule('2026-08-31')).toBe(
      'dans les 6 mois à compter de sa date pour une ordonnance rendue avant le 01/09/2026 (CPC 1411) ; 3 mois pour une ordonnance rendue à compter du 01/09/2026 (CPC 1411 as amended by décret 2026-96)',
    );
    expect(rule('2026-09-01')).toBe('dans les 3 mois à compter de sa date (CPC 1411 as amended by décret 2026-96)');
    const enforce = (asOf: string) =>
      recommendProcedure(facts({ asOf }), PROCEDURES).deadlines.find((d) => d.what === "faire exécuter l'ordonnance")!
        .rule;
    expect(enforce('2026-09-01')).toBe("lorsqu'aucune opposition n'a été formée dans les 2 mois de la signification");
  });

  it('a creditor outside metropolitan France gets 2 more months to declare', () => {
    const f = facts({
      debtor: { insolvency: { kind: 'redressement', openedOn: '2026-04-01', publishedOn: '2026-04-08' } },
    });
    const due = (outside: boolean) =>
      recommendProcedure({ ...f, creditor: { ...f.creditor, outsideMetropolitanFrance: outside } }, PROCEDURES)
        .deadlines[0]!.dueOn;
    expect(due(false)).toBe('2026-06-08');
    // 2026-08-08 is a Saturday: the deadline runs to Monday 10 August (CPC 642), and the rule says so.
    expect(due(true)).toBe('2026-08-10');
    const rule = recommendProcedure({ ...f, creditor: { ...f.creditor, outsideMetropolitanFrance: true } }, PROCEDURES)
      .deadlines[0]!.rule;
    expect(rule).toMatch(
      /^4 mois à compter de la publication au BODACC du jugement d'ouverture \(2 mois supplémentaires pour un créancier établi hors de France métropolitaine\) ; le 08\/08\/2026 étant un samedi, le délai est prorogé jusqu'au 10\/08\/2026, premier jour ouvrable suivant \(CPC 642\)$/,
    );
  });

  it('a debtor seated abroad is flagged (European procedures)', () => {
    const r = recommendProcedure(facts({ debtor: { seat: seat('Bruxelles', '1000', 'BE') } }), PROCEDURES);
    expect(r.warnings.some((w) => w.includes('hors de France (BE)') && w.includes('règl. 1896/2006'))).toBe(true);
  });

  it('the TAE contribution follows the territory: above 50,000 EUR for a Villeurbanne debtor (TAE de Lyon), never outside a TAE', () => {
    const contribution = (principal: number, postalCode: string, city: string) =>
      recommendProcedure(facts({ city, postalCode, principal, indemnity: 0 }), PROCEDURES).warnings.filter((w) =>
        w.includes('contribution pour la justice économique'),
      );
    expect(contribution(5_000_000, '69100', 'Villeurbanne')).toEqual([]);
    expect(contribution(5_000_001, '69100', 'Villeurbanne').map(plain)).toEqual([
      expect.stringMatching(
        /^devant un tribunal des activités économiques, une demande supérieure à 50 000,00 € donne lieu à la contribution pour la justice économique \(3 % à 5 %, plafonnée à 100 000,00 €\)/,
      ),
    ]);
    expect(contribution(5_000_001, '75008', 'Paris')).toHaveLength(1);
    // Nantes, Tours: no TAE.
    expect(contribution(9_000_000, '44000', 'Nantes')).toEqual([]);
    expect(contribution(9_000_000, '37160', 'Descartes')).toEqual([]);
    // A Rhône commune the data does not place may be in the TAE de Lyon: the contribution is flagged as conditional.
    expect(contribution(9_000_000, '69290', 'Craponne')).toEqual([
      expect.stringMatching(
        /^si le tribunal compétent est le Tribunal des activités économiques de Lyon : devant un tribunal des activités économiques/,
      ),
    ]);
  });
});

describe('legal form of a party', () => {
  it.each([
    ['Garage Lemoine SARL', 'merchant', 'SARL'],
    ['Transports Bernard SA', 'merchant', 'SA'],
    ['SCI Les Tilleuls', 'civil_company', 'SCI'],
    ['Cabinet Moreau SELARL', 'liberal_profession', "société d'exercice libéral"],
    ['Association Sportive Nantaise', 'association', 'association'],
    ['Boulangerie Sabatier', undefined, undefined],
  ])('%s', (name, category, label) => {
    const form = legalFormFromName(name);
    expect(form?.category).toBe(category);
    expect(form?.label).toBe(label);
  });

  it('a declared form wins over the name; an INSEE code is read by category; an individual is a consumer', () => {
    expect(
      resolveLegalForm({ name: 'Dupont SAS', kind: 'company' }, { category: 'civil_company', label: 'SCI' }),
    ).toEqual({ category: 'civil_company', label: 'SCI', source: 'declared' });
    expect(legalFormFromInseeCode('5710').category).toBe('merchant');
    expect(legalFormFromInseeCode('5485').category).toBe('liberal_profession');
    expect(legalFormFromInseeCode('6540').category).toBe('civil_company');
    expect(legalFormFromInseeCode('9220').category).toBe('association');
    expect(legalFormFromInseeCode('1000').category).toBe('unknown');
    expect(resolveLegalForm({ name: 'Claire SARL', kind: 'individual' })).toEqual({
      category: 'consumer',
      label: 'particulier',
      source: 'debtor_kind',
    });
  });
});

describe('procedure data', () => {
  it('the bundled file carries the figures of the reference', () => {
    expect(PROCEDURES.petitesCreances.ceiling).toEqual({ amount: 500_000, currency: 'EUR' });
    expect(PROCEDURES.lawyer.compulsoryAbove).toEqual({ amount: 1_000_000, currency: 'EUR' });
    expect(PROCEDURES.injonctionDePayer.serviceDeadline).toMatchObject({
      months: 6,
      changes: [{ ordersIssuedFrom: '2026-09-01', months: 3 }],
    });
    expect(PROCEDURES.economicActivitiesCourts.seats).toHaveLength(12);
  });

  it('a bad file is refused with every problem located', () => {
    const error = (() => {
      try {
        parseProcedureData('petitesCreances: { ceiling: { amount: 5000.5, currency: EUR } }\nextra: 1\n');
      } catch (e) {
        return e as LegalDataError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(LegalDataError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^procedures\.yaml: petitesCreances\.ceiling\.amount: /),
        'procedures.yaml: (top level): unknown key "extra"',
        expect.stringMatching(/^procedures\.yaml: injonctionDePayer: /),
      ]),
    );
  });
});

describe('after an enforceable title', () => {
  it('the +5 points fall two calendar months later (the last day of a shorter month), and the title lasts 10 years', () => {
    expect(afterTitleDeadlines('2026-12-04', PROCEDURES).map((d) => [d.article, d.dueOn])).toEqual([
      ['CMF L313-3', '2027-02-04'],
      ['CPCE L111-4', '2036-12-04'],
    ]);
    expect(afterTitleDeadlines('2026-12-31', PROCEDURES)[0]!.dueOn).toBe('2027-02-28');
    expect(afterTitleDeadlines('2028-02-29', PROCEDURES)[1]!.dueOn).toBe('2038-02-28');
  });
});
