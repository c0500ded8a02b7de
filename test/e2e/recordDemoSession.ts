// Records what the views receive from a real session: the bundled demo server under its demo load, its lock
// map reporting over the real inspector channel into the real model. The e2e tests and the benchmark replay it.
import { InspectorHub } from '../../extension/inspector/inspectorHub';
import { InspectorModel } from '../../extension/inspector/inspectorModel';
import type { InspectorSnapshot, ModelChange, SourcedEvent } from '../../extension/contract/inspectorSnapshot';
import { ResourceLockMap } from '../../extension/locks';
import { LOCK_DEMO_SERVER_INFO, createLockDemoServer } from '../../extension/demoServer/createLockDemoServer';
import { startDemoLoad } from '../../extension/demoServer/demoLoad';
import { InspectorReporter } from '../../extension/mcp/inspectorReporter';
import { instrumentMcpServer } from '../../extension/mcp/instrumentMcpServer';
import { StateStore } from '../../extension/demoServer/stateStore';

/** A session as the views saw it: the model at a busy moment near the end, and every coalesced change up to it. */
export interface DemoRecording {
  readonly snapshot: InspectorSnapshot;
  readonly history: readonly SourcedEvent[];
  readonly changes: readonly ModelChange[];
}

/** How long the recorder looks for a moment when somebody waits, to end the recording on it. */
const BUSY_MOMENT_SEARCH_MS = 2000;

/** Runs the demo for `durationMs` with a short lock timeout, so timeouts and lock-order trouble show up quickly. */
export async function recordDemoSession(durationMs = 3000): Promise<DemoRecording> {
  const model = new InspectorModel();
  const changes: ModelChange[] = [];
  const unsubscribe = model.subscribe((change) => changes.push(change));
  const hub = await InspectorHub.listen({ model, logger: { info: () => undefined, warn: () => undefined } });
  const store = await StateStore.open({ latencyMs: 20 });
  const locks = new ResourceLockMap({ timeoutMs: 400, longHoldMs: 250 });
  const reporter = new InspectorReporter(locks, { address: hub.address, token: hub.token, label: 'bundled server', kind: 'launched', server: LOCK_DEMO_SERVER_INFO });
  const server = createLockDemoServer({ store, locks, exchangeServiceMs: 300 });
  const instrumentation = instrumentMcpServer(server, locks, { reporter, sessionLabel: 'demo-load' });
  const load = await startDemoLoad(server, { pauseMs: 150 });
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  for (let waitedMs = 0; model.snapshot().totals.waiting === 0 && waitedMs < BUSY_MOMENT_SEARCH_MS; waitedMs += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  model.flushChanges();
  const recording = { snapshot: model.snapshot(), history: [...model.history()], changes: [...changes] };
  await load.stop();
  instrumentation.dispose();
  await reporter.close();
  await hub.dispose();
  await store.close();
  unsubscribe();
  return recording;
}
