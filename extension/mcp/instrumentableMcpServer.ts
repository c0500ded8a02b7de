// The few parts of an MCP server that the instrumentation touches, written as shapes that both SDK lines fit:
// `@modelcontextprotocol/sdk` 1.x and `@modelcontextprotocol/server` 2.x. No SDK is imported, at runtime or in the
// shipped declarations, so a user of either line installs nothing of the other.

/** JSON-RPC id of a request. */
export type McpRequestId = string | number;

/** A JSON-RPC request as the SDK's request-handler map receives it. */
export interface McpRawRequest {
  readonly method: string;
  readonly id?: McpRequestId;
  readonly params?: { readonly [key: string]: unknown; readonly _meta?: { readonly [key: string]: unknown } };
}

/** What a request handler gets besides the request: 1.x `RequestHandlerExtra` or 2.x `ServerContext`. */
export interface McpHandlerContext {
  readonly sessionId?: string;
  /** 1.x. */
  readonly requestId?: McpRequestId;
  /** 1.x. */
  readonly signal?: AbortSignal;
  /** 1.x over HTTP: the request's headers. */
  readonly requestInfo?: unknown;
  /** 2.x over HTTP. */
  readonly http?: unknown;
  /** 2.x. */
  readonly mcpReq?: {
    readonly id: McpRequestId;
    readonly signal: AbortSignal;
    readonly envelope?: { readonly [key: string]: unknown };
    /** Sends a logging message related to this request, at the level the client asked for (session or envelope). */
    readonly log?: (level: McpLoggingLevel, data: unknown, logger?: string) => Promise<void>;
  };
}

/** A handler in the SDK's request-handler map. */
export type McpRawRequestHandler = (request: McpRawRequest, context: McpHandlerContext) => Promise<{ [key: string]: unknown }>;

/** MCP logging levels, least severe first. */
export const MCP_LOGGING_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;

/** One MCP logging level. */
export type McpLoggingLevel = (typeof MCP_LOGGING_LEVELS)[number];

/** A client transport as both SDK lines define it; only its close callback is used. */
export interface McpTransport {
  onclose?: () => void;
}

/** The low-level `Server` of either SDK line (`mcpServer.server`). */
export interface InstrumentableProtocol {
  connect(transport: McpTransport): Promise<void>;
  registerCapabilities(capabilities: { resources?: { subscribe?: boolean }; logging?: object }): void;
  getClientVersion(): { name: string; version: string } | undefined;
  notification(notification: { method: string; params?: { [key: string]: unknown } }): Promise<void>;
  sendResourceUpdated(params: { uri: string }): Promise<void>;
}

/** An `McpServer` of `@modelcontextprotocol/sdk` 1.x or `@modelcontextprotocol/server` 2.x. */
export interface InstrumentableMcpServer {
  readonly server: InstrumentableProtocol;
  isConnected(): boolean;
  registerResource(
    name: string,
    uri: string,
    config: { title?: string; description?: string; mimeType?: string },
    read: (uri: URL) => Promise<{ contents: Array<{ uri: string; mimeType?: string; text: string }> }>,
  ): unknown;
}
