/**
 * The package as an integrator gets it: `npm pack`, then `npm install <tarball>` into an empty
 * folder, then the installed `recouvra` command run from there. Catches what tests run from the
 * sources cannot see: a data file missing from `files`, a runtime import of a devDependency or of
 * test code, a bin that does not start, a path that only resolves inside the repository.
 *
 *   npm run test:pack            (builds first)
 *   node dist/test/pack/pack-install.js [--keep]   (after npm run build:all; --keep leaves the folder)
 *
 * Needs the npm registry (the dependencies are installed from it), nothing else from the network.
 * It writes only in a temporary folder it creates, and removes it at the end.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { packageRoot } from '../../connector/paths';

const root = packageRoot();
const started = Date.now();
const keep = process.argv.includes('--keep');
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) problems.push(what);
  process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
};

/** npm settings a parent `npm run` exports would steer the inner npm (its cache, its prefix): only the network ones are kept. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (
      !k.toLowerCase().startsWith('npm_') ||
      /^npm_config_(registry|proxy|https_proxy|noproxy|strict_ssl|cafile|userconfig)$/i.test(k)
    )
      env[k] = v;
  return { ...env, ...extra };
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? childEnv(),
    encoding: 'utf8',
    timeout: options.timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${command} ${args.join(' ')}: ${r.error.message}`);
  return r;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/**
 * better-sqlite3 installs a prebuilt binary downloaded from GitHub, or compiles SQLite (minutes
 * on a busy machine). Here only the npm registry is reachable, so the binary `npm ci` built for
 * this very version and Node ABI is put where prebuild-install looks first: the `_prebuilds`
 * folder of the npm cache, under the name of the file it would download. The install script
 * still runs as for an integrator; when the tarball resolves another version, it compiles.
 * The cache is this run's own (every other package comes fresh from the registry).
 */
function seedSqlitePrebuild(cache: string): string | undefined {
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('better-sqlite3/package.json', { paths: [root] }));
  } catch {
    return undefined;
  }
  const binary = join(pkgDir, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) return undefined;
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string; version: string };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed package's own copy, whose path is known at run time only
  const util = require(require.resolve('prebuild-install/util', { paths: [pkgDir] })) as {
    getDownloadUrl(o: object): string;
    cachedPrebuild(url: string): string;
  };
  const url = util.getDownloadUrl({
    pkg,
    runtime: 'node',
    abi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
    libc: '',
    'tag-prefix': 'v',
  });
  const saved = process.env['npm_config_cache'];
  process.env['npm_config_cache'] = cache;
  const target = util.cachedPrebuild(url);
  if (saved === undefined) delete process.env['npm_config_cache'];
  else process.env['npm_config_cache'] = saved;
  mkdirSync(dirname(target), { recursive: true });
  const tar = run('tar', ['-czf', target, '-C', pkgDir, 'build/Release/better_sqlite3.node'], {
    cwd: root,
    timeoutMs: 60_000,
  });
  if (tar.status !== 0) throw new Error(`could not pack the better-sqlite3 binary: ${tar.stderr}`);
  return pkg.version;
}

function main(): void {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
    private?: boolean;
    bin: Record<string, string>;
  };
  if (!existsSync(join(root, pkg.bin['recouvra']!)))
    throw new Error(`${pkg.bin['recouvra']} is missing: build first (npm run build)`);
  const work = mkdtempSync(join(tmpdir(), 'recouvra-pack-'));
  process.stdout.write(`== npm pack → ${work}\n`);
  try {
    const packed = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, timeoutMs: 120_000 });
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[]; unpackedSize: number }[];
    const files = new Set(info!.files.map((f) => f.path));
    process.stdout.write(
      `   ${info!.filename}: ${files.size} files, ${(info!.unpackedSize / 1e6).toFixed(1)} MB unpacked\n`,
    );

    process.stdout.write('== what the tarball holds\n');
    // Everything the runtime reads beside the code (connector/paths.ts bundledPath), listed from the repository so that a new file is not forgotten.
    const data = [
      'config/legal/fr',
      'config/policies',
      'config/samples',
      'config/systemd',
      'adapters/lawfirm/file-drop/xsd',
    ].flatMap((d) => filesUnder(join(root, d)).map((f) => relative(root, f)));
    const missing = [
      pkg.bin['recouvra']!,
      'package.json',
      'README.md',
      'config/example.yaml',
      'dist/connector/store/migrations/index.js',
      // The dashboard the daemon serves at /, built by npm run build:ui, and the Odoo addon.
      'dist/connector/app/dashboard/public/index.fr.html',
      'dist/connector/app/dashboard/public/index.en.html',
      'adapters/odoo/addon/18.0/recouvra_status/__manifest__.py',
      ...data,
    ].filter((f) => !files.has(f));
    check(
      missing.length === 0,
      `the CLI, the migrations and every data file the runtime reads${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`,
    );
    const unwanted = [...files].filter(
      (f) =>
        f.startsWith('dist/test/') ||
        // The dashboard's build script needs development dependencies; the daemon never loads it.
        f.startsWith('dist/connector/app/dashboard/build/') ||
        f.startsWith('dist/connector/app/dashboard/ui/') ||
        f.startsWith('test/') ||
        f.startsWith('data/') ||
        f.startsWith('node_modules/') ||
        f.startsWith('.ci/') ||
        /(?<!\.d)\.ts$/.test(f) ||
        /\.test\.(js|d\.ts)$/.test(f) ||
        /^tsconfig(\.[a-z]+)?\.json$/.test(f),
    );
    check(
      unwanted.length === 0,
      `no tests, sources or local data${unwanted.length ? ` (found: ${unwanted.slice(0, 10).join(', ')}${unwanted.length > 10 ? ', …' : ''})` : ''}`,
    );
    const tarPkg = run('tar', ['-xzOf', join(work, info!.filename), 'package/package.json'], {
      cwd: work,
      timeoutMs: 30_000,
    });
    check(
      (JSON.parse(tarPkg.stdout) as { private?: boolean }).private === true,
      'package.json says "private": true (npm publish refuses it)',
    );

    process.stdout.write(`== npm install of the tarball into an empty folder (${elapsed()})\n`);
    const app = join(work, 'app');
    const cache = join(work, 'npm-cache');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify({ name: 'recouvra-install-check', version: '1.0.0', private: true }, null, 2)}\n`,
    );
    const seeded = seedSqlitePrebuild(cache);
    const install = run('npm', ['install', '--no-audit', '--no-fund', '--cache', cache, join(work, info!.filename)], {
      cwd: app,
      timeoutMs: 15 * 60_000,
    });
    if (install.status !== 0)
      throw new Error(`npm install failed (${install.status}):\n${install.stdout}\n${install.stderr}`);
    // The repository's lockfile and `overrides` do not apply to an installed package: its dependencies resolve afresh.
    const engines = [
      ...`${install.stdout}${install.stderr}`.matchAll(
        /EBADENGINE\s+package: '([^']+)',\s+npm warn EBADENGINE\s+required: \{ node: '([^']+)' \}/g,
      ),
    ].map((m) => `${m[1]} (node ${m[2]})`);
    if (engines.length > 0)
      process.stdout.write(
        `   note: installed dependencies that ask for another Node version: ${[...new Set(engines)].join(', ')}\n`,
      );
    const sqliteDir = join(app, 'node_modules', 'better-sqlite3');
    const installedSqlite = (JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')) as { version: string })
      .version;
    const compiled = existsSync(join(sqliteDir, 'build', 'Release', 'obj.target'));
    process.stdout.write(
      `   installed in ${elapsed()}; better-sqlite3 ${installedSqlite} ${compiled ? 'compiled from source' : seeded === installedSqlite ? "from npm ci's build (prebuild cache)" : 'from a prebuilt binary'}\n`,
    );
    const installedCli = join(app, 'node_modules', '.bin', 'recouvra');
    check(
      existsSync(installedCli) && (statSync(installedCli).mode & 0o111) !== 0,
      'node_modules/.bin/recouvra is installed and executable',
    );

    process.stdout.write(`== the installed command (${elapsed()})\n`);
    // --no-install: npx must run the package just installed, never fetch one called recouvra.
    const npx = (args: string[], env: Record<string, string> = {}, timeoutMs = 60_000) =>
      run('npx', ['--no-install', 'recouvra', ...args], { cwd: app, env: childEnv(env), timeoutMs });
    const version = npx(['--version']);
    check(
      version.status === 0 && version.stdout.trim() === pkg.version,
      `recouvra --version prints ${pkg.version} (got "${version.stdout.trim()}"${version.stderr ? `, stderr: ${version.stderr.trim()}` : ''})`,
    );

    const serviceConfig = join(app, 'node_modules', 'recouvra', 'config', 'systemd', 'recouvra.yaml');
    const secrets = {
      ODOO_API_KEY: 'pack-check-odoo-key-0001',
      SMTP_PASSWORD: 'pack-check-smtp-0001',
      RECOUVRA_API_TOKEN: 'pack-check-api-token-000000000001',
    };
    const checked = npx(['config', 'check', '--config', serviceConfig], secrets);
    const checkOut = `${checked.stdout}${checked.stderr}`;
    check(
      checked.status === 0 &&
        checkOut.includes(': OK') &&
        checkOut.includes('policies: fr-b2b v1, fr-b2c v1') &&
        checkOut.includes('connections: odoo (odoo)'),
      `recouvra config check accepts the shipped service configuration${checked.status === 0 ? '' : `:\n${checkOut}`}`,
    );
    check(!Object.values(secrets).some((s) => checkOut.includes(s)), 'config check prints no secret');
    const unset = npx(['config', 'check', '--config', serviceConfig]);
    check(
      unset.status !== 0 && `${unset.stdout}${unset.stderr}`.includes('ODOO_API_KEY is not set'),
      'config check names a missing environment variable and exits non-zero',
    );

    const evaluated = npx(['evaluate', '--sample']);
    const cases = /Evaluated (\d+) case\(s\)/.exec(evaluated.stdout);
    check(
      evaluated.status === 0 && cases !== null && Number(cases[1]) > 0 && evaluated.stdout.includes('€'),
      `recouvra evaluate --sample evaluates the bundled portfolio${cases ? ` (${cases[1]} cases)` : `:\n${evaluated.stdout}${evaluated.stderr}`}`,
    );

    // The daemon needs a configuration; without one it points to the demo and starts nothing.
    const bare = npx(['run']);
    check(
      bare.status === 1 && bare.stderr.includes('recouvra demo') && !existsSync(join(app, 'data')),
      `recouvra run without --config exits 1, points to recouvra demo and starts nothing (exit ${bare.status}${bare.status === 1 ? '' : `: ${bare.stderr.trim()}`})`,
    );

    // The daemon itself: the demo's simulators, a SQLite file, the API (fastify), one dry pass.
    const demo = join(work, 'demo');
    const dry = npx(
      ['demo', '--dry-run', '--once', '--demo-invoices', '60', '--data-dir', demo],
      { NODE_ENV: 'production' },
      180_000,
    );
    check(
      dry.status === 0 &&
        /^DRY RUN as of .*: nothing was sent\./.test(dry.stdout) &&
        readdirSync(join(demo, 'mail')).length === 0,
      `recouvra demo --dry-run --once runs the demo daemon and sends nothing${dry.status === 0 ? '' : ` (exit ${dry.status}):\n${dry.stderr.slice(-3000)}`}`,
    );
  } finally {
    if (keep) process.stdout.write(`   kept ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    process.stderr.write(`pack install check FAILED in ${elapsed()}: ${problems.length} problem(s)\n`);
    process.exitCode = 1;
  } else process.stdout.write(`pack install check passed in ${elapsed()}\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`pack install check could not run: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
