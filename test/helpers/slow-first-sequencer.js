// Starts the test files that take longest first, so that the two workers end together. In a fresh
// clone jest has no timings of earlier runs and orders files by size: the crash tests (about
// 100 s each, most of it waiting on their simulated clock) then started last and ran alone.
// The rest keeps jest's own order (earlier timings when it has them, else size).
const Sequencer = require('@jest/test-sequencer').default;

/** Path fragments of the slowest files, slowest first (timings of `.ci/run`). */
const SLOWEST = [
  '/test/crash/lawfirm-crash.test.ts',
  '/test/crash/lawfirm-file-drop-crash.test.ts',
  '/test/store/postgres.test.ts',
  '/test/browser/dashboard.test.ts',
  '/test/daemon/log-privacy.test.ts',
  '/test/daemon/demo-daemon.test.ts',
  '/test/crash/crash.test.ts',
  '/test/store/sqlite.test.ts',
];

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const path = test.path.split('\\').join('/');
      const i = SLOWEST.findIndex((fragment) => path.endsWith(fragment));
      return i === -1 ? SLOWEST.length : i;
    };
    // jest 30 may answer with a promise.
    return Promise.resolve(super.sort(tests)).then((ordered) => [...ordered].sort((a, b) => rank(a) - rank(b)));
  }
}

module.exports = SlowFirstSequencer;
