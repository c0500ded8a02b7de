// label: safe: an imported class's method re-reads its field after the await and writes from that
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { JobQueue } from './queue.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const queue = new JobQueue();
server.registerTool('enqueue', {}, async ({ job }) => {
  const counts = await queue.enqueue(job);
  return { content: [{ type: 'text', text: JSON.stringify(counts) }] };
});
