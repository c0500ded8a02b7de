// Command ids without 'vscode', so plain-Node modules (lens content, view logic) share the one list.

/**
 * Every command of the extension: ids for scripts, keybindings and tests. Run from code, each takes an
 * optional argument object, then asks nothing, and resolves with a result:
 * - `startServer()`, `stopServer()`, `restartServer()` -> ServerInfo `{ state, pid?, error? }`
 * - `showTimeline({ tool?, resource?, sourceId?, onlyContended? })`
 * - `runParallelCalls({ tool, arguments?, count?, concurrency?, timeoutMs? })` -> ParallelCallsOutcome `{ ok, errors, cancelled, byErrorCode, durationMs }`
 * - `exportTrace({ path })` -> the path written
 * - `clearHistory()` -> `{ clearedEvents }`
 * - `debugServer({ port? })` -> DebugServerInfo `{ sessionName, url }`
 * - `saveRecording({ path })` -> the path written; `openRecording({ path })` -> `{ path, events, sources, recordedAtMs }`; `showLive()`
 * - `showStateAt({ atMs? })` -> the InspectorSnapshot the sidebar shows at that instant (no atMs: the latest again)
 * Commands that need a running server resolve with undefined and offer to start it when it is not running.
 */
export const COMMANDS = {
  startServer: 'lockInspector.startServer',
  stopServer: 'lockInspector.stopServer',
  restartServer: 'lockInspector.restartServer',
  showTimeline: 'lockInspector.showTimeline',
  runParallelCalls: 'lockInspector.runParallelCalls',
  exportTrace: 'lockInspector.exportTrace',
  clearHistory: 'lockInspector.clearHistory',
  debugServer: 'lockInspector.debugServer',
  saveRecording: 'lockInspector.saveRecording',
  openRecording: 'lockInspector.openRecording',
  /** Back to the live model after Open Recording. */
  showLive: 'lockInspector.showLive',
  /** The time cursor: the timeline's selection puts it on an event, Escape takes it away. */
  showStateAt: 'lockInspector.showStateAt',
  /** `revealTool({ tool })` or `revealTool('name')`: opens the tool's registration in the workspace. */
  revealTool: 'lockInspector.revealTool',
} as const;
