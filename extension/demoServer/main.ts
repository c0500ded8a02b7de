import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createLockDemoServer, LOCK_DEMO_SERVER_INFO } from './createLockDemoServer';
import { startDemoLoad, type DemoLoad } from './demoLoad';
import { CHANNEL_ENV } from '../contract/wireFormat';
import { describeReplica } from '../contract/describe';
import { InspectorReporter } from '../mcp/inspectorReporter';
import { instrumentMcpServer } from '../mcp/instrumentMcpServer';
import { parseServerArgs, SERVER_USAGE, type ServerArgs } from './serverArgs';
import { openBankState } from './openBankState';
import { serveStatelessHttp } from './serveStatelessHttp';
import { serveStreamableHttp, type HttpSession } from './serveStreamableHttp';

/** Longest the demo load waits for the inspector's first connection before it starts anyway. */
const FIRST_CONNECTION_WAIT_MS = 2000;

// The bin entry: stdout belongs to MCP in stdio mode, so everything for people goes to stderr.
async function main(): Promise<void> {
  let args: ServerArgs;
  try {
    args = parseServerArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(SERVER_USAGE);
    return;
  }

  const state = await openBankState(args, (message) => process.stderr.write(`mcp-lock-inspector-server: ${message}\n`));
  const { store, locks } = state;
  // A replica is its own source in the inspector, named after the replica unless the launcher named it.
  const env = state.replica === undefined ? process.env : { [CHANNEL_ENV.label]: describeReplica(state.replica), ...withoutEmpty(process.env) };
  const reporter = InspectorReporter.fromEnvironment(locks, { server: LOCK_DEMO_SERVER_INFO, env });
  const createSession = (sessionLabel?: string): HttpSession => {
    const server = createLockDemoServer({ store, locks });
    const instrumentation = instrumentMcpServer(server, locks, { reporter: reporter ?? null, sessionLabel });
    return { server, dispose: () => instrumentation.dispose() };
  };

  const closers: Array<() => Promise<void>> = [];
  let shuttingDown = false;
  const shutdown = async (exitCode: number): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await reporter?.close();
    await state.close();
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  if (args.http) {
    const log = (line: string): void => void process.stderr.write(`mcp-lock-inspector-server: http: ${line}\n`);
    const host = args.stateless
      ? await serveStatelessHttp({ port: args.port, allowedOrigins: args.allowedOrigins, log, createSession: () => createSession() })
      : await serveStreamableHttp({
          port: args.port,
          sessionIdleMs: args.sessionIdleMs,
          maxSessions: args.maxSessions,
          allowedOrigins: args.allowedOrigins,
          log,
          createSession: () => createSession(),
        });
    closers.push(() => host.close());
    process.stdout.write(`MCP server listening at ${host.url}\n`);
  } else {
    const session = createSession('stdio');
    const transport = new StdioServerTransport();
    closers.push(async () => {
      await session.server.close();
      session.dispose();
    });
    await session.server.connect(transport);
    // The client closing our stdin is the stdio way of saying goodbye.
    process.stdin.once('end', () => void shutdown(0));
    process.stdin.once('close', () => void shutdown(0));
  }

  if (args.demoLoad) {
    // The demo load starts with the process: let the inspector hear its first locks too.
    await reporter?.firstConnection(FIRST_CONNECTION_WAIT_MS);
    const session = createSession('demo-load');
    const load: DemoLoad = await startDemoLoad(session.server, { deadlockPair: args.demoDeadlocks });
    closers.push(async () => {
      await load.stop();
      session.dispose();
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`mcp-lock-inspector-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

/** The variables of `env` that are set to something (an empty label must not hide the replica's name). */
function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
}
