import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * MCP client transport over the stdio of a process the caller spawned and keeps owning.
 * The SDK's StdioClientTransport spawns the process itself and hides its exit code, which the
 * crash report needs; this one only speaks the protocol, and `close()` only ends stdin.
 */
export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly readBuffer = new ReadBuffer();
  private closed = false;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {}

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
