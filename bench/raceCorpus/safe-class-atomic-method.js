// label: safe: a class method that updates a field, then awaits
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
class Counter {
  value = 0;
  async next() {
    const mine = ++this.value;
    await work();
    return mine;
  }
}
const counter = new Counter();
server.registerTool('next', {}, async () => {
  const value = await counter.next();
  return { content: [{ type: 'text', text: String(value) }] };
});
