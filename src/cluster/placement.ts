/**
 * Replica placement for the simulated cluster: Kafka's rack-unaware
 * assignment (AdminUtils.assignReplicasToBrokersRackUnaware), with the start
 * index and the follower shift derived from the topic id instead of drawn at
 * random, so a topic lands on the same nodes after every restart.
 *
 * Partition p's first replica (its preferred leader) is node
 * `(startIndex + p) % N`: leaders go round-robin over the nodes, so 6
 * partitions on 3 nodes give each node 2. Followers are the next nodes after
 * a shift that grows every N partitions, as in Kafka, which spreads the
 * follower load too.
 */

/** A 32-bit FNV-1a hash of a string (topic ids are base64url text). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface PlacementSeed {
  /** Index (into the node list) of partition 0's first replica. */
  startIndex: number;
  /** Kafka's `nextReplicaShift` at partition 0. */
  shift: number;
}

/** Start index and shift of a topic, from its id. */
export function seedFor(topicId: string, nodes: number): PlacementSeed {
  const h = hashString(topicId);
  return { startIndex: h % nodes, shift: Math.floor(h / nodes) % nodes };
}

/**
 * Replica lists for partitions `fromPartition … fromPartition + count - 1`
 * over `nodeIds` (in this order), `replicationFactor` each, first replica
 * being the preferred leader. Throws when the factor exceeds the node count.
 */
export function assignReplicas(
  nodeIds: readonly number[],
  count: number,
  replicationFactor: number,
  seed: PlacementSeed,
  fromPartition = 0,
): number[][] {
  const n = nodeIds.length;
  if (replicationFactor < 1 || replicationFactor > n) {
    throw new RangeError(`replication factor ${replicationFactor} with ${n} node(s)`);
  }
  const out: number[][] = [];
  // Kafka bumps the shift each time the partition id wraps around the node count.
  let shift = seed.shift + Math.floor(fromPartition / n);
  for (let p = fromPartition; p < fromPartition + count; p++) {
    if (p > fromPartition && p % n === 0) shift++;
    const first = (p + seed.startIndex) % n;
    const replicas = [nodeIds[first]!];
    for (let j = 0; j < replicationFactor - 1; j++) {
      const step = 1 + ((shift + j) % (n - 1));
      replicas.push(nodeIds[(first + step) % n]!);
    }
    out.push(replicas);
  }
  return out;
}
