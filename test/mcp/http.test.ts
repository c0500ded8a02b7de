import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { auditTotal, startHttpServer } from './serverProcess';

interface HttpClient {
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
}

async function connectHttp(url: string): Promise<HttpClient> {
  const client = new Client({ name: 'e2e-http', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return { client, transport, call: (name, args = {}) => client.callTool({ name, arguments: args }) as Promise<CallToolResult> };
}

describe('bundled server over Streamable HTTP, through the official SDK client', () => {
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  before(async () => {
    server = await startHttpServer(['--latency-ms', '1', '--session-idle-ms', '1000']);
  });
  after(async () => {
    assert.equal(await server.stop(), 0, 'SIGTERM ends the server cleanly');
  });

  it('prints a loopback URL and gives each client its own session over one shared state', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const first = await connectHttp(server.url);
    const second = await connectHttp(server.url);
    try {
      assert.ok(first.transport.sessionId && second.transport.sessionId && first.transport.sessionId !== second.transport.sessionId);
      await first.call('deposit', { account: 'shared', amount: 12 });
      assert.deepEqual((await second.call('get_balance', { account: 'shared' })).structuredContent, { account: 'shared', balance: 12 });
    } finally {
      await first.client.close();
      await second.client.close();
    }
  });

  it('hundreds of concurrent transfers from two sessions conserve money', async () => {
    const first = await connectHttp(server.url);
    const second = await connectHttp(server.url);
    try {
      const accounts = ['h1', 'h2', 'h3', 'h4'];
      await Promise.all(accounts.map((account) => first.call('deposit', { account, amount: 100 })));
      const totalBefore = await auditTotal(first.call);
      await Promise.all(
        Array.from({ length: 300 }, (_, index) =>
          (index % 2 ? first : second).call('transfer', { from: accounts[index % 4]!, to: accounts[(index + 1 + (index % 3)) % 4]!, amount: 1 + (index % 9) }),
        ),
      );
      assert.equal(await auditTotal(second.call), totalBefore);
    } finally {
      await first.client.close();
      await second.client.close();
    }
  });

  it('refuses a request whose Host header is not loopback (DNS rebinding)', async () => {
    const { port } = new URL(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        { host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { Host: `evil.example:${port}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }));
    });
    assert.equal(status, 403);
  });

  it('expires a session left idle, keeps one whose client listens on its stream, and says how to start anew', async () => {
    const idle = await openRawSession(server.url);
    const listening = await connectHttp(server.url);
    try {
      // Idle limit 1 s, swept every second: after 2.5 s untouched the idle session must be gone.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const expired = await idle.post({ jsonrpc: '2.0', id: 2, method: 'ping' });
      assert.equal(expired.status, 404);
      assert.match(await expired.text(), /Session not found.*initialize/);
      assert.deepEqual(await listening.client.ping(), {});
    } finally {
      await listening.client.close();
    }
  });

  it('never expires a session while one of its calls is still running', async () => {
    const slow = await startHttpServer(['--latency-ms', '1500', '--session-idle-ms', '1000']);
    try {
      const session = await openRawSession(slow.url);
      // A deposit reads and writes with 1.5 s latency each: 3 s in flight, three times the idle limit.
      const response = await session.post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'deposit', arguments: { account: 'patient', amount: 5 } } });
      assert.equal(response.status, 200);
      assert.match(await response.text(), /Deposited 5\.00 to patient/);
    } finally {
      assert.equal(await slow.stop(), 0);
    }
  });
});

/** A session opened with bare HTTP requests: unlike the SDK client, it keeps no GET stream open. */
async function openRawSession(url: string): Promise<{ post(message: object): Promise<Response> }> {
  let sessionId: string | undefined;
  const post = (message: object): Promise<Response> =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...(sessionId ? { 'mcp-session-id': sessionId } : {}) },
      body: JSON.stringify(message),
    });
  const initialized = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  sessionId = initialized.headers.get('mcp-session-id') ?? undefined;
  await initialized.text();
  assert.ok(sessionId, 'the server named a session');
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).text();
  return { post };
}
