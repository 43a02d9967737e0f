// Unit tests for src/admin: the Prometheus exposition, fault rule matching, and the
// schema-driven walks behind recording, metrics and injected error responses.
import { describe, expect, it } from 'vitest';
import { Faults, FaultError, singleBrokerControl } from '../../src/admin/faults.js';
import {
  blankStruct,
  errorCodeVisitor,
  errorEntries,
  patchErrors,
  requestTargets,
  requestTopics,
  splitRequest,
  topicShape,
} from '../../src/admin/message-walk.js';
import { MetricsRegistry } from '../../src/admin/metrics.js';
import { encodeBody } from '../../src/wire/codecs.js';
import { DeleteTopicsRequest, DeleteTopicsResponse } from '../../src/wire/messages/delete-topics.js';
import { FetchRequest } from '../../src/wire/messages/fetch.js';
import '../../src/wire/messages/index.js';
import { MetadataResponse } from '../../src/wire/messages/metadata.js';
import { OffsetFetchRequest } from '../../src/wire/messages/offset-fetch.js';
import { ProduceRequest, ProduceResponse } from '../../src/wire/messages/produce.js';

const noIds = (): undefined => undefined;

describe('metrics exposition', () => {
  it('renders HELP/TYPE, escaped labels, cumulative histogram buckets with +Inf, _sum and _count', () => {
    const r = new MetricsRegistry();
    const c = r.counter('x_total', 'A counter\nwith a newline.');
    c.inc({ api: 'Pro"duce', v: 1 });
    c.labels({ api: 'Pro"duce', v: 1 }).inc(2);
    const h = r.histogram('lat_seconds', 'Latency.', [0.1, 1]);
    for (const v of [0.05, 0.5, 0.5, 5]) h.observe({ api: 'a' }, v);
    const g = r.gauge('g', 'A gauge.');
    r.collect(() => g.set(undefined, 7));
    expect(r.render()).toBe(
      [
        '# HELP x_total A counter\\nwith a newline.',
        '# TYPE x_total counter',
        'x_total{api="Pro\\"duce",v="1"} 3',
        '# HELP lat_seconds Latency.',
        '# TYPE lat_seconds histogram',
        'lat_seconds_bucket{api="a",le="0.1"} 1',
        'lat_seconds_bucket{api="a",le="1"} 3',
        'lat_seconds_bucket{api="a",le="+Inf"} 4',
        'lat_seconds_sum{api="a"} 6.05',
        'lat_seconds_count{api="a"} 4',
        '# HELP g A gauge.',
        '# TYPE g gauge',
        'g 7',
        '',
      ].join('\n'),
    );
    expect(() => r.counter('x_total', 'again')).toThrow('already registered');
  });
});

describe('fault rules', () => {
  const control = singleBrokerControl(() => 1, () => {});
  const req = (apiKey: number, targets: [string, number[] | null][] = [], clientId: string | null = 'c') => ({
    apiKey,
    clientId,
    targets: () => new Map(targets),
  });

  it('fire in order: latencies add up, the first error wins, later decisive rules are not consumed', () => {
    const f = new Faults(control);
    const a = f.add({ apiKey: 0, latencyMs: 10, once: true });
    const b = f.add({ apiKey: 'Produce', errorCode: 'NOT_LEADER_OR_FOLLOWER', times: 2 });
    const c = f.add({ apiKey: 0, closeConnection: true, once: true });
    const d = f.add({ latencyMs: 5 });
    expect(f.evaluate(req(0))).toEqual({ ids: [a.id, b.id, d.id], latencyMs: 15, error: { code: 6, afterHandling: false }, close: false });
    expect(f.get(c.id)!.fired).toBe(0);
    expect(f.evaluate(req(0))).toMatchObject({ ids: [b.id, d.id], latencyMs: 5 });
    expect(f.evaluate(req(0))).toMatchObject({ ids: [c.id, d.id], close: true, error: null });
    expect(f.evaluate(req(3))).toMatchObject({ ids: [d.id] });
    expect(f.list().map((x) => x.id)).toEqual([d.id]);
  });

  it('match topics, partitions and client ids; probability uses the injectable random source', () => {
    const f = new Faults(control);
    f.add({ topic: 't', partition: 1, errorCode: 3 });
    expect(f.evaluate(req(0, [['t', [0]]]))).toBeNull();
    expect(f.evaluate(req(0, [['u', [1]]]))).toBeNull();
    expect(f.evaluate(req(0, [['t', [0, 1]]]))?.error).toEqual({ code: 3, topic: 't', partition: 1, afterHandling: false });
    expect(f.evaluate(req(19, [['t', null]]))).toBeNull(); // topic-level API: no partition to match
    f.clear();
    f.add({ partition: 2, latencyMs: 1 });
    expect(f.evaluate(req(1, [['x', [2]]]))).not.toBeNull();
    f.clear();
    f.add({ clientId: 'me', latencyMs: 1 });
    expect(f.evaluate(req(1, [], 'you'))).toBeNull();
    expect(f.evaluate(req(1, [], 'me'))).not.toBeNull();
    f.clear();
    const p = f.add({ probability: 0.5, latencyMs: 1 });
    const rolls = [0.7, 0.2, 0.5, 0.49];
    f.random = () => rolls.shift()!;
    expect([1, 2, 3, 4].map(() => f.evaluate(req(0)) !== null)).toEqual([false, true, false, true]);
    expect(f.get(p.id)!.fired).toBe(2);
  });

  it('brokers go down and up; leaders do not move on one broker', () => {
    const events: boolean[] = [];
    const f = new Faults(singleBrokerControl(() => 7, (down) => events.push(down)));
    f.brokerDown();
    f.brokerDown(7);
    expect(f.isDown(7)).toBe(true);
    expect(() => f.brokerDown(8)).toThrow(FaultError);
    f.clear();
    expect(f.isDown(7)).toBe(false);
    expect(events).toEqual([true, false]);
    f.moveLeader('t', 0, 7); // to itself: nothing to do
    expect(() => f.moveLeader('t', 0, 8)).toThrow('single broker');
  });
});

describe('schema walks', () => {
  const produceReq = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [
      { name: 'a', partitionData: [{ index: 0, records: null }, { index: 1, records: null }] },
      { name: 'b', partitionData: [{ index: 0, records: null }] },
    ],
  };

  it('finds topics and partitions in requests, ids resolved', () => {
    expect(requestTopics(ProduceRequest, 9, produceReq, noIds)).toEqual(['a', 'b']);
    expect([...requestTargets(ProduceRequest, 9, produceReq, noIds)!]).toEqual([
      ['a', [0, 1]],
      ['b', [0]],
    ]);
    const fetch = { topics: [{ topicId: 'id-1', partitions: [{ partition: 3 }] }], forgottenTopicsData: [{ topicId: 'id-2', partitions: [1] }] };
    const ids = (id: string) => ({ 'id-1': 'one', 'id-2': 'two' })[id];
    expect(requestTopics(FetchRequest, 13, fetch, ids)).toEqual(['one', 'two']);
    expect([...requestTargets(FetchRequest, 13, fetch, ids)!]).toEqual([['one', [3]]]);
    // OffsetFetch v8: topics nested under groups; v0-7: bare partition numbers.
    expect(requestTopics(OffsetFetchRequest, 8, { groups: [{ groupId: 'g', topics: [{ name: 'n', partitionIndexes: [0] }] }] }, noIds)).toEqual(['n']);
    expect([...requestTargets(OffsetFetchRequest, 4, { groupId: 'g', topics: [{ name: 'n', partitionIndexes: [2, 5] }] }, noIds)!]).toEqual([['n', [2, 5]]]);
    expect(requestTopics(DeleteTopicsRequest, 3, { topicNames: ['x', 'y'], timeoutMs: 1 }, noIds)).toEqual(['x', 'y']);
  });

  it('splits a request by topic/partition and builds encodable error entries with -1 offsets', () => {
    const split = splitRequest(ProduceRequest, 9, produceReq, { topic: 'a', partition: 1 }, noIds)!;
    expect(split.matched).toEqual([{ name: 'a', partitionData: [{ index: 1, records: null }] }]);
    expect(split.rest!.topicData).toEqual([
      { name: 'a', partitionData: [{ index: 0, records: null }] },
      { name: 'b', partitionData: [{ index: 0, records: null }] },
    ]);
    expect(splitRequest(ProduceRequest, 9, produceReq, {}, noIds)!.rest).toBeNull();
    const entries = errorEntries(ProduceRequest, ProduceResponse, 9, split.matched, 6, noIds)!;
    expect(entries).toEqual([
      {
        name: 'a',
        partitionResponses: [{ index: 1, errorCode: 6, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null }],
      },
    ]);
    const response = { ...blankStruct(ProduceResponse.fields, 9), responses: entries };
    expect(() => encodeBody(0, 9, 'response', response)).not.toThrow();
    // Bare topic names (DeleteTopics v0-5) map to response entries too.
    const dt = splitRequest(DeleteTopicsRequest, 3, { topicNames: ['x', 'y'], timeoutMs: 1 }, { topic: 'y' }, noIds)!;
    expect(dt.matched).toEqual(['y']);
    expect(errorEntries(DeleteTopicsRequest, DeleteTopicsResponse, 3, dt.matched, 41, noIds)).toEqual([{ name: 'y', errorCode: 41 }]);
  });

  it('patches nested error codes of matching entries without changing the handler\'s value', () => {
    const md = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'h', port: 1, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topics: [
        { errorCode: 0, name: 't', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0 }, { errorCode: 0, partitionIndex: 1 }] },
        { errorCode: 0, name: 'u', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0 }] },
      ],
    };
    const frozen = JSON.stringify(md);
    const { response, set } = patchErrors(MetadataResponse, 9, md, 5, { topic: 't', partition: 1 }, noIds);
    expect(set).toBe(1);
    expect(JSON.stringify(md)).toBe(frozen);
    const codes: number[] = [];
    errorCodeVisitor(MetadataResponse, 9)(response, (c) => codes.push(c));
    expect(codes).toEqual([0, 0, 5, 0, 0]);
    expect(patchErrors(MetadataResponse, 9, md, 5, { topic: 't' }, noIds).set).toBe(3);
  });

  it('recognises topic arrays only where Kafka puts them', () => {
    expect(topicShape(ProduceResponse, 9)).toMatchObject({ field: 'responses', nameField: 'name', partitions: { field: 'partitionResponses', indexField: 'index' } });
    expect(topicShape(FetchRequest, 13)).toMatchObject({ field: 'topics', nameField: null, idField: 'topicId', partitions: { indexField: 'partition' } });
    expect(topicShape(MetadataResponse, 12)).toMatchObject({ field: 'topics', partitions: { field: 'partitions', indexField: 'partitionIndex' } });
  });
});
