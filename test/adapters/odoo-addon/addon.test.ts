import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStringPromise } from 'xml2js';
import { ADDON_MOVE_FIELDS, ADDON_PARTNER_FIELDS, IN_RECOVERY_STAGES } from '../../../adapters/odoo/status-addon';
import {
  recouvraStatusMoveFields,
  recouvraStatusPartnerFields,
} from '../../../adapters/odoo/simulator/model/recouvra-status';
import type { FieldDef } from '../../../adapters/odoo/simulator/model';
import { CaseStageSchema } from '../../../connector/model/case.schema';
import { ProcedureStateSchema, TERMINAL_PROCEDURE_STATES } from '../../../connector/model/procedure-event.schema';
import {
  ADDON,
  archProblems,
  expectedTerms,
  fieldDeclarationProblems,
  fieldNameProblems,
  loadOrderProblems,
  loadTree,
  manifestProblems,
  parseXmlFiles,
  SERIES,
  templateNames,
  templateProblems,
  translationProblems,
  viewProblems,
  widgetProblems,
  type AddonTree,
  type Series,
} from './addon-checker';
import { compileProblems, findPython, pythonFacts, type PythonFacts } from './addon-python';
import { parsePo } from './po-file';
import { parseXml } from './well-formed-xml';

/**
 * The Odoo addon `recouvra_status` (adapters/odoo/addon/<series>/), checked without Odoo: no
 * server can run here (adapters/odoo/addon/README.md says what this leaves unproven). The rules
 * live in addon-checker.ts; the last block shows each rule refusing what it should.
 */

const ADDONS = join(__dirname, '../../../adapters/odoo/addon');
const python = findPython();
const itWithPython = python ? it : it.skip;

if (!python) {
  if (process.env['CI'] === 'true') throw new Error('python3 is needed to check the Odoo addon in CI');
  console.warn('python3 not found: the checks of the addon that read its Python are skipped');
}

/** The connector's own values, which the addon's selections must hold. */
const SELECTIONS = {
  'account.move': { recouvra_stage: CaseStageSchema.options, recouvra_procedure_state: ProcedureStateSchema.options },
  'res.partner': { recouvra_stage: CaseStageSchema.options },
};

it('there is one addon tree per series', () => {
  expect(readdirSync(ADDONS).filter((d) => /^\d+\.0$/.test(d))).toEqual([...SERIES]);
});

describe.each(SERIES)('recouvra_status for Odoo %s', (series) => {
  const tree: AddonTree = loadTree(join(ADDONS, series, ADDON), series);
  const { docs, problems: xmlProblems } = parseXmlFiles(tree);
  let read: PythonFacts | undefined;
  /** Read when a check first needs it: a model file that does not parse fails those checks only. */
  const facts = (): PythonFacts => (read ??= pythonFacts(python!, tree.dir));

  itWithPython('every Python file compiles, and leaves no __pycache__ in the tree', () => {
    const files = [...tree.files.keys()].filter((f) => f.endsWith('.py'));
    expect(files).toEqual(expect.arrayContaining(['__init__.py', '__manifest__.py', 'models/account_move.py']));
    expect(
      compileProblems(
        python!,
        files.map((f) => join(tree.dir, f)),
      ),
    ).toEqual([]);
    expect([...loadTree(tree.dir, series).files.keys()].filter((f) => f.includes('__pycache__'))).toEqual([]);
  });

  itWithPython('the models hold field declarations only, and the packages import every model file', () => {
    expect(facts().problems).toEqual([]);
    expect(facts().imports['__init__.py']).toEqual(['models']);
    const modelFiles = [...tree.files.keys()].filter((f) => /^models\/(?!__init__).*\.py$/.test(f));
    expect([...facts().imports['models/__init__.py']!].sort()).toEqual(modelFiles.map((f) => f.slice(7, -3)).sort());
  });

  itWithPython('the fields are stored, read-only, not copied, for invoicing users, with the connector’s values', () => {
    expect(Object.keys(facts().models).sort()).toEqual(['account.move', 'res.partner']);
    expect(fieldDeclarationProblems(facts().models, SELECTIONS)).toEqual([]);
  });

  itWithPython('the manifest has the series as version prefix and lists every data file, in load order', () => {
    expect(manifestProblems(facts().manifest, series, [...tree.files.keys()])).toEqual([]);
    const manifest = facts().manifest as { data: string[]; depends: string[] };
    expect(loadOrderProblems(manifest.data, docs, manifest.depends)).toEqual([]);
  });

  it('every XML file is well formed (and xml2js in strict mode agrees)', async () => {
    expect(xmlProblems).toEqual([]);
    expect([...docs.keys()]).toEqual([...tree.files.keys()].filter((f) => f.endsWith('.xml')));
    expect(docs.size).toBeGreaterThanOrEqual(4);
    for (const file of docs.keys())
      await expect(parseStringPromise(tree.files.get(file)!, { strict: true })).resolves.toBeDefined();
  });

  it(`every view uses only the elements and attributes of Odoo ${series}`, () => {
    expect(viewProblems(tree, docs)).toEqual([]);
  });

  it('the Owl templates use t-out and the conventions of the series', () => {
    const templates = [...docs].filter(([f]) => f.startsWith('static/'));
    expect(templates.length).toBeGreaterThan(0);
    expect(templates.flatMap(([f, doc]) => templateProblems(doc, series, f))).toEqual([]);
  });

  it('the field widget is registered and reads its value the way of the series', () => {
    const scripts = [...tree.files].filter(([f]) => f.startsWith('static/') && f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const names = templateNames(tree, docs);
    expect(scripts.flatMap(([f, js]) => widgetProblems(js, series, names, f))).toEqual([]);
  });

  itWithPython('the adapter and the Odoo simulator know the addon’s fields as its Python declares them', () => {
    const TYPES: Record<string, string> = {
      Selection: 'selection',
      Char: 'char',
      Datetime: 'datetime',
      Date: 'date',
      Monetary: 'monetary',
      Many2one: 'many2one',
    };
    const declared = (model: string) =>
      Object.entries(facts().models[model] ?? {}).map(([name, f]) => ({
        name,
        type: TYPES[f.type],
        string: f.string,
        selection: f.type === 'Selection' ? f.args[0] : undefined,
        relation: f.type === 'Many2one' ? f.args[0] : undefined,
        currencyField: f.currency_field,
      }));
    const simulated = (defs: FieldDef[]) =>
      defs.map((d) => ({
        name: d.name,
        type: d.type,
        string: d.string,
        selection: d.selection?.map(([k, label]) => [k, label]),
        relation: d.relation,
        currencyField: d.currencyField,
      }));
    expect(simulated(recouvraStatusMoveFields())).toEqual(declared('account.move'));
    expect(simulated(recouvraStatusPartnerFields())).toEqual(declared('res.partner'));
    expect(Object.values(ADDON_MOVE_FIELDS).sort()).toEqual(Object.keys(facts().models['account.move'] ?? {}).sort());
    expect(Object.values(ADDON_PARTNER_FIELDS).sort()).toEqual(Object.keys(facts().models['res.partner'] ?? {}).sort());
  });

  it('the views, the widget and the writer agree on which stages are "in recovery"', () => {
    const tuple = (keys: readonly string[]) => `(${keys.map((k) => `'${k}'`).join(', ')})`;
    const moves = tree.files.get('views/account_move_views.xml')!;
    expect(moves).toContain(`domain="[('recouvra_stage', 'in', ${tuple(IN_RECOVERY_STAGES)})]"`);
    expect(moves).toContain(`('recouvra_procedure_state', 'not in', ${tuple([...TERMINAL_PROCEDURE_STATES])})`);
    expect(tree.files.get('views/res_partner_views.xml')).toContain(
      `<field name="domain">[('recouvra_stage', 'in', ${tuple(IN_RECOVERY_STAGES)})]</field>`,
    );
    const widget = tree.files.get('static/src/recovery_timeline/recovery_timeline_field.js')!;
    const ladder = /const LADDER = \[([^\]]*)\]/.exec(widget)?.[1];
    expect(ladder?.split(',').map((k) => k.trim().replace(/^'|'$/g, ''))).toEqual(IN_RECOVERY_STAGES);
  });

  itWithPython('the fields named by views, actions, widget and template exist in the models', () => {
    expect(fieldNameProblems(tree, docs, facts().models)).toEqual([]);
  });

  itWithPython('fr.po translates every msgid of the .pot, which holds every translatable string', () => {
    const terms = expectedTerms(tree, docs, facts().models);
    expect(terms.length).toBeGreaterThan(40);
    expect(translationProblems(tree, terms)).toEqual([]);
  });
});

describe('the checker refuses', () => {
  const arch = (xml: string) => parseXml(xml);
  const primary = { inherited: false, where: 'v' };

  it('XML that is not well formed, with the line', () => {
    for (const [bad, why] of [
      ['<a><b></a>', /<\/a> closes <b>/],
      ['<a/><b/>', /content after the root element/],
      ['<a x="1" x="2"/>', /attribute x appears twice/],
      ['<a>&nbsp;</a>', /unknown entity &nbsp;/],
      ['<a>R&D</a>', /"&" that starts no reference/],
      ['<a x=1/>', /not quoted/],
      ['<a x="<"/>', /"<" in the value/],
      ['<a><!-- a -- b --></a>', /"--" inside a comment/],
      ['<a>\n<b>\n</a>', /line 3/],
      ['', /no root element/],
    ] as const)
      expect(() => parseXml(bad)).toThrow(why);
    expect(
      parseXml('<?xml version="1.0"?>\n<!-- c --><a x=\'&lt;&#x41;\'><![CDATA[<b>]]></a>\n').attributes.get('x'),
    ).toBe('<A');
  });

  it('<tree> in an 18.0 or 19.0 view, <list> before 18.0', () => {
    expect(archProblems(arch('<tree><field name="name"/></tree>'), '18.0', primary)).toEqual([
      'v: line 1: <tree> is not the root of a view on Odoo 18.0 (list views are <list> there)',
      'v: line 1: <tree>: Odoo 18.0 list views are <list> (<tree> was renamed in 18.0)',
    ]);
    expect(archProblems(arch('<tree><field name="name"/></tree>'), '19.0', primary)).toHaveLength(2);
    expect(archProblems(arch('<list><field name="name"/></list>'), '17.0', primary).join('\n')).toMatch(
      /Odoo 17.0 list views are <tree>/,
    );
    expect(archProblems(arch('<form><field name="line_ids"><tree/></field></form>'), '18.0', primary).join()).toMatch(
      /<tree>/,
    );
  });

  it('attrs= and states= from 17.0, column_invisible and record-dependent invisible= on 16.0', () => {
    const attrs = arch(`<form><field name="name" attrs="{'invisible': [('state', '=', 'draft')]}"/></form>`);
    expect(archProblems(attrs, '17.0', primary).join()).toMatch(/attrs= is gone since 17.0/);
    expect(archProblems(attrs, '16.0', primary)).toEqual([]);
    expect(archProblems(arch('<form><button name="x" states="draft"/></form>'), '18.0', primary).join()).toMatch(
      /states= is gone/,
    );
    expect(
      archProblems(arch('<tree><field name="name" column_invisible="1"/></tree>'), '16.0', primary).join(),
    ).toMatch(/column_invisible arrives in 17.0/);
    expect(
      archProblems(arch('<form><field name="name" invisible="not name"/></form>'), '16.0', primary).join(),
    ).toMatch(/goes in attrs=/);
    expect(
      archProblems(arch(`<form><field name="name" invisible="[('a', '=', 1)]"/></form>`), '17.0', primary).join(),
    ).toMatch(/is a domain/);
  });

  it('unknown elements and attributes, t-esc, stray locators and recovery fields outside the group', () => {
    expect(archProblems(arch('<form><feild name="name"/></form>'), '17.0', primary).join()).toMatch(
      /<feild> is not a view element/,
    );
    expect(archProblems(arch('<form><field name="name" widgte="badge"/></form>'), '17.0', primary).join()).toMatch(
      /attribute widgte/,
    );
    expect(archProblems(arch('<form><span t-esc="x"/></form>'), '17.0', primary).join()).toMatch(/t-esc/);
    expect(archProblems(arch('<form><field name="name" position="after"/></form>'), '17.0', primary).join()).toMatch(
      /position= belongs/,
    );
    expect(archProblems(arch('<form><field name="recouvra_stage"/></form>'), '17.0', primary).join()).toMatch(
      /without groups=/,
    );
    expect(
      archProblems(
        arch('<form><group groups="account.group_account_invoice"><field name="recouvra_stage"/></group></form>'),
        '17.0',
        primary,
      ),
    ).toEqual([]);
  });

  it('a view_mode naming the list view of another series', () => {
    const tree = { series: '18.0' as Series, dir: '', files: new Map<string, string>() };
    const docs = new Map([
      [
        'views/a.xml',
        parseXml(
          '<odoo><record id="a" model="ir.actions.act_window"><field name="view_mode">tree,form</field></record></odoo>',
        ),
      ],
    ]);
    expect(viewProblems(tree, docs).join()).toMatch(/view_mode tree is not a view type of Odoo 18.0/);
  });

  it('templates without owl="1" on 16.0, t-esc, loops without t-key', () => {
    const doc = parseXml(
      '<templates><t t-name="recouvra_status.X"><i t-foreach="a" t-as="b" t-esc="b"/></t></templates>',
    );
    const found = templateProblems(doc, '16.0', 't.xml').join('\n');
    expect(found).toMatch(/needs owl="1" on 16.0/);
    expect(found).toMatch(/t-esc/);
    expect(found).toMatch(/t-foreach without t-key/);
    expect(
      templateProblems(parseXml('<templates><t t-name="recouvra_status.X" owl="1"/></templates>'), '16.0', 't.xml'),
    ).toEqual([]);
  });

  it('a widget registered or read the way of another series', () => {
    const descriptor = `/** @odoo-module **/\nclass W extends Component { static template = "recouvra_status.W"; get v() { return this.props.value; } }\nconst w = { component: W };\nregistry.category("fields").add("x", w);`;
    const names = new Set(['recouvra_status.W']);
    expect(widgetProblems(descriptor, '16.0', names, 'w.js').join()).toMatch(/as its component class on 16.0/);
    expect(widgetProblems(descriptor, '17.0', names, 'w.js').join()).toMatch(/props.value is gone from 17.0/);
    const asClass = descriptor.replace('add("x", w)', 'add("x", W)');
    expect(widgetProblems(asClass, '16.0', names, 'w.js')).toEqual([]);
    expect(widgetProblems(asClass, '18.0', names, 'w.js').join()).toMatch(/descriptor object/);
    expect(widgetProblems(asClass.replace('/** @odoo-module **/', ''), '16.0', names, 'w.js').join()).toMatch(
      /@odoo-module/,
    );
    expect(widgetProblems(asClass, '16.0', new Set(), 'w.js').join()).toMatch(
      /template recouvra_status.W is not defined/,
    );
    expect(widgetProblems(`${asClass}\n// props.value is 16.0's`, '16.0', names, 'w.js')).toEqual([]);
    expect(widgetProblems(`${descriptor}\n/* _lt */ const t = _lt('x');`, '18.0', names, 'w.js').join()).toMatch(
      /_lt was removed/,
    );
  });

  it('a manifest with the wrong version, a missing file, an unlisted one, an asset glob matching nothing', () => {
    const found = manifestProblems(
      {
        version: '17.0.1.0.0',
        depends: ['account'],
        license: 'LGPL-3',
        data: ['views/gone.xml'],
        assets: { 'web.assets_backend': ['recouvra_status/static/src/**/*.scss'] },
      },
      '18.0',
      ['views/a.xml', 'static/src/w.js'],
    );
    expect(found).toEqual([
      'version "17.0.1.0.0" must read 18.0.x.y.z for the 18.0 tree',
      'data lists views/gone.xml, which does not exist',
      'views/a.xml exists but data does not list it: Odoo would never load it',
      'assets web.assets_backend: recouvra_status/static/src/**/*.scss matches no file',
      'static/src/w.js is in no web.assets_backend glob',
    ]);
  });

  it('a menu loaded before the action it opens, a reference to a module not depended on', () => {
    const docs = new Map([
      ['views/menus.xml', parseXml('<odoo><menuitem id="m" action="act" parent="sale.menu"/></odoo>')],
      ['views/actions.xml', parseXml('<odoo><record id="act" model="ir.actions.act_window"/></odoo>')],
    ]);
    expect(loadOrderProblems(['views/menus.xml', 'views/actions.xml'], docs, ['account'])).toEqual([
      'views/menus.xml:1: sale.menu belongs to sale, which the manifest does not depend on',
      "views/menus.xml:1: act is used before it is defined (order of the manifest's data)",
    ]);
    expect(loadOrderProblems(['views/actions.xml', 'views/menus.xml'], docs, ['account', 'sale'])).toEqual([]);
  });

  it('fields the models do not declare, and declarations that are not the addon’s kind', () => {
    const field = {
      module: 'models/m.py',
      line: 1,
      args: [],
      readonly: true,
      copy: false,
      groups: 'account.group_account_invoice',
    };
    const models = { 'account.move': { recouvra_stage: { ...field, type: 'Selection', args: [[['open', 'Open']]] } } };
    const tree = { series: '17.0' as Series, dir: '', files: new Map([['static/src/w.js', 'data.recouvra_stgae']]) };
    const docs = new Map([
      [
        'views/v.xml',
        parseXml(
          '<odoo><record id="v" model="ir.ui.view"><field name="model">account.move</field><field name="arch" type="xml"><form><field name="recouvra_stag" groups="account.group_account_invoice"/></form></field></record></odoo>',
        ),
      ],
    ]);
    expect(fieldNameProblems(tree, docs, models)).toEqual([
      "views/v.xml (v) line 1: account.move has no field recouvra_stag (neither the addon's nor one of STANDARD_FIELDS)",
      "static/src/w.js: account.move has no field recouvra_stgae (neither the addon's nor one of STANDARD_FIELDS)",
    ]);
    expect(
      fieldDeclarationProblems(
        { 'account.move': { ...models['account.move'], x_y: { ...field, type: 'Char', copy: true } } },
        {
          'account.move': { recouvra_stage: ['open', 'closed'] },
        },
      ),
    ).toEqual([
      "models/m.py:1 account.move.recouvra_stage: keys [open] differ from the connector's [open, closed]",
      "models/m.py:1 account.move.x_y: the addon's fields start with recouvra_",
      'models/m.py:1 account.move.x_y: copy=False (a duplicated invoice is not in recovery)',
    ]);
  });

  it('PO files that are malformed, and a translation missing or stale', () => {
    const header = 'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n';
    expect(() => parsePo(`${header}msgid "a\n`)).toThrow(/malformed string/);
    expect(() => parsePo(`${header}msgstr "a"\n`)).toThrow(/msgstr where msgctxt or msgid was expected/);
    expect(() => parsePo(`${header}msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n`)).toThrow(/already on line/);
    const entry = (id: string, str: string) =>
      `#. module: recouvra_status\n#: model:x\nmsgid "${id}"\nmsgstr "${str}"\n\n`;
    const tree = {
      series: '17.0' as Series,
      dir: '',
      files: new Map([
        ['i18n/recouvra_status.pot', header.replace('"Language: fr\\n"\n', '') + entry('Stage', '') + entry('Old', '')],
        ['i18n/fr.po', header + entry('Stage', '') + entry('Gone', 'Parti')],
      ]),
    };
    expect(
      translationProblems(tree, [
        { msgid: 'Stage', reference: 'model:x', javascript: false },
        { msgid: 'Amount', reference: 'model:y', javascript: true },
      ]),
    ).toEqual([
      'i18n/recouvra_status.pot: no msgid "Amount" (model:y)',
      'i18n/recouvra_status.pot:12: "Old" is in no source file any more',
      'i18n/fr.po: "Stage" is not translated',
      'i18n/fr.po: "Old" is not translated',
      'i18n/fr.po:13: "Gone" is not in the .pot',
    ]);
  });

  itWithPython('Python that does not compile, and logic in a model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recouvra-addon-'));
    try {
      writeFileSync(join(dir, 'bad.py'), 'def f(:\n');
      expect(compileProblems(python!, [join(dir, 'bad.py')]).join()).toMatch(
        /bad\.py does not compile: .*SyntaxError/s,
      );
      expect(readdirSync(dir)).toEqual(['bad.py']);
      const addon = join(dir, 'addon');
      mkdirSync(join(addon, 'models'), { recursive: true });
      writeFileSync(join(addon, '__manifest__.py'), '{"version": "17.0.1.0.0"}\n');
      writeFileSync(join(addon, '__init__.py'), 'from . import models\n');
      writeFileSync(join(addon, 'models', '__init__.py'), 'from . import m\n');
      writeFileSync(
        join(addon, 'models', 'm.py'),
        'from odoo import api, fields, models\nclass M(models.Model):\n    _inherit = "account.move"\n    recouvra_x = fields.Char()\n    def action(self):\n        pass\n',
      );
      const facts = pythonFacts(python!, addon);
      expect(facts.problems).toEqual(['models/m.py:5: only field declarations belong in class M (found FunctionDef)']);
      expect(facts.models['account.move']?.['recouvra_x']?.type).toBe('Char');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
