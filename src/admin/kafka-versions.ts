/**
 * Which request versions each Apache Kafka release served to clients, for
 * `--kafka-version` (version emulation): ApiVersions advertises the
 * intersection of a release's ranges with our handlers', and requests outside
 * it are refused as that release would refuse them.
 *
 * Sources, in order of trust:
 * - 0.11 … 3.8: the per-release maximum versions in franz-go's `kversion`
 *   package (each bump annotated with its KAFKA ticket / KIP), restricted to
 *   client-facing APIs (the broker listener; inter-broker APIs such as
 *   LeaderAndIsr or WriteTxnMarkers are left out since kafkalite never serves
 *   them).
 * - 3.9 and 4.0: derived from the version comments of Kafka's JSON message
 *   definitions (../shared/kafka-protocol/message, which name the KIP behind
 *   each version) and the KIPs' target releases. Less certain; see the notes
 *   on those entries.
 * - Minimum versions are 0 everywhere before 4.0; 4.0 raised several of them
 *   (KIP-896, "remove old client protocol API versions").
 *
 * APIs that only KRaft brokers expose to clients (telemetry, DescribeTopicPartitions,
 * raft voter changes) are listed from the release that introduced them, as a
 * KRaft-mode broker of that release would advertise them.
 */

/** API key → name (Kafka's ApiKeys), for labels, recordings and fault specs. */
export const API_NAMES: Readonly<Record<number, string>> = {
  0: 'Produce',
  1: 'Fetch',
  2: 'ListOffsets',
  3: 'Metadata',
  4: 'LeaderAndIsr',
  5: 'StopReplica',
  6: 'UpdateMetadata',
  7: 'ControlledShutdown',
  8: 'OffsetCommit',
  9: 'OffsetFetch',
  10: 'FindCoordinator',
  11: 'JoinGroup',
  12: 'Heartbeat',
  13: 'LeaveGroup',
  14: 'SyncGroup',
  15: 'DescribeGroups',
  16: 'ListGroups',
  17: 'SaslHandshake',
  18: 'ApiVersions',
  19: 'CreateTopics',
  20: 'DeleteTopics',
  21: 'DeleteRecords',
  22: 'InitProducerId',
  23: 'OffsetForLeaderEpoch',
  24: 'AddPartitionsToTxn',
  25: 'AddOffsetsToTxn',
  26: 'EndTxn',
  27: 'WriteTxnMarkers',
  28: 'TxnOffsetCommit',
  29: 'DescribeAcls',
  30: 'CreateAcls',
  31: 'DeleteAcls',
  32: 'DescribeConfigs',
  33: 'AlterConfigs',
  34: 'AlterReplicaLogDirs',
  35: 'DescribeLogDirs',
  36: 'SaslAuthenticate',
  37: 'CreatePartitions',
  38: 'CreateDelegationToken',
  39: 'RenewDelegationToken',
  40: 'ExpireDelegationToken',
  41: 'DescribeDelegationToken',
  42: 'DeleteGroups',
  43: 'ElectLeaders',
  44: 'IncrementalAlterConfigs',
  45: 'AlterPartitionReassignments',
  46: 'ListPartitionReassignments',
  47: 'OffsetDelete',
  48: 'DescribeClientQuotas',
  49: 'AlterClientQuotas',
  50: 'DescribeUserScramCredentials',
  51: 'AlterUserScramCredentials',
  52: 'Vote',
  53: 'BeginQuorumEpoch',
  54: 'EndQuorumEpoch',
  55: 'DescribeQuorum',
  56: 'AlterPartition',
  57: 'UpdateFeatures',
  58: 'Envelope',
  59: 'FetchSnapshot',
  60: 'DescribeCluster',
  61: 'DescribeProducers',
  62: 'BrokerRegistration',
  63: 'BrokerHeartbeat',
  64: 'UnregisterBroker',
  65: 'DescribeTransactions',
  66: 'ListTransactions',
  67: 'AllocateProducerIds',
  68: 'ConsumerGroupHeartbeat',
  69: 'ConsumerGroupDescribe',
  70: 'ControllerRegistration',
  71: 'GetTelemetrySubscriptions',
  72: 'PushTelemetry',
  73: 'AssignReplicasToDirs',
  74: 'ListClientMetricsResources',
  75: 'DescribeTopicPartitions',
  76: 'ShareGroupHeartbeat',
  77: 'ShareGroupDescribe',
  78: 'ShareFetch',
  79: 'ShareAcknowledge',
  80: 'AddRaftVoter',
  81: 'RemoveRaftVoter',
  82: 'UpdateRaftVoter',
  83: 'InitializeShareGroupState',
  84: 'ReadShareGroupState',
  85: 'WriteShareGroupState',
  86: 'DeleteShareGroupState',
  87: 'ReadShareGroupStateSummary',
};

const KEY_BY_NAME = new Map(Object.entries(API_NAMES).map(([k, n]) => [n.toLowerCase(), Number(k)]));

/** API key for a name (case-insensitive) or a numeric string; undefined when unknown. */
export function apiKeyOf(nameOrKey: string | number): number | undefined {
  if (typeof nameOrKey === 'number') return Number.isInteger(nameOrKey) ? nameOrKey : undefined;
  if (/^\d+$/.test(nameOrKey)) return Number(nameOrKey);
  return KEY_BY_NAME.get(nameOrKey.toLowerCase());
}

export function apiName(apiKey: number): string {
  return API_NAMES[apiKey] ?? `Unknown${apiKey}`;
}

/** [min, max] served by a release; a bare number is a max with min 0. */
type Change = number | readonly [number, number] | null;

/**
 * Release → changes from the previous release (api key → new max or [min, max];
 * null removes the API). The first entry is complete.
 */
const HISTORY: readonly (readonly [string, Readonly<Record<number, Change>>])[] = [
  [
    '0.11',
    {
      0: 3, // Produce (KIP-98: transactional id, message format v2)
      1: 5, // Fetch (KIP-98 isolation level; KIP-107 log start offset)
      2: 2, // ListOffsets
      3: 4, // Metadata
      8: 3, // OffsetCommit
      9: 3, // OffsetFetch
      10: 1, // FindCoordinator (KIP-98 key type)
      11: 2, // JoinGroup
      12: 1, // Heartbeat
      13: 1, // LeaveGroup
      14: 1, // SyncGroup
      15: 1, // DescribeGroups
      16: 1, // ListGroups
      17: 0, // SaslHandshake
      18: 1, // ApiVersions
      19: 2, // CreateTopics
      20: 1, // DeleteTopics
      21: 0, // DeleteRecords
      22: 0, // InitProducerId
      23: 0, // OffsetForLeaderEpoch
      24: 0, // AddPartitionsToTxn
      25: 0, // AddOffsetsToTxn
      26: 0, // EndTxn
      28: 0, // TxnOffsetCommit
      29: 0, // DescribeAcls
      30: 0, // CreateAcls
      31: 0, // DeleteAcls
      32: 0, // DescribeConfigs
      33: 0, // AlterConfigs
    },
  ],
  ['1.0', { 0: 5, 1: 6, 3: 5, 17: 1, 34: 0, 35: 0, 36: 0, 37: 0 }],
  // KIP-48 delegation tokens, KIP-229 DeleteGroups, KIP-227 fetch sessions.
  ['1.1', { 1: 7, 32: 1, 38: 0, 39: 0, 40: 0, 41: 0, 42: 0 }],
  // KIP-219 throttling bumped nearly everything.
  [
    '2.0',
    {
      0: 6, 1: 8, 2: 3, 3: 6, 8: 4, 9: 4, 10: 2, 11: 3, 12: 2, 13: 2, 14: 2, 15: 2, 16: 2, 18: 2, 19: 3, 20: 2,
      21: 1, 22: 1, 23: 1, 24: 1, 25: 1, 26: 1, 28: 1, 29: 1, 30: 1, 31: 1, 32: 2, 33: 1, 34: 1, 35: 1, 37: 1,
      38: 1, 39: 1, 40: 1, 41: 1, 42: 1,
    },
  ],
  // KIP-211, KIP-322, KIP-320 (leader epochs), KIP-110 (zstd).
  ['2.1', { 0: 7, 1: 10, 2: 4, 3: 7, 8: 6, 9: 5, 20: 3, 23: 2, 28: 2 }],
  // KIP-207, KIP-394 (MEMBER_ID_REQUIRED), KIP-368, KIP-183.
  ['2.2', { 2: 5, 11: 4, 36: 1, 43: 0 }],
  // KIP-430, KIP-392 (fetch from follower), KIP-345 (static membership), KIP-339.
  ['2.3', { 1: 11, 3: 8, 8: 7, 11: 5, 12: 3, 14: 3, 15: 3, 23: 3, 44: 0 }],
  // KIP-482 flexible versions, KIP-511 (ApiVersions v3), KIP-455, KIP-496 (OffsetDelete), KIP-467.
  [
    '2.4',
    {
      0: 8, 3: 9, 8: 8, 9: 6, 10: 3, 11: 6, 12: 4, 13: 4, 14: 4, 15: 5, 16: 3, 18: 3, 19: 5, 20: 4, 22: 2, 38: 2,
      42: 2, 43: 2, 44: 1, 45: 0, 46: 0, 47: 0,
    },
  ],
  // KIP-360, KIP-447, KIP-559, more flexible versions.
  ['2.5', { 9: 7, 11: 7, 14: 5, 22: 3, 28: 3, 29: 2, 30: 2, 31: 2, 36: 2, 37: 2, 39: 2, 40: 2, 41: 2 }],
  // KIP-546 client quotas, KIP-518 (ListGroups states filter), KIP-569.
  ['2.6', { 16: 4, 21: 2, 32: 3, 35: 2, 48: 0, 49: 0 }],
  // KIP-599 (THROTTLING_QUOTA_EXCEEDED), KIP-588, KIP-554 SCRAM, KIP-595 (Fetch flexible), KIP-584.
  ['2.7', { 1: 12, 19: 6, 20: 5, 22: 4, 24: 2, 25: 2, 26: 2, 37: 3, 50: 0, 51: 0, 57: 0 }],
  // KIP-482 flexible bumps, KIP-516 topic ids, KIP-700 DescribeCluster, KIP-664 DescribeProducers.
  ['2.8', { 0: 9, 2: 6, 3: 11, 19: 7, 20: 6, 23: 4, 24: 3, 25: 3, 26: 3, 32: 4, 33: 2, 34: 2, 48: 1, 49: 1, 60: 0, 61: 0 }],
  // KIP-664 transactions admin, KIP-734, KIP-699 (batched FindCoordinator), KIP-709.
  ['3.0', { 2: 7, 9: 8, 10: 4, 65: 0, 66: 0 }],
  // KIP-516: Fetch and Metadata by topic id.
  ['3.1', { 1: 13, 3: 12 }],
  // KIP-800 (join/leave reasons), KIP-814, KIP-784.
  ['3.2', { 11: 9, 13: 5, 35: 3 }],
  // KIP-778, KIP-827, KIP-836, KIP-373. DescribeQuorum reaches clients through KRaft brokers.
  ['3.3', { 29: 3, 30: 3, 31: 3, 35: 4, 38: 3, 41: 3, 55: 1, 57: 1 }],
  // 3.4 changed inter-broker APIs only.
  ['3.4', {}],
  // KIP-405 (tiered storage), KIP-903.
  ['3.5', { 1: 15, 2: 8 }],
  // KIP-890 part 1.
  ['3.6', { 24: 4 }],
  // KIP-951, KIP-848 (OffsetCommit/OffsetFetch v9, ConsumerGroupHeartbeat — early access in 3.7:
  // a real 3.7 broker only serves it with the new group coordinator enabled), KIP-919, KIP-714 telemetry.
  ['3.7', { 0: 10, 1: 16, 8: 9, 9: 9, 60: 1, 68: 0, 71: 0, 72: 0, 74: 0 }],
  // KIP-890 (TRANSACTION_ABORTABLE), KIP-848 (ListGroups types filter, ConsumerGroupDescribe), KIP-994, KIP-966.
  ['3.8', { 0: 11, 10: 5, 16: 5, 22: 5, 24: 5, 25: 4, 26: 4, 28: 4, 66: 1, 69: 0, 75: 0 }],
  // Derived from the JSON comments: Fetch v17 and DescribeQuorum v2 / AddRaftVoter / RemoveRaftVoter
  // are KIP-853 (3.9's dynamic KRaft quorums); ApiVersions v4 fixes KAFKA-17011 (fixed in 3.9.0);
  // ListOffsets v9 is KIP-1005 (believed 3.9; possibly 3.8).
  ['3.9', { 1: 17, 2: 9, 18: 4, 55: 2, 80: 0, 81: 0 }],
  // KIP-896 raised minimums (as read from Kafka 4.0's JSON definitions; SaslHandshake,
  // FindCoordinator and Metadata minimums are the least certain). New maxima: Metadata v13
  // (KIP-1102), Produce v12 / EndTxn v5 / TxnOffsetCommit v5 (KIP-890 part 2), ListOffsets v10
  // (KIP-1075), FindCoordinator v6 (KIP-932), DescribeGroups v6 and ConsumerGroupDescribe v1
  // (KIP-1043), ConsumerGroupHeartbeat v1 (KIP-848 GA: regex subscriptions).
  [
    '4.0',
    {
      0: [3, 12], 1: [4, 17], 2: [1, 10], 3: [0, 13], 8: [2, 9], 9: [1, 9], 10: [0, 6], 11: [2, 9], 15: [0, 6],
      17: [1, 1], 19: [2, 7], 20: [1, 6], 23: [2, 4], 26: [0, 5], 28: [0, 5], 29: [1, 3], 30: [1, 3], 31: [1, 3],
      32: [1, 4], 34: [1, 2], 35: [1, 4], 38: [1, 3], 39: [1, 2], 40: [1, 2], 41: [1, 3], 68: [0, 1], 69: [0, 1],
    },
  ],
];

export interface ReleaseApi {
  minVersion: number;
  maxVersion: number;
}

export interface KafkaRelease {
  /** Normalized name, e.g. "2.8" or "0.11". */
  readonly name: string;
  /** API key → versions that release served to clients. */
  readonly apis: ReadonlyMap<number, ReleaseApi>;
  /**
   * KIP-511 (2.4): an ApiVersions request of an unsupported version is answered with
   * the supported API list. Older releases answered UNSUPPORTED_VERSION with an empty list.
   */
  readonly listsApisOnUnsupportedApiVersions: boolean;
}

/**
 * Built on first use (a --kafka-version, or the list): folding the history takes ~1 ms, which a
 * start-up without version emulation does not need to pay.
 */
let releases: ReadonlyMap<string, KafkaRelease> | undefined;

function allReleases(): ReadonlyMap<string, KafkaRelease> {
  return (releases ??= foldHistory());
}

function foldHistory(): ReadonlyMap<string, KafkaRelease> {
  const out = new Map<string, KafkaRelease>();
  let current = new Map<number, ReleaseApi>();
  for (const [name, changes] of HISTORY) {
    current = new Map(current);
    for (const [k, c] of Object.entries(changes)) {
      const key = Number(k);
      if (c === null) current.delete(key);
      else if (typeof c === 'number') current.set(key, { minVersion: current.get(key)?.minVersion ?? 0, maxVersion: c });
      else current.set(key, { minVersion: c[0], maxVersion: c[1] });
    }
    const [major, minor] = name.split('.').map(Number) as [number, number];
    out.set(name, { name, apis: current, listsApisOnUnsupportedApiVersions: major > 2 || (major === 2 && minor >= 4) });
  }
  return out;
}

/** Every release `--kafka-version` accepts, oldest first. */
export const KAFKA_RELEASES: readonly string[] = HISTORY.map(([name]) => name);

/**
 * The release for a version string: "2.8", "2.8.1", "v3.9.0", "0.11.0.2" all work
 * (patch releases never changed the protocol). Throws with the list of known
 * releases for anything else.
 */
export function kafkaRelease(version: string): KafkaRelease {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+){0,2}$/.exec(version.trim());
  const r = m ? allReleases().get(`${Number(m[1])}.${Number(m[2])}`) : undefined;
  if (!r) throw new Error(`unknown Kafka version '${version}' (known: ${KAFKA_RELEASES.join(', ')})`);
  return r;
}
