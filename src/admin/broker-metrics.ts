/**
 * The broker's Prometheus metrics (served on the admin port's `/metrics`).
 *
 * Request metrics are counted by the dispatcher hooks as requests go by; the
 * rest (connections, topics, log sizes, consumer-group lag) are read from the
 * broker at scrape time.
 */
import type { Broker } from '../broker.js';
import { readBuffers } from '../log/read-buffers.js';
import { errorName } from './faults.js';
import { API_NAMES } from './kafka-versions.js';
import { MetricsRegistry, type CounterCell, type HistogramCell } from './metrics.js';

/** The counters of one (API, version), kept so the request path only increments. */
export interface ApiCells {
  requests: CounterCell;
  requestBytes: CounterCell;
  responseBytes: CounterCell;
  latency: HistogramCell;
  errors: Map<number, CounterCell>;
  api: string;
  version: number;
}

export class BrokerMetrics {
  readonly registry = new MetricsRegistry();
  private readonly cells = new Map<number, ApiCells>();
  private readonly startedAt = Date.now();

  private readonly requests = this.registry.counter('kafkalite_requests_total', 'Requests handled, by API and version.');
  private readonly errors = this.registry.counter(
    'kafkalite_request_errors_total',
    'Non-zero error codes in responses (each topic/partition/group entry counts), by API, version and error.',
  );
  private readonly refused = this.registry.counter(
    'kafkalite_requests_refused_total',
    'Requests for an API or version the broker does not serve (the connection is closed; ApiVersions gets UNSUPPORTED_VERSION).',
  );
  private readonly requestBytes = this.registry.counter('kafkalite_request_bytes_total', 'Bytes received in request frames (size prefix included), by API.');
  private readonly responseBytes = this.registry.counter('kafkalite_response_bytes_total', 'Bytes sent in response frames (size prefix included), by API.');
  private readonly latency = this.registry.histogram(
    'kafkalite_request_duration_seconds',
    'Time from a request being dispatched to its response being ready, by API (long-poll fetches include their wait).',
  );
  private readonly faultsFired = this.registry.counter('kafkalite_faults_injected_total', 'Injected faults that fired, by API and effect.');
  private readonly connections = this.registry.gauge('kafkalite_connections', 'Open client connections.');
  private readonly topics = this.registry.gauge('kafkalite_topics', 'Topics (internal topics excluded).');
  private readonly partitions = this.registry.gauge('kafkalite_partitions', 'Partitions of those topics.');
  private readonly logSize = this.registry.gauge('kafkalite_log_size_bytes', 'Bytes of record data held per partition (internal topics included).');
  private readonly logStart = this.registry.gauge('kafkalite_log_start_offset', 'First offset in the log, per partition.');
  private readonly logEnd = this.registry.gauge('kafkalite_log_end_offset', 'Log end offset (= high watermark on one broker), per partition.');
  private readonly committed = this.registry.gauge('kafkalite_consumer_group_committed_offset', 'Committed offset per group and partition.');
  private readonly lag = this.registry.gauge(
    'kafkalite_consumer_group_lag',
    'Log end offset minus committed offset per group and partition (messages not yet consumed by the group).',
  );
  private readonly groupCounts = this.registry.gauge('kafkalite_consumer_groups', 'Consumer groups by type and state.');
  private readonly uptime = this.registry.gauge('kafkalite_uptime_seconds', 'Seconds since the broker started.');
  // Process memory under Prometheus' and prom-client's usual names (the whole process: brokers in one process share them).
  private readonly rss = this.registry.gauge('process_resident_memory_bytes', 'Resident memory of the process.');
  private readonly heapUsed = this.registry.gauge('nodejs_heap_size_used_bytes', 'V8 heap in use.');
  private readonly external = this.registry.gauge('nodejs_external_memory_bytes', 'Memory outside the V8 heap held by JavaScript objects: request frames, read buffers, in-memory logs.');
  private readonly readPool = this.registry.gauge('kafkalite_read_buffer_pool_bytes', 'Idle buffers kept for fetches from disk (src/log/read-buffers.ts).');

  constructor(private readonly broker: Broker) {
    this.registry.collect(() => this.collect());
  }

  /** The cells of one API and version (created on first use). */
  api(apiKey: number, version: number, name: string): ApiCells {
    const id = (apiKey << 8) | version;
    let c = this.cells.get(id);
    if (!c) {
      c = {
        requests: this.requests.labels({ api: name, version }),
        requestBytes: this.requestBytes.labels({ api: name }),
        responseBytes: this.responseBytes.labels({ api: name }),
        latency: this.latency.labels({ api: name }),
        errors: new Map(),
        api: name,
        version,
      };
      this.cells.set(id, c);
    }
    return c;
  }

  error(cells: ApiCells, code: number): void {
    let e = cells.errors.get(code);
    if (!e) cells.errors.set(code, (e = this.errors.labels({ api: cells.api, version: cells.version, error: errorName(code) })));
    e.inc();
  }

  /** Labels are bounded (garbage frames carry any key and version): unknown APIs and odd versions are lumped together. */
  refusedRequest(apiKey: number, version: number): void {
    const api = API_NAMES[apiKey] ?? 'unknown';
    this.refused.inc({ api, version: version >= 0 && version < 100 && api !== 'unknown' ? version : 'other' });
  }

  faultFired(api: string, effect: 'error' | 'latency' | 'close' | 'broker_down'): void {
    this.faultsFired.inc({ api, effect });
  }

  uptimeSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  render(): string {
    return this.registry.render();
  }

  private collect(): void {
    const b = this.broker;
    this.connections.set(undefined, b.openConnections().size);
    this.uptime.set(undefined, this.uptimeSeconds());
    const mem = process.memoryUsage();
    this.rss.set(undefined, mem.rss);
    this.heapUsed.set(undefined, mem.heapUsed);
    this.external.set(undefined, mem.external); // includes arrayBuffers (every Buffer)
    this.readPool.set(undefined, readBuffers.pooledBytes);
    let topics = 0;
    let partitions = 0;
    for (const g of [this.logSize, this.logStart, this.logEnd, this.committed, this.lag, this.groupCounts]) g.reset();
    for (const t of b.store.topics()) {
      if (!t.internal) {
        topics++;
        partitions += t.numPartitions;
      }
      for (let p = 0; p < t.numPartitions; p++) {
        const log = b.store.partition(t.name, p);
        if (!log) continue;
        const labels = { topic: t.name, partition: p };
        this.logSize.set(labels, log.sizeBytes);
        this.logStart.set(labels, Number(log.logStartOffset));
        this.logEnd.set(labels, Number(log.logEndOffset));
      }
    }
    this.topics.set(undefined, topics);
    this.partitions.set(undefined, partitions);

    const offsets = b.groups.offsets;
    for (const group of offsets.groupIds()) {
      for (const { topic, partition, value } of offsets.partitionsOf(group)) {
        const labels = { group, topic, partition };
        this.committed.set(labels, Number(value.offset));
        const log = b.store.partition(topic, partition);
        if (!log) continue;
        // A committed offset below the log start (retention) counts from the log start, as consumers would resume there.
        const from = value.offset < log.logStartOffset ? log.logStartOffset : value.offset;
        const lag = log.logEndOffset - from;
        this.lag.set(labels, Number(lag > 0n ? lag : 0n));
      }
    }
    const byKind = new Map<string, { type: string; state: string; n: number }>();
    for (const g of b.groups.allGroups()) {
      const key = `${g.type}\u0000${g.stateName}`;
      const e = byKind.get(key);
      if (e) e.n++;
      else byKind.set(key, { type: g.type, state: g.stateName, n: 1 });
    }
    for (const { type, state, n } of byKind.values()) this.groupCounts.set({ type, state }, n);
  }
}
