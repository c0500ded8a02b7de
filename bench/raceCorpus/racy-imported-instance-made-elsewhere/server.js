// label: racy: an instance made in one module from a class of another; its method reads and writes one file across the read's await
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { counters as counterService } from './services.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
server.registerTool('increment', {}, async ({ name }) => {
  const value = await counterService.increment(name);
  return { content: [{ type: 'text', text: String(value) }] };
});
