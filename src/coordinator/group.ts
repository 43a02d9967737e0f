/**
 * What the group coordinator needs from any kind of group: classic groups
 * (JoinGroup/SyncGroup protocol) and consumer groups (KIP-848,
 * ConsumerGroupHeartbeat) share one group-id namespace, one offset store,
 * and ListGroups/DescribeGroups/DeleteGroups/OffsetCommit.
 */
export type GroupType = 'classic' | 'consumer';

export interface GroupLike {
  readonly groupId: string;
  readonly type: GroupType;
  /** Kafka's state name as ListGroups reports it: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead (classic); Empty, Assigning, Reconciling, Stable, Dead (consumer). */
  readonly stateName: string;
  /** Protocol type for ListGroups ("consumer" for both kinds when used by consumers; "" when unknown). */
  readonly protocolType: string;
  /** No members. */
  isEmpty(): boolean;
  /**
   * Checks an OffsetCommit (or TxnOffsetCommit) against the group's membership:
   * `generationOrEpoch` is the generation id (classic) or member epoch (consumer).
   * Returns a Kafka error code (0 when the commit may proceed). A commit with
   * generation -1 and empty member id is a "simple" (admin/standalone) commit and
   * is only allowed on an empty group.
   */
  validateOffsetCommit(memberId: string, groupInstanceId: string | null, generationOrEpoch: number): number;
  /** Stops timers; called when the group is deleted or the broker shuts down. */
  shutdown(): void;
}
