// label: safe: a task tool whose createTask counts atomically (update, then capture) before it awaits
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let batches = 0;
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.experimental.tasks.registerToolTask('settle', {}, {
  async createTask(_args, extra) {
    batches += 1;
    const seen = batches;
    await work();
    return { task: await extra.taskStore.createTask({ ttl: 60_000, pollInterval: seen }) };
  },
  async getTask(_args, extra) {
    return extra.taskStore.getTask(extra.taskId);
  },
  async getTaskResult(_args, extra) {
    return extra.taskStore.getTaskResult(extra.taskId);
  },
});
