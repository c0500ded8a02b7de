import { nowMs } from 'mcp-lock-inspector/locks';

/** One lease this replica keeps alive: a hold or a wait of one request on one resource. */
export interface Lease {
  readonly key: string;
  /** Until when the lease is known to be alive: when its last confirmed renewal was sent, plus the lease. */
  validUntilMs: number;
}

/**
 * Keeps every lease of one lock map alive with one timer: every third of the lease it renews them all in one
 * script call. A lease Redis no longer has, or one not confirmed within its own length (a paused process, a lost
 * connection), is reported lost at once, before anything else this replica does with it.
 */
export class LeaseKeeper<Entry extends Lease> {
  private readonly leases = new Map<string, Entry>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private renewing = false;

  constructor(
    private readonly leaseMs: number,
    private readonly renew: (keys: readonly string[]) => Promise<readonly number[]>,
    private readonly onLost: (lease: Entry) => void,
  ) {}

  /** Starts keeping `lease` (just granted or queued, so valid for a whole lease from now). */
  add(lease: Entry): void {
    lease.validUntilMs = nowMs() + this.leaseMs;
    this.leases.set(lease.key, lease);
    this.timer ??= setTimeout(() => void this.tick(), this.leaseMs / 3);
  }

  /** Stops keeping the lease (released, served, or given up). */
  remove(key: string): void {
    this.leases.delete(key);
    if (this.leases.size === 0 && this.timer !== undefined && !this.renewing) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private async tick(): Promise<void> {
    this.renewing = true;
    const sentMs = nowMs();
    const batch = [...this.leases.values()];
    for (const lease of batch) {
      if (lease.validUntilMs <= sentMs) this.lose(lease);
    }
    const alive = batch.filter((lease) => this.leases.get(lease.key) === lease);
    try {
      const lost = alive.length === 0 ? [] : await this.renew(alive.map((lease) => lease.key));
      const lostIndexes = new Set(lost);
      alive.forEach((lease, index) => {
        if (lostIndexes.has(index)) this.lose(lease);
        else lease.validUntilMs = sentMs + this.leaseMs;
      });
    } catch {
      // Redis is unreachable: the leases stay valid until their own end, checked on the next tick.
    }
    this.renewing = false;
    this.timer = this.leases.size === 0 ? undefined : setTimeout(() => void this.tick(), this.nextTickMs());
  }

  private nextTickMs(): number {
    let earliestEndMs = Infinity;
    for (const lease of this.leases.values()) earliestEndMs = Math.min(earliestEndMs, lease.validUntilMs);
    return Math.max(0, Math.min(this.leaseMs / 3, earliestEndMs - nowMs()));
  }

  private lose(lease: Entry): void {
    if (this.leases.get(lease.key) !== lease) return;
    this.leases.delete(lease.key);
    this.onLost(lease);
  }
}
