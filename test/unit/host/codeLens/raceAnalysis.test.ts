import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { lostUpdateFixes } from '../../../../extension/host/codeLens/lostUpdateFixes';
import { findLostUpdateRisks } from '../../../../extension/host/codeLens/raceAnalysis';
import { readRelativeModule } from '../../../../extension/host/codeLens/readRelativeModule';
import type { ModuleReader } from '../../../../extension/host/codeLens/sourceResolver';
import { fileStoreCodeActionFix } from '../../../support/fileStoreFixture';
import { raceCorpusCases } from '../../../support/raceCorpus';

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
  });

  it("finds nothing left in the fixture server once the code action's edits are applied, and the fixed module still parses", () => {
    const fix = fileStoreCodeActionFix();
    assert.equal(fix.file, 'storeTools.js');
    assert.match(fix.text, /^import \{ ResourceLockMap \} from 'mcp-lock-inspector\/locks';\nconst locks = new ResourceLockMap\(\);$/m);
    assert.match(fix.text, /return await locks\.withLock\('file:storeFile', async \(\) => \{\n {4}const items = await loadItems\(\);[^]*await saveItems\(items\);\n {4}return items\.length;\n {2}\}\);/);
    const server = join(repoRoot, 'test/fixtures/fileStoreServer/server.js');
    const readFixed: ModuleReader = (importer, specifier) => {
      const module = readRelativeModule(importer, specifier);
      return module && module.fileName.endsWith(fix.file) ? { fileName: module.fileName, text: fix.text } : module;
    };
    assert.deepEqual(findLostUpdateRisks(server, readFileSync(server, 'utf8'), readFixed), []);
    assert.deepEqual(ts.transpileModule(fix.text, { reportDiagnostics: true, fileName: fix.file }).diagnostics, []);
  });

  it('agrees with every label of the committed corpus (bench/raceCorpus), racy and safe, following imports in its folders', () => {
    const cases = raceCorpusCases();
    assert.ok(cases.length >= 30);
    const wrong = cases.filter((entry) => entry.racy !== findLostUpdateRisks(entry.fileName, entry.text, readRelativeModule).length > 0).map((entry) => entry.name);
    assert.deepEqual(wrong, []);
  });

  it("follows an imported class's instance into the class body in its own file, through this: the memory server's load/save pair of this.path", () => {
    const [entry] = raceCorpusCases().filter((candidate) => candidate.name === 'racy-imported-class');
    const risks = findLostUpdateRisks(entry!.fileName, entry!.text, readRelativeModule);
    assert.deepEqual(risks.map((risk) => [risk.tool, risk.key, risk.keyKind, risk.fileName.endsWith('racy-imported-class/graph.js')]), [['create_entities', 'file this.path', 'file', true]]);
    const lines = readFileSync(risks[0]!.fileName, 'utf8').split('\n');
    // The span is where createEntities calls the pair, so withLock wraps it in the class's method.
    assert.match(lines[risks[0]!.span!.start.line]!, /const graph = await this\.loadGraph\(\);/);
    assert.match(lines[risks[0]!.span!.end.line]!, /await this\.saveGraph\(graph\);/);
    // Without a module reader nothing imported is known, so nothing is flagged.
    assert.deepEqual(findLostUpdateRisks(entry!.fileName, entry!.text), []);
  });

  it('follows a module variable typed with a class and assigned at startup by a factory (the official memory server\'s shape)', () => {
    const text = [
      "import { readFile, writeFile } from 'node:fs/promises';",
      'class KnowledgeGraphManager {',
      '  constructor(private memoryFilePath: string) {}',
      "  private async loadGraph() { return JSON.parse(await readFile(this.memoryFilePath, 'utf-8')); }",
      '  private async saveGraph(graph: object) { await writeFile(this.memoryFilePath, JSON.stringify(graph)); }',
      '  async createEntities(entities: object[]) { const graph = await this.loadGraph(); graph.entities.push(...entities); await this.saveGraph(graph); return entities; }',
      '}',
      'let knowledgeGraphManager: KnowledgeGraphManager;',
      "const make = (path: string) => new KnowledgeGraphManager(path);",
      "async function main() { knowledgeGraphManager = make('memory.jsonl'); }",
      "server.registerTool('create_entities', {}, async ({ entities }) => ({ content: [], structuredContent: await knowledgeGraphManager.createEntities(entities) }));",
    ].join('\n');
    assert.deepEqual(findLostUpdateRisks('memory.ts', text).map((risk) => [risk.tool, risk.key, risk.read.start.line + 1, risk.write.start.line + 1]), [['create_entities', 'file this.memoryFilePath', 4, 5]]);
  });

  it('follows an instance that another module exports, made there from a class of a third module', () => {
    const byName = new Map(raceCorpusCases().map((candidate) => [candidate.name, candidate]));
    const keys = (name: string) => findLostUpdateRisks(byName.get(name)!.fileName, byName.get(name)!.text, readRelativeModule).map((risk) => risk.key);
    assert.deepEqual(keys('racy-imported-instance'), ['Store.items']);
    assert.deepEqual(keys('racy-imported-instance-made-elsewhere'), ['file this.file']);
    assert.deepEqual(keys('racy-imported-default-class'), ['Ledger.balances.get(account)']);
  });
});
