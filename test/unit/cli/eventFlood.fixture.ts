// Child process of watch.test.ts: a server that reports EVENTS lock events as fast as its reporter takes them, then exits.
import { ResourceLockMap } from '../../../extension/locks';
import { InspectorReporter } from '../../../extension/mcp/inspectorReporter';

async function main(): Promise<void> {
  const locks = new ResourceLockMap({ timeoutMs: 5000 });
  const reporter = InspectorReporter.fromEnvironment(locks);
  if (!reporter) throw new Error('no inspector in the environment');
  const target = Number(process.env.EVENTS ?? 100_000);
  while (!reporter.stats().connected) await new Promise((resolve) => setTimeout(resolve, 10));
  let emitted = 0;
  locks.subscribe(() => emitted++);
  for (let call = 0; emitted < target; call++) {
    await locks.withLock(`r${call % 100}`, async () => undefined);
    // Paced to what the reporter passes on, so none are dropped on this side.
    if (call % 1000 === 0) while (reporter.stats().eventsBuffered > 20_000) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await reporter.close();
  process.stderr.write(`flood done: ${emitted} events, ${reporter.stats().eventsDropped} dropped by the reporter\n`);
}

void main();
