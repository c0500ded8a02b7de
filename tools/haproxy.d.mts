// Types for haproxy.mjs, which stays plain JavaScript like the other tools.

/** One server behind the load balancer. */
export interface LoadBalancerBackend {
  readonly name: string;
  readonly port: number;
}

/** A running haproxy. */
export interface RunningLoadBalancer {
  /** `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** The configuration text: round robin over `backends`, no affinity. */
export declare function haproxyConfig(port: number, backends: readonly LoadBalancerBackend[]): string;

/** Starts haproxy on a free loopback port in front of `backends`; resolves once it accepts connections. */
export declare function startLoadBalancer(backends: readonly LoadBalancerBackend[]): Promise<RunningLoadBalancer>;
