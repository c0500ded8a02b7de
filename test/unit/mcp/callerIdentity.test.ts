import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, InMemoryTransport } from '@modelcontextprotocol/server';
import { ResourceLockMap } from '../../../extension/locks';
import type { LockEvent, LockOwner } from '../../../extension/contract/lockEvents';
import { lockEventSchema } from '../../../extension/contract/wireSchema';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { exportChromeTrace } from '../../../extension/inspector/traceExport';
import { parseTraceparent } from '../../../extension/mcp/callerIdentity';
import { createBankServer, type Accounts } from '../../fixtures/sdk2Server/createBankServer';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const accounts = (): Accounts => new Map([['a0', 100], ['a1', 100]]);

function ownersOfAcquired(locks: ResourceLockMap): LockOwner[] {
  const owners: LockOwner[] = [];
  locks.subscribe((event) => {
    if (event.type === 'acquired' && event.owner !== undefined) owners.push(event.owner);
  });
  return owners;
}

describe('owners without sessions', () => {
  it('parses a W3C traceparent and refuses what is not one', () => {
    assert.deepEqual(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`), { traceId: TRACE_ID, spanId: SPAN_ID });
    for (const bad of [`00-${'0'.repeat(32)}-${SPAN_ID}-01`, `00-${TRACE_ID}-${'0'.repeat(16)}-01`, `ff-${TRACE_ID}-${SPAN_ID}-01`, `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`, `00-${TRACE_ID}-${SPAN_ID}`, 42, undefined]) {
      assert.equal(parseTraceparent(bad), undefined, String(bad));
    }
  });

  it('a 2026-07-28 call carries its caller and traceparent onto its locks, through the hub schema into the trace export', async () => {
    const locks = new ResourceLockMap();
    const events: LockEvent[] = [];
    locks.subscribe((event) => events.push(event));
    const handler = createMcpHandler(() => createBankServer(locks, accounts(), { reporter: null }));
    const client = new Client({ name: 'trace-client', version: '3.1.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL('http://127.0.0.1/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
    try {
      await client.callTool({ name: 'transfer', arguments: { from: 'a0', to: 'a1', amount: 1 }, _meta: { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` } });
    } finally {
      await client.close();
      await handler.close();
    }
    const acquired = events.filter((event) => event.type === 'acquired');
    assert.equal(acquired.length, 2);
    for (const event of acquired) {
      assert.deepEqual({ caller: event.owner?.caller, traceId: event.owner?.traceId, spanId: event.owner?.spanId, connectionId: event.owner?.connectionId }, { caller: 'trace-client/3.1.0', traceId: TRACE_ID, spanId: SPAN_ID, connectionId: undefined });
    }
    // What the hub keeps of the event is what the views, the trace export and `watch --json` see.
    const received = acquired.map((event) => lockEventSchema.parse(event));
    assert.equal(received[0]!.owner?.traceId, TRACE_ID);
    const model = new InspectorModel();
    model.addSource({ id: 's', label: 'sdk2', kind: 'external', pid: 1, connectedAtMs: 0 });
    model.ingest('s', events.map((event) => lockEventSchema.parse(event)));
    const hold = exportChromeTrace(model.history()).traceEvents.find((event) => event.cat === 'hold');
    assert.deepEqual([(hold?.args?.owner as LockOwner | undefined)?.traceId, (hold?.args?.owner as LockOwner | undefined)?.spanId], [TRACE_ID, SPAN_ID]);
  });

  it('tells two connections apart without a session: a connection id each, and the caller from initialize', async () => {
    const locks = new ResourceLockMap();
    const owners = ownersOfAcquired(locks);
    const shared = accounts();
    const clients: Client[] = [];
    for (const name of ['first-client', 'second-client']) {
      const server = createBankServer(locks, shared, { reporter: null });
      const client = new Client({ name, version: '1.0.0' });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      await client.connect(clientSide);
      clients.push(client);
    }
    try {
      for (const client of clients) await client.callTool({ name: 'get_balance', arguments: { account: 'a0' } });
    } finally {
      for (const client of clients) await client.close();
    }
    assert.deepEqual(owners.map((owner) => owner.caller), ['first-client/1.0.0', 'second-client/1.0.0']);
    const [first, second] = owners.map((owner) => owner.connectionId);
    assert.ok(first !== undefined && second !== undefined && first !== second, `connection ids ${first} and ${second}`);
    assert.equal(owners[0]!.traceId, undefined, 'no traceparent, no trace id');
  });
});
