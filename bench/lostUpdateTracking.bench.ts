// What lost-update tracking costs: per handler doing one file read and one write, against a stdio tool-call round
// trip of the unmodified file-store server (with and without the preload), and what the preload costs with no
// inspector in the environment.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { runWithLockContext, sharedStateTracker, trackFileSystem } from '../extension/locks';
import { CHANNEL_ENV } from '../extension/contract/wireFormat';
import { fileStoreServerFolder, preloadBundles } from '../test/support/fileStoreFixture';
import { startTestHub } from '../test/support/testHub';
import { bestOfRounds, printTable, timeOps } from './measure';

const ROUNDS = 5;
const HANDLER_OPS = 20_000;
const ROUND_TRIPS = 300;

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'lost-update-bench-'));
  const file = join(folder, 'store.json');
  fs.writeFileSync(file, '[]');
  const owner = { tool: 'addItem', requestId: 1 };
  // The handler shape the target speaks of: one read and one write of a small file, in a tool call's context.
  const handler = () => runWithLockContext({ owner }, () => fs.writeFileSync(file, fs.readFileSync(file, 'utf8')));
  let uninstall: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
  const handlerNs = await bestOfRounds(
    ROUNDS,
    [
      ['untracked handler', async () => (await timeOps(handler, HANDLER_OPS)).nsPerOp],
      [
        'tracked handler',
        async () => {
          uninstall = trackFileSystem();
          unsubscribe = sharedStateTracker.subscribe(() => undefined);
          try {
            return (await timeOps(handler, HANDLER_OPS)).nsPerOp;
          } finally {
            unsubscribe();
            uninstall();
          }
        },
      ],
    ],
    'lower',
  );

  const [serverFolder, preload, hub] = await Promise.all([fileStoreServerFolder(), preloadBundles(), startTestHub()]);
  const roundTrip = async (nodeArgs: readonly string[], env: Record<string, string>): Promise<number> => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...nodeArgs, 'server.js'],
      cwd: serverFolder,
      env: { PATH: process.env['PATH'] ?? '', STORE_FILE: join(folder, `round-trip-${Math.random()}.json`), STORAGE_DELAY_MS: '0', ...env },
    });
    const client = new Client({ name: 'bench', version: '1.0.0' });
    await client.connect(transport);
    try {
      return (await timeOps(() => client.callTool({ name: 'addItem', arguments: { item: 'x' } }), ROUND_TRIPS, 50)).nsPerOp / 1000;
    } finally {
      await client.close();
    }
  };
  const inspectorEnv = { [CHANNEL_ENV.address]: hub.address, [CHANNEL_ENV.token]: 'bench' };
  const roundTripUs = await bestOfRounds(
    ROUNDS,
    [
      ['round trip, no preload', () => roundTrip([], {})],
      ['round trip, preload, no inspector', () => roundTrip(['--import', preload.esm], {})],
      ['round trip, preload, inspector', () => roundTrip(['--import', preload.esm], inspectorEnv)],
    ],
    'lower',
  );
  const startupMs = (args: readonly string[]) => {
    const startedNs = process.hrtime.bigint();
    spawnSync(process.execPath, [...args, '-e', '0']);
    return Number(process.hrtime.bigint() - startedNs) / 1e6;
  };
  // Any --import starts Node's ES module loader; the empty module shows that part of the cost, which is not ours.
  const emptyModule = join(folder, 'empty.mjs');
  fs.writeFileSync(emptyModule, '');
  const startup = await bestOfRounds(
    10,
    [
      ['node start, no preload', async () => startupMs([])],
      ['node start, --import of an empty module', async () => startupMs(['--import', emptyModule])],
      ['node start, preload, no inspector', async () => startupMs(['--import', preload.esm])],
    ],
    'lower',
  );
  await hub.dispose();
  rmSync(folder, { recursive: true, force: true });

  const trackingUs = (handlerNs.get('tracked handler')! - handlerNs.get('untracked handler')!) / 1000;
  const untrackedRoundTrip = roundTripUs.get('round trip, no preload')!;
  printTable('Tracking one read + one write (best of 5 rounds)', [
    { label: 'untracked handler', value: handlerNs.get('untracked handler')! / 1000, unit: 'us' },
    { label: 'tracked handler', value: handlerNs.get('tracked handler')! / 1000, unit: 'us', versus: 'untracked handler' },
    { label: 'tracking cost', value: trackingUs, unit: 'us', note: `${((trackingUs / untrackedRoundTrip) * 100).toFixed(1)}% of a stdio round trip (target <= 5%)` },
  ]);
  printTable('Stdio tool-call round trip of the file-store server (load, add, save)', [
    { label: 'round trip, no preload', value: untrackedRoundTrip, unit: 'us' },
    { label: 'round trip, preload, no inspector', value: roundTripUs.get('round trip, preload, no inspector')!, unit: 'us', versus: 'round trip, no preload', target: '<= 1.05' },
    { label: 'round trip, preload, inspector', value: roundTripUs.get('round trip, preload, inspector')!, unit: 'us', versus: 'round trip, no preload', target: '<= 1.05' },
  ]);
  printTable('Process start (best of 10)', [
    { label: 'node start, no preload', value: startup.get('node start, no preload')!, unit: 'ms' },
    { label: 'node start, --import of an empty module', value: startup.get('node start, --import of an empty module')!, unit: 'ms', versus: 'node start, no preload' },
    { label: 'node start, preload, no inspector', value: startup.get('node start, preload, no inspector')!, unit: 'ms', versus: 'node start, --import of an empty module', target: '<= 1.05' },
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
