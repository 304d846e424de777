// Preloaded (`node -r`) into a CLI process by test/cli/start-up.test.ts: when the process exits,
// the modules it loaded (the keys of require.cache, one absolute path a line) are written to the
// file RECOUVRA_LOADED_MODULES names. Without that variable it does nothing.
'use strict';
const { writeFileSync } = require('node:fs');

const file = process.env.RECOUVRA_LOADED_MODULES;
if (file) process.on('exit', () => writeFileSync(file, `${Object.keys(require.cache).join('\n')}\n`));
