import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { WebviewChannel } from '../../../../extension/host/views/webviewChannel';

type Message = { readonly type: string; readonly n?: number };
type FromWebview = { readonly type: 'ready' } | { readonly type: 'revealTool' };

/** Just enough of vscode.Webview: what the host posts, and a way to play the webview's side. */
function fakeWebview(): { webview: vscode.Webview; posted: Message[]; send(message: unknown): void } {
  const posted: Message[] = [];
  let listener: ((message: unknown) => void) | undefined;
  const webview = {
    postMessage: async (message: Message) => posted.push(message) > 0,
    onDidReceiveMessage: (callback: (message: unknown) => void) => {
      listener = callback;
      return { dispose: () => (listener = undefined) };
    },
  } as unknown as vscode.Webview;
  return { webview, posted, send: (message) => listener?.(message) };
}

function channelOn(fake: ReturnType<typeof fakeWebview>, log: string[]): WebviewChannel<Message, FromWebview> {
  const channel: WebviewChannel<Message, FromWebview> = new WebviewChannel<Message, FromWebview>(fake.webview, {
    onReady: () => {
      log.push('ready');
      channel.post({ type: 'didSnapshot' });
    },
    onGone: () => log.push('gone'),
    onMessage: (message) => log.push(`message:${message.type}`),
  });
  return channel;
}

test('holds messages until ready, then sends the snapshot first and the held ones after', () => {
  const fake = fakeWebview();
  const log: string[] = [];
  const channel = channelOn(fake, log);
  channel.post({ type: 'didSetFilter', n: 1 });
  assert.equal(fake.posted.length, 0, 'nothing reaches a webview that has not said ready');
  fake.send({ type: 'ready' });
  assert.deepEqual(fake.posted.map((message) => message.type), ['didSnapshot', 'didSetFilter']);
  channel.post({ type: 'didChange' });
  assert.equal(fake.posted.at(-1)?.type, 'didChange');
});

test('a webview that reloads starts over: gone, then ready again', () => {
  const fake = fakeWebview();
  const log: string[] = [];
  channelOn(fake, log);
  fake.send({ type: 'ready' });
  fake.send({ type: 'ready' });
  assert.deepEqual(log, ['ready', 'gone', 'ready']);
});

test('after markGone nothing is posted until the next ready; malformed messages are ignored', () => {
  const fake = fakeWebview();
  const log: string[] = [];
  const channel = channelOn(fake, log);
  fake.send({ type: 'ready' });
  channel.markGone();
  channel.post({ type: 'didChange' });
  assert.deepEqual(fake.posted.map((message) => message.type), ['didSnapshot']);
  fake.send(null);
  fake.send({ kind: 'nope' });
  fake.send({ type: 'revealTool' });
  assert.deepEqual(log, ['ready', 'gone', 'message:revealTool']);
  fake.send({ type: 'ready' });
  assert.deepEqual(fake.posted.map((message) => message.type), ['didSnapshot', 'didSnapshot', 'didChange']);
});
