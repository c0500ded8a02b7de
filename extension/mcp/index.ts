// `mcp-lock-inspector/mcp`: what a user adds to their own MCP server to see its locks; never imports 'vscode'.
// The lock library is re-exported so one import gives a lock map and the instrumentation that shares its context.
export * from 'mcp-lock-inspector/locks';
export { instrumentMcpServer, LOCK_SNAPSHOT_URI, LOCK_LOGGER, type InstrumentOptions, type LockInstrumentation } from './instrumentMcpServer';
export { publishLockSnapshotUpdates, type ResourceUpdateNotifier } from './publishLockSnapshotUpdates';
export {
  InspectorReporter,
  type InspectorReporterOptions,
  type InspectorReporterStats,
  type LockEventSource,
} from './inspectorReporter';
export type { InspectorEvent, CallStartedEvent, CallEndedEvent } from '../contract/wireFormat';
