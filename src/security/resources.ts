/**
 * Which resources and operations each API needs, and which error a refusal
 * gives — Kafka's KafkaApis checks, API by API:
 *
 * | API | needs | refused with |
 * |---|---|---|
 * | Produce | WRITE transactional id (transactional), WRITE topic | TRANSACTIONAL_ID_ / TOPIC_AUTHORIZATION_FAILED |
 * | Fetch | READ topic (consumers); CLUSTER_ACTION cluster (followers) | TOPIC_AUTHORIZATION_FAILED |
 * | ListOffsets, OffsetForLeaderEpoch | DESCRIBE topic | TOPIC_AUTHORIZATION_FAILED |
 * | Metadata, DescribeTopicPartitions | DESCRIBE topic (hidden when listing all), CREATE cluster or topic to auto-create | TOPIC_AUTHORIZATION_FAILED |
 * | OffsetCommit, TxnOffsetCommit | READ group, READ topic (+ WRITE transactional id) | GROUP_ / TOPIC_ / TRANSACTIONAL_ID_… |
 * | OffsetFetch | DESCRIBE group, DESCRIBE topic (hidden when fetching all) | GROUP_ / TOPIC_AUTHORIZATION_FAILED |
 * | OffsetDelete | DELETE group, READ topic | GROUP_ / TOPIC_AUTHORIZATION_FAILED |
 * | FindCoordinator | DESCRIBE group / transactional id | GROUP_ / TRANSACTIONAL_ID_AUTHORIZATION_FAILED |
 * | JoinGroup, SyncGroup, Heartbeat, LeaveGroup, ConsumerGroupHeartbeat | READ group (+ DESCRIBE subscribed topics) | GROUP_ (TOPIC_) AUTHORIZATION_FAILED |
 * | DescribeGroups, ConsumerGroupDescribe | DESCRIBE group | GROUP_AUTHORIZATION_FAILED |
 * | ListGroups | DESCRIBE cluster, else only groups it may DESCRIBE | (filtered) |
 * | DeleteGroups | DELETE group | GROUP_AUTHORIZATION_FAILED |
 * | CreateTopics | CREATE cluster or topic | TOPIC_AUTHORIZATION_FAILED |
 * | DeleteTopics, DeleteRecords | DELETE topic | TOPIC_AUTHORIZATION_FAILED |
 * | CreatePartitions | ALTER topic | TOPIC_AUTHORIZATION_FAILED |
 * | DescribeConfigs / AlterConfigs, IncrementalAlterConfigs | DESCRIBE_CONFIGS / ALTER_CONFIGS topic, cluster (broker, logger), group | TOPIC_ / CLUSTER_ / GROUP_… |
 * | InitProducerId | WRITE transactional id; else IDEMPOTENT_WRITE cluster or WRITE on any topic | TRANSACTIONAL_ID_ / CLUSTER_AUTHORIZATION_FAILED |
 * | AddPartitionsToTxn | v0-3: WRITE transactional id and topics; v4+: CLUSTER_ACTION cluster | TRANSACTIONAL_ID_ / TOPIC_ / CLUSTER_… |
 * | AddOffsetsToTxn | WRITE transactional id, READ group | TRANSACTIONAL_ID_ / GROUP_… |
 * | EndTxn | WRITE transactional id | TRANSACTIONAL_ID_AUTHORIZATION_FAILED |
 * | DescribeTransactions / ListTransactions | DESCRIBE transactional id | TRANSACTIONAL_ID_… / (filtered) |
 * | DescribeProducers | READ topic | TOPIC_AUTHORIZATION_FAILED |
 * | DescribeLogDirs, ListPartitionReassignments | DESCRIBE cluster | CLUSTER_AUTHORIZATION_FAILED |
 * | ElectLeaders, AlterPartitionReassignments | ALTER cluster | CLUSTER_AUTHORIZATION_FAILED |
 * | DescribeAcls, DescribeUserScramCredentials | DESCRIBE cluster (checked by the handlers) | CLUSTER_AUTHORIZATION_FAILED |
 * | CreateAcls, DeleteAcls, AlterUserScramCredentials | ALTER cluster (checked by the handlers) | CLUSTER_AUTHORIZATION_FAILED |
 * | ApiVersions, SaslHandshake, SaslAuthenticate, DescribeCluster | nothing (DescribeCluster's authorized operations need DESCRIBE cluster) | |
 *
 * An API without a rule here needs ALTER on the cluster, so a new handler is
 * never left open; a unit test lists the handlers without one.
 */
import { invalidTopicName } from '../handlers/topic-name.js';
import { ErrorCode } from '../wire/error-codes.js';
import { AclOperation as Op, CLUSTER_NAME, ResourceType } from './acl.js';
import { andThen, type AuthRequest, type Obj, type Plan, type Rule } from './enforce.js';

const T = ResourceType.TOPIC;
const G = ResourceType.GROUP;
const C = ResourceType.CLUSTER;
const X = ResourceType.TRANSACTIONAL_ID;
const E = ErrorCode;
const AUTH_OPS_UNKNOWN = -2147483648;
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** ConfigResource types (DescribeConfigs, AlterConfigs…). */
const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 } as const;

const topicCode = (r: AuthRequest, op: number) => (t: string): number => (r.can(op, T, t) ? 0 : E.TOPIC_AUTHORIZATION_FAILED);

/** Requests checked only against one group (READ): JoinGroup, SyncGroup, Heartbeat, LeaveGroup. */
const groupRead: Rule = (req, r) => (r.can(Op.READ, G, req.groupId) ? null : r.deny(E.GROUP_AUTHORIZATION_FAILED, req));

const clusterOp =
  (op: number): Rule =>
  (req, r) =>
    r.can(op, C, CLUSTER_NAME) ? null : r.deny(E.CLUSTER_AUTHORIZATION_FAILED, req, { topLevel: true });

/** Checked by the handler itself (it knows the per-entry shape), or nothing to check. */
const none: Rule = () => null;

function configRule(op: number, respField: string): Rule {
  return (req, r) =>
    r.named<Obj>(
      req,
      'resources',
      (res) => {
        switch (res.resourceType) {
          case ConfigResourceType.TOPIC:
            return r.can(op, T, res.resourceName) ? 0 : E.TOPIC_AUTHORIZATION_FAILED;
          case ConfigResourceType.BROKER:
          case ConfigResourceType.BROKER_LOGGER:
          case ConfigResourceType.CLIENT_METRICS:
            return r.can(op, C, CLUSTER_NAME) ? 0 : E.CLUSTER_AUTHORIZATION_FAILED;
          case ConfigResourceType.GROUP:
            return r.can(op, G, res.resourceName) ? 0 : E.GROUP_AUTHORIZATION_FAILED;
          default:
            return 0;
        }
      },
      respField,
      (res, code) => r.entry(respField, { errorCode: code, resourceType: res.resourceType, resourceName: res.resourceName, configs: [] }),
    );
}

/** Metadata: hides what the principal may not DESCRIBE; auto-creation needs CREATE. */
const metadata: Rule = (req, r) => {
  const v = r.version;
  const broker = r.broker;
  const patch = (res: Obj): void => {
    if (req.includeTopicAuthorizedOperations) {
      for (const t of res.topics as Obj[]) if (t.errorCode === E.NONE && typeof t.name === 'string') t.topicAuthorizedOperations = r.ops(T, t.name);
    }
    if (v >= 8 && v <= 10 && req.includeClusterAuthorizedOperations) res.clusterAuthorizedOperations = r.ops(C, CLUSTER_NAME);
  };
  const all = req.topics === null || (v === 0 && req.topics.length === 0);
  if (all) {
    return r.post(req, (res) => {
      res.topics = (res.topics as Obj[]).filter((t) => typeof t.name === 'string' && r.can(Op.DESCRIBE, T, t.name));
      patch(res);
    });
  }
  const allowAuto = (v < 4 || req.allowAutoTopicCreation) && broker.config.autoCreateTopics;
  let clusterCreate: boolean | undefined;
  const refused = (name: string | null, topicId: string): Obj => r.entry('topics', { errorCode: E.TOPIC_AUTHORIZATION_FAILED, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: AUTH_OPS_UNKNOWN });
  const errors: Obj[] = [];
  const kept: Obj[] = [];
  for (const w of req.topics as Obj[]) {
    if (w.name === null || w.name === undefined) {
      // By topic id (v10+): ids are not secret, so an unauthorized one is reported with its id.
      const t = w.topicId !== ZERO_UUID ? broker.store.topicById(w.topicId) : undefined;
      if (t && !r.can(Op.DESCRIBE, T, t.name)) errors.push(refused(null, w.topicId));
      else kept.push(w);
      continue;
    }
    const name = w.name as string;
    if (!r.can(Op.DESCRIBE, T, name)) {
      errors.push(refused(name, ZERO_UUID));
      continue;
    }
    if (allowAuto && !broker.store.topic(name) && invalidTopicName(name) === null) {
      clusterCreate ??= r.can(Op.CREATE, C, CLUSTER_NAME);
      if (!clusterCreate && !r.can(Op.CREATE, T, name)) {
        errors.push(refused(name, ZERO_UUID));
        continue;
      }
    }
    kept.push(w);
  }
  if (errors.length === 0) return req.includeTopicAuthorizedOperations || req.includeClusterAuthorizedOperations ? r.post(req, patch) : null;
  return {
    request: { ...req, topics: kept },
    finish: (res) => {
      if (res === null) return null;
      // v0 reads an empty topic list as "all topics": nothing the handler listed was asked for then.
      const listed = v === 0 && kept.length === 0 ? [] : (res.topics as Obj[]);
      const out = { ...res, topics: [...listed, ...errors] };
      patch(out);
      return out;
    },
  };
};

/** DescribeTopicPartitions: like Metadata (all topics when the list is empty), no auto-creation. */
const describeTopicPartitions: Rule = (req, r) => {
  const patch = (res: Obj): void => {
    for (const t of res.topics as Obj[]) if (t.errorCode === E.NONE && typeof t.name === 'string') t.topicAuthorizedOperations = r.ops(T, t.name);
  };
  if ((req.topics as Obj[]).length === 0) {
    return r.post(req, (res) => {
      res.topics = (res.topics as Obj[]).filter((t) => typeof t.name === 'string' && r.can(Op.DESCRIBE, T, t.name));
      patch(res);
    });
  }
  const plan = r.named<Obj>(
    req,
    'topics',
    (t) => (r.can(Op.DESCRIBE, T, t.name) ? 0 : E.TOPIC_AUTHORIZATION_FAILED),
    'topics',
    (t, code) => r.entry('topics', { errorCode: code, name: t.name, topicId: ZERO_UUID, partitions: [], topicAuthorizedOperations: AUTH_OPS_UNKNOWN }),
  );
  return andThen(r, req, plan, patch);
};

/** OffsetFetch: v0-7 one group; v8+ a list of groups, each with its topics (null: all of them). */
const offsetFetch: Rule = (req, r) => {
  const describable = (res: Obj[]): Obj[] => res.filter((t) => r.can(Op.DESCRIBE, T, t.name));
  if (r.version < 8) {
    if (!r.can(Op.DESCRIBE, G, req.groupId)) return r.deny(E.GROUP_AUTHORIZATION_FAILED, req);
    if (req.topics === null) return r.post(req, (res) => (res.topics = describable(res.topics)));
    return r.topics(req, topicCode(r, Op.DESCRIBE));
  }
  const refusedGroups: Obj[] = [];
  const refusedTopics = new Map<string, Obj[]>();
  const fetchAll = new Set<string>();
  const kept: Obj[] = [];
  for (const g of req.groups as Obj[]) {
    if (!r.can(Op.DESCRIBE, G, g.groupId)) {
      refusedGroups.push(r.entry('groups', { groupId: g.groupId, topics: [], errorCode: E.GROUP_AUTHORIZATION_FAILED }));
      continue;
    }
    if (g.topics === null) {
      fetchAll.add(g.groupId);
      kept.push(g);
      continue;
    }
    const ok = (g.topics as Obj[]).filter((t) => r.can(Op.DESCRIBE, T, t.name));
    const bad = (g.topics as Obj[]).filter((t) => !r.can(Op.DESCRIBE, T, t.name));
    if (bad.length > 0) {
      refusedTopics.set(
        g.groupId,
        bad.map((t) => ({
          name: t.name,
          partitions: (t.partitionIndexes as number[]).map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: E.TOPIC_AUTHORIZATION_FAILED })),
        })),
      );
    }
    kept.push(bad.length > 0 ? { ...g, topics: ok } : g);
  }
  if (refusedGroups.length === 0 && refusedTopics.size === 0 && fetchAll.size === 0) return null;
  return {
    request: kept.length > 0 ? { ...req, groups: kept } : null,
    finish: (res) => {
      const groups = res === null ? [] : (res.groups as Obj[]);
      const out = res === null ? r.blank() : { ...res };
      out.groups = [
        ...groups.map((g) => {
          const extra = refusedTopics.get(g.groupId) ?? [];
          if (!fetchAll.has(g.groupId) && extra.length === 0) return g;
          return { ...g, topics: [...(fetchAll.has(g.groupId) ? describable(g.topics) : g.topics), ...extra] };
        }),
        ...refusedGroups,
      ];
      return out;
    },
  };
};

/** FindCoordinator: DESCRIBE on the group or transactional id the client looks for. */
const findCoordinator: Rule = (req, r) => {
  const check = (key: string): number =>
    req.keyType === 1 ? (r.can(Op.DESCRIBE, X, key) ? 0 : E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED) : r.can(Op.DESCRIBE, G, key) ? 0 : E.GROUP_AUTHORIZATION_FAILED;
  if (r.version < 4) {
    const code = check(req.key);
    if (code === 0) return null;
    const plan = r.deny(code, req, { topLevel: true });
    return { request: null, finish: () => ({ ...plan.finish(null)!, nodeId: -1, host: '', port: -1 }) };
  }
  return r.named<string>(req, 'coordinatorKeys', check, 'coordinators', (key, code) => r.entry('coordinators', { key, nodeId: -1, host: '', port: -1, errorCode: code }));
};

/** DeleteTopics: DELETE on each topic (v6: by name or id). */
const deleteTopics: Rule = (req, r) => {
  if (r.version < 6) {
    return r.named<string>(req, 'topicNames', (t) => (r.can(Op.DELETE, T, t) ? 0 : E.TOPIC_AUTHORIZATION_FAILED), 'responses', (t, code) => r.entry('responses', { name: t, errorCode: code }));
  }
  return r.named<Obj>(
    req,
    'topics',
    (t) => {
      const name = t.name ?? (t.topicId !== ZERO_UUID ? r.broker.store.topicById(t.topicId)?.name : undefined);
      if (name === undefined || name === null) return 0; // unknown id: the handler answers UNKNOWN_TOPIC_ID
      return r.can(Op.DELETE, T, name) ? 0 : E.TOPIC_AUTHORIZATION_FAILED;
    },
    'responses',
    (t, code) => {
      // A topic asked for by id keeps its name hidden unless the principal may describe it.
      const resolved = t.name ?? r.broker.store.topicById(t.topicId)?.name ?? null;
      const name = t.name ?? (resolved !== null && r.can(Op.DESCRIBE, T, resolved) ? resolved : null);
      return r.entry('responses', { name, topicId: t.topicId ?? ZERO_UUID, errorCode: code });
    },
  );
};

/** AddPartitionsToTxn: clients use v0-3; v4+ is broker-to-broker (CLUSTER_ACTION). */
const addPartitionsToTxn: Rule = (req, r) => {
  if (r.version >= 4) return r.can(Op.CLUSTER_ACTION, C, CLUSTER_NAME) ? null : r.deny(E.CLUSTER_AUTHORIZATION_FAILED, req, { topLevel: true });
  const topics = req.v3AndBelowTopics as { name: string; partitions: number[] }[];
  const answer = (codeOf: (topic: string) => number): Plan => ({
    request: null,
    finish: () => ({
      throttleTimeMs: 0,
      errorCode: 0,
      resultsByTransaction: [],
      resultsByTopicV3AndBelow: topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeOf(t.name) })) })),
    }),
  });
  if (!r.can(Op.WRITE, X, req.v3AndBelowTransactionalId)) return answer(() => E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  const denied = new Set(topics.filter((t) => !r.can(Op.WRITE, T, t.name)).map((t) => t.name));
  if (denied.size === 0) return null;
  // Kafka adds none of the partitions then: the others are OPERATION_NOT_ATTEMPTED.
  return answer((t) => (denied.has(t) ? E.TOPIC_AUTHORIZATION_FAILED : E.OPERATION_NOT_ATTEMPTED));
};

/** InitProducerId: transactional producers need WRITE on their id; idempotent ones IDEMPOTENT_WRITE or WRITE on some topic (KIP-679). */
const initProducerId: Rule = (req, r) => {
  if (req.transactionalId !== null) return r.can(Op.WRITE, X, req.transactionalId) ? null : r.deny(E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, req);
  if (r.can(Op.IDEMPOTENT_WRITE, C, CLUSTER_NAME) || r.canAny(Op.WRITE, T)) return null;
  return r.deny(E.CLUSTER_AUTHORIZATION_FAILED, req);
};

/** ElectLeaders: ALTER cluster; the refusal names every partition (and the top level from v1). */
const electLeaders: Rule = (req, r) => {
  if (r.can(Op.ALTER, C, CLUSTER_NAME)) return null;
  const code = E.CLUSTER_AUTHORIZATION_FAILED;
  const message = 'Cluster authorization failed.';
  return {
    request: null,
    finish: () => ({
      throttleTimeMs: 0,
      errorCode: code,
      replicaElectionResults: ((req.topicPartitions as Obj[] | null) ?? []).map((t) => ({
        topic: t.topic,
        partitionResult: (t.partitions as number[]).map((p) => ({ partitionId: p, errorCode: code, errorMessage: message })),
      })),
    }),
  };
};

/** DescribeTransactions: DESCRIBE per transactional id; topics of a transaction the principal may not describe are left out. */
const describeTransactions: Rule = (req, r) => {
  const plan = r.named<string>(
    req,
    'transactionalIds',
    (id) => (r.can(Op.DESCRIBE, X, id) ? 0 : E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
    'transactionStates',
    (id, code) => r.entry('transactionStates', { errorCode: code, transactionalId: id, transactionState: '', transactionStartTimeMs: -1n, topics: [] }),
  );
  return andThen(r, req, plan, (res) => {
    res.transactionStates = (res.transactionStates as Obj[]).map((s) => ({ ...s, topics: (s.topics as Obj[]).filter((t) => r.can(Op.DESCRIBE, T, t.topic)) }));
  });
};

/** DescribeGroups / ConsumerGroupDescribe: DESCRIBE per group; authorized operations when asked. */
function describeGroupsRule(field: string): Rule {
  return (req, r) => {
    const plan = r.named<string>(
      req,
      field,
      (g) => (r.can(Op.DESCRIBE, G, g) ? 0 : E.GROUP_AUTHORIZATION_FAILED),
      'groups',
      (g, code) => r.entry('groups', { errorCode: code, groupId: g, groupState: '', authorizedOperations: AUTH_OPS_UNKNOWN }),
    );
    if (!req.includeAuthorizedOperations) return plan;
    return andThen(r, req, plan, (res) => {
      for (const g of res.groups as Obj[]) if (g.errorCode === E.NONE) g.authorizedOperations = r.ops(G, g.groupId);
    });
  };
}

export const AUTH_RULES: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  // Produce
  [0, (req, r) => (req.transactionalId != null && !r.can(Op.WRITE, X, req.transactionalId) ? r.deny(E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, req) : r.topics(req, topicCode(r, Op.WRITE)))],
  // Fetch: followers (replica id ≥ 0) need CLUSTER_ACTION.
  [
    1,
    (req, r) => {
      const replicaId = r.version >= 15 ? (req.replicaState?.replicaId ?? -1) : (req.replicaId ?? -1);
      if (replicaId >= 0) return r.can(Op.CLUSTER_ACTION, C, CLUSTER_NAME) ? null : r.deny(E.TOPIC_AUTHORIZATION_FAILED, req);
      return r.topics(req, topicCode(r, Op.READ));
    },
  ],
  [2, (req, r) => r.topics(req, topicCode(r, Op.DESCRIBE))], // ListOffsets
  [3, metadata],
  // OffsetCommit
  [8, (req, r) => (r.can(Op.READ, G, req.groupId) ? r.topics(req, topicCode(r, Op.READ)) : r.deny(E.GROUP_AUTHORIZATION_FAILED, req))],
  [9, offsetFetch],
  [10, findCoordinator],
  [11, groupRead], // JoinGroup
  [12, groupRead], // Heartbeat
  [13, groupRead], // LeaveGroup
  [14, groupRead], // SyncGroup
  [15, describeGroupsRule('groups')],
  // ListGroups: everything with DESCRIBE on the cluster, else the groups it may describe.
  [16, (req, r) => (r.can(Op.DESCRIBE, C, CLUSTER_NAME) ? null : r.post(req, (res) => (res.groups = (res.groups as Obj[]).filter((g) => r.can(Op.DESCRIBE, G, g.groupId)))))],
  [17, none], // SaslHandshake
  [18, none], // ApiVersions
  // CreateTopics: CREATE on the cluster, else on each topic.
  [19, (req, r) => (r.can(Op.CREATE, C, CLUSTER_NAME) ? null : r.topics(req, topicCode(r, Op.CREATE)))],
  [20, deleteTopics],
  [21, (req, r) => r.topics(req, topicCode(r, Op.DELETE))], // DeleteRecords
  [22, initProducerId],
  // OffsetForLeaderEpoch: followers (replica id ≥ 0) need CLUSTER_ACTION.
  [23, (req, r) => (r.version >= 3 && req.replicaId >= 0 ? (r.can(Op.CLUSTER_ACTION, C, CLUSTER_NAME) ? null : r.deny(E.TOPIC_AUTHORIZATION_FAILED, req)) : r.topics(req, topicCode(r, Op.DESCRIBE)))],
  [24, addPartitionsToTxn],
  // AddOffsetsToTxn
  [
    25,
    (req, r) =>
      !r.can(Op.WRITE, X, req.transactionalId)
        ? r.deny(E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, req)
        : !r.can(Op.READ, G, req.groupId)
          ? r.deny(E.GROUP_AUTHORIZATION_FAILED, req)
          : null,
  ],
  [26, (req, r) => (r.can(Op.WRITE, X, req.transactionalId) ? null : r.deny(E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, req))], // EndTxn
  // TxnOffsetCommit
  [
    28,
    (req, r) =>
      !r.can(Op.WRITE, X, req.transactionalId)
        ? r.deny(E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, req)
        : !r.can(Op.READ, G, req.groupId)
          ? r.deny(E.GROUP_AUTHORIZATION_FAILED, req)
          : r.topics(req, topicCode(r, Op.READ)),
  ],
  [29, none], // DescribeAcls (handler)
  [30, none], // CreateAcls (handler)
  [31, none], // DeleteAcls (handler)
  [32, configRule(Op.DESCRIBE_CONFIGS, 'results')],
  [33, configRule(Op.ALTER_CONFIGS, 'responses')],
  [35, clusterOp(Op.DESCRIBE)], // DescribeLogDirs
  [36, none], // SaslAuthenticate
  // CreatePartitions
  [37, (req, r) => r.named<Obj>(req, 'topics', (t) => (r.can(Op.ALTER, T, t.name) ? 0 : E.TOPIC_AUTHORIZATION_FAILED), 'results', (t, code) => r.entry('results', { name: t.name, errorCode: code }))],
  // DeleteGroups
  [42, (req, r) => r.named<string>(req, 'groupsNames', (g) => (r.can(Op.DELETE, G, g) ? 0 : E.GROUP_AUTHORIZATION_FAILED), 'results', (g, code) => r.entry('results', { groupId: g, errorCode: code }))],
  [43, electLeaders],
  [44, configRule(Op.ALTER_CONFIGS, 'responses')],
  [45, clusterOp(Op.ALTER)], // AlterPartitionReassignments
  [46, clusterOp(Op.DESCRIBE)], // ListPartitionReassignments
  // OffsetDelete
  [47, (req, r) => (r.can(Op.DELETE, G, req.groupId) ? r.topics(req, topicCode(r, Op.READ)) : r.deny(E.GROUP_AUTHORIZATION_FAILED, req))],
  [50, none], // DescribeUserScramCredentials (handler)
  [51, none], // AlterUserScramCredentials (handler)
  // DescribeCluster: the authorized operations need DESCRIBE on the cluster (0 otherwise).
  [
    60,
    (req, r) =>
      req.includeClusterAuthorizedOperations ? r.post(req, (res) => (res.clusterAuthorizedOperations = r.can(Op.DESCRIBE, C, CLUSTER_NAME) ? r.ops(C, CLUSTER_NAME) : 0)) : null,
  ],
  [61, (req, r) => r.topics(req, topicCode(r, Op.READ))], // DescribeProducers
  [65, describeTransactions],
  [66, (req, r) => r.post(req, (res) => (res.transactionStates = (res.transactionStates as Obj[]).filter((s) => r.can(Op.DESCRIBE, X, s.transactionalId))))], // ListTransactions
  // ConsumerGroupHeartbeat: READ on the group, DESCRIBE on every subscribed topic.
  [
    68,
    (req, r) => {
      if (!r.can(Op.READ, G, req.groupId)) return r.deny(E.GROUP_AUTHORIZATION_FAILED, req, { topLevel: true });
      const subscribed = (req.subscribedTopicNames as string[] | null) ?? [];
      if (subscribed.some((t) => !r.can(Op.DESCRIBE, T, t))) return r.deny(E.TOPIC_AUTHORIZATION_FAILED, req, { topLevel: true });
      return null;
    },
  ],
  [69, describeGroupsRule('groupIds')],
  [75, describeTopicPartitions],
]);

/** An API without a rule: ALTER on the cluster (the strictest a client request gets), so nothing new is left open. */
export const DEFAULT_RULE: Rule = clusterOp(Op.ALTER);
