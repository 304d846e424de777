import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What the addon's Python says, asked of python3 without Odoo: whether each file compiles, the
 * manifest (a Python dict literal, read with `ast.literal_eval`), and the fields each model class
 * declares (read with `ast`, never imported: `odoo` is not installed here).
 */

/** The python3 to run, or undefined when there is none on this machine. */
export function findPython(): string | undefined {
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? 'python3' : undefined;
}

/**
 * `python3 -m py_compile` on each file, with the byte code written under a temporary
 * PYTHONPYCACHEPREFIX so that no __pycache__ is left in the addon's tree. One process per file:
 * py_compile stops at the first file that fails.
 */
export function compileProblems(python: string, files: readonly string[]): string[] {
  const cache = mkdtempSync(join(tmpdir(), 'recouvra-pycache-'));
  try {
    return files.flatMap((file) => {
      const run = spawnSync(python, ['-m', 'py_compile', file], {
        encoding: 'utf8',
        env: { ...process.env, PYTHONPYCACHEPREFIX: cache },
      });
      return run.status === 0 ? [] : [`${file} does not compile: ${(run.stderr || run.stdout).trim()}`];
    });
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** A field as its declaration reads: `fields.<type>(args…, keyword=value…)`, values evaluated as literals. */
export interface PyField {
  type: string;
  /** Positional arguments: the selection list of a Selection, the comodel of a Many2one. */
  args: unknown[];
  string?: unknown;
  help?: unknown;
  readonly?: unknown;
  copy?: unknown;
  index?: unknown;
  groups?: unknown;
  store?: unknown;
  compute?: unknown;
  related?: unknown;
  currency_field?: unknown;
  /** The file that declares it, relative to the addon. */
  module: string;
  line: number;
}

export interface PythonFacts {
  manifest: unknown;
  /** What is not a field declaration where only field declarations belong. */
  problems: string[];
  /** Fields per model name (`_inherit`). */
  models: Record<string, Record<string, PyField>>;
  /** Names imported by `from . import …` in `__init__.py` and `models/__init__.py`. */
  imports: Record<string, string[]>;
}

/**
 * Reads the addon with Python's own parser. A keyword value that is a module constant (or one
 * imported from a sibling module) is resolved; any other expression comes back as
 * `{expression: "<source>"}`.
 */
const FACTS_SCRIPT = String.raw`
import ast, json, os, sys

root = sys.argv[1]
out = {"manifest": None, "problems": [], "models": {}, "imports": {}}

def parse(path):
    with open(path, encoding="utf-8") as f:
        return ast.parse(f.read(), path)

with open(os.path.join(root, "__manifest__.py"), encoding="utf-8") as f:
    try:
        out["manifest"] = ast.literal_eval(f.read())
    except (ValueError, SyntaxError) as e:
        out["problems"].append("__manifest__.py is not a Python literal: %s" % e)

def relative_imports(path):
    names = []
    for node in parse(path).body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None:
            names += [a.name for a in node.names]
    return names

out["imports"]["__init__.py"] = relative_imports(os.path.join(root, "__init__.py"))
models_dir = os.path.join(root, "models")
out["imports"]["models/__init__.py"] = relative_imports(os.path.join(models_dir, "__init__.py"))

modules = {}
for name in sorted(os.listdir(models_dir)):
    if name.endswith(".py") and name != "__init__.py":
        modules[name[:-3]] = parse(os.path.join(models_dir, name))

constants = {m: {} for m in modules}
for _ in range(len(modules) + 1):
    for m, tree in modules.items():
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    constants[m][node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
            elif isinstance(node, ast.ImportFrom) and node.level == 1 and node.module in constants:
                for a in node.names:
                    if a.name in constants[node.module]:
                        constants[m][a.asname or a.name] = constants[node.module][a.name]

def value(m, node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        if isinstance(node, ast.Name) and node.id in constants[m]:
            return constants[m][node.id]
        return {"expression": ast.unparse(node)}

def is_docstring(node):
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)

for m, tree in modules.items():
    where = "models/%s.py" % m
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or is_docstring(node):
            continue
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets):
            continue
        if not isinstance(node, ast.ClassDef):
            out["problems"].append("%s:%d: only imports, constants and model classes belong in a model file (found %s)" % (where, node.lineno, type(node).__name__))
            continue
        model, fields = None, {}
        for item in node.body:
            if is_docstring(item):
                continue
            target = item.targets[0].id if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name) else None
            if target == "_inherit":
                model = value(m, item.value)
                continue
            call = item.value if target else None
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == "fields"):
                field = {"type": call.func.attr, "args": [value(m, a) for a in call.args], "module": where, "line": item.lineno}
                field.update({k.arg: value(m, k.value) for k in call.keywords})
                fields[target] = field
                continue
            out["problems"].append("%s:%d: only field declarations belong in class %s (found %s)" % (where, item.lineno, node.name, type(item).__name__))
        if not isinstance(model, str):
            out["problems"].append("%s:%d: class %s extends no single model (_inherit)" % (where, node.lineno, node.name))
            continue
        out["models"].setdefault(model, {}).update(fields)

print(json.dumps(out))
`;

export function pythonFacts(python: string, addonDir: string): PythonFacts {
  const run = spawnSync(python, ['-B', '-c', FACTS_SCRIPT, addonDir], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`reading ${addonDir} with python3 failed: ${run.stderr.trim()}`);
  return JSON.parse(run.stdout) as PythonFacts;
}
