// Lets a child `node` process run the TypeScript sources as they are, without a dist/ build:
// `node -r ./test/helpers/ts-require.js some.ts`. Each .ts file is transpiled to CommonJS when it
// is first required, without type checking (`tsc --noEmit` does that; tsconfig sets
// isolatedModules, so file-by-file transpiling is exact). The output is cached in the temporary
// folder by content, so that the processes a test starts one after another load quickly.
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const cacheDir = join(tmpdir(), 'recouvra-ts-require');
let ts;

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const cached = join(
    cacheDir,
    `${createHash('sha256').update(filename).update('\0').update(source).digest('hex')}.js`,
  );
  let output;
  try {
    output = readFileSync(cached, 'utf8');
  } catch {
    ts ??= require('typescript');
    output = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        inlineSourceMap: true,
      },
    }).outputText;
    mkdirSync(cacheDir, { recursive: true });
    // Written aside, then renamed: a process reading the cache never sees half a file.
    const partial = `${cached}.${process.pid}`;
    writeFileSync(partial, output);
    renameSync(partial, cached);
  }
  module._compile(output, filename);
};
