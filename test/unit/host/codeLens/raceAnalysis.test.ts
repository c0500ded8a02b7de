import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lostUpdateFixes } from '../../../../extension/host/codeLens/lostUpdateFixes';
import { findLostUpdateRisks } from '../../../../extension/host/codeLens/raceAnalysis';
import { readRelativeModule } from '../../../../extension/host/codeLens/readRelativeModule';

const repoRoot = join(__dirname, '../../../..');
const analyze = (relativePath: string) => findLostUpdateRisks(relativePath, readFileSync(join(repoRoot, relativePath), 'utf8'));

describe('static lost-update analysis', () => {
  it("flags only the seed's badHandler, through the tool that calls it, with the read, the write and the await between", () => {
    const risks = analyze('test/fixtures/seedHandlers/seedHandlers.ts');
    assert.equal(risks.length, 1);
    const [risk] = risks;
    assert.equal(risk.tool, 'bad');
    assert.equal(risk.key, 'counters.requestCount');
    assert.equal(risk.keyKind, 'field');
    assert.equal(risk.awaitText, 'await doWork()');
    const lines = readFileSync(join(repoRoot, 'test/fixtures/seedHandlers/seedHandlers.ts'), 'utf8').split('\n');
    assert.match(lines[risk.read.start.line], /const current = counters\.requestCount;/);
    assert.match(lines[risk.write.start.line], /counters\.requestCount = current \+ 1;/);
    assert.ok(risk.span && risk.counter, 'one block holds the span, and it has the counter shape');
  });

  it('follows a low-level tools/call handler into its file reads and writes, and not into a locked one', () => {
    assert.deepEqual(analyze('test/fixtures/fileStoreServer/lowLevelServer.cjs').map((risk) => [risk.key, risk.keyKind]), [['file storeFile', 'file']]);
    assert.deepEqual(analyze('test/fixtures/fileStoreServer/serverFixed.js'), []);
  });

  it('follows a handler into the functions it imports: the fixture server\'s load/save pair in storeTools.js, fixed where addItem calls them', () => {
    const server = join(repoRoot, 'test/fixtures/fileStoreServer/server.js');
    const risks = findLostUpdateRisks(server, readFileSync(server, 'utf8'), readRelativeModule);
    assert.deepEqual(risks.map((risk) => [risk.tool, risk.key, risk.fileName.endsWith('storeTools.js')]), [['addItem', 'file storeFile', true]]);
    const storeTools = readFileSync(risks[0]!.fileName, 'utf8');
    const lines = storeTools.split('\n');
    assert.match(lines[risks[0]!.span!.start.line]!, /const items = await loadItems\(\);/);
    assert.match(lines[risks[0]!.span!.end.line]!, /await saveItems\(items\);/);
    // items.push(item) sits between the load and the save: moving the save up would lose the item, so only withLock is offered.
    assert.deepEqual(lostUpdateFixes(risks[0]!.fileName, storeTools, risks[0]!).map((fix) => fix.title), ["Wrap in withLock('file:storeFile')"]);
    const fixed = join(repoRoot, 'test/fixtures/fileStoreServer/serverFixed.js');
    assert.deepEqual(findLostUpdateRisks(fixed, readFileSync(fixed, 'utf8'), readRelativeModule), []);
  });

  it('agrees with every label of the committed corpus (bench/raceCorpus), racy and safe', () => {
    const folder = join(repoRoot, 'bench/raceCorpus');
    const files = readdirSync(folder).filter((file) => file.endsWith('.js'));
    assert.ok(files.length >= 30);
    const wrong = files.filter((file) => {
      const text = readFileSync(join(folder, file), 'utf8');
      return text.startsWith('// label: racy') !== findLostUpdateRisks(file, text).length > 0;
    });
    assert.deepEqual(wrong, []);
  });
});
