import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * The folder holding package.json. Code runs from the sources (tests) or from dist/ (the
 * built CLI); both find the bundled data in config/ relative to this folder.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'config'))) return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the recouvra package root above ${__dirname}`);
    dir = parent;
  }
}

export function bundledPath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}
