// An audit ledger the process keeps one of, taking its lock inside its own method.
import { ResourceLockMap } from 'mcp-lock-inspector/locks';

const locks = new ResourceLockMap();

class Ledger {
  entries = [];
  async record(entry) {
    return locks.withLock(`ledger:${entry.kind}`, async () => this.entries.push(entry));
  }
}
export const ledger = new Ledger();
