import { sqliteDriver } from '../../connector/store/sqlite-driver';

const napiInstalled = (() => {
  try {
    require.resolve('better-sqlite3-napi');
    return true;
  } catch {
    return false;
  }
})();

/** The driver chooses its module with require(): the test compares with the same module objects. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module names are chosen at run time, as the driver does
const load = (name: string): unknown => require(name);

describe('SQLite driver choice', () => {
  it('uses better-sqlite3 12 on Node 20', () => {
    expect(sqliteDriver('20.19.0')).toBe(load('better-sqlite3'));
  });

  it('uses the Node-API build on Node 24 when installed, and refuses to fall back to 12 otherwise', () => {
    if (napiInstalled) expect(sqliteDriver('24.1.0')).toBe(load('better-sqlite3-napi'));
    else expect(() => sqliteDriver('24.1.0')).toThrow(/needs better-sqlite3 13 .*run npm ci again/);
  });

  it('on Node 22 prefers the Node-API build and falls back to 12', () => {
    expect(sqliteDriver('22.12.0')).toBe(napiInstalled ? load('better-sqlite3-napi') : load('better-sqlite3'));
  });
});
