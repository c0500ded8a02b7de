// Types for startReplicas.mjs, which stays plain JavaScript like the other tools.

/** Once the workbench's extension publishes its channel: Redis, `replicas` replicas reporting to it, haproxy and the demo load through it. */
export declare function startReplicasForInspector(replicas: number): Promise<{ stop(): Promise<void> }>;
