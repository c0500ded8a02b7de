import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type SourceAnalysis, analyzeSource } from '../../../../extension/host/codeLens/analyzeSource';
import { readRelativeModule } from '../../../../extension/host/codeLens/readRelativeModule';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const fixturesDir = join(repoRoot, 'test', 'fixtures', 'codeLens');

function analyzeFile(fileName: string): SourceAnalysis {
  return analyzeSource(fileName, readFileSync(fileName, 'utf8'), { readModule: readRelativeModule });
}

function analyzeFixture(name: string): SourceAnalysis {
  return analyzeFile(join(fixturesDir, name));
}

/** `tool@line` (1-based) for each registration, in source order. */
function registrationsOf(analysis: SourceAnalysis): string[] {
  return analysis.registrations.map(({ tool, kind, range }) => `${tool ?? `<${kind}>`}@${range.start.line + 1}`);
}

/** `patterns@line by tool` for each lock site. */
function lockSitesOf(analysis: SourceAnalysis): string[] {
  return analysis.lockSites.map(({ resourcePatterns, range, tool }) => `${resourcePatterns.join('+')}@${range.start.line + 1} by ${tool ?? '?'}`);
}

function sampleOf(analysis: SourceAnalysis, tool: string): unknown {
  return analysis.registrations.find((registration) => registration.tool === tool)?.sampleArguments;
}

describe('analyzeSource: McpServer registrations', () => {
  const analysis = analyzeFixture('bankServer.ts');

  it('finds registerTool and tool calls by registered name, on the line of the method name', () => {
    assert.deepEqual(registrationsOf(analysis), ['deposit@11', 'transfer@25', 'audit@38', 'get_balance@45', 'ping@49']);
    assert.deepEqual(
      analysis.registrations.map((registration) => registration.kind),
      ['registerTool', 'registerTool', 'registerTool', 'tool', 'tool'],
    );
  });

  it('builds sample arguments from literal zod shapes, plain or wrapped in z.object, honouring bounds, enums and defaults', () => {
    assert.deepEqual(sampleOf(analysis, 'deposit'), { account: 'alice', amount: 1 });
    // Two string fields get two names, so a transfer is not to itself; optional fields are left out.
    assert.deepEqual(sampleOf(analysis, 'transfer'), { from: 'alice', to: 'bob', amount: 5 });
    assert.deepEqual(sampleOf(analysis, 'get_balance'), { account: 'alice', currency: 'EUR', exact: false });
    assert.equal(sampleOf(analysis, 'audit'), undefined, 'a config without inputSchema has nothing to sample');
    assert.equal(sampleOf(analysis, 'ping'), undefined);
  });

  it('turns template literals, concatenation and id helpers into resource patterns, attributed to the enclosing tool', () => {
    assert.deepEqual(lockSitesOf(analysis), [
      'account:*@18 by deposit',
      'account:*@32 by transfer',
      'ledger@39 by audit',
      'account:all@40 by audit',
      'account:*@46 by get_balance',
    ]);
  });

  it('skips a withLock whose id is only known at run time', () => {
    assert.ok(!analysis.lockSites.some((site) => site.range.start.line + 1 === 53));
  });
});

describe('analyzeSource: awkward spellings', () => {
  it('follows aliases of the server, chained calls, constant tool names and handlers defined elsewhere', () => {
    const analysis = analyzeFixture('aliasesAndChains.ts');
    assert.deepEqual(registrationsOf(analysis), ['hot_spot@11', 'increment_counter@14', 'slow_lookup@18']);
    assert.deepEqual(sampleOf(analysis, 'increment_counter'), { by: 0 }, 'max(0) excludes the default sample 1');
    assert.deepEqual(lockSitesOf(analysis), [
      'counter@15 by increment_counter',
      'cache:*:entry@20 by slow_lookup',
      // hotSpotHandler is defined below its registration, and bumpShared is a helper it calls.
      'hot:*@24 by hot_spot',
      'shared-counter@28 by hot_spot',
    ]);
  });

  it('reads a CommonJS file on the low-level Server: switch cases and name comparisons in a tools/call handler defined below', () => {
    const analysis = analyzeFixture('lowLevelServer.js');
    assert.deepEqual(registrationsOf(analysis), ['reserve_seat@15', 'cancel_seat@17', 'list_seats@23']);
    assert.ok(analysis.registrations.every((registration) => registration.kind === 'callToolBranch'));
    assert.deepEqual(lockSitesOf(analysis), ['seat:*@16 by reserve_seat', 'seat:*+booking-log@18 by cancel_seat', 'seats@24 by list_seats']);
  });

  it('reads handler maps indexed by the tool name, and keeps a tools/call handler whose names are not literal', () => {
    const analysis = analyzeFixture('handlerMap.mjs');
    assert.deepEqual(registrationsOf(analysis), ['swap@9', 'rotate-keys@10', '<callToolHandler>@21']);
    assert.deepEqual(lockSitesOf(analysis), ['key:*:a+key:*:b@10 by rotate-keys', 'slot:*@17 by swap']);
  });

  it('finds SDK 2.x registrations (z.object schemas, tools/call by method name) and 1.x registerToolTask, with their locks', () => {
    const analysis = analyzeFixture('sdk2Server.ts');
    assert.deepEqual(registrationsOf(analysis), ['deposit@11', 'settle_batch@18', 'withdraw@40', 'reindex@57']);
    assert.deepEqual(
      analysis.registrations.map((registration) => registration.kind),
      ['registerTool', 'registerToolTask', 'callToolBranch', 'registerToolTask'],
    );
    // reindex's handler object is a const of the file, defined above its registration.
    assert.deepEqual(lockSitesOf(analysis), ['account:*@12 by deposit', 'batch:*@23 by settle_batch', 'account:*@41 by withdraw', 'index:*@51 by reindex']);
    assert.deepEqual(sampleOf(analysis, 'deposit'), { account: 'alice', amount: 1 });
  });

  it('follows handlers into methods of class instances: this file\'s (through this), an imported class made here, an instance another module exports', () => {
    const analysis = analyzeFixture('classInstances.ts');
    // The lock site inside Inventory.take is reserve's, reached through inventory.reserve() and this.take().
    assert.deepEqual(lockSitesOf(analysis), ['sku:*@15 by reserve']);
    assert.deepEqual(
      analysis.registrations.map((registration) => [registration.tool, registration.reachedLockPatterns]),
      [
        ['reserve', ['sku:*']],
        ['create_entities', ['graph:*', 'audit-log']],
      ],
    );
    // Without a module reader, only what this file shows is known.
    const alone = analyzeSource(join(fixturesDir, 'classInstances.ts'), readFileSync(join(fixturesDir, 'classInstances.ts'), 'utf8'));
    assert.deepEqual(alone.registrations.map((registration) => registration.reachedLockPatterns), [['sku:*'], undefined]);
  });

  it('reports each of several nested withLock calls at its own line', () => {
    const analysis = analyzeFixture('nestedLocks.ts');
    assert.deepEqual(lockSitesOf(analysis), ['shelf:*@4 by move_item', 'shelf:*@5 by move_item', 'item:*:meta@6 by move_item']);
  });

  it('follows imports into relative modules (namespace and named, `.js` standing for `.ts`, folder index)', () => {
    const analysis = analyzeFixture('importedHelpers.ts');
    assert.deepEqual(sampleOf(analysis, 'place_order'), { market: 'alice', quantity: 10 });
    assert.deepEqual(lockSitesOf(analysis), ['market:*+order-book@9 by place_order']);
  });

  it('leaves imported names unknown without a module reader', () => {
    const fileName = join(fixturesDir, 'importedHelpers.ts');
    const analysis = analyzeSource(fileName, readFileSync(fileName, 'utf8'));
    assert.deepEqual(sampleOf(analysis, 'place_order'), {});
    assert.deepEqual(lockSitesOf(analysis), [], 'both ids come from the other module');
  });

  it('reads a file whose only mention of a tool is registerTool (no lowercase "tool" anywhere)', () => {
    const analysis = analyzeSource('server.js', "server.registerTool('create_entities', {}, async ({ entities }) => ({ content: [] }));");
    assert.deepEqual(registrationsOf(analysis), ['create_entities@1']);
  });

  it('does not mistake unrelated calls for registrations or lock sites', () => {
    const analysis = analyzeSource(
      'other.ts',
      [
        "registerTool('free_function', () => {});", // not a method of a server
        "toolbox.tool('hammer');", // no handler
        "server.registerTool(computeName(), {}, handler);", // name not known from the source
        'server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [] }));',
        "cache.withLock('only-one-argument');",
        "switch (kind) { case 'a': break; }",
      ].join('\n'),
    );
    assert.deepEqual(analysis, { registrations: [], lockSites: [] });
  });

  it('survives syntax errors and returns what it could read', () => {
    const analysis = analyzeSource('broken.ts', "server.registerTool('half', {}, async () => {\n  withLock(`a:${x}`, async () => {");
    assert.deepEqual(registrationsOf(analysis), ['half@1']);
    assert.deepEqual(lockSitesOf(analysis), ['a:*@2 by half']);
  });
});

describe('analyzeSource: the bundled server', () => {
  it('finds every tool of the bundled server with arguments it accepts, and its account and counter locks', () => {
    const analysis = analyzeFile(join(repoRoot, 'extension', 'demoServer', 'createLockDemoServer.ts'));
    const tools = analysis.registrations.map((registration) => registration.tool);
    for (const tool of ['deposit', 'withdraw', 'get_balance', 'transfer', 'audit', 'lock_status', 'increment_counter']) assert.ok(tools.includes(tool), tool);
    assert.deepEqual(sampleOf(analysis, 'deposit'), { account: 'alice', amount: 1 });
    assert.deepEqual(sampleOf(analysis, 'transfer'), { from: 'alice', to: 'bob', amount: 1 });
    const patterns = new Set(analysis.lockSites.flatMap((site) => site.resourcePatterns));
    assert.ok(patterns.has('account:*') && patterns.has('counter:*'), [...patterns].join(', '));
    assert.ok(analysis.lockSites.every((site) => site.tool !== undefined), 'every lock site is inside a handler');
  });
});
