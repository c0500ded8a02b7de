import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CHANNEL_ENV } from '../../../extension/contract/wireFormat';
import { startTestHub } from '../../support/testHub';

const FIXTURE = join(__dirname, 'promptExit.fixture.ts');

// A stdio server that answers one call and exits at once must still deliver that call's last events: without them
// `watch --fail-on deadlock` could miss a deadlock in the last moments of a CI run.
describe('a stdio server that answers and exits at once', () => {
  for (const [mode, sessions] of [['exit', 5], ['natural', 3]] as const) {
    it(`delivers its last released and callEnded events (${mode === 'exit' ? 'process.exit on stdin end' : 'exiting when its work runs out'})`, async () => {
      let delivered = 0;
      for (let session = 0; session < sessions; session++) {
        const hub = await startTestHub();
        try {
          const client = new Client({ name: 'prompt-exit-test', version: '1.0.0' });
          const env = { ...(process.env as Record<string, string>), [CHANNEL_ENV.address]: hub.address, [CHANNEL_ENV.token]: 't', EXIT_MODE: mode };
          await client.connect(new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', FIXTURE], env, stderr: 'inherit' }));
          await client.callTool({ name: 'bump', arguments: { key: `k${session}` } });
          await client.close();
          const complete = () => ['released', 'callEnded'].every((type) => hub.events().some((event) => event.type === type));
          await hub.waitFor(complete, 'the last events', 3000).catch(() => undefined);
          if (complete()) delivered++;
        } finally {
          await hub.dispose();
        }
      }
      assert.equal(delivered, sessions, `${delivered} of ${sessions} short sessions delivered their call's last events`);
    });
  }
});
