// The demo load of `npm start -- --replicas N`, sent through the load balancer with the official SDK client, so calls
// on the same accounts land on different replicas: waves of parallel transfers, deposits, and the opposite-order
// pair (charge_fee, refund_fee) that the cross-replica deadlock detection refuses.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const ACCOUNTS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const WAVE_EVERY_MS = 400;

/** Starts firing waves at `url` until `stop()`; resolves once the accounts are open. */
export async function startBalancedDemoLoad(url) {
  const client = new Client({ name: 'balanced-demo-load', version: '0.1.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const call = (name, args) => client.callTool({ name, arguments: args }).catch(() => undefined);
  for (const account of [...ACCOUNTS, 'fees']) await call('deposit', { account, amount: 1000 });
  let wave = 0;
  let stopped = false;
  const fireWave = async () => {
    wave++;
    const calls = ACCOUNTS.map((from, index) => call('transfer', { from, to: ACCOUNTS[(index + wave) % ACCOUNTS.length], amount: 1 }));
    calls.push(call('deposit', { account: 'alice', amount: 1 }), call('withdraw', { account: 'alice', amount: 1 }));
    if (wave % 3 === 0) calls.push(call('charge_fee', { account: 'bob', amount: 1 }), call('refund_fee', { account: 'bob', amount: 1 }));
    await Promise.all(calls);
  };
  const loop = (async () => {
    while (!stopped) await Promise.all([fireWave(), new Promise((resolve) => setTimeout(resolve, WAVE_EVERY_MS))]);
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await client.close();
    },
  };
}
