// API key → request/response schemas. Generated list; schemas live one file per API.
import { registerApi } from '../codecs.js';
import type { MessageSchema } from '../schema.js';
import { ProduceRequest, ProduceResponse } from './produce.js';
import { FetchRequest, FetchResponse } from './fetch.js';
import { ListOffsetsRequest, ListOffsetsResponse } from './list-offsets.js';
import { MetadataRequest, MetadataResponse } from './metadata.js';
import { OffsetCommitRequest, OffsetCommitResponse } from './offset-commit.js';
import { OffsetFetchRequest, OffsetFetchResponse } from './offset-fetch.js';
import { FindCoordinatorRequest, FindCoordinatorResponse } from './find-coordinator.js';
import { JoinGroupRequest, JoinGroupResponse } from './join-group.js';
import { HeartbeatRequest, HeartbeatResponse } from './heartbeat.js';
import { LeaveGroupRequest, LeaveGroupResponse } from './leave-group.js';
import { SyncGroupRequest, SyncGroupResponse } from './sync-group.js';
import { DescribeGroupsRequest, DescribeGroupsResponse } from './describe-groups.js';
import { ListGroupsRequest, ListGroupsResponse } from './list-groups.js';
import { SaslHandshakeRequest, SaslHandshakeResponse } from './sasl-handshake.js';
import { ApiVersionsRequest, ApiVersionsResponse } from './api-versions.js';
import { CreateTopicsRequest, CreateTopicsResponse } from './create-topics.js';
import { DeleteTopicsRequest, DeleteTopicsResponse } from './delete-topics.js';
import { DeleteRecordsRequest, DeleteRecordsResponse } from './delete-records.js';
import { InitProducerIdRequest, InitProducerIdResponse } from './init-producer-id.js';
import { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from './offset-for-leader-epoch.js';
import { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from './add-partitions-to-txn.js';
import { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from './add-offsets-to-txn.js';
import { EndTxnRequest, EndTxnResponse } from './end-txn.js';
import { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from './write-txn-markers.js';
import { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from './txn-offset-commit.js';
import { DescribeAclsRequest, DescribeAclsResponse } from './describe-acls.js';
import { CreateAclsRequest, CreateAclsResponse } from './create-acls.js';
import { DeleteAclsRequest, DeleteAclsResponse } from './delete-acls.js';
import { DescribeConfigsRequest, DescribeConfigsResponse } from './describe-configs.js';
import { AlterConfigsRequest, AlterConfigsResponse } from './alter-configs.js';
import { AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse } from './alter-replica-log-dirs.js';
import { DescribeLogDirsRequest, DescribeLogDirsResponse } from './describe-log-dirs.js';
import { SaslAuthenticateRequest, SaslAuthenticateResponse } from './sasl-authenticate.js';
import { CreatePartitionsRequest, CreatePartitionsResponse } from './create-partitions.js';
import { CreateDelegationTokenRequest, CreateDelegationTokenResponse } from './create-delegation-token.js';
import { RenewDelegationTokenRequest, RenewDelegationTokenResponse } from './renew-delegation-token.js';
import { ExpireDelegationTokenRequest, ExpireDelegationTokenResponse } from './expire-delegation-token.js';
import { DescribeDelegationTokenRequest, DescribeDelegationTokenResponse } from './describe-delegation-token.js';
import { DeleteGroupsRequest, DeleteGroupsResponse } from './delete-groups.js';
import { ElectLeadersRequest, ElectLeadersResponse } from './elect-leaders.js';
import { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from './incremental-alter-configs.js';
import { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse } from './alter-partition-reassignments.js';
import { ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse } from './list-partition-reassignments.js';
import { OffsetDeleteRequest, OffsetDeleteResponse } from './offset-delete.js';
import { DescribeClientQuotasRequest, DescribeClientQuotasResponse } from './describe-client-quotas.js';
import { AlterClientQuotasRequest, AlterClientQuotasResponse } from './alter-client-quotas.js';
import { DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse } from './describe-user-scram-credentials.js';
import { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from './alter-user-scram-credentials.js';
import { DescribeQuorumRequest, DescribeQuorumResponse } from './describe-quorum.js';
import { UpdateFeaturesRequest, UpdateFeaturesResponse } from './update-features.js';
import { DescribeClusterRequest, DescribeClusterResponse } from './describe-cluster.js';
import { DescribeProducersRequest, DescribeProducersResponse } from './describe-producers.js';
import { UnregisterBrokerRequest, UnregisterBrokerResponse } from './unregister-broker.js';
import { DescribeTransactionsRequest, DescribeTransactionsResponse } from './describe-transactions.js';
import { ListTransactionsRequest, ListTransactionsResponse } from './list-transactions.js';
import { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from './consumer-group-heartbeat.js';
import { ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse } from './consumer-group-describe.js';
import { GetTelemetrySubscriptionsRequest, GetTelemetrySubscriptionsResponse } from './get-telemetry-subscriptions.js';
import { PushTelemetryRequest, PushTelemetryResponse } from './push-telemetry.js';
import { ListClientMetricsResourcesRequest, ListClientMetricsResourcesResponse } from './list-client-metrics-resources.js';
import { DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse } from './describe-topic-partitions.js';
import { ShareGroupHeartbeatRequest, ShareGroupHeartbeatResponse } from './share-group-heartbeat.js';
import { ShareGroupDescribeRequest, ShareGroupDescribeResponse } from './share-group-describe.js';
import { ShareFetchRequest, ShareFetchResponse } from './share-fetch.js';
import { ShareAcknowledgeRequest, ShareAcknowledgeResponse } from './share-acknowledge.js';
import { AddRaftVoterRequest, AddRaftVoterResponse } from './add-raft-voter.js';
import { RemoveRaftVoterRequest, RemoveRaftVoterResponse } from './remove-raft-voter.js';
import { InitializeShareGroupStateRequest, InitializeShareGroupStateResponse } from './initialize-share-group-state.js';
import { ReadShareGroupStateRequest, ReadShareGroupStateResponse } from './read-share-group-state.js';
import { WriteShareGroupStateRequest, WriteShareGroupStateResponse } from './write-share-group-state.js';
import { DeleteShareGroupStateRequest, DeleteShareGroupStateResponse } from './delete-share-group-state.js';
import { ReadShareGroupStateSummaryRequest, ReadShareGroupStateSummaryResponse } from './read-share-group-state-summary.js';

export interface ApiSchemas {
  readonly name: string;
  readonly request: MessageSchema;
  readonly response: MessageSchema;
}

export const API_SCHEMAS: ReadonlyMap<number, ApiSchemas> = new Map<number, ApiSchemas>([
  [0, { name: 'Produce', request: ProduceRequest, response: ProduceResponse }],
  [1, { name: 'Fetch', request: FetchRequest, response: FetchResponse }],
  [2, { name: 'ListOffsets', request: ListOffsetsRequest, response: ListOffsetsResponse }],
  [3, { name: 'Metadata', request: MetadataRequest, response: MetadataResponse }],
  [8, { name: 'OffsetCommit', request: OffsetCommitRequest, response: OffsetCommitResponse }],
  [9, { name: 'OffsetFetch', request: OffsetFetchRequest, response: OffsetFetchResponse }],
  [10, { name: 'FindCoordinator', request: FindCoordinatorRequest, response: FindCoordinatorResponse }],
  [11, { name: 'JoinGroup', request: JoinGroupRequest, response: JoinGroupResponse }],
  [12, { name: 'Heartbeat', request: HeartbeatRequest, response: HeartbeatResponse }],
  [13, { name: 'LeaveGroup', request: LeaveGroupRequest, response: LeaveGroupResponse }],
  [14, { name: 'SyncGroup', request: SyncGroupRequest, response: SyncGroupResponse }],
  [15, { name: 'DescribeGroups', request: DescribeGroupsRequest, response: DescribeGroupsResponse }],
  [16, { name: 'ListGroups', request: ListGroupsRequest, response: ListGroupsResponse }],
  [17, { name: 'SaslHandshake', request: SaslHandshakeRequest, response: SaslHandshakeResponse }],
  [18, { name: 'ApiVersions', request: ApiVersionsRequest, response: ApiVersionsResponse }],
  [19, { name: 'CreateTopics', request: CreateTopicsRequest, response: CreateTopicsResponse }],
  [20, { name: 'DeleteTopics', request: DeleteTopicsRequest, response: DeleteTopicsResponse }],
  [21, { name: 'DeleteRecords', request: DeleteRecordsRequest, response: DeleteRecordsResponse }],
  [22, { name: 'InitProducerId', request: InitProducerIdRequest, response: InitProducerIdResponse }],
  [23, { name: 'OffsetForLeaderEpoch', request: OffsetForLeaderEpochRequest, response: OffsetForLeaderEpochResponse }],
  [24, { name: 'AddPartitionsToTxn', request: AddPartitionsToTxnRequest, response: AddPartitionsToTxnResponse }],
  [25, { name: 'AddOffsetsToTxn', request: AddOffsetsToTxnRequest, response: AddOffsetsToTxnResponse }],
  [26, { name: 'EndTxn', request: EndTxnRequest, response: EndTxnResponse }],
  [27, { name: 'WriteTxnMarkers', request: WriteTxnMarkersRequest, response: WriteTxnMarkersResponse }],
  [28, { name: 'TxnOffsetCommit', request: TxnOffsetCommitRequest, response: TxnOffsetCommitResponse }],
  [29, { name: 'DescribeAcls', request: DescribeAclsRequest, response: DescribeAclsResponse }],
  [30, { name: 'CreateAcls', request: CreateAclsRequest, response: CreateAclsResponse }],
  [31, { name: 'DeleteAcls', request: DeleteAclsRequest, response: DeleteAclsResponse }],
  [32, { name: 'DescribeConfigs', request: DescribeConfigsRequest, response: DescribeConfigsResponse }],
  [33, { name: 'AlterConfigs', request: AlterConfigsRequest, response: AlterConfigsResponse }],
  [34, { name: 'AlterReplicaLogDirs', request: AlterReplicaLogDirsRequest, response: AlterReplicaLogDirsResponse }],
  [35, { name: 'DescribeLogDirs', request: DescribeLogDirsRequest, response: DescribeLogDirsResponse }],
  [36, { name: 'SaslAuthenticate', request: SaslAuthenticateRequest, response: SaslAuthenticateResponse }],
  [37, { name: 'CreatePartitions', request: CreatePartitionsRequest, response: CreatePartitionsResponse }],
  [38, { name: 'CreateDelegationToken', request: CreateDelegationTokenRequest, response: CreateDelegationTokenResponse }],
  [39, { name: 'RenewDelegationToken', request: RenewDelegationTokenRequest, response: RenewDelegationTokenResponse }],
  [40, { name: 'ExpireDelegationToken', request: ExpireDelegationTokenRequest, response: ExpireDelegationTokenResponse }],
  [41, { name: 'DescribeDelegationToken', request: DescribeDelegationTokenRequest, response: DescribeDelegationTokenResponse }],
  [42, { name: 'DeleteGroups', request: DeleteGroupsRequest, response: DeleteGroupsResponse }],
  [43, { name: 'ElectLeaders', request: ElectLeadersRequest, response: ElectLeadersResponse }],
  [44, { name: 'IncrementalAlterConfigs', request: IncrementalAlterConfigsRequest, response: IncrementalAlterConfigsResponse }],
  [45, { name: 'AlterPartitionReassignments', request: AlterPartitionReassignmentsRequest, response: AlterPartitionReassignmentsResponse }],
  [46, { name: 'ListPartitionReassignments', request: ListPartitionReassignmentsRequest, response: ListPartitionReassignmentsResponse }],
  [47, { name: 'OffsetDelete', request: OffsetDeleteRequest, response: OffsetDeleteResponse }],
  [48, { name: 'DescribeClientQuotas', request: DescribeClientQuotasRequest, response: DescribeClientQuotasResponse }],
  [49, { name: 'AlterClientQuotas', request: AlterClientQuotasRequest, response: AlterClientQuotasResponse }],
  [50, { name: 'DescribeUserScramCredentials', request: DescribeUserScramCredentialsRequest, response: DescribeUserScramCredentialsResponse }],
  [51, { name: 'AlterUserScramCredentials', request: AlterUserScramCredentialsRequest, response: AlterUserScramCredentialsResponse }],
  [55, { name: 'DescribeQuorum', request: DescribeQuorumRequest, response: DescribeQuorumResponse }],
  [57, { name: 'UpdateFeatures', request: UpdateFeaturesRequest, response: UpdateFeaturesResponse }],
  [60, { name: 'DescribeCluster', request: DescribeClusterRequest, response: DescribeClusterResponse }],
  [61, { name: 'DescribeProducers', request: DescribeProducersRequest, response: DescribeProducersResponse }],
  [64, { name: 'UnregisterBroker', request: UnregisterBrokerRequest, response: UnregisterBrokerResponse }],
  [65, { name: 'DescribeTransactions', request: DescribeTransactionsRequest, response: DescribeTransactionsResponse }],
  [66, { name: 'ListTransactions', request: ListTransactionsRequest, response: ListTransactionsResponse }],
  [68, { name: 'ConsumerGroupHeartbeat', request: ConsumerGroupHeartbeatRequest, response: ConsumerGroupHeartbeatResponse }],
  [69, { name: 'ConsumerGroupDescribe', request: ConsumerGroupDescribeRequest, response: ConsumerGroupDescribeResponse }],
  [71, { name: 'GetTelemetrySubscriptions', request: GetTelemetrySubscriptionsRequest, response: GetTelemetrySubscriptionsResponse }],
  [72, { name: 'PushTelemetry', request: PushTelemetryRequest, response: PushTelemetryResponse }],
  [74, { name: 'ListClientMetricsResources', request: ListClientMetricsResourcesRequest, response: ListClientMetricsResourcesResponse }],
  [75, { name: 'DescribeTopicPartitions', request: DescribeTopicPartitionsRequest, response: DescribeTopicPartitionsResponse }],
  [76, { name: 'ShareGroupHeartbeat', request: ShareGroupHeartbeatRequest, response: ShareGroupHeartbeatResponse }],
  [77, { name: 'ShareGroupDescribe', request: ShareGroupDescribeRequest, response: ShareGroupDescribeResponse }],
  [78, { name: 'ShareFetch', request: ShareFetchRequest, response: ShareFetchResponse }],
  [79, { name: 'ShareAcknowledge', request: ShareAcknowledgeRequest, response: ShareAcknowledgeResponse }],
  [80, { name: 'AddRaftVoter', request: AddRaftVoterRequest, response: AddRaftVoterResponse }],
  [81, { name: 'RemoveRaftVoter', request: RemoveRaftVoterRequest, response: RemoveRaftVoterResponse }],
  [83, { name: 'InitializeShareGroupState', request: InitializeShareGroupStateRequest, response: InitializeShareGroupStateResponse }],
  [84, { name: 'ReadShareGroupState', request: ReadShareGroupStateRequest, response: ReadShareGroupStateResponse }],
  [85, { name: 'WriteShareGroupState', request: WriteShareGroupStateRequest, response: WriteShareGroupStateResponse }],
  [86, { name: 'DeleteShareGroupState', request: DeleteShareGroupStateRequest, response: DeleteShareGroupStateResponse }],
  [87, { name: 'ReadShareGroupStateSummary', request: ReadShareGroupStateSummaryRequest, response: ReadShareGroupStateSummaryResponse }],
]);

for (const api of API_SCHEMAS.values()) registerApi(api.request, api.response);

export {
  ProduceRequest,
  ProduceResponse,
  FetchRequest,
  FetchResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataRequest,
  MetadataResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  SaslHandshakeRequest,
  SaslHandshakeResponse,
  ApiVersionsRequest,
  ApiVersionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DeleteRecordsRequest,
  DeleteRecordsResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse,
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
  EndTxnRequest,
  EndTxnResponse,
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
  DescribeAclsRequest,
  DescribeAclsResponse,
  CreateAclsRequest,
  CreateAclsResponse,
  DeleteAclsRequest,
  DeleteAclsResponse,
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  AlterConfigsRequest,
  AlterConfigsResponse,
  AlterReplicaLogDirsRequest,
  AlterReplicaLogDirsResponse,
  DescribeLogDirsRequest,
  DescribeLogDirsResponse,
  SaslAuthenticateRequest,
  SaslAuthenticateResponse,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateDelegationTokenRequest,
  CreateDelegationTokenResponse,
  RenewDelegationTokenRequest,
  RenewDelegationTokenResponse,
  ExpireDelegationTokenRequest,
  ExpireDelegationTokenResponse,
  DescribeDelegationTokenRequest,
  DescribeDelegationTokenResponse,
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  ElectLeadersRequest,
  ElectLeadersResponse,
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  DescribeClientQuotasRequest,
  DescribeClientQuotasResponse,
  AlterClientQuotasRequest,
  AlterClientQuotasResponse,
  DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse,
  AlterUserScramCredentialsRequest,
  AlterUserScramCredentialsResponse,
  DescribeQuorumRequest,
  DescribeQuorumResponse,
  UpdateFeaturesRequest,
  UpdateFeaturesResponse,
  DescribeClusterRequest,
  DescribeClusterResponse,
  DescribeProducersRequest,
  DescribeProducersResponse,
  UnregisterBrokerRequest,
  UnregisterBrokerResponse,
  DescribeTransactionsRequest,
  DescribeTransactionsResponse,
  ListTransactionsRequest,
  ListTransactionsResponse,
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
  GetTelemetrySubscriptionsRequest,
  GetTelemetrySubscriptionsResponse,
  PushTelemetryRequest,
  PushTelemetryResponse,
  ListClientMetricsResourcesRequest,
  ListClientMetricsResourcesResponse,
  DescribeTopicPartitionsRequest,
  DescribeTopicPartitionsResponse,
  ShareGroupHeartbeatRequest,
  ShareGroupHeartbeatResponse,
  ShareGroupDescribeRequest,
  ShareGroupDescribeResponse,
  ShareFetchRequest,
  ShareFetchResponse,
  ShareAcknowledgeRequest,
  ShareAcknowledgeResponse,
  AddRaftVoterRequest,
  AddRaftVoterResponse,
  RemoveRaftVoterRequest,
  RemoveRaftVoterResponse,
  InitializeShareGroupStateRequest,
  InitializeShareGroupStateResponse,
  ReadShareGroupStateRequest,
  ReadShareGroupStateResponse,
  WriteShareGroupStateRequest,
  WriteShareGroupStateResponse,
  DeleteShareGroupStateRequest,
  DeleteShareGroupStateResponse,
  ReadShareGroupStateSummaryRequest,
  ReadShareGroupStateSummaryResponse,
};
