import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_SESSIONS, DEMO_LATENCY_MS, parseServerArgs } from '../../../extension/demoServer/serverArgs';

describe('parseServerArgs', () => {
  it('defaults to stdio, memory state, no latency, a 5 s lock timeout', () => {
    assert.deepEqual(parseServerArgs([]), { help: false, http: false, port: 0, latencyMs: 0, timeoutMs: 5000, demoLoad: false, demoDeadlocks: true, sessionIdleMs: 1_800_000, maxSessions: DEFAULT_MAX_SESSIONS, allowedOrigins: [], stateless: false });
  });

  it('reads every option', () => {
    const args = parseServerArgs(['--http', '--port', '8123', '--data-dir', 'state', '--latency-ms', '15', '--timeout-ms', '250', '--demo-load', '--session-idle-ms', '5000', '--max-sessions', '20', '--allow-origin', 'http://localhost:6274', '--allow-origin', 'https://app.example/']);
    assert.deepEqual(args, { help: false, http: true, port: 8123, dataDir: 'state', latencyMs: 15, timeoutMs: 250, demoLoad: true, demoDeadlocks: true, sessionIdleMs: 5000, maxSessions: 20, allowedOrigins: ['http://localhost:6274', 'https://app.example'], stateless: false });
  });

  it('reads the replica options', () => {
    const args = parseServerArgs(['--http', '--stateless', '--redis', 'redis://127.0.0.1:6390', '--replica', 'b']);
    assert.deepEqual([args.redis, args.replica, args.stateless], ['redis://127.0.0.1:6390', 'b', true]);
  });

  it('gives the demo load some storage latency unless told otherwise', () => {
    assert.equal(parseServerArgs(['--demo-load']).latencyMs, DEMO_LATENCY_MS);
    assert.equal(parseServerArgs(['--demo-load', '--latency-ms', '0']).latencyMs, 0);
  });

  for (const [argv, message] of [
    [['--bogus'], /Unknown option '--bogus'.*--help/],
    [['--port', '80'], /--port needs --http/],
    [['--http', '--port', 'eighty'], /--port must be a whole number from 0 to 65535, got "eighty"/],
    [['--latency-ms=-3'], /--latency-ms must be a whole number/],
    [['--timeout-ms', '0'], /--timeout-ms must be a whole number from 1/],
    [['--data-dir', ' '], /--data-dir needs a folder path/],
    [['positional'], /Unexpected argument 'positional'/],
    [['--stateless'], /--stateless needs --http/],
    [['--max-sessions', '5'], /--max-sessions needs --http/],
    [['--http', '--max-sessions', '0'], /--max-sessions must be a whole number from 1 to 100000/],
    [['--http', '--stateless', '--max-sessions', '5'], /--max-sessions and --stateless exclude each other/],
    [['--http', '--allow-origin', 'localhost:6274'], /--allow-origin needs an origin such as http:\/\/localhost:6274/],
    [['--http', '--allow-origin', 'http://localhost:6274/app'], /--allow-origin needs an origin/],
    [['--http', '--allow-origin', '*'], /--allow-origin needs an origin/],
    [['--replica', 'a'], /--replica needs --redis URL/],
    [['--redis', 'localhost:6379'], /--redis needs a URL like redis:\/\/127\.0\.0\.1:6379, got "localhost:6379"/],
    [['--redis', 'redis://127.0.0.1:6379', '--data-dir', 'state'], /--data-dir and --redis exclude each other/],
    [['--redis', 'redis://127.0.0.1:6379', '--replica', ' '], /--replica needs a name/],
  ] as const) {
    it(`explains what is wrong with ${argv.join(' ')}`, () => {
      assert.throws(() => parseServerArgs(argv), message);
    });
  }
});
