// `npm run lint`: the formatting check, ESLint and the dependency rules at the same time, each
// one's output printed whole when it ends (in the order above), and a failure named. Run one
// after the other, a lint from cold took about 60 s on a 2-core machine, ESLint's type-aware
// rules alone about 45 s; side by side, about as long as ESLint.
import { spawn } from 'node:child_process';

const CHECKS = ['lint:format', 'lint:code', 'lint:deps'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(script) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(npm, ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (d) => output.push(d));
    child.stderr.on('data', (d) => output.push(d));
    child.on('error', (error) => resolve({ script, code: 1, output: [Buffer.from(`${error.message}\n`)], ms: 0 }));
    child.on('close', (code) => resolve({ script, code: code ?? 1, output, ms: Date.now() - started }));
  });
}

const results = await Promise.all(CHECKS.map(run));
for (const r of results) {
  process.stdout.write(`── npm run ${r.script} (${(r.ms / 1000).toFixed(1)} s)\n`);
  process.stdout.write(Buffer.concat(r.output));
}
const failed = results.filter((r) => r.code !== 0).map((r) => r.script);
if (failed.length > 0) {
  process.stderr.write(`lint failed: ${failed.map((s) => `npm run ${s}`).join(', ')} (output above)\n`);
  process.exit(1);
}
