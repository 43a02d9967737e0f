# Driver for kafka-python (Debian's python3-kafka 2.0.2), run by
# test/compat/python-clients.test.ts.
#
#   /usr/bin/python3 kafka_python_client.py <op> '<json args>'
#
# Every op takes "bootstrap" and an optional "config" (extra keyword arguments
# for the client; "api_version" as a list, e.g. [0, 10, 0]) and prints one JSON
# result on stdout; see common.py.
import os
import sys
import threading

sys.dont_write_bytecode = True  # no __pycache__ next to the drivers in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import kafka  # noqa: E402
import kafka.codec  # noqa: E402
import kafka.errors  # noqa: E402
from kafka import ConsumerRebalanceListener, KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic  # noqa: E402

from common import deadline, headers_out, log, main, raw, text  # noqa: E402


def kw(args, **extra):
    k = {'bootstrap_servers': args['bootstrap'], 'client_id': args.get('clientId', 'kp')}
    k.update(extra)
    k.update(args.get('config', {}))
    if isinstance(k.get('api_version'), list):
        k['api_version'] = tuple(k['api_version'])
    return k


def error_out(e):
    if e is None:
        return None
    return {'code': getattr(e, 'errno', None), 'name': type(e).__name__}


def message_out(m):
    return {
        'partition': m.partition,
        'offset': m.offset,
        'key': text(m.key),
        'value': text(m.value),
        'headers': headers_out(m.headers),
        'timestamp': m.timestamp,
        'timestampType': m.timestamp_type,
    }


# --- admin -------------------------------------------------------------------

def admin(args):
    return KafkaAdminClient(**kw(args))


def op_versions(args):
    out = {'version': kafka.__version__, 'codecs': {c: getattr(kafka.codec, 'has_' + c)() for c in ('gzip', 'snappy', 'lz4', 'zstd')}}
    if 'bootstrap' in args:
        a = admin(args)
        # What kafka-python inferred from ApiVersions (it picks request versions from this, not per API).
        out['brokerVersion'] = list(a.config['api_version'])
        a.close()
    return out


def op_create_topics(args):
    a = admin(args)
    new = [NewTopic(t['name'], t['partitions'], t.get('replicationFactor', 1), topic_configs=t.get('configs', {})) for t in args['topics']]
    try:
        res = a.create_topics(new, timeout_ms=10000)
        out = {name: (None if code == 0 else {'code': code, 'message': msg}) for name, code, msg in res.topic_errors}
    except kafka.errors.KafkaError as e:
        # kafka-python raises on the first topic error instead of returning per-topic results.
        out = {'error': error_out(e)}
    a.close()
    return out


def op_delete_topics(args):
    a = admin(args)
    res = a.delete_topics(args['topics'], timeout_ms=10000)
    a.close()
    return {name: code for name, code in res.topic_error_codes}


def op_list_topics(args):
    a = admin(args)
    names = sorted(a.list_topics())
    a.close()
    return names


def op_describe_topics(args):
    a = admin(args)
    res = a.describe_topics(args['topics'])
    a.close()
    return res


def op_describe_configs(args):
    a = admin(args)
    names = args.get('names')
    res = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, args['topic'], {n: None for n in names} if names else None)])
    a.close()
    out = {}
    for r in res:
        for resource in r.resources:
            error_code, error_message, _type, _name, entries = resource
            if error_code:
                return {'error': {'code': error_code, 'message': error_message}}
            for e in entries:
                out[e[0]] = {'value': e[1], 'readOnly': e[2], 'source': e[3], 'sensitive': e[4]}
    return out


def describe_group_members(args):
    """A live group as describe_consumer_groups() parses it: each member's subscription and assignment (consumer protocol)."""
    a = admin(dict(args, clientId='%s-admin' % args.get('clientId', 'kp')))
    g = a.describe_consumer_groups([args['group']])[0]
    a.close()
    return {
        'state': g.state, 'protocolType': g.protocol_type, 'protocol': g.protocol,
        'members': sorted([
            {
                'clientId': m.client_id, 'clientHost': m.client_host,
                'subscription': list(m.member_metadata.subscription),
                'assignment': {t: sorted(ps) for t, ps in m.member_assignment.assignment},
            }
            for m in g.members
        ], key=lambda m: m['clientId']),
    }


def op_describe_group(args):
    a = admin(args)
    g = a.describe_consumer_groups([args['group']])[0]
    offsets = a.list_consumer_group_offsets(args['group'])
    a.close()
    return {
        'state': g.state,
        'protocolType': g.protocol_type,
        'protocol': g.protocol,
        'members': sorted([m.client_id for m in g.members]),
        'offsets': {'%s/%d' % (tp.topic, tp.partition): o.offset for tp, o in offsets.items()},
    }


# --- produce -----------------------------------------------------------------

def op_produce(args):
    p = KafkaProducer(**kw(args))
    futures = []
    for m in args['messages']:
        futures.append(p.send(
            args['topic'], value=raw(m.get('value')), key=raw(m.get('key')), partition=m.get('partition'),
            headers=[(k, raw(v)) for k, v in m.get('headers', [])] or None, timestamp_ms=m.get('timestamp'),
        ))
    p.flush(20)
    out = []
    for f in futures:
        try:
            md = f.get(timeout=20)
            out.append({'error': None, 'partition': md.partition, 'offset': md.offset, 'timestamp': md.timestamp})
        except kafka.errors.KafkaError as e:
            out.append({'error': error_out(e)})
    p.close(10)
    return out


# --- consume -----------------------------------------------------------------

def op_read_all(args):
    """Assigns every partition of `topic`, seeks to the beginning and reads up to the end offsets (no group)."""
    c = KafkaConsumer(**kw(args, enable_auto_commit=False, fetch_max_wait_ms=100))
    tps = [TopicPartition(args['topic'], p) for p in range(args['partitions'])]
    c.assign(tps)
    c.seek_to_beginning()
    ends = c.end_offsets(tps)
    got = []
    alive = deadline(args.get('timeoutS', 20))
    while alive() and any(c.position(tp) < ends[tp] for tp in tps):
        for _tp, ms in c.poll(200).items():
            got.extend(message_out(m) for m in ms)
    c.close()
    if any(m['offset'] >= ends[TopicPartition(args['topic'], m['partition'])] for m in got):
        raise RuntimeError('read past the end offsets %r' % ends)
    return {'endOffsets': {str(tp.partition): o for tp, o in ends.items()}, 'messages': sorted(got, key=lambda m: (m['partition'], m['offset']))}


class Recorder(ConsumerRebalanceListener):
    def __init__(self, name, assignments):
        self.name = name
        self.assignments = assignments
        assignments[name] = []

    def on_partitions_revoked(self, revoked):
        pass

    def on_partitions_assigned(self, assigned):
        self.assignments[self.name].append(sorted(tp.partition for tp in assigned))


def group_member(args, name, assignments):
    c = KafkaConsumer(**kw(args, client_id=name, group_id=args['group'], auto_offset_reset='earliest', enable_auto_commit=False, heartbeat_interval_ms=500, fetch_max_wait_ms=100))
    c.subscribe([args['topic']], listener=Recorder(name, assignments))
    return c


def committed_out(c, args):
    return {str(p): c.committed(TopicPartition(args['topic'], p)) for p in range(args['partitions'])}


def op_group_pair(args):
    """Two members of one group share `topic`. Once each holds half of its partitions, `messages` are produced;
    both read until every record is read, commit synchronously and close.

    Each member runs in its own thread: KafkaConsumer.poll() blocks while its JoinGroup is pending (it ignores its
    timeout there), and a rebalance waits for every member to rejoin, so polling both from one thread deadlocks
    until the rebalance timeout (max_poll_interval_ms, 5 min)."""
    assignments = {}
    got = {'%s-member-%d' % (args.get('clientId', 'kp'), n): [] for n in (1, 2)}
    committed = {}
    final = {}
    errors = []
    stop = threading.Event()
    both_committed = threading.Barrier(2)
    half = args['partitions'] // 2

    def run(name):
        try:
            c = group_member(args, name, assignments)
            while not stop.is_set():
                for _tp, ms in c.poll(100).items():
                    got[name].extend(message_out(m) for m in ms)
            c.commit()
            # Both members commit before either reads the committed offsets back (for partitions it does not own,
            # committed() asks the coordinator, so it would race the other member's commit).
            both_committed.wait(20)
            committed[name] = committed_out(c, args)
            final[name] = sorted(tp.partition for tp in c.assignment())
            c.close()
        except Exception as e:  # noqa: BLE001 - reported below
            log(name, 'failed:', repr(e))
            errors.append('%s: %r' % (name, e))

    threads = [threading.Thread(target=run, args=(name,), daemon=True) for name in got]
    for t in threads:
        t.start()
    alive = deadline(30)
    settled = lambda: all(assignments.get(n) and len(assignments[n][-1]) == half for n in got)  # noqa: E731
    while alive() and not settled() and not errors:
        threading.Event().wait(0.05)
    if not settled():
        stop.set()
        raise RuntimeError('group did not settle: %r %r' % (assignments, errors))
    stable = {n: assignments[n][-1] for n in got}
    described = describe_group_members(args)
    produced = op_produce(dict(args, clientId='%s-producer' % args.get('clientId', 'kp')))
    alive = deadline(30)
    while alive() and sum(len(g) for g in got.values()) < len(args['messages']) and not errors:
        threading.Event().wait(0.05)
    stop.set()
    for t in threads:
        t.join(20)
    if errors:
        raise RuntimeError('; '.join(errors))
    return {'assignments': assignments, 'stable': stable, 'described': described, 'final': final, 'consumed': got, 'committed': committed, 'deliveries': produced}


def op_group_consume(args):
    """One new member of `group`: reads until `expect` records arrived, then `graceMs` longer (to catch re-deliveries), commits, closes."""
    assignments = {}
    name = '%s-member-3' % args.get('clientId', 'kp')
    c = group_member(args, name, assignments)
    got = []
    alive = deadline(30)
    while alive() and len(got) < args['expect']:
        for _tp, ms in c.poll(100).items():
            got.extend(message_out(m) for m in ms)
    grace = deadline(args.get('graceMs', 1000) / 1000)
    while grace():
        for _tp, ms in c.poll(100).items():
            got.extend(message_out(m) for m in ms)
    c.commit()
    committed = committed_out(c, args)
    c.close()
    return {'assignments': assignments, 'consumed': got, 'committed': committed}


if __name__ == '__main__':
    main({name[3:]: fn for name, fn in globals().items() if name.startswith('op_')})
