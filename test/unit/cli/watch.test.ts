import assert from 'node:assert/strict';
import { lstat, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn } from 'node:child_process';
import type { ChromeTrace } from '../../../extension/inspector/traceExport';
import { readRecording } from '../../../extension/inspector/recording';
import { replayRecording } from '../../../extension/inspector/replayRecording';
import { EXIT_CODES } from '../../../extension/cli/cliArgs';
import { residentMb } from '../../mcp/serverProcess';
import { bundleCliAndServer, CliProcess } from './cliProcess';

// These run the bundled CLI (dist/cli.js as esbuild builds it) around the bundled MCP server (dist/server.js),
// through real processes, the real inspector socket and the official SDK client over Streamable HTTP.
describe('mcp-lock-inspector watch (bundled CLI around the bundled server)', { timeout: 180_000 }, () => {
  let bundles: Awaited<ReturnType<typeof bundleCliAndServer>>;
  before(async () => {
    bundles = await bundleCliAndServer();
  });
  after(async () => {
    await CliProcess.stopAll();
    await rm(bundles.directory, { recursive: true, force: true });
  });

  async function connectClient(url: string): Promise<Client> {
    const client = new Client({ name: 'cli-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return client;
  }

  it('watches an HTTP server under parallel SDK calls, writes a trace and a recording holding the calls, and passes --fail-on deadlock', async () => {
    const tracePath = path.join(bundles.directory, 'calls.trace.json');
    const recordPath = path.join(bundles.directory, 'calls.lockrec');
    const cli = CliProcess.start(
      bundles.cli,
      ['watch', '--trace', tracePath, '--record', recordPath, '--fail-on', 'deadlock,inversion', '--client-timeout-ms', '40', '--', process.execPath, bundles.server, '--http', '--latency-ms', '15'],
      bundles.directory,
    );
    const [, url] = await cli.waitFor(/MCP server listening at (http:\/\/\S+)/);
    await cli.waitFor(/source .* \(launched, pid \d+, connected\)/);
    const client = await connectClient(url as string);
    await Promise.all([
      ...Array.from({ length: 6 }, () => client.callTool({ name: 'deposit', arguments: { account: 'alice', amount: 10 } })),
      client.callTool({ name: 'transfer', arguments: { from: 'alice', to: 'bob', amount: 1 } }),
      client.callTool({ name: 'transfer', arguments: { from: 'bob', to: 'alice', amount: 1 } }),
    ]);
    for (let read = 0; read < 3; read += 1) await client.callTool({ name: 'get_balance', arguments: { account: 'alice' } });
    await client.close();
    const exitCode = await cli.interrupt();

    assert.equal(exitCode, EXIT_CODES.ok, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /Stopped \(Ctrl-C\)/);
    assert.match(cli.stdout, /--fail-on deadlock,inversion: none happened/);
    assert.match(cli.stdout, /^deposit\s+6\s+0\s/m, 'the summary counts the six deposit calls');
    const trace = JSON.parse(await readFile(tracePath, 'utf8')) as ChromeTrace;
    const calls = trace.traceEvents.filter((event) => event.ph === 'X' && event.cat === 'call');
    assert.equal(calls.filter((event) => event.name.startsWith('deposit')).length, 6);
    assert.equal(calls.filter((event) => event.name.startsWith('transfer')).length, 2);
    const aliceHolds = trace.traceEvents.filter((event) => event.cat === 'hold' && /alice/.test(String(trace.traceEvents.find((meta) => meta.name === 'thread_name' && meta.tid === event.tid)?.args?.name)));
    assert.ok(aliceHolds.length >= 8, `every call held alice once, got ${aliceHolds.length}`);
    assert.ok(trace.traceEvents.some((event) => event.cat === 'wait'), 'parallel deposits on one account waited');
    assert.match(cli.stdout, /Recording saved to .*calls\.lockrec: \d+ events/);
    const replayed = replayRecording(await readRecording(recordPath)).snapshot();
    assert.deepEqual(replayed.tools.map((tool) => [tool.tool, tool.calls]), [['deposit', 6], ['get_balance', 3], ['transfer', 2]]);
    assert.match(cli.stdout, /^ADVICE Parallel safety: get_balance took only read locks \(3 in 3 calls\)/m, 'the advice ends the summary');
    assert.doesNotMatch(cli.stdout, /ADVICE Parallel safety: deposit/);
    // Each deposit holds alice across a 15 ms read and a 15 ms write: past half of a 40 ms client timeout.
    assert.match(cli.stdout, /^ADVICE Timeout budget: deposit calls wait up to .* of the client's 40 ms request timeout \(--client-timeout-ms\)/m);
  });

  it('fails --fail-on deadlock on a server that deadlocks (its demo load), streaming events with --json', async () => {
    const cli = CliProcess.start(bundles.cli, ['watch', '--json', '--fail-on', 'deadlock', '--', process.execPath, bundles.server, '--demo-load'], bundles.directory);
    await cli.waitFor(/"type":"deadlock"/, 30_000);
    const exitCode = await cli.interrupt();
    assert.equal(exitCode, EXIT_CODES.lockProblem, cli.stderr);
    const events = cli.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; sourceId: string });
    assert.ok(events.length > 10 && events.every((event) => typeof event.type === 'string' && event.sourceId === 's1'));
    assert.match(cli.stderr, /--fail-on: deadlock happened \d+ time\(s\)\. Exit code 1\./);
    assert.doesNotMatch(cli.stdout, /Summary/, 'with --json, stdout carries only events');
  });

  it('--listen prints the environment, and a server started elsewhere with it shows up', async () => {
    const envFilePath = path.join(bundles.directory, 'channel.env');
    const cli = CliProcess.start(bundles.cli, ['watch', '--listen', '--write-env', envFilePath], bundles.directory);
    await cli.waitFor(/Waiting for servers/);
    assert.match(cli.stdout, /export MCP_LOCK_INSPECTOR_ADDRESS='[^']+'/);
    assert.match(cli.stdout, /export MCP_LOCK_INSPECTOR_TOKEN='[^']+'/);
    const env = Object.fromEntries((await readFile(envFilePath, 'utf8')).trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
    const server = spawn(process.execPath, [bundles.server, '--demo-load'], {
      env: { ...process.env, ...env, MCP_LOCK_INSPECTOR_LABEL: 'elsewhere' },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    try {
      await cli.waitFor(/source elsewhere \(external, pid \d+, connected\)/);
      await cli.waitFor(/WARNING /, 30_000);
    } finally {
      server.kill();
    }
    await cli.waitFor(/source elsewhere .*disconnected/);
    assert.equal(await cli.interrupt(), EXIT_CODES.ok);
  });

  it('exits 4 with the server\'s code when the server fails, and 3 with advice when it cannot start', async () => {
    const failing = CliProcess.start(bundles.cli, ['watch', '--', process.execPath, '-e', 'console.error("boom"); process.exit(7)'], bundles.directory);
    assert.equal((await failing.exited).code, EXIT_CODES.serverFailed);
    assert.match(failing.stdout, /Server exited with code 7/);
    assert.match(failing.stderr, /server\| boom/);
    const missing = CliProcess.start(bundles.cli, ['watch', '--', 'no-such-command-for-mcp-lock-inspector'], bundles.directory);
    assert.equal((await missing.exited).code, EXIT_CODES.serverDidNotStart);
    assert.match(missing.stderr, /could not start "no-such-command-for-mcp-lock-inspector": command not found\. Check the command after "--" and your PATH/);
  });

  it('explains itself with --help and refuses a bad flag with exit 2 and what to do', async () => {
    const help = CliProcess.start(bundles.cli, ['--help'], bundles.directory);
    assert.equal((await help.exited).code, 0);
    for (const option of ['watch', '--listen', '--trace', '--json', '--fail-on', 'deadlock,inversion,timeout']) assert.ok(help.stdout.includes(option), option);
    const bad = CliProcess.start(bundles.cli, ['watch', '--tarce', 'x', '--', 'node'], bundles.directory);
    assert.equal((await bad.exited).code, EXIT_CODES.usage);
    assert.match(bad.stderr, /Unknown option '--tarce'.*Run "mcp-lock-inspector --help"/);
  });

  it('--json with a reader that does not read: memory stays bounded, events beyond the buffer are dropped, counted and told on stderr', async () => {
    const fixture = path.join(__dirname, 'eventFlood.fixture.ts');
    const cli = CliProcess.start(bundles.cli, ['watch', '--json', '--', process.execPath, '--import', 'tsx', fixture], process.cwd(), { EVENTS: '300000' }, { readStdout: false });
    let peakMb = 0;
    const sampler = setInterval(() => {
      if (cli.child.exitCode === null) peakMb = Math.max(peakMb, residentMb(cli.child.pid!));
    }, 100);
    try {
      await cli.waitFor(/flood done: 300\d{3} events, 0 dropped by the reporter/, 120_000);
      await cli.waitFor(/stdout is not keeping up/, 5000);
      const exitCode = await cli.interrupt();
      assert.equal(exitCode, EXIT_CODES.ok, cli.stderr);
    } finally {
      clearInterval(sampler);
    }
    const dropped = /--json: (\d[\d,]*) events were not written: stdout did not keep up/.exec(cli.stderr);
    assert.ok(dropped && Number(dropped[1]!.replaceAll(',', '')) > 100_000, cli.stderr.slice(-2000));
    assert.ok(peakMb < 320, `peak resident memory ${peakMb.toFixed(0)} MB`);
  });

  it('--write-env creates the file fresh, readable by the user only, never through a symlink or keeping a looser mode', async () => {
    const envFilePath = path.join(bundles.directory, 'loose.env');
    await writeFile(envFilePath, 'OLD=1\n', { mode: 0o644 });
    const target = path.join(bundles.directory, 'elsewhere.txt');
    await writeFile(target, 'not yours\n', { mode: 0o644 });
    const linked = path.join(bundles.directory, 'linked.env');
    await symlink(target, linked);
    for (const file of [envFilePath, linked]) {
      const cli = CliProcess.start(bundles.cli, ['watch', '--listen', '--write-env', file], bundles.directory);
      await cli.waitFor(/Waiting for servers/);
      assert.equal(await cli.interrupt(), EXIT_CODES.ok, `${cli.stdout}\n${cli.stderr}\n${JSON.stringify(await cli.exited)}`);
      const stat = await lstat(file);
      assert.ok(stat.isFile() && !stat.isSymbolicLink(), `${file} is a plain file now`);
      assert.equal(stat.mode & 0o777, 0o600, `${file} is 0600`);
      assert.match(await readFile(file, 'utf8'), /^MCP_LOCK_INSPECTOR_ADDRESS=/);
    }
    assert.equal(await readFile(target, 'utf8'), 'not yours\n', 'the symlink target is untouched');
  });
});
