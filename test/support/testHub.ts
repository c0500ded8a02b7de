import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventsMessage, InspectorEvent, ServerToHubMessage } from '../../extension/contract/wireFormat';
import { BoundedLineSplitter } from '../../extension/contract/boundedLineSplitter';
import { MAX_LINE_BYTES } from '../../extension/contract/wireFormat';

/** A stand-in for the inspector hub: a real Unix socket that records every line servers send. */
export interface TestHub {
  readonly address: string;
  /** Every parsed line, in arrival order, across connections. */
  readonly messages: ServerToHubMessage[];
  readonly sockets: Socket[];
  /** Events of every `events` line, in order. */
  events(): InspectorEvent[];
  /** Resolves once `predicate` holds for what arrived (checked on each line). */
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Answers the next hellos with `rejected` instead of `welcome`. */
  rejectWith(reason: string | undefined): void;
  /** Stops listening and drops connections; `reopen` listens again at the same address. */
  close(): Promise<void>;
  reopen(): Promise<void>;
  /** Closes and removes the socket folder. */
  dispose(): Promise<void>;
}

/** Starts a hub at a fresh socket path. */
export async function startTestHub(): Promise<TestHub> {
  const folder = mkdtempSync(join(tmpdir(), 'lock-hub-'));
  const address = join(folder, 'hub.sock');
  const messages: ServerToHubMessage[] = [];
  const sockets: Socket[] = [];
  const waiters = new Set<() => void>();
  let rejection: string | undefined;
  let server: Server | undefined;

  const listen = async (): Promise<void> => {
    server = createServer((socket) => {
      sockets.push(socket);
      const lines = new BoundedLineSplitter(MAX_LINE_BYTES, (line) => {
        const message = JSON.parse(line) as ServerToHubMessage;
        messages.push(message);
        if (message.type === 'hello') {
          socket.write(`${JSON.stringify(rejection === undefined ? { v: 1, type: 'welcome', sourceId: `s${sockets.length}` } : { v: 1, type: 'rejected', reason: rejection })}\n`);
        }
        for (const check of [...waiters]) check();
      }, () => undefined);
      socket.on('data', (chunk) => lines.push(chunk));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server!.listen(address, resolve));
  };
  await listen();

  const hub: TestHub = {
    address,
    messages,
    sockets,
    events: () => messages.filter((message): message is EventsMessage => message.type === 'events').flatMap((message) => [...message.events]),
    waitFor(predicate, what, timeoutMs = 5000) {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`test hub: timed out waiting for ${what}`));
        }, timeoutMs);
        const check = (): void => {
          if (!predicate()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    rejectWith(reason) {
      rejection = reason;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
    reopen: listen,
    async dispose() {
      if (server?.listening) await hub.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
  return hub;
}
