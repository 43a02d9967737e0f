# Driver for confluent-kafka-python (Debian's python3-confluent-kafka 1.7.0 on
# librdkafka 2.0.2), run by test/compat/python-clients.test.ts.
#
#   /usr/bin/python3 confluent_client.py <op> '<json args>'
#
# Every op takes "bootstrap" and an optional "config" (extra librdkafka
# properties) and prints one JSON result on stdout; see common.py.
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the drivers in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import confluent_kafka  # noqa: E402
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic  # noqa: E402

from common import deadline, headers_out, log, main, raw, text  # noqa: E402


def conf(args, **extra):
    c = {'bootstrap.servers': args['bootstrap'], 'client.id': args.get('clientId', 'ck'), 'error_cb': lambda e: log('error_cb', e)}
    c.update(extra)
    c.update(args.get('config', {}))
    return c


def err_out(e):
    """A KafkaError (or KafkaException wrapping one) as {code, name}."""
    if e is None:
        return None
    if isinstance(e, confluent_kafka.KafkaException):
        e = e.args[0]
    if isinstance(e, KafkaError):
        return {'code': e.code(), 'name': e.name()}
    return {'code': None, 'name': repr(e)}


def futures_out(fs):
    out = {}
    for key, f in fs.items():
        try:
            f.result()
            out[key] = None
        except Exception as e:  # noqa: BLE001 - reported to the test
            out[key] = err_out(e)
    return out


def message_out(m):
    ts_type, ts = m.timestamp()
    return {
        'partition': m.partition(),
        'offset': m.offset(),
        'key': text(m.key()),
        'value': text(m.value()),
        'headers': headers_out(m.headers()),
        'timestamp': ts,
        'timestampType': ts_type,
    }


# --- admin -------------------------------------------------------------------

def op_versions(args):
    return {'version': confluent_kafka.version()[0], 'librdkafka': confluent_kafka.libversion()[0]}


def op_create_topics(args):
    a = AdminClient(conf(args))
    new = [NewTopic(t['name'], t['partitions'], t.get('replicationFactor', 1), config=t.get('configs', {})) for t in args['topics']]
    return futures_out(a.create_topics(new, operation_timeout=10, request_timeout=15))


def op_create_partitions(args):
    a = AdminClient(conf(args))
    return futures_out(a.create_partitions([NewPartitions(args['topic'], args['total'])], operation_timeout=10, request_timeout=15))


def op_delete_topics(args):
    a = AdminClient(conf(args))
    return futures_out(a.delete_topics(args['topics'], operation_timeout=10, request_timeout=15))


def op_list_topics(args):
    a = AdminClient(conf(args))
    md = a.list_topics(topic=args.get('topic'), timeout=10)
    return {
        'clusterId': md.cluster_id,
        'controllerId': md.controller_id,
        'brokers': {str(b.id): '%s:%d' % (b.host, b.port) for b in md.brokers.values()},
        'topics': {
            name: {
                'error': err_out(t.error),
                'partitions': {
                    str(p.id): {'leader': p.leader, 'replicas': list(p.replicas), 'isrs': list(p.isrs), 'error': err_out(p.error)}
                    for p in t.partitions.values()
                },
            }
            for name, t in md.topics.items()
        },
    }


def op_describe_configs(args):
    a = AdminClient(conf(args))
    res = ConfigResource(ConfigResource.Type.TOPIC, args['topic'])
    out = {}
    for _, f in a.describe_configs([res], request_timeout=15).items():
        for name, e in f.result().items():
            out[name] = {'value': e.value, 'source': e.source, 'readOnly': e.is_read_only, 'isDefault': e.is_default, 'sensitive': e.is_sensitive}
    return out


def describe_group(args):
    """The group as AdminClient.list_groups(group) describes it (ListGroups + DescribeGroups v0), members by client id."""
    a = AdminClient(conf(args))
    [g] = a.list_groups(args['group'], timeout=10)
    return {
        'state': g.state, 'protocolType': g.protocol_type, 'protocol': g.protocol, 'error': err_out(g.error),
        'members': sorted([{'clientId': m.client_id, 'clientHost': m.client_host, 'hasMetadata': len(m.metadata) > 0, 'hasAssignment': len(m.assignment) > 0} for m in g.members], key=lambda m: m['clientId']),
    }


def op_list_groups(args):
    a = AdminClient(conf(args))
    return sorted(
        [{'group': g.id, 'state': g.state, 'protocolType': g.protocol_type, 'protocol': g.protocol, 'members': len(g.members)} for g in a.list_groups(timeout=10)],
        key=lambda g: g['group'],
    )


# --- produce -----------------------------------------------------------------

def produce_all(p, topic, messages):
    """Produces `messages` in order; returns their delivery reports in the same order."""
    reports = [None] * len(messages)

    def on_delivery(i):
        def cb(err, m):
            reports[i] = {'error': err_out(err), 'partition': m.partition(), 'offset': m.offset(), 'timestamp': m.timestamp()[1]}
        return cb

    for i, m in enumerate(messages):
        kw = {'value': raw(m.get('value')), 'key': raw(m.get('key')), 'on_delivery': on_delivery(i)}
        if 'partition' in m:
            kw['partition'] = m['partition']
        if 'headers' in m:
            kw['headers'] = [(k, raw(v)) for k, v in m['headers']]
        if 'timestamp' in m:
            kw['timestamp'] = m['timestamp']
        p.produce(topic, **kw)
        p.poll(0)
    return reports


def op_produce(args):
    p = Producer(conf(args))
    reports = produce_all(p, args['topic'], args['messages'])
    left = p.flush(20)
    if left:
        raise RuntimeError('%d messages not delivered in 20 s' % left)
    return reports


def op_transactions(args):
    """One transactional producer runs `steps` in order: each produces its messages to `topic` in a transaction, then commits or aborts."""
    p = Producer(conf(args, **{'transactional.id': args['transactionalId']}))
    p.init_transactions(15)
    out = []
    for step in args['steps']:
        p.begin_transaction()
        reports = produce_all(p, args['topic'], step['messages'])
        if step['action'] == 'commit':
            p.commit_transaction(15)  # flushes first
        else:
            p.flush(15)  # so that the aborted records are in the log and their offsets are known
            p.abort_transaction(15)
        out.append(reports)
    return out


def op_transform(args):
    """Consume-transform-produce: read every record of `input` in group `group` (read_committed), write each value
    upper-cased to `output` and commit the consumer's positions, all in one transaction."""
    c = Consumer(conf(args, **{
        'group.id': args['group'], 'auto.offset.reset': 'earliest', 'enable.auto.commit': False,
        'isolation.level': 'read_committed', 'fetch.wait.max.ms': 100, 'heartbeat.interval.ms': 500,
    }))
    c.subscribe([args['input']])
    got = []
    alive = deadline(20)
    while len(got) < args['count'] and alive():
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            raise confluent_kafka.KafkaException(m.error())
        got.append(m)
    if len(got) < args['count']:
        raise RuntimeError('read %d of %d input records' % (len(got), args['count']))
    p = Producer(conf(args, **{'transactional.id': args['transactionalId']}))
    p.init_transactions(15)
    p.begin_transaction()
    produce_all(p, args['output'], [{'key': text(m.key()), 'value': text(m.value()).upper(), 'partition': m.partition()} for m in got])
    positions = c.position(c.assignment())
    p.send_offsets_to_transaction(positions, c.consumer_group_metadata(), 15)
    p.commit_transaction(15)
    c.close()
    return {'positions': sorted([[tp.partition, tp.offset] for tp in positions])}


# --- consume -----------------------------------------------------------------

def op_read_all(args):
    """Assigns every partition of `topic` from the beginning and reads until end-of-partition on each (no group)."""
    c = Consumer(conf(args, **{'group.id': args.get('group', 'ck-read-all'), 'enable.auto.commit': False, 'enable.partition.eof': True, 'fetch.wait.max.ms': 100}))
    n = args['partitions']
    c.assign([TopicPartition(args['topic'], p, confluent_kafka.OFFSET_BEGINNING) for p in range(n)])
    got, eof = [], set()
    alive = deadline(args.get('timeoutS', 20))
    while len(eof) < n and alive():
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            if m.error().code() == KafkaError._PARTITION_EOF:
                eof.add(m.partition())
                continue
            raise confluent_kafka.KafkaException(m.error())
        got.append(message_out(m))
    c.close()
    if len(eof) < n:
        raise RuntimeError('end of partition reached on %s only; read %d records' % (sorted(eof), len(got)))
    return sorted(got, key=lambda m: (m['partition'], m['offset']))


def group_consumer(args, name, assignments):
    c = Consumer(conf(args, **{
        'client.id': name, 'group.id': args['group'], 'auto.offset.reset': 'earliest', 'enable.auto.commit': False,
        'heartbeat.interval.ms': 500, 'session.timeout.ms': 6000, 'fetch.wait.max.ms': 100,
    }))
    assignments.setdefault(name, [])

    def on_assign(_c, parts):
        assignments[name].append(sorted(p.partition for p in parts))

    c.subscribe([args['topic']], on_assign=on_assign)
    return c


def poll_one(c, got):
    m = c.poll(0.1)
    if m is None:
        return
    if m.error():
        raise confluent_kafka.KafkaException(m.error())
    got.append(message_out(m))


def committed_out(c, n, topic):
    return {str(tp.partition): tp.offset for tp in c.committed([TopicPartition(topic, p) for p in range(n)], timeout=10)}


def op_group_pair(args):
    """Two members of one group share `topic` (`partitions` partitions). Once each holds half of them, `messages`
    are produced; both consume until every record is read, commit synchronously and close."""
    assignments = {}
    names = ['%s-member-%d' % (args.get('clientId', 'ck'), n) for n in (1, 2)]
    members = {name: group_consumer(args, name, assignments) for name in names}
    half = args['partitions'] // 2
    alive = deadline(30)
    got = {name: [] for name in members}
    # librdkafka serves the group protocol from its own threads; polling both in turn drives their callbacks.
    while alive() and not all(len(c.assignment()) == half for c in members.values()):
        for name, c in members.items():
            poll_one(c, got[name])
    if not all(len(c.assignment()) == half for c in members.values()):
        raise RuntimeError('group did not settle: %r' % assignments)
    stable_after = {name: sorted(tp.partition for tp in c.assignment()) for name, c in members.items()}
    described = describe_group(args)
    p = Producer(conf(args, **{'client.id': '%s-producer' % args.get('clientId', 'ck')}))
    reports = produce_all(p, args['topic'], args['messages'])
    p.flush(15)
    alive = deadline(30)
    while alive() and sum(len(g) for g in got.values()) < len(args['messages']):
        for name, c in members.items():
            poll_one(c, got[name])
    for name, c in members.items():
        if got[name]:  # a member that read nothing has no position to commit (librdkafka: _NO_OFFSET)
            c.commit(asynchronous=False)
    committed = {name: committed_out(c, args['partitions'], args['topic']) for name, c in members.items()}
    final = {name: sorted(tp.partition for tp in c.assignment()) for name, c in members.items()}
    for c in members.values():
        c.close()
    return {'assignments': assignments, 'stable': stable_after, 'described': described, 'final': final, 'consumed': got, 'committed': committed, 'deliveries': reports}


def op_group_consume(args):
    """One new member of `group`: reads until `expect` records arrived, then `graceMs` longer (to catch re-deliveries), commits, closes."""
    assignments = {}
    c = group_consumer(args, '%s-member-3' % args.get('clientId', 'ck'), assignments)
    got = []
    alive = deadline(30)
    while alive() and len(got) < args['expect']:
        poll_one(c, got)
    grace = deadline(args.get('graceMs', 1000) / 1000)
    while grace():
        poll_one(c, got)
    if got:
        c.commit(asynchronous=False)
    committed = committed_out(c, args['partitions'], args['topic'])
    c.close()
    return {'assignments': assignments, 'consumed': got, 'committed': committed}


if __name__ == '__main__':
    main({name[3:]: fn for name, fn in globals().items() if name.startswith('op_')})
