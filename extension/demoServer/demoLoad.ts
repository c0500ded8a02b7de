import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { FEES_ACCOUNT } from './createLockDemoServer';
import { sleep } from './sleep';

/** Customer accounts the demo load opens and moves money between; `alice` is the hot spot. */
export const DEMO_ACCOUNTS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] as const;

/** How hard and how randomly the demo load works. */
export interface DemoLoadOptions {
  /** Pause between two waves of parallel calls. Default 400 ms. */
  readonly pauseMs?: number;
  /** Source of randomness, for reproducible tests. Default Math.random. */
  readonly random?: () => number;
  /** Fire `charge_fee` and `refund_fee` together in every wave (opposite lock orders: averted deadlocks). Default true. */
  readonly deadlockPair?: boolean;
}

/** A running demo load. */
export interface DemoLoad {
  /** Waves of parallel calls completed so far. */
  wavesDone(): number;
  /** Finishes the current wave and disconnects. */
  stop(): Promise<void>;
}

interface PlannedCall {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/**
 * Connects an in-process SDK client to `server` and keeps firing waves of parallel tool calls, so a fresh
 * user sees contention at once: transfers between random accounts, deposits, a hot account most calls
 * touch, a counter, a deposit that calls a slow service outside its lock, and (unless `deadlockPair` is false)
 * `charge_fee` with `refund_fee` at the same moment (opposite lock orders). Failures are part of the show and are ignored.
 */
export async function startDemoLoad(server: McpServer, options: DemoLoadOptions = {}): Promise<DemoLoad> {
  const pauseMs = options.pauseMs ?? 400;
  const random = options.random ?? Math.random;
  const deadlockPair = options.deadlockPair ?? true;
  const client = new Client({ name: 'mcp-lock-inspector-demo-load', version: '0.1.0' });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);

  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const amount = (max: number): number => Math.max(1, Math.round(random() * max * 100) / 100);
  const call = (planned: PlannedCall): Promise<unknown> => client.callTool(planned).catch(() => undefined);

  await Promise.all([...DEMO_ACCOUNTS.map((account) => call({ name: 'deposit', arguments: { account, amount: 1000 } })), call({ name: 'deposit', arguments: { account: FEES_ACCOUNT, amount: 100 } })]);

  function plannedWave(): PlannedCall[] {
    const wave: PlannedCall[] = [];
    for (let index = 0; index < 4; index++) {
      const from = pick(DEMO_ACCOUNTS);
      const to = pick(DEMO_ACCOUNTS.filter((account) => account !== from));
      wave.push({ name: 'transfer', arguments: { from, to, amount: amount(50) } });
    }
    for (let index = 0; index < 3; index++) {
      wave.push({ name: 'transfer', arguments: { from: 'alice', to: pick(DEMO_ACCOUNTS.slice(1)), amount: amount(20) } });
      wave.push({ name: 'deposit', arguments: { account: 'alice', amount: amount(20) } });
    }
    wave.push({ name: 'deposit', arguments: { account: pick(DEMO_ACCOUNTS), amount: amount(100) } });
    wave.push({ name: 'increment_counter', arguments: { counter: 'visits' } });
    if (deadlockPair) {
      const customer = pick(DEMO_ACCOUNTS);
      wave.push({ name: 'charge_fee', arguments: { account: customer, amount: amount(5) } });
      wave.push({ name: 'refund_fee', arguments: { account: customer, amount: amount(5) } });
    }
    if (random() < 0.3) wave.push({ name: 'deposit_foreign', arguments: { account: pick(DEMO_ACCOUNTS), amount: amount(30), currency: 'EUR' } });
    if (random() < 0.2) wave.push({ name: 'audit', arguments: {} });
    return wave;
  }

  const stopping = new AbortController();
  let waves = 0;
  const running = (async () => {
    while (!stopping.signal.aborted) {
      await Promise.all(plannedWave().map(call));
      waves++;
      await sleep(pauseMs, stopping.signal).catch(() => undefined);
    }
  })();

  return {
    wavesDone: () => waves,
    async stop() {
      stopping.abort();
      await running;
      await client.close();
    },
  };
}
