import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ResourceLockMap } from '../../../extension/locks';
import type { LockEvent } from '../../../extension/contract/lockEvents';
import { createLockDemoServer } from '../../../extension/demoServer/createLockDemoServer';
import type { InspectorReporter } from '../../../extension/mcp/inspectorReporter';
import { instrumentMcpServer, type LockInstrumentation } from '../../../extension/mcp/instrumentMcpServer';
import { StateStore } from '../../../extension/demoServer/stateStore';

/** Options of a demo server wired to an SDK client in memory. */
export interface DemoHarnessOptions {
  readonly latencyMs?: number;
  /** Keeps the state in a journal there (default: memory only). */
  readonly dataDir?: string;
  readonly timeoutMs?: number;
  readonly longHoldMs?: number;
  readonly exchangeServiceMs?: number;
  readonly lockIdOf?: (resource: string) => string;
  /** Builds the reporter for the harness's lock map. */
  readonly reporter?: (locks: ResourceLockMap) => InspectorReporter;
  readonly snapshotNotifyIntervalMs?: number;
}

/** The bundled server's pieces, connected to an SDK client through InMemoryTransport. */
export interface DemoHarness {
  readonly store: StateStore;
  readonly locks: ResourceLockMap;
  readonly server: McpServer;
  readonly client: Client;
  readonly instrumentation: LockInstrumentation;
  /** Every lock event since the harness started. */
  readonly lockEvents: LockEvent[];
  call(name: string, args?: Record<string, unknown>, options?: { signal?: AbortSignal }): Promise<CallToolResult>;
  /** Text of the first content item. */
  textOf(result: CallToolResult): string;
  close(): Promise<void>;
}

/** Builds the demo server over a memory store and connects a client to it. */
export async function startDemoHarness(options: DemoHarnessOptions = {}): Promise<DemoHarness> {
  const store = await StateStore.open({ latencyMs: options.latencyMs ?? 0, dataDir: options.dataDir });
  const locks = new ResourceLockMap({ timeoutMs: options.timeoutMs ?? 5000, longHoldMs: options.longHoldMs ?? 1000 });
  const lockEvents: LockEvent[] = [];
  const unsubscribe = locks.subscribe((event) => lockEvents.push(event));
  const server = createLockDemoServer({ store, locks, exchangeServiceMs: options.exchangeServiceMs ?? 0, lockIdOf: options.lockIdOf });
  const instrumentation = instrumentMcpServer(server, locks, {
    reporter: options.reporter?.(locks) ?? null,
    sessionLabel: 'memory',
    snapshotNotifyIntervalMs: options.snapshotNotifyIntervalMs,
  });
  const client = new Client({ name: 'unit-test', version: '1.0.0' });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    store,
    locks,
    server,
    client,
    instrumentation,
    lockEvents,
    call: (name, args = {}, callOptions = {}) => client.callTool({ name, arguments: args }, undefined, callOptions) as Promise<CallToolResult>,
    textOf: (result) => (result.content[0] as { text: string }).text,
    async close() {
      unsubscribe();
      instrumentation.dispose();
      await instrumentation.reporter?.close();
      await client.close();
      await store.close();
    },
  };
}

/** Yields to the event loop until `condition` holds or `maxTurns` turns passed (no timers involved). */
export async function waitUntil(condition: () => boolean, maxTurns = 1000): Promise<void> {
  for (let turn = 0; turn < maxTurns && !condition(); turn++) await new Promise((resolve) => setImmediate(resolve));
}
