import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { PyField, PythonFacts } from './addon-python';
import { parsePo, type PoFile } from './po-file';
import { elements, isElement, parseXml, textOf, walk, type XmlElement } from './well-formed-xml';

/**
 * The rules an addon tree of one Odoo series must follow, checked without Odoo. Each check returns
 * the problems it found, worded so that the failing test says what to fix and where; an empty list
 * means the tree passes. Sources of the per-series rules: owl-odoo.md §2.4, §2.6, §2.7, §2.8.
 */

export const SERIES = ['16.0', '17.0', '18.0', '19.0'] as const;
export type Series = (typeof SERIES)[number];

export const ADDON = 'recouvra_status';
/** The group every recovery field, and every view node that names one, is restricted to. */
export const READERS = 'account.group_account_invoice';

export function major(series: Series): number {
  return Number(series.split('.')[0]);
}

/** The list view's tag: `<tree>` until 17.0, `<list>` from 18.0 (odoo/upgrade-util PR #134). */
export function listTag(series: Series): 'tree' | 'list' {
  return major(series) <= 17 ? 'tree' : 'list';
}

export interface AddonTree {
  series: Series;
  dir: string;
  /** Every file, by its path relative to the addon with "/" separators. */
  files: Map<string, string>;
}

export function loadTree(dir: string, series: Series): AddonTree {
  const files = new Map<string, string>();
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) visit(path);
      else files.set(relative(dir, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  visit(dir);
  return { series, dir, files };
}

function filesEnding(tree: AddonTree, ext: string): string[] {
  return [...tree.files.keys()].filter((f) => f.endsWith(ext));
}

// ---------------------------------------------------------------- XML

/** Every XML file parsed; a file that is not well formed is a problem and is left out of `docs`. */
export function parseXmlFiles(tree: AddonTree): { docs: Map<string, XmlElement>; problems: string[] } {
  const docs = new Map<string, XmlElement>();
  const problems: string[] = [];
  for (const file of filesEnding(tree, '.xml')) {
    try {
      docs.set(file, parseXml(tree.files.get(file)!));
    } catch (e) {
      problems.push(`${file}: not well-formed XML: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { docs, problems };
}

const isDataFile = (f: string) => /\.(xml|csv)$/.test(f) && !f.startsWith('static/') && !f.startsWith('i18n/');

/** `<field name="x">` children of a `<record>`. */
function recordField(record: XmlElement, name: string): XmlElement | undefined {
  return elements(record).find((e) => e.name === 'field' && e.attributes.get('name') === name);
}

interface ViewRecord {
  file: string;
  id: string;
  model: string;
  inherited: boolean;
  arch: XmlElement;
}

/** The views of the data files, with the root element of each architecture. */
export function viewRecords(docs: Map<string, XmlElement>): { views: ViewRecord[]; problems: string[] } {
  const views: ViewRecord[] = [];
  const problems: string[] = [];
  for (const [file, doc] of docs) {
    if (!isDataFile(file)) continue;
    for (const record of elements(doc).filter(
      (e) => e.name === 'record' && e.attributes.get('model') === 'ir.ui.view',
    )) {
      const id = record.attributes.get('id') ?? '?';
      const where = `${file}:${record.line} (${id})`;
      const arch = recordField(record, 'arch');
      const roots = arch ? elements(arch) : [];
      const stray = arch?.children.filter((c) => !isElement(c) && c.text.trim() !== '') ?? [];
      if (!arch || arch.attributes.get('type') !== 'xml' || roots.length !== 1 || stray.length > 0) {
        problems.push(`${where}: the view needs one <field name="arch" type="xml"> holding exactly one root element`);
        continue;
      }
      views.push({
        file,
        id,
        model: textOf(recordField(record, 'model') ?? record).trim(),
        inherited: recordField(record, 'inherit_id') !== undefined,
        arch: roots[0]!,
      });
    }
  }
  return { views, problems };
}

const VIEW_ROOTS = ['form', 'search', 'kanban', 'pivot', 'graph', 'calendar', 'activity'];
const VIEW_ELEMENTS = new Set([
  ...VIEW_ROOTS,
  ...['field', 'group', 'page', 'notebook', 'sheet', 'header', 'footer', 'div', 'span', 'p', 'h1', 'h2', 'h3'],
  ...['label', 'button', 'separator', 'filter', 'newline', 'xpath', 'attribute', 'widget', 'data', 'searchpanel'],
  ...['templates', 't', 'a', 'i', 'strong', 'em', 'br', 'hr', 'img', 'small', 'ul', 'ol', 'li'],
]);

/** Attributes each element may carry on every series (the modifiers are added per series below). */
const ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  '*': ['name', 'string', 'class', 'groups', 'invisible', 'help', 'position', 'id'],
  field: [
    ...['widget', 'options', 'readonly', 'required', 'nolabel', 'colspan', 'optional', 'sum', 'avg', 'context'],
    ...['domain', 'filter_domain', 'operator', 'placeholder', 'force_save', 'mode', 'width', 'decoration-*'],
  ],
  list: [
    'create',
    'edit',
    'delete',
    'default_order',
    'sample',
    'multi_edit',
    'editable',
    'js_class',
    'limit',
    'decoration-*',
  ],
  form: ['create', 'edit', 'delete', 'duplicate', 'js_class'],
  kanban: ['create', 'edit', 'delete', 'default_order', 'sample', 'js_class', 'quick_create'],
  search: [],
  group: ['col', 'colspan', 'expand'],
  page: ['autofocus'],
  notebook: ['colspan'],
  filter: ['domain', 'context', 'date', 'default_period'],
  button: ['type', 'icon', 'title', 'confirm', 'context', 'special'],
  xpath: ['expr'],
  attribute: ['add', 'remove', 'separator'],
  div: ['role', 'title', 'style'],
  span: ['role', 'title', 'style'],
  p: ['role', 'title'],
  label: ['for'],
};
/** Modifiers that take a Python expression from 17.0 (and a constant on 16.0). */
const MODIFIERS = ['invisible', 'readonly', 'required', 'column_invisible'];
const LOCATOR_POSITIONS = new Set(['inside', 'after', 'before', 'replace', 'attributes', 'move']);

function allowedAttributes(element: string, series: Series): Set<string> {
  const listLike = element === 'tree' || element === 'list' ? 'list' : element;
  const allowed = new Set([...ATTRIBUTES['*']!, ...(ATTRIBUTES[listLike] ?? [])]);
  if (major(series) === 16) {
    allowed.add('attrs');
    allowed.add('states');
  } else if (element === 'field') allowed.add('column_invisible');
  return allowed;
}

function attributeAllowed(allowed: Set<string>, attribute: string): boolean {
  return allowed.has(attribute) || (attribute.startsWith('decoration-') && allowed.has('decoration-*'));
}

/**
 * One view architecture against the rules of its series: which elements and attributes exist,
 * the list tag, the modifiers (`attrs=`/`states=` on 16.0 only, Python expressions from 17.0),
 * locators only in inherited views, never `t-esc`, and the recovery fields restricted to READERS.
 */
export function archProblems(arch: XmlElement, series: Series, view: { inherited: boolean; where: string }): string[] {
  const problems: string[] = [];
  const list = listTag(series);
  const otherList = list === 'tree' ? 'list' : 'tree';
  const at = (e: XmlElement) => `${view.where}: line ${e.line}: <${e.name}>`;
  if (!view.inherited && ![...VIEW_ROOTS, list].includes(arch.name))
    problems.push(`${at(arch)} is not the root of a view on Odoo ${series} (list views are <${list}> there)`);
  for (const [e, ancestors] of walk(arch)) {
    if (e.name === otherList)
      problems.push(
        `${at(e)}: Odoo ${series} list views are <${list}>${list === 'list' ? ' (<tree> was renamed in 18.0)' : ' (<list> arrives in 18.0)'}`,
      );
    else if (e.name !== list && !VIEW_ELEMENTS.has(e.name)) problems.push(`${at(e)} is not a view element`);
    const allowed = allowedAttributes(e.name, series);
    for (const [attribute, value] of e.attributes) {
      if (attribute === 't-esc' || attribute === 't-raw') {
        problems.push(`${at(e)}: ${attribute} (write t-out: t-esc is removed in Owl 3, t-raw deprecated since 15.0)`);
        continue;
      }
      if ((attribute === 'attrs' || attribute === 'states') && major(series) >= 17) {
        problems.push(
          `${at(e)}: ${attribute}= is gone since 17.0: write a Python expression in invisible=/readonly=/required=`,
        );
        continue;
      }
      if (attribute === 'column_invisible' && major(series) === 16) {
        problems.push(`${at(e)}: column_invisible arrives in 17.0: on 16.0 invisible="1" hides a list column`);
        continue;
      }
      if (!attributeAllowed(allowed, attribute)) {
        problems.push(`${at(e)}: attribute ${attribute} is not one a view takes there on Odoo ${series}`);
        continue;
      }
      if (attribute === 'position') {
        const locator = view.inherited && (ancestors.length === 0 || (ancestors.length === 1 && arch.name === 'data'));
        if (!locator) problems.push(`${at(e)}: position= belongs to the locators of an inherited view only`);
        else if (!LOCATOR_POSITIONS.has(value)) problems.push(`${at(e)}: position="${value}" is not a position`);
      }
      if (MODIFIERS.includes(attribute)) {
        if (major(series) === 16 && !/^(0|1|True|False)$/.test(value) && !value.startsWith('context'))
          problems.push(
            `${at(e)}: ${attribute}="${value}": on 16.0 a modifier that depends on the record goes in attrs=`,
          );
        if (major(series) >= 17 && /^\s*[[{]/.test(value))
          problems.push(`${at(e)}: ${attribute}="${value}" is a domain: from 17.0 modifiers are Python expressions`);
      }
      if (attribute === 'attrs') {
        const keys = [...value.matchAll(/'(\w+)'\s*:/g)].map((m) => m[1]!);
        if (!value.trim().startsWith('{') || keys.some((k) => !MODIFIERS.includes(k)))
          problems.push(`${at(e)}: attrs="${value}" is not a dict of invisible/readonly/required domains`);
      }
    }
    if (namesRecoveryField(e) && ![e, ...ancestors].some((x) => groupsOf(x).includes(READERS)))
      problems.push(`${at(e)} names a recovery field without groups="${READERS}" on it or around it`);
  }
  return problems;
}

const EXPRESSION_ATTRIBUTES = [...MODIFIERS, 'attrs', 'domain', 'filter_domain', 'context', 'default_order'];

function namesRecoveryField(e: XmlElement): boolean {
  if (e.attributes.has('position')) return false;
  if (e.name === 'field' && e.attributes.get('name')?.startsWith('recouvra_')) return true;
  return [...e.attributes].some(
    ([a, v]) => (EXPRESSION_ATTRIBUTES.includes(a) || a.startsWith('decoration-')) && /\brecouvra_/.test(v),
  );
}

function groupsOf(e: XmlElement): string[] {
  return (e.attributes.get('groups') ?? '').split(',').map((g) => g.trim());
}

/** The view rules over the whole tree, and the actions' `view_mode`. */
export function viewProblems(tree: AddonTree, docs: Map<string, XmlElement>): string[] {
  const { views, problems } = viewRecords(docs);
  for (const v of views)
    problems.push(...archProblems(v.arch, tree.series, { inherited: v.inherited, where: `${v.file} (${v.id})` }));
  const list = listTag(tree.series);
  for (const [file, doc] of docs) {
    if (!isDataFile(file)) continue;
    for (const action of elements(doc).filter(
      (e) => e.name === 'record' && e.attributes.get('model') === 'ir.actions.act_window',
    )) {
      const modes = textOf(recordField(action, 'view_mode') ?? action)
        .trim()
        .split(',')
        .map((m) => m.trim());
      const wrong = modes.filter((m) => ![list, ...VIEW_ROOTS].includes(m) || m === 'search');
      if (wrong.length)
        problems.push(
          `${file}:${action.line} (${action.attributes.get('id') ?? '?'}): view_mode ${wrong.join(', ')} is not a view type of Odoo ${tree.series} (the list is "${list}")`,
        );
    }
  }
  return problems;
}

// ---------------------------------------------------------------- Owl templates and the widget

/** The Owl templates of static/src: root <templates>, t-out only, t-key on loops, owl="1" on 16.0. */
export function templateProblems(doc: XmlElement, series: Series, where: string): string[] {
  const problems: string[] = [];
  if (doc.name !== 'templates')
    problems.push(`${where}: the root of a template file is <templates>, not <${doc.name}>`);
  for (const [e] of walk(doc)) {
    const at = `${where}: line ${e.line}: <${e.name}>`;
    for (const a of ['t-esc', 't-raw'])
      if (e.attributes.has(a))
        problems.push(`${at}: ${a} (write t-out: t-esc is removed in Owl 3, t-raw deprecated since 15.0)`);
    if (e.attributes.has('t-foreach') && !e.attributes.has('t-key'))
      problems.push(`${at}: t-foreach without t-key (Owl 2 needs one)`);
    const name = e.attributes.get('t-name');
    if (name === undefined) continue;
    if (!name.startsWith(`${ADDON}.`)) problems.push(`${at}: template ${name} is not named ${ADDON}.<Component>`);
    if (major(series) === 16 && e.attributes.get('owl') !== '1')
      problems.push(
        `${at}: template ${name} needs owl="1" on 16.0 (otherwise Odoo 16 reads it as a legacy QWeb template)`,
      );
  }
  return problems;
}

export function templateNames(tree: AddonTree, docs: Map<string, XmlElement>): Set<string> {
  const names = new Set<string>();
  for (const [file, doc] of docs)
    if (file.startsWith('static/'))
      for (const [e] of walk(doc)) if (e.attributes.has('t-name')) names.add(e.attributes.get('t-name')!);
  return names;
}

const FIELD_REGISTRATION =
  /registry\s*\.\s*category\(\s*['"]fields['"]\s*\)\s*\.\s*add\(\s*['"]([\w.]+)['"]\s*,\s*([A-Za-z_$][\w$]*)\s*\)/g;

/**
 * A field widget's JavaScript against its series: the `@odoo-module` header, how it is registered
 * (a class with static properties on 16.0, a descriptor object `{component, …}` from 17.0), how it
 * reads its value (`props.value` on 16.0 only), the translation function of the series, and that
 * its template exists.
 */
export function widgetProblems(
  source: string,
  series: Series,
  templates: ReadonlySet<string>,
  where: string,
): string[] {
  const problems: string[] = [];
  if (source.split('\n')[0]?.trim() !== '/** @odoo-module **/')
    problems.push(`${where}: the first line must be /** @odoo-module **/ (needed on 16.0, kept on every series)`);
  const js = withoutComments(source);
  const registrations = [...js.matchAll(FIELD_REGISTRATION)];
  if (registrations.length === 0) problems.push(`${where}: registers no field widget`);
  for (const [, key, ident] of registrations) {
    const isClass = new RegExp(`class\\s+${ident}\\s+extends\\b`).test(js);
    const descriptor = new RegExp(`(?:const|let)\\s+${ident}\\s*=\\s*\\{[^]*?\\bcomponent\\s*:`).test(js);
    if (major(series) === 16 && !isClass)
      problems.push(`${where}: widget ${key} must be registered as its component class on 16.0, not ${ident}`);
    if (major(series) >= 17 && !descriptor)
      problems.push(
        `${where}: widget ${key} must be registered as a descriptor object { component, … } from 17.0 (odoo/odoo#112498)`,
      );
  }
  if (major(series) === 16 && /props\.record\.data\[this\.props\.name\]/.test(js))
    problems.push(`${where}: on 16.0 a field widget's value is props.value`);
  if (major(series) >= 17 && /props\.value\b/.test(js))
    problems.push(`${where}: props.value is gone from 17.0 (odoo/odoo#113495): read props.record.data[props.name]`);
  if (major(series) >= 18 && /\b_lt\b/.test(js))
    problems.push(`${where}: _lt was removed in 17.1 (odoo/odoo#141399): use _t`);
  if (major(series) >= 17 && /\benv\._t\b/.test(js))
    problems.push(`${where}: env._t is gone in 17.0: import _t from @web/core/l10n/translation`);
  for (const [, name] of js.matchAll(/static\s+template\s*=\s*['"]([^'"]+)['"]/g))
    if (!templates.has(name!)) problems.push(`${where}: template ${name} is not defined in static/src`);
  return problems;
}

/** The code without its comments, which may name what the code must not use (e.g. "no props.value"). */
function withoutComments(js: string): string {
  return js.replace(/\/\*[^]*?\*\//g, '').replace(/(^|[^:'"])\/\/.*$/gm, '$1');
}

// ---------------------------------------------------------------- manifest

const LICENSES = new Set([
  ...['GPL-2', 'GPL-2 or any later version', 'GPL-3', 'GPL-3 or any later version', 'AGPL-3', 'LGPL-3'],
  ...['Other OSI approved licence', 'OEEL-1', 'OPL-1', 'Other proprietary'],
]);

/** A manifest glob (`addon/static/src/**\/*`) as a regular expression over addon-relative paths. */
function globRegExp(glob: string): RegExp {
  const body = glob
    .replace(new RegExp(`^${ADDON}/`), '')
    .split(/(\*\*\/|\*\*|\*)/)
    .map((part) =>
      part === '**/'
        ? '(?:.*/)?'
        : part === '**'
          ? '.*'
          : part === '*'
            ? '[^/]*'
            : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`);
}

/**
 * The manifest against the tree: version prefixed by the series, `account` among the dependencies,
 * a license Odoo knows, every data file listed exactly once and existing, asset globs that match
 * files and cover every file of static/src.
 */
export function manifestProblems(manifest: unknown, series: Series, files: readonly string[]): string[] {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
    return ['__manifest__.py is not a dict'];
  const m = manifest as Record<string, unknown>;
  const problems: string[] = [];
  const version = m['version'];
  if (typeof version !== 'string' || !new RegExp(`^${series.replace('.', '\\.')}\\.\\d+\\.\\d+\\.\\d+$`).test(version))
    problems.push(`version ${JSON.stringify(version)} must read ${series}.x.y.z for the ${series} tree`);
  if (!Array.isArray(m['depends']) || !m['depends'].includes('account')) problems.push('depends must list account');
  if (typeof m['license'] !== 'string' || !LICENSES.has(m['license']))
    problems.push(`license ${JSON.stringify(m['license'])} is not one Odoo knows`);
  if (m['installable'] === false) problems.push('installable is False');
  const data = Array.isArray(m['data']) ? (m['data'] as unknown[]) : [];
  if (!Array.isArray(m['data'])) problems.push('data must be a list of files');
  const existing = new Set(files);
  data.forEach((file, i) => {
    if (typeof file !== 'string') problems.push(`data[${i}] is not a path`);
    else if (!existing.has(file)) problems.push(`data lists ${file}, which does not exist`);
    else if (data.indexOf(file) !== i) problems.push(`data lists ${file} twice`);
  });
  for (const file of files.filter(isDataFile))
    if (!data.includes(file)) problems.push(`${file} exists but data does not list it: Odoo would never load it`);
  const assets = m['assets'];
  const globs =
    typeof assets === 'object' && assets !== null
      ? Object.entries(assets as Record<string, unknown>).flatMap(([bundle, list]) =>
          (Array.isArray(list) ? list : []).map((g) => ({ bundle, glob: String(g) })),
        )
      : [];
  const statics = files.filter((f) => f.startsWith('static/src/'));
  for (const { bundle, glob } of globs) {
    if (!glob.startsWith(`${ADDON}/`)) problems.push(`assets ${bundle}: ${glob} does not start with ${ADDON}/`);
    else if (!statics.some((f) => globRegExp(glob).test(f))) problems.push(`assets ${bundle}: ${glob} matches no file`);
  }
  const backend = globs.filter((g) => g.bundle === 'web.assets_backend').map((g) => globRegExp(g.glob));
  for (const f of statics) if (!backend.some((r) => r.test(f))) problems.push(`${f} is in no web.assets_backend glob`);
  return problems;
}

/**
 * The data files in the manifest's order: each refers only to records of this addon defined before
 * (in an earlier file, or earlier in the same one), and to other modules' records only in modules
 * it depends on (base comes with account).
 */
export function loadOrderProblems(
  data: readonly string[],
  docs: Map<string, XmlElement>,
  depends: readonly string[],
): string[] {
  const problems: string[] = [];
  const defined = new Set<string>();
  const modules = new Set([...depends, 'base', ADDON]);
  for (const file of data) {
    const doc = docs.get(file);
    if (!doc) continue;
    for (const [e] of walk(doc)) {
      const refs: string[] = [];
      if (e.name === 'field' && e.attributes.has('ref')) refs.push(e.attributes.get('ref')!);
      if (e.name === 'menuitem')
        for (const a of ['parent', 'action']) if (e.attributes.has(a)) refs.push(e.attributes.get(a)!);
      for (const a of ['eval', 'groups']) {
        const v = e.attributes.get(a);
        if (v === undefined) continue;
        if (a === 'eval') refs.push(...[...v.matchAll(/\bref\(\s*['"]([\w.]+)['"]\s*\)/g)].map((x) => x[1]!));
        else
          refs.push(
            ...v
              .split(',')
              .map((g) => g.trim().replace(/^!/, ''))
              .filter((g) => g !== ''),
          );
      }
      for (const ref of refs) {
        const [module, id] = ref.includes('.')
          ? [ref.slice(0, ref.indexOf('.')), ref.slice(ref.indexOf('.') + 1)]
          : [ADDON, ref];
        if (!modules.has(module))
          problems.push(`${file}:${e.line}: ${ref} belongs to ${module}, which the manifest does not depend on`);
        else if (module === ADDON && !defined.has(id))
          problems.push(`${file}:${e.line}: ${ref} is used before it is defined (order of the manifest's data)`);
      }
      const id = (e.name === 'record' || e.name === 'menuitem' || e.name === 'template') && e.attributes.get('id');
      if (id) defined.add(id);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- fields

/** Fields of account and base that the views may name: anything else must be the addon's own. */
export const STANDARD_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'account.move': [
    ...['name', 'partner_id', 'commercial_partner_id', 'move_type', 'invoice_date_due', 'amount_residual_signed'],
    'company_currency_id',
  ],
  'res.partner': ['name'],
};

/** Field names a piece of view text uses: `('x', op, …)` leaves, `'group_by': 'x'`, decoration and modifier expressions. */
function fieldsInExpression(attribute: string, value: string): string[] {
  const leaves =
    /\(\s*'([a-z_][a-z0-9_]*)'\s*,\s*'(?:=|!=|<>|<|>|<=|>=|=?like|=?ilike|not like|not ilike|in|not in|child_of|parent_of|any|not any)'/g;
  const names = [...value.matchAll(leaves)].map((m) => m[1]!);
  names.push(...[...value.matchAll(/'group_by'\s*:\s*'([a-z_][a-z0-9_]*)'/g)].map((m) => m[1]!));
  if (attribute === 'default_order')
    names.push(
      ...value
        .split(',')
        .map((p) => p.trim().split(/\s+/)[0]!)
        .filter(Boolean),
    );
  names.push(...[...value.matchAll(/\brecouvra_[a-z0-9_]+/g)].map((m) => m[0]));
  return names;
}

/** Every field a view, an action's domain, the widget or its template names exists on its model. */
export function fieldNameProblems(
  tree: AddonTree,
  docs: Map<string, XmlElement>,
  models: PythonFacts['models'],
): string[] {
  const problems: string[] = [];
  const known = (model: string, name: string) =>
    (STANDARD_FIELDS[model] ?? []).includes(name) || Object.hasOwn(models[model] ?? {}, name);
  const check = (model: string, name: string, where: string) => {
    if (!known(model, name))
      problems.push(`${where}: ${model} has no field ${name} (neither the addon's nor one of STANDARD_FIELDS)`);
  };
  const { views } = viewRecords(docs);
  for (const v of views)
    for (const [e] of walk(v.arch)) {
      const where = `${v.file} (${v.id}) line ${e.line}`;
      if (e.name === 'field' && e.attributes.has('name')) check(v.model, e.attributes.get('name')!, where);
      if (
        e.name === 'field' &&
        e.attributes.get('widget') === 'recouvra_timeline' &&
        models[v.model]?.[e.attributes.get('name') ?? '']?.type !== 'Selection'
      )
        problems.push(`${where}: the recouvra_timeline widget goes on a Selection field`);
      for (const [a, value] of e.attributes)
        if (EXPRESSION_ATTRIBUTES.includes(a) || a.startsWith('decoration-'))
          for (const name of fieldsInExpression(a, value)) check(v.model, name, where);
    }
  for (const [file, doc] of docs) {
    if (!isDataFile(file)) continue;
    for (const action of elements(doc).filter(
      (e) => e.name === 'record' && e.attributes.get('model') === 'ir.actions.act_window',
    )) {
      const model = textOf(recordField(action, 'res_model') ?? action).trim();
      const domain = textOf(recordField(action, 'domain') ?? action);
      for (const name of fieldsInExpression('domain', domain)) check(model, name, `${file}:${action.line} domain`);
    }
  }
  const notFields = new Set([ADDON, 'recouvra_timeline']);
  for (const file of [...tree.files.keys()].filter((f) => f.startsWith('static/')))
    for (const [name] of tree.files.get(file)!.matchAll(/\brecouvra_[a-z0-9_]+/g))
      if (!notFields.has(name)) check('account.move', name, file);
  return problems;
}

/**
 * The declarations themselves: every field is the addon's (`recouvra_` prefix), stored, read-only,
 * not copied, restricted to READERS; a Monetary names a currency field of its model; each Selection
 * has exactly the keys `selections` gives for it (model → field → keys), in that order.
 */
export function fieldDeclarationProblems(
  models: PythonFacts['models'],
  selections: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>,
): string[] {
  const problems: string[] = [];
  for (const [model, fields] of Object.entries(models))
    for (const [name, f] of Object.entries(fields)) {
      const at = `${f.module}:${f.line} ${model}.${name}`;
      if (!name.startsWith('recouvra_')) problems.push(`${at}: the addon's fields start with recouvra_`);
      if (f.readonly !== true) problems.push(`${at}: readonly=True (only the connector writes it)`);
      if (f.copy !== false) problems.push(`${at}: copy=False (a duplicated invoice is not in recovery)`);
      if (f.groups !== READERS) problems.push(`${at}: groups="${READERS}"`);
      if (f.store === false || f.compute !== undefined || f.related !== undefined)
        problems.push(`${at}: a stored field without compute`);
      if (f.type === 'Monetary') {
        const currency = typeof f.currency_field === 'string' ? fields[f.currency_field] : undefined;
        if (currency?.type !== 'Many2one' || currency.args[0] !== 'res.currency')
          problems.push(`${at}: currency_field must name a Many2one to res.currency of ${model}`);
      }
      if (f.type !== 'Selection') continue;
      const expected = selections[model]?.[name];
      const keys = selectionOf(f).map(([k]) => k);
      if (expected === undefined) problems.push(`${at}: a selection the test does not compare with the connector's`);
      else if (keys.join() !== expected.join())
        problems.push(`${at}: keys [${keys.join(', ')}] differ from the connector's [${expected.join(', ')}]`);
    }
  for (const [model, fields] of Object.entries(selections))
    for (const name of Object.keys(fields))
      if (!models[model]?.[name]) problems.push(`${model}.${name} is not declared`);
  return problems;
}

function selectionOf(f: PyField): [string, string][] {
  return Array.isArray(f.args[0]) ? (f.args[0] as [string, string][]) : [];
}

// ---------------------------------------------------------------- translations

interface Term {
  msgid: string;
  /** Where Odoo's export puts it (a `#:` line the entry must carry). */
  reference: string;
  javascript: boolean;
}

/** Attributes of views and Owl templates that Odoo translates. */
const TRANSLATED_ATTRIBUTES = new Set([
  'string',
  'help',
  'sum',
  'avg',
  'confirm',
  'placeholder',
  'alt',
  'title',
  'aria-label',
  'label',
  'data-tooltip',
]);

const modelKey = (model: string) => model.replace(/\./g, '_');

/** The translatable strings of the tree, each with the reference Odoo's export gives it. */
export function expectedTerms(tree: AddonTree, docs: Map<string, XmlElement>, models: PythonFacts['models']): Term[] {
  const terms: Term[] = [];
  const add = (msgid: string, reference: string, javascript = false) => {
    const text = msgid.replace(/\s+/g, ' ').trim();
    if (/\p{L}/u.test(text)) terms.push({ msgid: text, reference, javascript });
  };
  for (const [model, fields] of Object.entries(models))
    for (const [name, f] of Object.entries(fields)) {
      const xmlid = `${ADDON}.field_${modelKey(model)}__${name}`;
      if (typeof f.string === 'string') add(f.string, `model:ir.model.fields,field_description:${xmlid}`);
      if (typeof f.help === 'string') add(f.help, `model:ir.model.fields,help:${xmlid}`);
      for (const [key, label] of selectionOf(f))
        add(label, `model:ir.model.fields.selection,name:${ADDON}.selection__${modelKey(model)}__${name}__${key}`);
    }
  for (const [file, doc] of docs) {
    if (file.startsWith('static/')) {
      for (const [e] of walk(doc)) {
        for (const c of e.children) if (!isElement(c)) add(c.text, `code:addons/${ADDON}/${file}:0`, true);
        for (const [a, v] of e.attributes)
          if (TRANSLATED_ATTRIBUTES.has(a)) add(v, `code:addons/${ADDON}/${file}:0`, true);
      }
      continue;
    }
    if (!isDataFile(file)) continue;
    for (const e of elements(doc)) {
      const id = `${ADDON}.${e.attributes.get('id') ?? '?'}`;
      if (e.name === 'menuitem' && e.attributes.has('name'))
        add(e.attributes.get('name')!, `model:ir.ui.menu,name:${id}`);
      if (e.name !== 'record') continue;
      const model = e.attributes.get('model');
      if (model === 'ir.actions.act_window') {
        add(textOf(recordField(e, 'name') ?? e), `model:ir.actions.act_window,name:${id}`);
        const help = recordField(e, 'help');
        if (help)
          for (const block of elements(help)) add(textOf(block), `model_terms:ir.actions.act_window,help:${id}`);
      }
      if (model === 'ir.ui.view') {
        const arch = recordField(e, 'arch');
        if (!arch) continue;
        for (const [x] of walk(arch)) {
          if (x === arch) continue;
          for (const c of x.children) if (!isElement(c)) add(c.text, `model_terms:ir.ui.view,arch_db:${id}`);
          for (const [a, v] of x.attributes)
            if (TRANSLATED_ATTRIBUTES.has(a)) add(v, `model_terms:ir.ui.view,arch_db:${id}`);
        }
      }
    }
  }
  for (const file of [...tree.files.keys()].filter((f) => f.startsWith('static/') && f.endsWith('.js')))
    for (const [, , text] of tree.files.get(file)!.matchAll(/\b_l?t\(\s*(['"])((?:(?!\1)[^\\]|\\.)*)\1\s*\)/g))
      add(text!, `code:addons/${ADDON}/${file}:0`, true);
  return terms;
}

const PLACEHOLDERS = /%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}/g;

/**
 * The .pot holds every translatable string with the reference Odoo's export gives it (`#. odoo-javascript`
 * for the widget's), and nothing else; fr.po is well formed, French, and translates every msgid of
 * the .pot (not fuzzy, same placeholders).
 */
export function translationProblems(tree: AddonTree, terms: readonly Term[]): string[] {
  const problems: string[] = [];
  const read = (file: string): PoFile | undefined => {
    const text = tree.files.get(file);
    if (text === undefined) {
      problems.push(`${file} is missing`);
      return undefined;
    }
    try {
      return parsePo(text);
    } catch (e) {
      problems.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
  const potFile = `i18n/${ADDON}.pot`;
  const pot = read(potFile);
  const fr = read('i18n/fr.po');
  if (!pot || !fr) return problems;
  for (const [file, po] of [
    [potFile, pot],
    ['i18n/fr.po', fr],
  ] as const) {
    if (!/charset=UTF-8/i.test(po.header.get('Content-Type') ?? ''))
      problems.push(`${file}: the header must say charset=UTF-8`);
    for (const e of po.entries)
      if (!e.extracted.includes(`module: ${ADDON}`))
        problems.push(`${file}:${e.line}: entry without "#. module: ${ADDON}"`);
  }
  if (fr.header.get('Language') !== 'fr') problems.push('i18n/fr.po: the header must say Language: fr');
  const potEntries = new Map(pot.entries.map((e) => [e.msgid, e]));
  for (const e of pot.entries)
    if (e.msgstr !== '') problems.push(`${potFile}:${e.line}: a template's msgstr stays empty`);
  for (const t of terms) {
    const entry = potEntries.get(t.msgid);
    if (!entry) problems.push(`${potFile}: no msgid ${JSON.stringify(t.msgid)} (${t.reference})`);
    else {
      if (!entry.references.includes(t.reference))
        problems.push(`${potFile}:${entry.line}: ${JSON.stringify(t.msgid)} lacks #: ${t.reference}`);
      if (t.javascript && !entry.extracted.includes('odoo-javascript'))
        problems.push(
          `${potFile}:${entry.line}: ${JSON.stringify(t.msgid)} is the widget's and needs #. odoo-javascript`,
        );
    }
  }
  const wanted = new Set(terms.map((t) => t.msgid));
  for (const e of pot.entries)
    if (!wanted.has(e.msgid))
      problems.push(`${potFile}:${e.line}: ${JSON.stringify(e.msgid)} is in no source file any more`);
  const frEntries = new Map(fr.entries.map((e) => [e.msgid, e]));
  for (const e of pot.entries) {
    const t = frEntries.get(e.msgid);
    if (!t || t.msgstr.trim() === '') {
      problems.push(`i18n/fr.po: ${JSON.stringify(e.msgid)} is not translated`);
      continue;
    }
    if (t.flags.includes('fuzzy')) problems.push(`i18n/fr.po:${t.line}: ${JSON.stringify(e.msgid)} is fuzzy`);
    const holes = (s: string) => (s.match(PLACEHOLDERS) ?? []).sort().join(' ');
    if (holes(e.msgid) !== holes(t.msgstr))
      problems.push(`i18n/fr.po:${t.line}: ${JSON.stringify(e.msgid)}: the placeholders differ`);
  }
  for (const e of fr.entries)
    if (!potEntries.has(e.msgid)) problems.push(`i18n/fr.po:${e.line}: ${JSON.stringify(e.msgid)} is not in the .pot`);
  return problems;
}
