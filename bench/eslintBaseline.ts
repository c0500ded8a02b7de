import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/** The ESLint version measured against: its `require-atomic-updates` rule is the static anchor for race detection. */
export const ESLINT_VERSION = '10.15.0';

/** What the bench needs of ESLint's Linter. */
export interface EslintLinter {
  verify(code: string, config: readonly object[], fileName?: string): Array<{ ruleId: string | null; line: number; message: string }>;
}

/**
 * ESLint installed on first use into .cache/ (a measuring baseline, not a dependency of the project), from the
 * registry or npm's cache, then loaded from there.
 */
export function loadEslint(): EslintLinter {
  const folder = resolve(__dirname, '..', '.cache/bench', `eslint-${ESLINT_VERSION}`);
  if (!existsSync(join(folder, 'node_modules/eslint/package.json'))) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ private: true, dependencies: { eslint: ESLINT_VERSION } }));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error'], { cwd: folder, stdio: 'inherit' });
  }
  const { Linter } = createRequire(join(folder, 'package.json'))('eslint') as { Linter: new (options: { configType: 'flat' }) => EslintLinter };
  return new Linter({ configType: 'flat' });
}
