// Held across a slow call: a long hold names the call its holder was awaiting (file:line and share of the hold), for a
// slow helper and for fetch() to a real loopback HTTP server; a holder waiting for another lock is not a slow call.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import FakeTimers from '@sinonjs/fake-timers';
import { describeLockWarning, ResourceLockMap, type LockEvent, type LockLongHoldEvent } from '../../../extension/locks';
import { eventsOfType, gate, recordEvents } from '../../support/lockTestKit';

const THIS_FILE = __filename;
const SOURCE_LINES = readFileSync(THIS_FILE, 'utf8').split('\n');

/** `file:line:` of the line of this file that carries `marker` in a comment. */
function lineOf(marker: string): string {
  const index = SOURCE_LINES.findIndex((line) => line.includes(`// ${marker}`));
  assert.notEqual(index, -1, `marker ${marker} is in this file`);
  return `${THIS_FILE}:${index + 1}:`;
}

function waitFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms)); // awaited: timer
}

async function loadExchangeRates(): Promise<number> {
  await waitFor(300); // awaited: helper's await
  return 1.1;
}

// Timers, Date and performance are fake; setImmediate and I/O stay real, so the loopback HTTP server answers.
let clock: FakeTimers.Clock;
beforeEach(() => {
  clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
});
afterEach(() => clock.uninstall());

function longHoldsOn(events: readonly LockEvent[], resource: string): LockLongHoldEvent[] {
  return eventsOfType(events, 'longHold').filter((event) => event.resource === resource);
}

describe('held across a slow call', () => {
  it('names the slow helper a hold awaited, with its async stack and share, once the resource has held long before', async () => {
    const locks = new ResourceLockMap({ longHoldMs: 100 });
    const events = recordEvents(locks);
    const convert = (requestId: number) =>
      locks.withLock('rates', async () => {
        return (await loadExchangeRates()) * 2; // awaited: holder's await
      }, { owner: { tool: 'convert', requestId } });
    for (const requestId of [1, 2]) {
      const done = convert(requestId);
      await clock.tickAsync(300);
      assert.equal(await done, 2.2);
    }
    const [first, second] = longHoldsOn(events, 'rates');
    assert.equal(first?.slowCall, undefined, 'the first long hold of a resource is not traced: nothing paid before it');
    const slowCall = second?.slowCall;
    assert.ok(slowCall !== undefined, 'the second one names what it awaited');
    assert.ok(slowCall.location.startsWith(lineOf('awaited: timer')), slowCall.location);
    assert.match(slowCall.frames[0] ?? '', /^new Promise|^waitFor/);
    assert.ok(slowCall.frames.some((frame) => frame.startsWith('loadExchangeRates (') && frame.includes(lineOf('awaited: helper\'s await'))), slowCall.frames.join('\n'));
    assert.ok(slowCall.frames.some((frame) => frame.includes(lineOf('awaited: holder\'s await'))), slowCall.frames.join('\n'));
    assert.equal(slowCall.awaitedMs, 100, 'awaited from the start of the hold to its threshold');
    assert.equal(second?.heldMs, 100);
    assert.match(describeLockWarning(second!), /^Long hold: convert #2 has held 'rates' for 100 ms \(threshold 100 ms\), 100 ms of it \(100%\) awaiting .*slowCall\.test\.ts:\d+:\d+.*, called from .*loadExchangeRates .*: held across a slow call\./);
    // Tracing ends with the traced hold: a third, quick hold records nothing.
    await locks.withLock('rates', () => {});
    assert.equal(longHoldsOn(events, 'rates').length, 2);
  });

  it('names an awaited fetch() to a slow HTTP server, at the line of the fetch, from its first long hold on', async () => {
    const answers: ServerResponse[] = [];
    let requestArrived: () => void = () => {};
    const server = createServer((_request, response) => {
      answers.push(response);
      requestArrived();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/quote`;
    try {
      const locks = new ResourceLockMap({ longHoldMs: 100 });
      const events = recordEvents(locks);
      const quote = () =>
        locks.withLock('quotes', async () => {
          const response = await fetch(url); // awaited: fetch
          return response.text();
        });
      for (let round = 0; round < 2; round++) {
        const arrived = new Promise<void>((resolve) => (requestArrived = resolve));
        const done = quote();
        await arrived;
        await clock.tickAsync(150);
        answers.shift()?.end('42');
        assert.equal(await done, '42');
      }
      // An outgoing request is noticed from the first long hold on (undici's diagnostics channel), not only once traced.
      const longHolds = longHoldsOn(events, 'quotes');
      assert.equal(longHolds.length, 2);
      for (const { slowCall, heldMs } of longHolds) {
        assert.ok(slowCall?.location.startsWith(lineOf('awaited: fetch')), JSON.stringify(slowCall));
        assert.equal(slowCall?.call, `fetch GET ${url}`);
        assert.ok((slowCall?.awaitedMs ?? 0) >= 50 && (slowCall?.awaitedMs ?? 0) <= heldMs, `share of ${heldMs} ms: ${slowCall?.awaitedMs}`);
      }
      assert.match(describeLockWarning(longHolds[0]!), /awaiting fetch GET http:\/\/127\.0\.0\.1:\d+\/quote at .*slowCall\.test\.ts:\d+:\d+.*: held across a slow call\./);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('does not call a holder that waits for another lock a slow call', async () => {
    const locks = new ResourceLockMap({ longHoldMs: 100, timeoutMs: 10_000 });
    const events = recordEvents(locks);
    for (let round = 0; round < 2; round++) {
      const innerHeld = gate();
      const innerHolder = locks.withLock('inner', () => innerHeld.promise);
      const outer = locks.withLock('outer', async () => {
        await locks.withLock('inner', () => 'inner');
      });
      await clock.tickAsync(150);
      innerHeld.open();
      await Promise.all([innerHolder, outer]);
    }
    const outerHolds = longHoldsOn(events, 'outer');
    assert.equal(outerHolds.length, 2);
    assert.deepEqual(outerHolds.map((event) => event.slowCall), [undefined, undefined]);
    assert.match(describeLockWarning(outerHolds[1]!), /is it held across a slow call\?$/);
  });
});
