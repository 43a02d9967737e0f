/**
 * The handler table: one entry per Kafka API this broker serves. ApiVersions
 * and the README's API table are derived from it.
 */
import { addOffsetsToTxn } from './add-offsets-to-txn.js';
import { alterUserScramCredentials } from './alter-user-scram-credentials.js';
import { createAcls } from './create-acls.js';
import { deleteAcls } from './delete-acls.js';
import { describeAcls } from './describe-acls.js';
import { describeUserScramCredentials } from './describe-user-scram-credentials.js';
import { saslAuthenticate } from './sasl-authenticate.js';
import { saslHandshake } from './sasl-handshake.js';
import { addPartitionsToTxn } from './add-partitions-to-txn.js';
import { alterConfigs } from './alter-configs.js';
import { alterPartitionReassignments } from './alter-partition-reassignments.js';
import { apiVersions } from './api-versions.js';
import { consumerGroupDescribe } from './consumer-group-describe.js';
import { consumerGroupHeartbeat } from './consumer-group-heartbeat.js';
import { createPartitions } from './create-partitions.js';
import { createTopics } from './create-topics.js';
import { deleteGroups } from './delete-groups.js';
import { deleteRecords } from './delete-records.js';
import { deleteTopics } from './delete-topics.js';
import { describeCluster } from './describe-cluster.js';
import { describeConfigs } from './describe-configs.js';
import { describeGroups } from './describe-groups.js';
import { describeLogDirs } from './describe-log-dirs.js';
import { describeProducers } from './describe-producers.js';
import { describeTransactions } from './describe-transactions.js';
import { endTxn } from './end-txn.js';
import { describeTopicPartitions } from './describe-topic-partitions.js';
import { electLeaders } from './elect-leaders.js';
import { fetch } from './fetch.js';
import { findCoordinator } from './find-coordinator.js';
import type { Handler } from './handler.js';
import { heartbeat } from './heartbeat.js';
import { incrementalAlterConfigs } from './incremental-alter-configs.js';
import { initProducerId } from './init-producer-id.js';
import { joinGroup } from './join-group.js';
import { leaveGroup } from './leave-group.js';
import { listGroups } from './list-groups.js';
import { listOffsets } from './list-offsets.js';
import { listPartitionReassignments } from './list-partition-reassignments.js';
import { listTransactions } from './list-transactions.js';
import { metadata } from './metadata.js';
import { offsetCommit } from './offset-commit.js';
import { offsetDelete } from './offset-delete.js';
import { offsetFetch } from './offset-fetch.js';
import { offsetForLeaderEpoch } from './offset-for-leader-epoch.js';
import { produce } from './produce.js';
import { syncGroup } from './sync-group.js';
import { txnOffsetCommit } from './txn-offset-commit.js';

export const HANDLERS: readonly Handler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  apiVersions,
  createTopics,
  deleteTopics,
  // Groups and committed offsets (classic protocol).
  findCoordinator,
  joinGroup,
  syncGroup,
  heartbeat,
  leaveGroup,
  offsetCommit,
  offsetFetch,
  describeGroups,
  listGroups,
  deleteGroups,
  offsetDelete,
  // KIP-848 consumer groups.
  consumerGroupHeartbeat,
  consumerGroupDescribe,
  // Idempotent producers and transactions.
  initProducerId,
  addPartitionsToTxn,
  addOffsetsToTxn,
  endTxn,
  txnOffsetCommit,
  describeTransactions,
  listTransactions,
  describeProducers,
  // Topic administration, configs and the one-broker cluster's partition management.
  describeConfigs,
  alterConfigs,
  incrementalAlterConfigs,
  createPartitions,
  deleteRecords,
  offsetForLeaderEpoch,
  describeLogDirs,
  describeCluster,
  describeTopicPartitions,
  electLeaders,
  alterPartitionReassignments,
  listPartitionReassignments,
  // Security: SASL authentication, SCRAM credentials, ACLs (src/security).
  saslHandshake,
  saslAuthenticate,
  describeUserScramCredentials,
  alterUserScramCredentials,
  createAcls,
  describeAcls,
  deleteAcls,
].sort((a, b) => a.apiKey - b.apiKey);

export type { Handler, RequestContext } from './handler.js';
