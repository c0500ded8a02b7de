// The bundled server as a replicated service: one Redis, N stateless replicas sharing it, haproxy round robin in
// front. Used by the replica tests, the benches and `npm start -- --replicas N`.
import { startLoadBalancer } from './haproxy.mjs';
import { startRedisServer } from './redisServer.mjs';
import { spawnTied } from './tiedProcess.mjs';

const LISTENING_LINE = /listening at (http:\/\/127\.0\.0\.1:(\d+)\/mcp)/;
const START_DEADLINE_MS = 20_000;

/** Starts one replica of `serverScript` on a free port against `redisUrl`; resolves once it prints its URL. */
export async function startReplica({ serverScript, redisUrl, name, serverArgs = [], env = process.env, command = [process.execPath] }) {
  const [executable, ...leading] = command;
  const server = spawnTied(executable, [...leading, serverScript, '--http', '--stateless', '--port', '0', '--redis', redisUrl, '--replica', name, ...serverArgs], { env });
  let log = '';
  const onOutput = (chunk) => (log = (log + chunk).slice(-8000));
  server.stderr.on('data', onOutput);
  const listening = await new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`replica ${name} printed no URL within ${START_DEADLINE_MS} ms:\n${log}`)), START_DEADLINE_MS);
    server.stdout.on('data', (chunk) => {
      onOutput(chunk);
      const match = LISTENING_LINE.exec(log);
      if (!match) return;
      clearTimeout(deadline);
      resolve({ url: match[1], port: Number(match[2]) });
    });
    void server.exited.then((code) => {
      clearTimeout(deadline);
      reject(new Error(`replica ${name} exited (${code}) before it listened:\n${log}`));
    });
  });
  const pid = await server.pid;
  return {
    name,
    pid,
    ...listening,
    exited: server.exited,
    log: () => log,
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch (error) {
        if (error.code !== 'ESRCH') throw error;
      }
      await server.exited;
    },
  };
}

/**
 * Starts Redis, `replicas` replicas named r1..rN and haproxy in front; `stop()` ends them all, load balancer first.
 * `env` is the replicas' environment, or a function of the replica's name that returns it.
 */
export async function startReplicatedService({ serverScript, replicas = 3, serverArgs = [], env = process.env, persistentRedis = false, command }) {
  const redis = await startRedisServer({ persistent: persistentRedis });
  const started = [];
  try {
    const names = Array.from({ length: replicas }, (_, index) => `r${index + 1}`);
    const envOf = typeof env === 'function' ? env : () => env;
    started.push(...(await Promise.all(names.map((name) => startReplica({ serverScript, redisUrl: redis.url, name, serverArgs, env: envOf(name), command })))));
    const balancer = await startLoadBalancer(started.map(({ name, port }) => ({ name, port })));
    return {
      url: balancer.url,
      redis,
      replicas: started,
      async stop() {
        await balancer.stop();
        await Promise.all(started.map((replica) => replica.stop()));
        await redis.stop();
      },
    };
  } catch (error) {
    await Promise.all(started.map((replica) => replica.stop()));
    await redis.stop();
    throw error;
  }
}
