import { ProtocolError, ProtocolErrorCode, SdkError, SdkErrorCode, type Client } from '@modelcontextprotocol/client';

/** What to fire: `count` calls of one tool with the same arguments, at most `concurrency` in flight. */
export interface ParallelCallsRequest {
  readonly tool: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly count: number;
  readonly concurrency: number;
  /** Per-call MCP request timeout; the SDK default when absent. */
  readonly timeoutMs?: number;
  /** Aborting it cancels the calls in flight (notifications/cancelled) and starts no more. */
  readonly signal?: AbortSignal;
  /** Called after each call settles, for progress reports. */
  readonly onSettled?: (settled: number, total: number) => void;
}

/** How the calls ended; `ok + errors + cancelled === count`. */
export interface ParallelCallsOutcome {
  readonly ok: number;
  readonly errors: number;
  readonly cancelled: number;
  /** Errors by code: the lock library's (`E_LOCK_TIMEOUT`, `E_DEADLOCK`, ...) or MCP's (`RequestTimeout`, ...). */
  readonly byErrorCode: Readonly<Record<string, number>>;
  /** The first distinct error texts, in the order they first came, each with how often it came. */
  readonly firstErrors: readonly ParallelCallError[];
  readonly durationMs: number;
}

/** One distinct reason calls failed for. */
export interface ParallelCallError {
  readonly code: string;
  readonly message: string;
  readonly count: number;
}

/** How many distinct error texts an outcome keeps; later distinct ones are only counted by code. */
export const MAX_DISTINCT_ERRORS = 3;

// A reason is for reading in a notification: its first line, cut at this length.
const MAX_ERROR_MESSAGE_LENGTH = 300;

/** Largest count accepted, so a typo cannot queue millions of calls. */
export const MAX_PARALLEL_CALLS = 10_000;

/** Checks a request's numbers and names, throwing an error that says what to change. */
export function validateParallelCallsRequest(request: Pick<ParallelCallsRequest, 'tool' | 'arguments' | 'count' | 'concurrency'>): void {
  if (typeof request.tool !== 'string' || request.tool.length === 0) {
    throw new Error('Parallel calls need a tool name: pass { tool: "<name>" }.');
  }
  if (request.arguments === null || typeof request.arguments !== 'object' || Array.isArray(request.arguments)) {
    throw new Error(`Tool arguments must be a JSON object such as {"id": "a"}, not ${JSON.stringify(request.arguments)}.`);
  }
  if (!Number.isInteger(request.count) || request.count < 1 || request.count > MAX_PARALLEL_CALLS) {
    throw new Error(`count must be a whole number from 1 to ${MAX_PARALLEL_CALLS}, not ${request.count}.`);
  }
  if (!Number.isInteger(request.concurrency) || request.concurrency < 1) {
    throw new Error(`concurrency must be a whole number of at least 1, not ${request.concurrency}.`);
  }
}

/** Fires the calls over one MCP connection and counts how they ended; never rejects for a failed call. */
export async function runParallelToolCalls(
  client: Pick<Client, 'callTool'>,
  request: ParallelCallsRequest,
): Promise<ParallelCallsOutcome> {
  validateParallelCallsRequest(request);
  const startedAtMs = performance.now();
  const byErrorCode: Record<string, number> = {};
  const firstErrors: Array<{ code: string; message: string; count: number }> = [];
  let ok = 0;
  let errors = 0;
  let cancelled = 0;
  let nextIndex = 0;

  const countError = (code: string, message: string): void => {
    errors++;
    byErrorCode[code] = (byErrorCode[code] ?? 0) + 1;
    const reason = firstLine(message);
    const seen = firstErrors.find((error) => error.code === code && error.message === reason);
    if (seen) seen.count++;
    else if (firstErrors.length < MAX_DISTINCT_ERRORS) firstErrors.push({ code, message: reason, count: 1 });
  };

  const worker = async (): Promise<void> => {
    while (nextIndex < request.count && !request.signal?.aborted) {
      nextIndex++;
      try {
        const result = await client.callTool({ name: request.tool, arguments: { ...request.arguments } }, { signal: request.signal, timeout: request.timeoutMs });
        if (result.isError) countError(toolErrorCode(result), toolResultText(result));
        else ok++;
      } catch (error) {
        if (request.signal?.aborted) cancelled++;
        else countError(thrownErrorCode(error), error instanceof Error ? error.message : String(error));
      }
      request.onSettled?.(ok + errors + cancelled, request.count);
    }
  };

  await Promise.all(Array.from({ length: Math.min(request.concurrency, request.count) }, worker));
  // Calls never started because of the abort count as cancelled too.
  cancelled += request.count - nextIndex;
  return { ok, errors, cancelled, byErrorCode, firstErrors, durationMs: performance.now() - startedAtMs };
}

/** `transfer: 18 ok, 2 failed (E_LOCK_TIMEOUT 2), 0 cancelled in 1.3 s. Failed with: 2× "Timed out ..."`. */
export function describeParallelCallsOutcome(tool: string, outcome: ParallelCallsOutcome): string {
  const codes = Object.entries(outcome.byErrorCode).map(([code, count]) => `${code} ${count}`);
  const failed = outcome.errors ? `${outcome.errors} failed${codes.length ? ` (${codes.join(', ')})` : ''}` : '0 failed';
  const summary = `${tool}: ${outcome.ok} ok, ${failed}, ${outcome.cancelled} cancelled in ${(outcome.durationMs / 1000).toFixed(1)} s`;
  if (outcome.firstErrors.length === 0) return summary;
  return `${summary}. Failed with: ${outcome.firstErrors.map(({ message, count }) => `${count}× "${message}"`).join('; ')}`;
}

/** The code of a tool result with `isError`: a `code` in its structured content, else the first `E_...` word of its text. */
export function toolErrorCode(result: Readonly<Record<string, unknown>>): string {
  const structured = result.structuredContent as { code?: unknown; errorCode?: unknown } | undefined;
  const structuredCode = structured?.code ?? structured?.errorCode;
  if (typeof structuredCode === 'string' && structuredCode) return structuredCode;
  return /\bE_[A-Z0-9_]+\b/.exec(toolResultText(result))?.[0] ?? 'toolError';
}

/** The text parts of a tool result, one per line. */
function toolResultText(result: Readonly<Record<string, unknown>>): string {
  const texts = Array.isArray(result.content)
    ? result.content.flatMap((part: { type?: unknown; text?: unknown }) => (part?.type === 'text' && typeof part.text === 'string' ? [part.text] : []))
    : [];
  return texts.join('\n');
}

function firstLine(message: string): string {
  const line = message.trim().split('\n', 1)[0] || '(no error text)';
  return line.length > MAX_ERROR_MESSAGE_LENGTH ? `${line.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…` : line;
}

/** The name of each SDK error code (`REQUEST_TIMEOUT` -> `RequestTimeout`), as outcomes report them. */
const SDK_ERROR_NAMES = new Map<string, string>(Object.entries(SdkErrorCode).map(([name, code]) => [code, name]));

function thrownErrorCode(error: unknown): string {
  if (error instanceof ProtocolError) return ProtocolErrorCode[error.code] ?? `mcp${error.code}`;
  if (error instanceof SdkError) return SDK_ERROR_NAMES.get(error.code) ?? error.code;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code) return code;
  return error instanceof Error ? error.name : 'unknown';
}
