import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import FakeTimers from '@sinonjs/fake-timers';
// @ts-expect-error tools/ are plain ES modules without declarations; this test reads one helper.
import { withHeartbeat } from '../../../tools/processes.mjs';

test('a long step says it started, that it is still going (with the time so far), and how long it took', async () => {
  const clock = FakeTimers.install({ now: 0, toFake: ['setInterval', 'clearInterval', 'Date'] });
  try {
    const lines: string[] = [];
    let finish!: () => void;
    const running = withHeartbeat('npm install code-server', () => new Promise<void>((resolve) => (finish = resolve)), { everyMs: 15_000, report: (line: string) => lines.push(line) });
    await clock.tickAsync(46_000);
    finish();
    await running;
    await clock.tickAsync(60_000);
    assert.deepEqual(lines, [
      'npm install code-server…',
      'npm install code-server: still working, 15.0 s so far',
      'npm install code-server: still working, 30.0 s so far',
      'npm install code-server: still working, 45.0 s so far',
      'npm install code-server: done in 46.0 s',
    ]);
  } finally {
    clock.uninstall();
  }
});
