// Child process of seedRegressions.test.ts: contended calls with timeouts, a subscriber and a long hold, then
// prints when the last call finished and when the process exited.
import { ResourceLockMap } from '../../../extension/locks';

async function main(): Promise<void> {
  const locks = new ResourceLockMap({ timeoutMs: 5000, longHoldMs: 1000 });
  locks.subscribe(() => {});
  const work = () => new Promise<void>((resolve) => setTimeout(resolve, 5));
  await Promise.all(Array.from({ length: 20 }, (_, index) => locks.withLock(`account:${index % 3}`, work)));
  const lastCallDoneMs = performance.now();
  process.on('exit', () => {
    process.stdout.write(JSON.stringify({ lastCallDoneMs, exitMs: performance.now() }));
  });
}

void main();
