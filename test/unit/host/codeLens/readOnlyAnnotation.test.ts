import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Client as Sdk2Client } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport as Sdk2InMemoryTransport, McpServer as Sdk2McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { analyzeSource } from '../../../../extension/host/codeLens/analyzeSource';
import { parseForEdits, readOnlyHintEdit, readOnlyHintSites } from '../../../../extension/host/codeLens/readOnlyAnnotation';
import type { WarningView } from '../../../../extension/contract/inspectorSnapshot';
import { readOnlyHintMessage } from '../../../../extension/contract/describe';
import { applyTextEdits } from '../../../support/textEdits';

const repoRoot = join(__dirname, '../../../..');

interface Fixture {
  readonly fileName: string;
  readonly text: string;
}

function fixture(relativePath: string): Fixture {
  const fileName = join(repoRoot, relativePath);
  return { fileName, text: readFileSync(fileName, 'utf8') };
}

/** The quick fix's edit for each registration the analysis finds, by tool (undefined where none is offered). */
function editsByTool({ fileName, text }: Fixture) {
  const source = parseForEdits(fileName, text);
  return new Map(analyzeSource(fileName, text).registrations.map((registration) => [registration.tool!, readOnlyHintEdit(source, registration)]));
}

/** Every offered fix applied to the text. */
function annotated(source: Fixture): Fixture {
  const edits = [...editsByTool(source).values()].filter((edit) => edit !== undefined);
  return { fileName: source.fileName, text: applyTextEdits(source.text, edits) };
}

/** The fixture's module, from its text (it imports nothing, so it loads from anywhere). */
async function load({ text }: Fixture): Promise<{ registerReadOnlyCandidates(server: unknown, zod: typeof z): void; ANNOTATABLE_TOOLS: string[] }> {
  return import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`);
}

/** tools/list as an SDK 1.x client gets it from a 1.x server the fixture text registered its tools on. */
async function listedBySdk1(source: Fixture) {
  const server = new McpServer({ name: 'read-only-fixture', version: '1.0.0' });
  (await load(source)).registerReadOnlyCandidates(server, z);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'read-only-test', version: '1.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  try {
    return new Map((await client.listTools()).tools.map((tool) => [tool.name, tool]));
  } finally {
    await client.close();
  }
}

/** The same through the 2.x SDK: its server and its client. */
async function listedBySdk2(source: Fixture) {
  const server = new Sdk2McpServer({ name: 'read-only-fixture', version: '1.0.0' });
  (await load(source)).registerReadOnlyCandidates(server, z);
  const [clientTransport, serverTransport] = Sdk2InMemoryTransport.createLinkedPair();
  const client = new Sdk2Client({ name: 'read-only-test', version: '1.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  try {
    return new Map((await client.listTools()).tools.map((tool) => [tool.name, tool]));
  } finally {
    await client.close();
  }
}

describe('the readOnlyHint quick fix', () => {
  it('annotates every SDK 1.x form (config objects inline, const or with annotations; tool() with and without description, shape, annotations), as the SDK then lists them', async () => {
    const racy = fixture('test/fixtures/codeLens/readOnlyRegistrations.mjs');
    const { ANNOTATABLE_TOOLS } = await load(racy);
    const edits = editsByTool(racy);
    assert.deepEqual([...edits].filter(([, edit]) => edit !== undefined).map(([tool]) => tool).sort(), [...ANNOTATABLE_TOOLS].sort());
    assert.equal(edits.get('already'), undefined, 'a tool annotated read-only already gets no fix');

    const before = await listedBySdk1(racy);
    assert.deepEqual(ANNOTATABLE_TOOLS.filter((tool) => before.get(tool)?.annotations?.readOnlyHint === true), []);
    const fixed = annotated(racy);
    const after = await listedBySdk1(fixed);
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'every tool still registers');
    assert.deepEqual([...after.values()].filter((tool) => tool.annotations?.readOnlyHint !== true).map((tool) => tool.name), []);
    // What was there stays: other annotations, descriptions and input schemas.
    assert.equal(after.get('find_item')?.annotations?.title, 'Find an item');
    assert.equal(after.get('stat_item')?.annotations?.openWorldHint, false);
    assert.equal(after.get('search_titles')?.annotations?.title, 'Title search');
    for (const tool of ['search_items', 'search_titles']) assert.deepEqual(Object.keys(after.get(tool)?.inputSchema.properties ?? {}), ['query'], tool);
    assert.deepEqual(Object.keys(after.get('count_items')?.inputSchema.properties ?? {}), ['prefix']);
    assert.equal(after.get('describe_store')?.description, 'Says what the store holds');

    // Written the way the code around it is: a property on its own line in a multi-line object, one list item among others.
    assert.match(fixed.text, /\n {6}inputSchema: \{ prefix: z\.string\(\) \},\n {6}annotations: \{ readOnlyHint: true \},\n {4}\},/);
    assert.match(fixed.text, /registerTool\('peek_item', \{ annotations: \{ readOnlyHint: true \} \}, async/);
    assert.match(fixed.text, /annotations: \{ readOnlyHint: true, openWorldHint: false \}/);
    assert.match(fixed.text, /server\.tool\('ping', \{ readOnlyHint: true \}, async/);
    assert.match(fixed.text, /'list_titles',\n {4}\{\},\n {4}\{ readOnlyHint: true \},\n {4}async/);
    // Once applied, nothing more is offered.
    assert.deepEqual([...editsByTool(fixed).values()].filter((edit) => edit !== undefined), []);
  });

  it('annotates SDK 2.x registerTool (z.object schemas, existing annotations), as the 2.x SDK then lists them', async () => {
    const racy = fixture('test/fixtures/codeLens/readOnlyRegistrationsSdk2.mjs');
    const { ANNOTATABLE_TOOLS } = await load(racy);
    const before = await listedBySdk2(racy);
    assert.deepEqual(ANNOTATABLE_TOOLS.filter((tool) => before.get(tool)?.annotations?.readOnlyHint === true), []);
    const after = await listedBySdk2(annotated(racy));
    assert.deepEqual(ANNOTATABLE_TOOLS.filter((tool) => after.get(tool)?.annotations?.readOnlyHint === true), ANNOTATABLE_TOOLS);
    assert.equal(after.get('statement')?.annotations?.idempotentHint, true);
    assert.deepEqual(Object.keys(after.get('balance')?.inputSchema.properties ?? {}), ['account']);
  });

  it('annotates a 1.x registerToolTask config and leaves forms it cannot read alone', () => {
    const tasks = fixture('test/fixtures/codeLens/sdk2Server.ts');
    const settle = annotated({ ...tasks, text: tasks.text });
    assert.match(settle.text, /\{ inputSchema: \{ batch: z\.string\(\) \}, annotations: \{ readOnlyHint: true \} \},/);
    const unreadable = [
      "server.registerTool('spread', { ...base }, async () => ({ content: [] }));",
      "server.registerTool('shared', sharedConfig, async () => ({ content: [] }));",
      "server.registerTool('named', { annotations: sharedAnnotations }, async () => ({ content: [] }));",
      "server.tool('unknown', 'desc', imported, async () => ({ content: [] }));",
    ].join('\n');
    assert.deepEqual([...editsByTool({ fileName: 'unreadable.js', text: unreadable }).values()], [undefined, undefined, undefined, undefined]);
  });

  it('places the advice at the registering method of each advised tool not yet annotated, reading the text only when one is advised here', () => {
    const source = fixture('test/fixtures/codeLens/readOnlyRegistrations.mjs');
    const { registrations } = analyzeSource(source.fileName, source.text);
    const advice = (tool: string): WarningView => ({ id: `advice:readOnlyHint:s1:${tool}`, kind: 'advice', advice: 'readOnlyHint', sourceId: 's1', atMs: 1, tool, message: readOnlyHintMessage(tool, 5, 5) });
    const coarse: WarningView = { id: 'advice:granularity:s1:db', kind: 'advice', advice: 'granularity', sourceId: 's1', atMs: 1, resource: 'db', message: 'coarse' };
    let reads = 0;
    const text = () => {
      reads++;
      return source.text;
    };
    assert.deepEqual(readOnlyHintSites(source.fileName, text, registrations, [coarse, advice('not_here')]), []);
    assert.equal(reads, 0);
    const sites = readOnlyHintSites(source.fileName, text, registrations, [advice('peek_item'), advice('ping'), advice('already'), coarse]);
    assert.equal(reads, 1);
    const lines = source.text.split('\n');
    assert.deepEqual(
      sites.map((site) => [site.registration.tool, lines[site.range.start.line]!.slice(site.range.start.character, site.range.end.character), site.message]),
      [
        ['peek_item', 'registerTool', readOnlyHintMessage('peek_item', 5, 5)],
        ['ping', 'tool', readOnlyHintMessage('ping', 5, 5)],
      ],
    );
  });
});
