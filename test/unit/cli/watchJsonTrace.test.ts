// `watch --listen --json` in this process, with a real reporter over the real inspector channel: every event line
// carries the owner's trace and span ids, so a lock wait joins the OpenTelemetry span of the request (issue 14).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { parseCliArgs } from '../../../extension/cli/cliArgs';
import { runWatch, type WatchCommand } from '../../../extension/cli/watchCommand';
import { ResourceLockMap } from '../../../extension/locks';
import { InspectorReporter } from '../../../extension/mcp/inspectorReporter';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** A stream that collects what is written and resolves `until(pattern)` once the text matches. */
function collecting(): { stream: NodeJS.WriteStream; text: () => string; until: (pattern: RegExp) => Promise<RegExpMatchArray> } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream;
  let text = '';
  const waiters = new Set<() => void>();
  (stream as unknown as PassThrough).on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const check of [...waiters]) check();
  });
  const until = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve) => {
      const check = () => {
        const match = text.match(pattern);
        if (!match) return;
        waiters.delete(check);
        resolve(match);
      };
      waiters.add(check);
      check();
    });
  return { stream, text: () => text, until };
}

describe('watch --json', () => {
  it("writes each event with its owner's caller, trace id and span id", async () => {
    const stdout = collecting();
    const stderr = collecting();
    const command = parseCliArgs(['watch', '--listen', '--json', '--duration', '1.5']) as WatchCommand;
    const watched = runWatch(command, { stdout: stdout.stream, stderr: stderr.stream, env: {} });
    const [, address] = await stderr.until(/MCP_LOCK_INSPECTOR_ADDRESS='([^']+)'/);
    const [, token] = await stderr.until(/MCP_LOCK_INSPECTOR_TOKEN='([^']+)'/);
    const locks = new ResourceLockMap();
    const reporter = new InspectorReporter(locks, { address: address!, token: token!, label: 'sdk 2.x server' });
    const owner = { tool: 'transfer', requestId: 1, caller: 'vscode/1.101.0', traceId: TRACE_ID, spanId: SPAN_ID };
    reporter.reportCall({ type: 'callStarted', atMs: Date.now(), owner });
    await stdout.until(/"callStarted"/);
    await locks.withLock('account:alice', () => undefined, { owner });
    await stdout.until(/"acquired"/);
    assert.equal(await watched, 0);
    await reporter.close();
    const events = stdout.text().trim().split('\n').map((line) => JSON.parse(line) as { type: string; owner?: Record<string, unknown> });
    for (const type of ['callStarted', 'acquired', 'released']) {
      const event = events.find((candidate) => candidate.type === type);
      assert.deepEqual([event?.owner?.['caller'], event?.owner?.['traceId'], event?.owner?.['spanId']], ['vscode/1.101.0', TRACE_ID, SPAN_ID], `${type} names the caller, trace and span`);
    }
  });
});
