// label: racy: a task tool (registerToolTask, SDK 1.x) with its handler object in a const: createTask reads a counter, awaits, writes it back
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let batches = 0;
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
const settleHandlers = {
  async createTask(_args, extra) {
    const seen = batches;
    await work();
    batches = seen + 1;
    return { task: await extra.taskStore.createTask({ ttl: 60_000 }) };
  },
  async getTask(_args, extra) {
    return extra.taskStore.getTask(extra.taskId);
  },
  async getTaskResult(_args, extra) {
    return extra.taskStore.getTaskResult(extra.taskId);
  },
};
server.experimental.tasks.registerToolTask('settle', {}, settleHandlers);
