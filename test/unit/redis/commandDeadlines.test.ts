// The one timer that fails unanswered Redis commands, under fake timers (no Redis needed: pending commands are promises).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type FakeTimers from '@sinonjs/fake-timers';
import { CommandDeadlines } from '../../../extension/redis/commandDeadlines';
import { gate, installClock, probe } from '../../support/lockTestKit';

describe('CommandDeadlines', () => {
  let clock: FakeTimers.Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => clock.uninstall());

  it('rejects a command unanswered for the timeout, and passes answers and errors through before it', async () => {
    const deadlines = new CommandDeadlines(100);
    const answered = gate<string>();
    const failed = gate<string>();
    const hung = gate<string>();
    const results = [probe(deadlines.within(answered.promise)), probe(deadlines.within(failed.promise)), probe(deadlines.within(hung.promise))];
    answered.open('OK');
    failed.fail(new Error('NOSCRIPT'));
    await clock.tickAsync(99);
    assert.deepEqual(results.map((result) => result.state()), ['fulfilled', 'rejected', 'pending']);
    assert.equal((results[1]!.error() as Error).message, 'NOSCRIPT');
    await clock.tickAsync(1);
    assert.match(String(results[2]!.error()), /Redis did not answer within 100 ms/);
    hung.open('too late');
    await clock.tickAsync(0);
    assert.match(String(results[2]!.error()), /did not answer/, 'a late answer changes nothing');
  });

  it('keeps one timer for every pending command, due at the oldest, and none once they are answered and it fired', async () => {
    const deadlines = new CommandDeadlines(100);
    const first = gate<void>();
    const commands = [probe(deadlines.within(first.promise))];
    await clock.tickAsync(60);
    const second = gate<void>();
    commands.push(probe(deadlines.within(second.promise)));
    assert.equal(clock.countTimers(), 1);
    first.open();
    await clock.tickAsync(40);
    assert.equal(commands[1]!.state(), 'pending', 'the second is due 60 ms after the first');
    await clock.tickAsync(60);
    assert.match(String(commands[1]!.error()), /did not answer within 100 ms/);
    await clock.tickAsync(100);
    assert.equal(clock.countTimers(), 0);
  });
});
