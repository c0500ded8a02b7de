import { createHash } from 'node:crypto';

/** The part of a node-redis client a script needs. */
export interface RedisCommandSender {
  sendCommand(args: readonly string[]): Promise<unknown>;
}

/** A Lua script sent by its SHA1 (one round trip), and in full only when Redis does not know it (first use, restart). */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with `keys` and `args` on `client`. */
  async run(client: RedisCommandSender, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await client.sendCommand(['EVALSHA', this.sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.sendCommand(['EVAL', this.source, ...tail]);
    }
  }
}
