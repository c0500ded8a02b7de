// `watch --redis` in this process against a port where no Redis listens: a run-time failure, not a usage error.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { EXIT_CODES, parseCliArgs } from '../../../extension/cli/cliArgs';
import { runWatch, type WatchCommand } from '../../../extension/cli/watchCommand';

describe('watch --redis', () => {
  it('exits with its own code when the Redis cannot be reached, saying so under the --redis: prefix its read problems use', async () => {
    const stderr = new PassThrough();
    let said = '';
    stderr.on('data', (chunk: Buffer) => (said += chunk.toString('utf8')));
    const command = parseCliArgs(['watch', '--listen', '--redis', 'redis://127.0.0.1:1']) as WatchCommand;
    const exitCode = await runWatch(command, { stdout: new PassThrough() as unknown as NodeJS.WriteStream, stderr: stderr as unknown as NodeJS.WriteStream, env: {} });
    assert.equal(exitCode, EXIT_CODES.redisUnreachable);
    assert.notEqual(exitCode, EXIT_CODES.usage, 'the command line was right');
    assert.match(said, /^--redis: Could not connect to Redis at redis:\/\/127\.0\.0\.1:1: .+\. Start redis-server, or give the URL of a running one \(redis:\/\/host:port\)\.\n$/);
  });
});
