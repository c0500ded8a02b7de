import * as vscode from 'vscode';
import type { InspectorSink } from '../inspector/inspectorHub';
import type { RedisLockSource } from '../inspector/redisLockSource';
import { REDIS_URL_SETTING, startRedisSource } from './redisSourceStart';

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
  const restart = () => {
    const url = vscode.workspace.getConfiguration().get<string>(REDIS_URL_SETTING, '').trim();
    current = current.then(async (running) => {
      await running?.stop();
      return startRedisSource(url, model, `redis${++sourceNumber}`, { tell, log: (message) => log.info(message) });
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
