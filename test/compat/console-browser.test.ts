// The web console in a real browser: Debian's chromium driven by playwright-core (no browser
// download). Opens the console, finds a topic created through the API, browses its messages
// (JSON pretty-printed, markup shown as text and never run), produces from the form and sees
// the message appear without a reload, and watches a consumer group's lag change live.
// Skipped with a message when /usr/bin/chromium (or $CHROMIUM_BIN) is missing; .ci/run installs it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const { Kafka, logLevel } = kafkajs;

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`console-browser: ${CHROMIUM} not found, skipping the browser test (apt-get install chromium, or set CHROMIUM_BIN)`);

const suffix = `${process.pid}-${Date.now().toString(36)}`;

async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the locator's text satisfies `ok` (trimmed); returns it. */
function textOf(locator: Locator, ok: (text: string) => boolean, what: string): Promise<string> {
  return until(async () => {
    const t = ((await locator.first().textContent({ timeout: 1000 })) ?? '').trim();
    return ok(t) ? t : undefined;
  }, what);
}

describe.skipIf(!available)('web console in Chromium', () => {
  let broker: TestBroker;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const pageErrors: string[] = [];
  let kafka: InstanceType<typeof Kafka>;

  beforeAll(async () => {
    broker = await startTestBroker({ adminPort: 0 });
    kafka = new Kafka({ clientId: 'browser-test', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    userDataDir = mkdtempSync(join(tmpdir(), 'kafkalite-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await broker?.close();
  });

  it('lists topics, browses messages safely, produces from the form and follows a group’s lag live', { timeout: 90_000 }, async () => {
    const topic = `orders-${suffix}`;
    const groupId = `billing-${suffix}`;

    // A topic created through the console's API, with messages from kafkajs.
    const created = await fetch(`${broker.adminUrl}/api/topics`, { method: 'POST', body: JSON.stringify({ name: topic, partitions: 2 }) });
    expect(created.status).toBe(201);
    const json = { user: 'ada', roles: ['admin', 'dev'], nested: { ok: true } };
    const hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { partition: 0, key: 'u1', value: JSON.stringify(json), headers: { 'content-type': 'application/json' } },
        { partition: 0, key: '<b>bold?</b>', value: hostile, headers: { '<i>h</i>': '<u>v</u>' } },
      ],
    });

    // The topic list.
    await page.goto(`${broker.adminUrl}/`);
    await page.locator('#live.on').waitFor();
    const topicLink = page.locator(`#topics-table tr[data-topic="${topic}"] a.topic-link`);
    await topicLink.waitFor();
    expect(await page.locator(`#topics-table tr[data-topic="${topic}"] td`).nth(2).textContent()).toBe('2');
    // Marks this page load: a reload would lose it.
    await page.evaluate(() => ((window as any).__sameLoad = true));

    // Open the topic: newest messages first, in partition 0 (the first with data).
    await topicLink.click();
    await page.locator('h1.title', { hasText: topic }).waitFor();
    const msgs = page.locator('#messages article.msg');
    await until(async () => (await msgs.count()) === 2, 'two messages');
    const newest = msgs.nth(0);
    const oldest = msgs.nth(1);
    expect(await oldest.getAttribute('data-offset')).toBe('0');
    // JSON is pretty-printed.
    expect(await oldest.locator('pre.msg-value').getAttribute('class')).toContain('v-json');
    expect(await oldest.locator('pre.msg-value').textContent()).toBe(JSON.stringify(json, null, 2));
    expect(await oldest.locator('.header-chip').textContent()).toBe('content-typeapplication/json');
    // Markup in keys, values and headers is text: shown verbatim, never parsed or run.
    expect(await newest.locator('pre.msg-value').textContent()).toBe(hostile);
    expect(await newest.locator('.msg-key code').textContent()).toBe('<b>bold?</b>');
    expect(await newest.locator('.header-chip').textContent()).toBe('<i>h</i><u>v</u>');
    expect(await page.locator('#messages script, #messages img, #messages b, #messages i, #messages u').count()).toBe(0);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();

    // Hex view of the same data.
    await page.selectOption('select[name="mode"]', 'hex');
    expect(await oldest.locator('pre.msg-value').textContent()).toMatch(/^00000000 {2}7b 22 75 73 65 72 22 3a/);
    await page.selectOption('select[name="mode"]', 'auto');

    // Produce from the form: it shows up without reloading, marked as fresh.
    await page.fill('#produce-form input[name="key"]', 'from-the-browser');
    await page.fill('#produce-form textarea[name="value"]', '{"produced":"in the browser","n":3}');
    await page.fill('#produce-form textarea[name="headers"]', 'origin: console');
    await page.selectOption('#produce-form select[name="partition"]', '0');
    await page.click('#produce-form button[type="submit"]');
    await textOf(page.locator('#produce-status'), (t) => t === 'Produced to partition 0 at offset 2.', 'the produce status');
    await until(async () => (await msgs.count()) === 3, 'the produced message');
    const produced = msgs.nth(0);
    expect(await produced.getAttribute('data-offset')).toBe('2');
    expect(await produced.getAttribute('class')).toContain('fresh');
    expect(await produced.locator('pre.msg-value').textContent()).toBe(JSON.stringify({ produced: 'in the browser', n: 3 }, null, 2));
    expect(await produced.locator('.header-chip').textContent()).toBe('originconsole');
    // The partitions table follows too.
    await textOf(page.locator('#partitions-table tbody tr').nth(0).locator('td.hw'), (t) => t === '3', 'the high watermark of partition 0');

    // A message from another client appears on its own (follow mode).
    await producer.send({ topic, messages: [{ partition: 0, key: 'live', value: 'pushed by kafkajs' }] });
    await until(async () => (await msgs.count()) === 4, 'the message produced by kafkajs');
    expect(await msgs.nth(0).locator('pre.msg-value').textContent()).toBe('pushed by kafkajs');

    // One screenshot of the topic page, for a human to look at the layout (not committed).
    if (process.env.CONSOLE_SCREENSHOT) await page.screenshot({ path: process.env.CONSOLE_SCREENSHOT, fullPage: true });
    // Nothing overflows sideways at 1280px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // Browse from an offset, then by time.
    await page.selectOption('select[name="from"]', 'offset');
    await page.fill('input[name="offset"]', '1');
    await page.click('#browse-form button[type="submit"]');
    await until(async () => (await msgs.count()) === 3 && (await msgs.nth(0).getAttribute('data-offset')) === '1', 'messages from offset 1');

    // A consumer group reads everything and commits, then leaves: lag 0.
    const consume = async (expected: number) => {
      const consumer = kafka.consumer({ groupId, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let n = 0;
      await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => void n++ });
      await until(async () => n >= expected, `the consumer to read ${expected} messages`);
      await until(async () => {
        const g = await (await fetch(`${broker.adminUrl}/api/groups/${groupId}`)).json();
        return g.lag === 0 && g.partitions.some((p: { committedOffset: number | null }) => p.committedOffset !== null);
      }, 'the commits');
      await consumer.disconnect();
    };
    await consume(4);

    await page.click('a[data-nav="groups"]');
    const row = page.locator(`#groups-table tr[data-group="${groupId}"]`);
    await row.waitFor();
    await textOf(row.locator('td.lag'), (t) => t === '0', 'lag 0 in the groups list');

    // New messages: the lag goes up live, in the list...
    await producer.send({ topic, messages: [1, 2, 3].map((i) => ({ partition: 0, value: `late ${i}` })) });
    await textOf(row.locator('td.lag'), (t) => t === '3', 'lag 3 in the groups list');

    // ... and in the group's page, down again once the group has consumed them.
    await row.locator('a.group-link').click();
    await page.locator('#lag-table').waitFor();
    await textOf(page.locator('#total-lag .stat-value'), (t) => t === '3', 'total lag 3');
    const p0 = page.locator(`#lag-table tr[data-partition="${topic}/0"]`);
    await textOf(p0.locator('td.lag'), (t) => t === '3', 'lag 3 on partition 0');
    expect(((await p0.locator('td.committed').textContent()) ?? '').trim()).toBe('4');
    await consume(3);
    await textOf(page.locator('#total-lag .stat-value'), (t) => t === '0', 'total lag back to 0');
    await textOf(p0.locator('td.committed'), (t) => t === '7', 'committed offset 7 on partition 0');
    await producer.disconnect();

    // Still the same page load: everything above happened without reloading.
    expect(await page.evaluate(() => (window as any).__sameLoad)).toBe(true);

    // A narrow window: no sideways scrolling of the page.
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${broker.adminUrl}/#/topics/${topic}`);
    await until(async () => (await msgs.count()) > 0, 'messages on a narrow window');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    expect(pageErrors).toEqual([]);
  });
});
