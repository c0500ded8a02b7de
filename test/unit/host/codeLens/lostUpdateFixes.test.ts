import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { lostUpdateFixes } from '../../../../extension/host/codeLens/lostUpdateFixes';
import { findLostUpdateRisks } from '../../../../extension/host/codeLens/raceAnalysis';
import { applyTextEdits } from '../../../support/textEdits';

const repoRoot = join(__dirname, '../../../..');

function syntaxErrors(fileName: string, text: string): string[] {
  const output = ts.transpileModule(text, { fileName, reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return (output.diagnostics ?? []).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/** Each fix of the file's one risk, applied: what it wrote, and what the analysis says of it then. */
function fixedVersions(relativePath: string): Array<{ title: string; text: string; risksAfter: number; errors: string[] }> {
  const fileName = join(repoRoot, relativePath);
  const text = readFileSync(fileName, 'utf8');
  const [risk] = findLostUpdateRisks(fileName, text);
  assert.ok(risk, `${relativePath} has a risk to fix`);
  return lostUpdateFixes(fileName, text, risk).map((fix) => {
    const fixed = applyTextEdits(text, fix.edits);
    return { title: fix.title, text: fixed, risksAfter: findLostUpdateRisks(fileName, fixed).length, errors: syntaxErrors(fileName, fixed) };
  });
}

describe('lost-update fixes', () => {
  it('wraps the seed badHandler span in withLock, taking the file’s lock map, and the atomic form moves the write up', () => {
    const [withLock, atomic] = fixedVersions('test/fixtures/seedHandlers/seedHandlers.ts');
    assert.equal(withLock.title, "Wrap in withLock('counters.requestCount')");
    assert.match(withLock.text, /return await locks\.withLock\('counters\.requestCount', async \(\) => \{\n {4}const current = counters\.requestCount;\n {4}await doWork\(\);\n {4}counters\.requestCount = current \+ 1;\n {4}return current \+ 1;\n {2}\}\);/);
    assert.doesNotMatch(withLock.text, /import \{ ResourceLockMap \}.*\n.*import \{ ResourceLockMap \}/);
    assert.match(atomic.title, /^Update, then capture/);
    assert.match(atomic.text, /const current = counters\.requestCount;\n {2}counters\.requestCount = current \+ 1;\n {2}await doWork\(\);\n {2}return current \+ 1;/);
    for (const version of [withLock, atomic]) {
      assert.equal(version.risksAfter, 0, version.title);
      assert.deepEqual(version.errors, [], version.title);
    }
  });

  it('adds the import and the lock map to a file without one, with a map key as the lock id', () => {
    const [withLock] = fixedVersions('bench/raceCorpus/racy-map-get-set.js');
    assert.match(withLock.text, /import \{ ResourceLockMap \} from 'mcp-lock-inspector\/locks';\nconst locks = new ResourceLockMap\(\);/);
    assert.match(withLock.text, /await locks\.withLock\(`balances:\$\{id\}`, async \(\) => \{/);
    assert.equal(withLock.risksAfter, 0);
    assert.deepEqual(withLock.errors, []);
  });
});
