/**
 * A tiny Prometheus registry: counters, gauges and histograms with labels, and
 * the text exposition format (version 0.0.4) written by hand, so the broker
 * needs no metrics dependency.
 *
 * Label values are fixed per series at creation (`counter.labels(...)` returns
 * a cell to keep and increment), so the request path does no string building.
 * Gauges whose value lives elsewhere (topics, log sizes, lag) are computed at
 * scrape time by collectors registered with `registry.collect(fn)`.
 */

export type Labels = Record<string, string | number>;

/** Content type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function renderLabels(labels: Labels | undefined, extra?: [string, string]): string {
  const parts: string[] = [];
  if (labels) for (const [k, v] of Object.entries(labels)) parts.push(`${k}="${escapeLabel(String(v))}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function seriesKey(labels: Labels | undefined): string {
  return labels ? JSON.stringify(Object.entries(labels).map(([k, v]) => [k, String(v)])) : '';
}

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  render(out: string[]): void;
}

export class CounterCell {
  value = 0;
  constructor(readonly labels: Labels | undefined) {}
  inc(by = 1): void {
    this.value += by;
  }
}

export class Counter implements Metric {
  readonly type = 'counter';
  private readonly cells = new Map<string, CounterCell>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** The series for these label values (created at 0 on first use). */
  labels(labels?: Labels): CounterCell {
    const key = seriesKey(labels);
    let c = this.cells.get(key);
    if (!c) this.cells.set(key, (c = new CounterCell(labels)));
    return c;
  }

  inc(labels?: Labels, by = 1): void {
    this.labels(labels).inc(by);
  }

  render(out: string[]): void {
    for (const c of this.cells.values()) out.push(`${this.name}${renderLabels(c.labels)} ${formatValue(c.value)}`);
  }
}

export class Gauge implements Metric {
  readonly type = 'gauge';
  private readonly values = new Map<string, { labels: Labels | undefined; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  set(labels: Labels | undefined, value: number): void {
    this.values.set(seriesKey(labels), { labels, value });
  }

  /** Drops every series (collectors call this before re-filling a gauge at scrape time). */
  reset(): void {
    this.values.clear();
  }

  render(out: string[]): void {
    for (const { labels, value } of this.values.values()) out.push(`${this.name}${renderLabels(labels)} ${formatValue(value)}`);
  }
}

/** Request latency buckets in seconds: 0.5 ms to 30 s (long-poll fetches sit near their max wait). */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class HistogramCell {
  /** Non-cumulative counts per bucket (the last slot is +Inf); rendered cumulatively. */
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(
    readonly labels: Labels | undefined,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class Histogram implements Metric {
  readonly type = 'histogram';
  private readonly cells = new Map<string, HistogramCell>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[] = LATENCY_BUCKETS,
  ) {
    for (let i = 1; i < buckets.length; i++) if (!(buckets[i]! > buckets[i - 1]!)) throw new RangeError('histogram buckets must increase');
  }

  labels(labels?: Labels): HistogramCell {
    const key = seriesKey(labels);
    let c = this.cells.get(key);
    if (!c) this.cells.set(key, (c = new HistogramCell(labels, this.buckets)));
    return c;
  }

  observe(labels: Labels | undefined, v: number): void {
    this.labels(labels).observe(v);
  }

  render(out: string[]): void {
    for (const c of this.cells.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += c.counts[i]!;
        out.push(`${this.name}_bucket${renderLabels(c.labels, ['le', formatValue(le)])} ${cumulative}`);
      });
      cumulative += c.counts[this.buckets.length]!;
      out.push(`${this.name}_bucket${renderLabels(c.labels, ['le', '+Inf'])} ${cumulative}`);
      out.push(`${this.name}_sum${renderLabels(c.labels)} ${formatValue(c.sum)}`);
      out.push(`${this.name}_count${renderLabels(c.labels)} ${c.count}`);
    }
  }
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors: (() => void)[] = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  gauge(name: string, help: string): Gauge {
    return this.add(new Gauge(name, help));
  }

  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  /** Runs before every render: set gauges whose values live elsewhere. */
  collect(fn: () => void): void {
    this.collectors.push(fn);
  }

  /** The text exposition format: HELP, TYPE, then one line per series. */
  render(): string {
    for (const c of this.collectors) c();
    const out: string[] = [];
    for (const m of this.metrics.values()) {
      out.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.type}`);
      m.render(out);
    }
    return `${out.join('\n')}\n`;
  }

  private add<M extends Metric>(m: M): M {
    if (this.metrics.has(m.name)) throw new Error(`metric ${m.name} is already registered`);
    this.metrics.set(m.name, m);
    return m;
  }
}
