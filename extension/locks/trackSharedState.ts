import { sharedStateTracker } from './sharedStateTracker';

const proxies = new WeakMap<object, Map<string, object>>();

/**
 * Watches a Map or plain object that tool calls share: `get`/`has` and property reads count as reads, `set`,
 * `delete`, `clear` and property writes as writes, per key (`name.key`, nested objects and maps as `name.a.b`).
 * A call that writes a key another call wrote since it read it is reported as a `lostUpdate`. Returns the
 * state to use in place of the original; the original stays untouched and unobserved.
 */
export function trackSharedState<T extends object>(state: T, name: string): T {
  if (state === null || typeof state !== 'object') {
    throw new TypeError(
      `trackSharedState needs a Map or an object, got ${state === null ? 'null' : typeof state}; pass the state your tool calls share, e.g. trackSharedState(new Map(), 'balances').`,
    );
  }
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`trackSharedState needs a non-empty name for the state, e.g. 'balances', got ${JSON.stringify(name) ?? typeof name}.`);
  }
  let byName = proxies.get(state);
  const known = byName?.get(name);
  if (known !== undefined) return known as T;
  const proxy = state instanceof Map ? trackMap(state, name) : trackObject(state, name);
  if (byName === undefined) {
    byName = new Map();
    proxies.set(state, byName);
  }
  byName.set(name, proxy);
  return proxy as T;
}

function keyOf(name: string, key: unknown): string {
  return `${name}.${typeof key === 'string' ? key : String(key)}`;
}

/** Nested objects and maps are tracked under the path that reached them, so `accounts.alice` and `accounts.bob` stay apart. */
function tracked(value: unknown, path: string): unknown {
  return value !== null && typeof value === 'object' && (value instanceof Map || Object.getPrototypeOf(value) === Object.prototype || Array.isArray(value))
    ? trackSharedState(value, path)
    : value;
}

function trackMap<K, V>(map: Map<K, V>, name: string): Map<K, V> {
  function get(key: K): V | undefined {
    sharedStateTracker.read(keyOf(name, key), sharedStateTracker.capture(get));
    return tracked(map.get(key), keyOf(name, key)) as V | undefined;
  }
  function has(key: K): boolean {
    sharedStateTracker.read(keyOf(name, key), sharedStateTracker.capture(has));
    return map.has(key);
  }
  function set(key: K, value: V): Map<K, V> {
    sharedStateTracker.write(keyOf(name, key), 'state', sharedStateTracker.capture(set));
    map.set(key, value);
    return proxy;
  }
  function deleteKey(key: K): boolean {
    sharedStateTracker.write(keyOf(name, key), 'state', sharedStateTracker.capture(deleteKey));
    return map.delete(key);
  }
  function clear(): void {
    const access = sharedStateTracker.capture(clear);
    for (const key of map.keys()) sharedStateTracker.write(keyOf(name, key), 'state', access);
    map.clear();
  }
  const overrides: Record<PropertyKey, unknown> = { get, has, set, delete: deleteKey, clear };
  const proxy: Map<K, V> = new Proxy(map, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property];
      const value: unknown = Reflect.get(target, property, target);
      // Map methods need the real map as `this`.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return proxy;
}

function trackObject<T extends object>(state: T, name: string): T {
  const handler: ProxyHandler<T> = {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property === 'symbol' || typeof value === 'function') return value;
      sharedStateTracker.read(keyOf(name, property), sharedStateTracker.capture(handler.get!));
      return tracked(value, keyOf(name, property));
    },
    set(target, property, value, receiver) {
      if (typeof property !== 'symbol') sharedStateTracker.write(keyOf(name, property), 'state', sharedStateTracker.capture(handler.set!));
      return Reflect.set(target, property, value, receiver);
    },
    deleteProperty(target, property) {
      if (typeof property !== 'symbol') sharedStateTracker.write(keyOf(name, property), 'state', sharedStateTracker.capture(handler.deleteProperty!));
      return Reflect.deleteProperty(target, property);
    },
  };
  return new Proxy(state, handler);
}
