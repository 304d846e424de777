import type BetterSqlite3 from 'better-sqlite3';

type DatabaseConstructor = typeof BetterSqlite3;

/**
 * The better-sqlite3 build for this Node.js.
 *
 * better-sqlite3 12 is a classic addon compiled at install time; on Node 24 its statements'
 * destructors trip a Node assertion during garbage collection (node::ObjectWrap registers an
 * environment cleanup hook since Node 24) and the process aborts. better-sqlite3 13 is a
 * Node-API addon that ships prebuilt binaries and does not have that problem, but it needs
 * Node 22 or later. So: 13 (installed as the optional `better-sqlite3-napi`) on Node ≥ 22,
 * 12 on Node 20. On Node ≥ 24 a missing 13 is an error rather than a crash later.
 */
export function sqliteDriver(nodeVersion: string = process.versions.node): DatabaseConstructor {
  const major = Number(nodeVersion.split('.')[0]);
  if (major >= 22) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the build to load depends on the Node version, known at run time only
      return require('better-sqlite3-napi') as DatabaseConstructor;
    } catch (error) {
      if (major >= 24) {
        throw new Error(
          `Node ${nodeVersion} needs better-sqlite3 13 (the optional dependency better-sqlite3-napi), which is not installed: run npm ci again (${(error as Error).message})`,
          { cause: error },
        );
      }
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the build to load depends on the Node version, known at run time only
  return require('better-sqlite3') as DatabaseConstructor;
}
