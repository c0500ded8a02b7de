import * as net from 'node:net';
import { WIRE_VERSION, type HubToServerMessage, type InspectorEvent } from '../../extension/contract/wireFormat';
import type { LockSnapshot } from '../../extension/contract/lockEvents';

/** A test stand-in for a server's reporter: a raw socket to the hub plus helpers to speak the wire format. */
export class ChannelPeer {
  readonly replies: HubToServerMessage[] = [];
  readonly closed: Promise<void>;
  private received = '';

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.received += chunk.toString('utf8');
      const lines = this.received.split('\n');
      this.received = lines.pop() ?? '';
      for (const line of lines) this.replies.push(JSON.parse(line) as HubToServerMessage);
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  /** Connects without saying anything. */
  static async connect(address: string): Promise<ChannelPeer> {
    const socket = net.createConnection(address);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new ChannelPeer(socket);
  }

  /** Connects and says hello; resolves once the hub has answered. */
  static async hello(address: string, token: string, label = 'test server', kind = 'external'): Promise<ChannelPeer> {
    const peer = await ChannelPeer.connect(address);
    peer.sendLine({ v: WIRE_VERSION, type: 'hello', token, pid: 4242, label, kind });
    await peer.waitForReply();
    return peer;
  }

  sendLine(message: unknown): void {
    this.socket.write(`${JSON.stringify(message)}\n`);
  }

  sendEvents(events: readonly InspectorEvent[], dropped = 0): void {
    this.sendLine({ v: WIRE_VERSION, type: 'events', events, dropped });
  }

  sendSnapshot(snapshot: LockSnapshot): void {
    this.sendLine({ v: WIRE_VERSION, type: 'snapshot', snapshot });
  }

  /** Resolves when the hub has sent at least `count` replies. */
  async waitForReply(count = 1): Promise<HubToServerMessage> {
    await waitUntil(() => this.replies.length >= count);
    return this.replies[count - 1] as HubToServerMessage;
  }

  /** Ends the connection and waits until it is closed. */
  async close(): Promise<void> {
    this.socket.end();
    await this.closed;
  }
}

/** Polls a condition on the event loop (real I/O, so no fake timers here); fails after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
