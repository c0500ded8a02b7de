import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliUsageError, parseCliArgs } from '../../../extension/cli/cliArgs';

describe('parseCliArgs', () => {
  it('reads watch with a server command after --, keeping the server\'s own flags for it', () => {
    const command = parseCliArgs(['watch', '--trace', 'out.json', '--record', 'session.lockrec', '--fail-on', 'deadlock, timeout', '--json', '--', 'node', 'server.js', '--trace', '--help']);
    assert.deepEqual(command, {
      kind: 'watch',
      serverCommand: ['node', 'server.js', '--trace', '--help'],
      label: undefined,
      tracePath: 'out.json',
      recordPath: 'session.lockrec',
      json: true,
      failOn: ['deadlock', 'timeout'],
      durationMs: undefined,
      maxEvents: 50_000,
      clientTimeoutMs: undefined,
      envFilePath: undefined,
      preload: true,
      redisUrl: undefined,
    });
    assert.deepEqual(parseCliArgs(['run', '--label', 'store', '--no-preload', '--', 'node', 'server.js']), { kind: 'run', serverCommand: ['node', 'server.js'], label: 'store', preload: false });
  });

  it('reads --listen with --duration, --label, --max-events, --write-env and --client-timeout-ms', () => {
    const command = parseCliArgs(['watch', '--listen', '--duration', '2.5', '--label', 'ci', '--max-events', '1000', '--write-env', 'ci.env', '--client-timeout-ms', '30000']);
    assert.equal(command.kind, 'watch');
    if (command.kind !== 'watch') return;
    assert.equal(command.serverCommand, undefined);
    assert.equal(command.durationMs, 2500);
    assert.equal(command.maxEvents, 1000);
    assert.equal(command.label, 'ci');
    assert.equal(command.envFilePath, 'ci.env');
    assert.equal(command.clientTimeoutMs, 30_000);
  });

  it('reads --redis URL, and refuses what is not a redis:// URL saying what to give', () => {
    const command = parseCliArgs(['watch', '--listen', '--redis', 'redis://127.0.0.1:6380']);
    assert.equal(command.kind === 'watch' && command.redisUrl, 'redis://127.0.0.1:6380');
    assert.throws(() => parseCliArgs(['watch', '--listen', '--redis', 'http://127.0.0.1:6379']), (error: Error) => error instanceof CliUsageError && /--redis: "http:\/\/127.0.0.1:6379" is not a redis:\/\/ or rediss:\/\/ URL; give one such as redis:\/\/127.0.0.1:6379/.test(error.message));
    assert.throws(() => parseCliArgs(['watch', '--listen', '--redis', '127.0.0.1:6379']), /--redis: "127.0.0.1:6379" is not a URL; give one such as redis:\/\/127.0.0.1:6379/);
  });

  it('answers --help and --version before anything else', () => {
    assert.deepEqual(parseCliArgs(['--help']), { kind: 'help' });
    assert.deepEqual(parseCliArgs(['watch', '-h', '--', 'x']), { kind: 'help' });
    assert.deepEqual(parseCliArgs(['--version']), { kind: 'version' });
  });

  const mistakes: [string[], RegExp][] = [
    [[], /Missing the command: use "watch"/],
    [['serve'], /Unknown command "serve"/],
    [['run'], /Give the server command after "--", e.g. run -- node server.js/],
    [['watch'], /Give the server command after "--"/],
    [['watch', '--'], /Give the server command after "--"/],
    [['watch', 'node', 'server.js'], /Unexpected "node"\. Put the server command after "--"/],
    [['watch', '--listen', '--', 'node'], /either --listen or a server command/],
    [['watch', '--fail-on', 'deadlok', '--', 'x'], /unknown condition "deadlok"; choose from deadlock, inversion, timeout, longHold/],
    [['watch', '--fail-on', ',', '--', 'x'], /--fail-on needs a list/],
    [['watch', '--duration', '0', '--', 'x'], /--duration needs a positive number, got "0"/],
    [['watch', '--max-events', '1.5', '--', 'x'], /--max-events needs a whole number/],
    [['watch', '--client-timeout-ms', '0', '--', 'x'], /--client-timeout-ms needs a positive number, got "0"/],
    [['watch', '--write-env', 'f', '--', 'x'], /--write-env only makes sense with --listen/],
    [['watch', '--bogus', '--', 'x'], /Unknown option '--bogus'/],
  ];
  for (const [argv, message] of mistakes) {
    it(`refuses ${JSON.stringify(argv)} saying what to do`, () => {
      assert.throws(() => parseCliArgs(argv), (error: unknown) => {
        assert.ok(error instanceof CliUsageError);
        assert.match(error.message, message);
        assert.match(error.message, /Run "mcp-lock-inspector --help" for the options\.$/);
        return true;
      });
    });
  }
});
