// Read once: the global `performance` is a lazy getter in Node. Fake timers patch `now` on this same object.
const clock = performance;
const clockOriginMs = clock.timeOrigin;

/** Epoch milliseconds, fractional and monotonic within the process: the clock of every lock event and hold. */
export function nowMs(): number {
  return clockOriginMs + clock.now();
}
