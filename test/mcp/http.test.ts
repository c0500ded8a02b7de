import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { auditTotal, INITIALIZE_REQUEST, openRawSession, postMcp, startHttpServer } from './serverProcess';

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

describe('the HTTP entry under hostile or careless clients', () => {
  it('refuses a foreign Origin with 403 and says what to do; serves no Origin, its own and configured ones', async () => {
    const server = await startHttpServer(['--allow-origin', 'http://app.example:3000']);
    try {
      const { port } = new URL(server.url);
      const foreign = await postMcp(server.url, INITIALIZE_REQUEST, { origin: 'https://evil.example' });
      assert.equal(foreign.status, 403);
      const refusal = (await foreign.json()) as { error: { code: number; message: string } };
      assert.match(refusal.error.message, /Origin https:\/\/evil\.example is not allowed.*--allow-origin/);
      assert.equal(foreign.headers.get('mcp-session-id'), null, 'no session for a foreign origin');
      assert.equal((await postMcp(server.url, INITIALIZE_REQUEST, { origin: 'null' })).status, 403);
      for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, 'http://app.example:3000']) {
        const allowed = await postMcp(server.url, INITIALIZE_REQUEST, { origin });
        assert.equal(allowed.status, 200, origin);
        await allowed.text();
      }
      const client = new Client({ name: 'no-origin', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
      await client.close();
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('answers malformed JSON with a JSON-RPC parse error (-32700), no HTML or stack, and logs one line per burst', async () => {
    const server = await startHttpServer();
    try {
      const stderrBefore = server.stderr().length;
      for (let attempt = 0; attempt < 50; attempt++) {
        const response = await postMcp(server.url, '{"jsonrpc": "2.0", "id": 1, "method": ');
        assert.equal(response.status, 400);
        assert.match(response.headers.get('content-type') ?? '', /application\/json/);
        const text = await response.text();
        assert.doesNotMatch(text, /<html|<pre|node_modules|at \w+ \(/i);
        const body = JSON.parse(text) as { jsonrpc: string; id: null; error: { code: number; message: string } };
        assert.equal(body.jsonrpc, '2.0');
        assert.equal(body.id, null);
        assert.equal(body.error.code, -32700);
        assert.match(body.error.message, /Parse error: the request body is not valid JSON/);
      }
      const logged = server.stderr().slice(stderrBefore).split('\n').filter(Boolean);
      assert.equal(logged.length, 1, logged.join('\n'));
      assert.match(logged[0]!, /refused a request body that is not valid JSON/);
      const alive = await connectHttp(server.url);
      assert.deepEqual(await alive.client.ping(), {}, 'still serving');
      await alive.client.close();
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('caps open sessions: a new one evicts the idlest, and when all are busy the answer says what to do', async () => {
    const server = await startHttpServer(['--max-sessions', '3', '--latency-ms', '1500']);
    try {
      const sessions = [];
      for (let index = 0; index < 3; index++) sessions.push(await openRawSession(server.url));
      await (await sessions[0]!.post({ jsonrpc: '2.0', id: 2, method: 'ping' })).text();
      const fourth = await openRawSession(server.url);
      assert.equal((await sessions[1]!.post({ jsonrpc: '2.0', id: 3, method: 'ping' })).status, 404, 'the idlest session made room');
      assert.equal((await sessions[0]!.post({ jsonrpc: '2.0', id: 3, method: 'ping' })).status, 200, 'the recently used one stays');

      // Three slow calls keep every open session busy: none may be evicted, so a fifth is refused.
      const busy = [sessions[0]!, sessions[2]!, fourth].map((session, index) =>
        session.post({ jsonrpc: '2.0', id: 10 + index, method: 'tools/call', params: { name: 'deposit', arguments: { account: `busy${index}`, amount: 1 } } }).then((response) => response.text()),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const refused = await postMcp(server.url, INITIALIZE_REQUEST);
      assert.equal(refused.status, 503);
      const body = (await refused.json()) as { error: { code: number; message: string } };
      assert.match(body.error.message, /Too many open sessions: all 3 \(--max-sessions\) are busy.*DELETE.*retry/);
      for (const answer of await Promise.all(busy)) assert.match(answer, /Deposited 1\.00/);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('keeps at most --max-sessions open under a flood of initialize requests that never close: the newest stay, the oldest are closed', async () => {
    const server = await startHttpServer(['--max-sessions', '50']);
    try {
      const sessions: string[] = [];
      for (let wave = 0; wave < 5; wave++) {
        const ids = await Promise.all(Array.from({ length: 40 }, () => postMcp(server.url, INITIALIZE_REQUEST).then(async (response) => (await response.text(), response.headers.get('mcp-session-id')))));
        assert.ok(ids.every((id) => id !== null), 'idle sessions make room for new ones');
        sessions.push(...(ids as string[]));
      }
      const statuses = await Promise.all(sessions.map((id) => postMcp(server.url, { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': id }).then(async (response) => (await response.text(), response.status))));
      const open = statuses.filter((status) => status === 200).length;
      assert.ok(open <= 50 && open >= 40, `${open} of ${sessions.length} sessions still open`);
      assert.ok(statuses.slice(0, 100).every((status) => status === 404), 'the oldest were closed');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
