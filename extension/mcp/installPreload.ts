import Module, { register } from 'node:module';
import { ResourceLockMap, trackFileSystem } from 'mcp-lock-inspector/locks';
import { CHANNEL_ENV } from '../contract/wireFormat';
import { InspectorReporter } from './inspectorReporter';
import { instrumentToolCalls } from './instrumentToolCalls';

/** Where the hook that SDK copies call lives: the global symbol registry, so any copy of the SDK, ESM or CommonJS, finds it. */
const HOOK_PROTOCOL = Symbol.for('mcp-lock-inspector.hookProtocol');
/**
 * The modules that have `Protocol`, the base of every low-level `Server` (and so of every `McpServer`), in scope and
 * among their exports: SDK 1.x's `shared/protocol.js`, and the entry of SDK 2.x's `@modelcontextprotocol/server`
 * (whose other files are bundler chunks with hashed names).
 */
const PROTOCOL_MODULE =
  /[\\/]@modelcontextprotocol[\\/](?:sdk[\\/]dist[\\/](?:esm|cjs)[\\/]shared[\\/]protocol\.js|server[\\/]dist[\\/]index\.(?:mjs|cjs))$/;

/** What a module `load` hook gets from the next hook: the module's format and source. */
interface LoadedModule {
  readonly format?: string | null;
  readonly source?: string | ArrayBuffer | ArrayBufferView | null;
}

/**
 * Appends, to an ESM copy of a `protocolModule`, the call that hands its Protocol class to the hook above. Self-contained
 * (no outer name), as it also runs in Node's module-hooks thread from its source text.
 */
function withProtocolHook<Loaded extends LoadedModule>(url: string, loaded: Loaded, protocolModule: RegExp): Loaded {
  if (loaded.format !== 'module' || !protocolModule.test(url.startsWith('file:') ? new URL(url).pathname : url)) return loaded;
  const source = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode((loaded.source ?? undefined) as Uint8Array | undefined);
  return { ...loaded, source: `${source}\n;globalThis[Symbol.for('mcp-lock-inspector.hookProtocol')]?.(Protocol);\n` };
}

/**
 * Makes every ESM module load go through withProtocolHook: in this thread with `module.registerHooks` (Node 22.15 and
 * later, where `module.register` is deprecated), else with `module.register` in Node's hooks thread, given as plain
 * JavaScript in a data: URL so that the preload stays one file.
 */
function hookEsmLoads(): void {
  const { registerHooks } = Module as unknown as {
    registerHooks?: (hooks: { load: (url: string, context: object, nextLoad: (url: string, context: object) => LoadedModule) => LoadedModule }) => void;
  };
  if (typeof registerHooks === 'function') {
    registerHooks({ load: (url, context, nextLoad) => withProtocolHook(url, nextLoad(url, context), PROTOCOL_MODULE) });
    return;
  }
  const hooksThread = `const withProtocolHook = ${withProtocolHook.toString()};
export async function load(url, context, nextLoad) { return withProtocolHook(url, await nextLoad(url, context), ${PROTOCOL_MODULE.toString()}); }`;
  register(`data:text/javascript,${encodeURIComponent(hooksThread)}`);
}

type ProtocolClass = { prototype: { connect(transport: unknown): Promise<void> } };

/**
 * The zero-code instrumentation (`node --import mcp-lock-inspector/register server.js`, or `--require`): when the
 * environment names an inspector, hooks every copy of the MCP SDK (1.x `@modelcontextprotocol/sdk`, 2.x
 * `@modelcontextprotocol/server`) the process loads, ESM or CommonJS, from any `node_modules`, so that each server's
 * tool calls run in owned, cancellable call contexts reported to the inspector (see instrumentToolCalls);
 * tracks file reads and writes for lost updates; enables source maps for their sites. Without that environment it
 * does nothing at all. Installing twice (both `--import` and `--require`) installs once.
 */
export function installPreload(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env[CHANNEL_ENV.address]) return false;
  const globals = globalThis as { [HOOK_PROTOCOL]?: (protocol: ProtocolClass) => void };
  if (globals[HOOK_PROTOCOL] !== undefined) return false;
  let reporter: InspectorReporter | undefined;
  const hookedClasses = new WeakSet<object>();
  const connectionIds = new WeakMap<object, string>();
  let connections = 0;
  globals[HOOK_PROTOCOL] = (Protocol) => {
    if (hookedClasses.has(Protocol)) return;
    hookedClasses.add(Protocol);
    const connect = Protocol.prototype.connect;
    Protocol.prototype.connect = function (this: object, transport: unknown) {
      // Clients share the Protocol base; only servers answer tools/call. With SDK 2.x's createMcpHandler, each request
      // connects a fresh server, which is instrumented like any other and leaves nothing behind.
      if (typeof (this as { getClientVersion?: unknown }).getClientVersion === 'function') {
        reporter ??= InspectorReporter.fromEnvironment(new ResourceLockMap(), { env, server: serverInfoOf(this) });
        connectionIds.set(this, String(++connections));
        const protocol = this;
        instrumentToolCalls(protocol, { reporter, sessionLabel: 'stdio', connectionId: () => connectionIds.get(protocol) });
      }
      return connect.call(this, transport);
    };
  };
  process.setSourceMapsEnabled(true);
  trackFileSystem();
  hookEsmLoads();
  hookCommonJs(globals[HOOK_PROTOCOL]);
  return true;
}

/** Hands each CommonJS copy of the SDK's Protocol class to `hook` right after its module ran. */
function hookCommonJs(hook: (protocol: ProtocolClass) => void): void {
  const extensions = (Module as unknown as { _extensions: Record<string, (module: { exports: unknown }, filename: string) => void> })._extensions;
  const loadJs = extensions['.js'];
  extensions['.js'] = function (module, filename) {
    loadJs.call(this, module, filename);
    if (!PROTOCOL_MODULE.test(filename)) return;
    const Protocol = (module.exports as { Protocol?: ProtocolClass }).Protocol;
    if (typeof Protocol === 'function') hook(Protocol);
  };
}

function serverInfoOf(server: object): { name: string; version: string } | undefined {
  const info = (server as { _serverInfo?: { name?: unknown; version?: unknown } })._serverInfo;
  return typeof info?.name === 'string' && typeof info.version === 'string' ? { name: info.name, version: info.version } : undefined;
}
