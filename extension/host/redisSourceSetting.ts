import * as vscode from 'vscode';
import type { InspectorSink } from '../inspector/inspectorHub';
import { RedisLockSource, redisSourceLabel, redisUrlProblem } from '../inspector/redisLockSource';
import { connectRedisLockState } from '../redis/redisLockStateReader';

/** The setting that names the Redis whose lock state the inspector reads (empty: none). */
export const REDIS_URL_SETTING = 'lockInspector.redis.url';

/**
 * Keeps a `redis` source reading the Redis `lockInspector.redis.url` names, started again whenever the setting
 * changes; a bad URL, a Redis that cannot be reached, and failed reads are said in the log and once in a message.
 */
export function registerRedisSource(model: InspectorSink, log: vscode.LogOutputChannel): vscode.Disposable {
  let current: Promise<RedisLockSource | undefined> = Promise.resolve(undefined);
  let sourceNumber = 0;
  const tell = (message: string) => {
    log.warn(message);
    void vscode.window.showWarningMessage(`Lock Inspector: ${message}`, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', REDIS_URL_SETTING);
    });
  };
  const start = async (url: string): Promise<RedisLockSource | undefined> => {
    if (url === '') return undefined;
    const problem = redisUrlProblem(url);
    if (problem !== undefined) {
      tell(`${REDIS_URL_SETTING}: ${problem}.`);
      return undefined;
    }
    try {
      const source = new RedisLockSource(await connectRedisLockState(url), model, { id: `redis${++sourceNumber}`, label: redisSourceLabel(url) }, {
        onProblem: (message) => (message === undefined ? log.info(`Reading ${redisSourceLabel(url)} again.`) : tell(message)),
      });
      await source.start();
      log.info(`Reading the lock state of every replica from ${redisSourceLabel(url)}.`);
      return source;
    } catch (error) {
      tell(`${REDIS_URL_SETTING}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const restart = () => {
    const url = vscode.workspace.getConfiguration().get<string>(REDIS_URL_SETTING, '').trim();
    current = current.then(async (running) => {
      await running?.stop();
      return start(url);
    });
  };
  restart();
  const watcher = vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration(REDIS_URL_SETTING) && restart());
  return {
    dispose: () => {
      watcher.dispose();
      void current.then((running) => running?.stop());
    },
  };
}
