import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError, ProtocolErrorCode, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { describeParallelCallsOutcome, MAX_DISTINCT_ERRORS, runParallelToolCalls, toolErrorCode, validateParallelCallsRequest } from '../../../../extension/host/client/parallelToolCalls';

type CallTool = (params: { name: string; arguments?: Record<string, unknown> }, options?: { signal?: AbortSignal }) => Promise<Record<string, unknown>>;

/** A client whose calls wait until released, recording how many were in flight at once. */
function gatedClient(outcomeOf: (index: number) => Record<string, unknown> | Error) {
  let inFlight = 0;
  let maxInFlight = 0;
  let started = 0;
  const releases: Array<() => void> = [];
  const callTool: CallTool = (_params, options) => {
    const index = started++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise((resolve, reject) => {
      const settle = () => {
        inFlight--;
        const outcome = outcomeOf(index);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      options?.signal?.addEventListener('abort', () => {
        inFlight--;
        reject(options.signal!.reason);
      });
      releases.push(settle);
    });
  };
  return {
    client: { callTool } as never,
    get maxInFlight() { return maxInFlight; },
    get started() { return started; },
    releaseAll: async () => {
      while (releases.length || inFlight) {
        releases.splice(0).forEach((release) => release());
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

test('keeps at most `concurrency` calls in flight and counts outcomes by code', async () => {
  const gate = gatedClient((index) =>
    index % 4 === 0
      ? { isError: true, content: [{ type: 'text', text: 'E_LOCK_TIMEOUT: waited 5000 ms for "a"' }] }
      : index % 4 === 1
        ? new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out')
        : index % 4 === 2
          ? new ProtocolError(ProtocolErrorCode.InvalidParams, 'no such tool')
          : { content: [] },
  );
  const running = runParallelToolCalls(gate.client, { tool: 'transfer', arguments: {}, count: 12, concurrency: 4 });
  await gate.releaseAll();
  const outcome = await running;
  assert.equal(gate.maxInFlight, 4);
  assert.deepEqual(
    { ok: outcome.ok, errors: outcome.errors, cancelled: outcome.cancelled, byErrorCode: outcome.byErrorCode },
    { ok: 3, errors: 9, cancelled: 0, byErrorCode: { E_LOCK_TIMEOUT: 3, RequestTimeout: 3, InvalidParams: 3 } },
  );
});

test('an abort cancels the calls in flight and starts no more', async () => {
  const gate = gatedClient(() => ({ content: [] }));
  const controller = new AbortController();
  const running = runParallelToolCalls(gate.client, { tool: 'slow', arguments: {}, count: 10, concurrency: 3, signal: controller.signal });
  await new Promise((resolve) => setImmediate(resolve));
  controller.abort();
  const outcome = await running;
  assert.equal(gate.started, 3);
  assert.deepEqual([outcome.ok, outcome.errors, outcome.cancelled], [0, 0, 10]);
});

test('reports each settled call for progress', async () => {
  const gate = gatedClient(() => ({ content: [] }));
  const reports: string[] = [];
  const running = runParallelToolCalls(gate.client, {
    tool: 'read', arguments: { id: 'a' }, count: 3, concurrency: 10,
    onSettled: (settled, total) => reports.push(`${settled}/${total}`),
  });
  await gate.releaseAll();
  await running;
  assert.deepEqual(reports, ['1/3', '2/3', '3/3']);
});

test('prefers a structured error code over the text', () => {
  assert.equal(toolErrorCode({ isError: true, structuredContent: { code: 'E_DEADLOCK' }, content: [{ type: 'text', text: 'E_OTHER' }] }), 'E_DEADLOCK');
  assert.equal(toolErrorCode({ isError: true, content: [{ type: 'text', text: 'no code here' }] }), 'toolError');
});

test('rejects bad requests with a message that says what to change', () => {
  assert.throws(() => validateParallelCallsRequest({ tool: '', arguments: {}, count: 1, concurrency: 1 }), /tool name/);
  assert.throws(() => validateParallelCallsRequest({ tool: 't', arguments: [] as never, count: 1, concurrency: 1 }), /JSON object/);
  assert.throws(() => validateParallelCallsRequest({ tool: 't', arguments: {}, count: 0, concurrency: 1 }), /count must be/);
  assert.throws(() => validateParallelCallsRequest({ tool: 't', arguments: {}, count: 2, concurrency: 1.5 }), /concurrency must be/);
});

test('keeps the first distinct error texts with their counts, and the description gives them as the reason', async () => {
  const texts = ['Unknown account "a": deposit to it first.', 'Insufficient funds in "b"\nmore detail', 'three', 'four', 'five'];
  const gate = gatedClient((index) =>
    index < 6 ? { isError: true, content: [{ type: 'text', text: texts[0] }] } : index < 8 ? { isError: true, content: [{ type: 'text', text: texts[index - 5] }] } : index < 10 ? new Error(texts[index - 5]) : { content: [] },
  );
  const running = runParallelToolCalls(gate.client, { tool: 'transfer', arguments: {}, count: 12, concurrency: 1 });
  await gate.releaseAll();
  const outcome = await running;
  assert.equal(outcome.firstErrors.length, MAX_DISTINCT_ERRORS);
  assert.deepEqual(outcome.firstErrors, [
    { code: 'toolError', message: texts[0], count: 6 },
    { code: 'toolError', message: 'Insufficient funds in "b"', count: 1 },
    { code: 'toolError', message: 'three', count: 1 },
  ]);
  assert.equal(outcome.errors, 10);
  assert.match(
    describeParallelCallsOutcome('transfer', outcome),
    /^transfer: 2 ok, 10 failed \(toolError 8, Error 2\), 0 cancelled in \d+\.\d s\. Failed with: 6× "Unknown account "a": deposit to it first\."; 1× "Insufficient funds in "b""; 1× "three"$/,
  );
});

test('an outcome without failures names no reason', () => {
  assert.equal(describeParallelCallsOutcome('deposit', { ok: 3, errors: 0, cancelled: 0, byErrorCode: {}, firstErrors: [], durationMs: 1200 }), 'deposit: 3 ok, 0 failed, 0 cancelled in 1.2 s');
});
