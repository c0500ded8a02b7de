import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_SESSIONS } from '../../extension/demoServer/serverArgs';
import { INITIALIZE_REQUEST, openRawSession, postMcp, startHttpServer } from '../mcp/serverProcess';

const FLOOD = 6000;
// Below the cap, so the regular client's session is never the idlest when a wave arrives.
const CONCURRENCY = 50;

describe('the HTTP entry under a flood of sessions nobody closes', () => {
  it(`${FLOOD.toLocaleString('en-US')} initialize requests: memory stays bounded, at most --max-sessions stay open, a client that keeps using its session keeps it`, async () => {
    const server = await startHttpServer([]);
    try {
      const startMb = server.rssMb();
      const regular = await openRawSession(server.url);
      const samples: string[] = [];
      let peakMb = startMb;
      let afterWarmUpMb = 0;
      const startedMs = Date.now();
      for (let sent = 0; sent < FLOOD; sent += CONCURRENCY) {
        const statuses = await Promise.all(Array.from({ length: CONCURRENCY }, () => postMcp(server.url, INITIALIZE_REQUEST).then(async (response) => (await response.text(), response.status))));
        assert.ok(statuses.every((status) => status === 200), 'idle sessions make room for new ones');
        // A client in use is recent, so the idlest ones go first: it keeps its session throughout.
        assert.equal((await regular.post({ jsonrpc: '2.0', id: sent + 2, method: 'ping' })).status, 200, `the regular session after ${sent + CONCURRENCY}`);
        const nowMb = server.rssMb();
        peakMb = Math.max(peakMb, nowMb);
        if (sent + CONCURRENCY === 2000) afterWarmUpMb = nowMb;
        if ((sent + CONCURRENCY) % 2000 === 0) samples.push(`${(sent + CONCURRENCY).toLocaleString('en-US')}: ${nowMb.toFixed(0)} MB`);
      }
      const endMb = server.rssMb();
      console.log(
        `session flood: ${FLOOD.toLocaleString('en-US')} initialize in ${((Date.now() - startedMs) / 1000).toFixed(1)} s with the default --max-sessions ${DEFAULT_MAX_SESSIONS}: ` +
          `resident ${startMb.toFixed(0)} MB at start, ${samples.join(', ')}, peak ${peakMb.toFixed(0)} MB`,
      );
      assert.ok(endMb - afterWarmUpMb < 100, `grew ${(endMb - afterWarmUpMb).toFixed(0)} MB over the last 4,000 sessions`);
      assert.ok(peakMb < 600, `peak ${peakMb.toFixed(0)} MB`);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
