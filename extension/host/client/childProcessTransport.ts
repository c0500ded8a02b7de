import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable } from 'node:stream';
import { ReadBuffer, serializeMessage, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';

/**
 * MCP client transport over the stdio of a process the caller spawned and keeps owning.
 * The SDK's StdioClientTransport spawns the process itself and hides its exit code, which the
 * crash report needs; this one only speaks the protocol, and `close()` only ends stdin.
 * It has `pid` and `stderr` as the SDK's does, which is how the SDK's version negotiation knows a stdio transport.
 */
export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly readBuffer = new ReadBuffer();
  private closed = false;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  /** Process id of the server. */
  get pid(): number | null {
    return this.child.pid ?? null;
  }

  /** The server's stderr (its owner reads it). */
  get stderr(): Readable {
    return this.child.stderr;
  }

  /** Starts reading messages from the child's stdout. */
  async start(): Promise<void> {
    this.child.stdout.on('data', (chunk: Buffer) => {
      try {
        this.readBuffer.append(chunk);
        for (let message = this.readBuffer.readMessage(); message; message = this.readBuffer.readMessage()) {
          this.onmessage?.(message);
        }
      } catch (error) {
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
      }
    });
    this.child.stdout.on('error', (error) => this.onerror?.(error));
    this.child.stdin.on('error', (error) => this.onerror?.(error));
    this.child.once('close', () => this.markClosed());
  }

  /** Writes one message to the child's stdin, waiting for drain when the pipe is full. */
  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed || !this.child.stdin.writable) {
      return Promise.reject(new Error('The server process is not running: its stdin is closed.'));
    }
    return new Promise((resolve) => {
      if (this.child.stdin.write(serializeMessage(message))) resolve();
      else this.child.stdin.once('drain', resolve);
    });
  }

  /** Ends stdin, which tells a well-behaved stdio server to exit; stopping the process is the owner's job. */
  async close(): Promise<void> {
    this.child.stdin.end();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.readBuffer.clear();
    this.onclose?.();
  }
}
