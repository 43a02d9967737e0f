// --kafka-version: ApiVersions advertises what that Kafka release served (intersected with our
// handlers), newer requests are refused as the release would, and kafkajs and kcat still produce
// and consume — with the lower versions, as the request recording shows.
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_RELEASES, kafkaRelease } from '../../src/admin/kafka-versions.js';
import type { RecordedRequest } from '../../src/admin/recording.js';
import { HANDLERS } from '../../src/handlers/index.js';
import { schemaVersions } from '../../src/wire/codecs.js';
import { ErrorCode } from '../../src/wire/error-codes.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kcat, kcatAvailable } from '../helpers/kcat.js';
import { RawClient } from '../helpers/raw-client.js';

const { Kafka, logLevel, Partitioners } = kafkajs;
const suffix = `${process.pid}-${Date.now().toString(36)}`;

async function until<T>(fn: () => T | undefined | false, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the release table', () => {
  it('knows 0.11 to 4.0 and parses patch versions', () => {
    expect(KAFKA_RELEASES[0]).toBe('0.11');
    expect(KAFKA_RELEASES.at(-1)).toBe('4.0');
    for (const v of ['2.0', '2.8', '3.0', '3.9']) expect(KAFKA_RELEASES).toContain(v);
    expect(kafkaRelease('2.8.1').name).toBe('2.8');
    expect(kafkaRelease('v3.9.0').name).toBe('3.9');
    expect(kafkaRelease('0.11.0.2').name).toBe('0.11');
    expect(() => kafkaRelease('0.10')).toThrow(/unknown Kafka version '0.10' \(known: 0.11, 1.0/);
    expect(() => kafkaRelease('banana')).toThrow('unknown Kafka version');
  });

  it('never goes beyond the protocol definitions, and versions only grow from release to release', async () => {
    await import('../../src/wire/messages/index.js');
    let prev: ReturnType<typeof kafkaRelease> | undefined;
    for (const name of KAFKA_RELEASES) {
      const r = kafkaRelease(name);
      for (const [key, v] of r.apis) {
        const defined = schemaVersions(key);
        expect(defined, `${name} api ${key}`).not.toBeNull();
        // Kafka 4.0 versions newer than the reference definitions (which predate the release).
        const newer = name === '4.0' ? ({ 0: 12, 3: 13, 15: 6, 28: 5, 69: 1 } as Record<number, number>)[key] : undefined;
        expect(v.maxVersion, `${name} api ${key}`).toBeLessThanOrEqual(newer ?? defined!.max);
        expect(v.minVersion).toBeLessThanOrEqual(v.maxVersion);
        const before = prev?.apis.get(key);
        if (before) expect(v.maxVersion, `${name} api ${key}`).toBeGreaterThanOrEqual(before.maxVersion);
      }
      if (prev) for (const key of prev.apis.keys()) expect(r.apis.has(key), `${name} dropped api ${key}`).toBe(true);
      prev = r;
    }
  });

  it('has the landmarks clients rely on', () => {
    const max = (v: string, key: number) => kafkaRelease(v).apis.get(key)?.maxVersion;
    expect([max('0.11', 0), max('0.11', 1), max('0.11', 3), max('0.11', 18)]).toEqual([3, 5, 4, 1]);
    expect(max('0.11', 42)).toBeUndefined(); // DeleteGroups came with 1.1
    expect(max('1.1', 42)).toBe(0);
    expect([max('2.4', 3), max('2.4', 18), max('2.4', 47)]).toEqual([9, 3, 0]); // flexible versions, KIP-511, OffsetDelete
    expect(max('2.8', 3)).toBe(11);
    expect(max('3.1', 1)).toBe(13); // fetch by topic id
    expect(max('3.7', 68)).toBe(0);
    expect(kafkaRelease('4.0').apis.get(0)).toEqual({ minVersion: 3, maxVersion: 12 }); // KIP-896
    expect(kafkaRelease('2.3').listsApisOnUnsupportedApiVersions).toBe(false);
    expect(kafkaRelease('2.4').listsApisOnUnsupportedApiVersions).toBe(true);
  });
});

for (const version of ['0.11', '2.4']) {
  describe(`--kafka-version ${version}`, () => {
    const release = kafkaRelease(version);
    let b: TestBroker;

    beforeAll(async () => {
      b = await startTestBroker({ kafkaVersion: version });
      b.recording.start();
    });

    afterAll(async () => {
      await b?.close();
    });

    /**
     * Clients start with the newest ApiVersions they know: older releases refuse it (UNSUPPORTED_VERSION)
     * and the client retries lower. Some ApiVersions must have succeeded, within the release.
     */
    function expectNegotiated(clientId: string): void {
      const apiVersions = b.recording.entries((e) => e.clientId === clientId && e.apiName === 'ApiVersions');
      const accepted = apiVersions.filter((e) => !e.refused);
      expect(accepted.length).toBeGreaterThan(0);
      for (const e of accepted) expect(e.apiVersion).toBeLessThanOrEqual(release.apis.get(18)!.maxVersion);
    }

    /** Every other request a client made was within the release's ranges, and none was refused. */
    function expectWithinRelease(entries: RecordedRequest[]): void {
      expect(entries.length).toBeGreaterThan(0);
      for (const e of entries) {
        expect(e.refused, `${e.apiName} v${e.apiVersion} refused`).toBeUndefined();
        const r = release.apis.get(e.apiKey);
        expect(r, `${e.apiName} does not exist in ${version}`).toBeDefined();
        expect(e.apiVersion, `${e.apiName} v${e.apiVersion}`).toBeLessThanOrEqual(r!.maxVersion);
      }
    }

    it('ApiVersions advertises the intersection of the release and the handlers', async () => {
      const raw = await RawClient.connect(b.port);
      const res = await raw.request(18, 1, {});
      raw.close();
      expect(res.errorCode).toBe(0);
      const expected = HANDLERS.flatMap((h) => {
        const r = release.apis.get(h.apiKey);
        if (!r) return [];
        const min = Math.max(r.minVersion, h.minVersion);
        const max = Math.min(r.maxVersion, h.maxVersion);
        return min <= max ? [{ apiKey: h.apiKey, minVersion: min, maxVersion: max }] : [];
      });
      expect(res.apiKeys.map((k: any) => ({ apiKey: k.apiKey, minVersion: k.minVersion, maxVersion: k.maxVersion }))).toEqual(expected);
      const keys = res.apiKeys.map((k: any) => k.apiKey);
      expect(keys).not.toContain(68); // ConsumerGroupHeartbeat: 3.7+
      if (version === '0.11') {
        expect(keys).not.toContain(42); // DeleteGroups: 1.1+
        expect(res.apiKeys.find((k: any) => k.apiKey === 0).maxVersion).toBe(3);
      } else {
        expect(keys).toContain(47); // OffsetDelete: 2.4
      }
    });

    it(`ApiVersions beyond the release gets UNSUPPORTED_VERSION ${version === '0.11' ? 'with an empty list (before KIP-511)' : 'with the supported list (KIP-511)'}`, async () => {
      const raw = await RawClient.connect(b.port);
      const v = release.apis.get(18)!.maxVersion + 1;
      // The reply is v0-shaped whatever was asked; decode it as v0.
      const frame = await new Promise<Buffer>((resolve) => {
        raw.socket.once('data', (d: Buffer) => resolve(d));
        void raw.request(18, v, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }).catch(() => {});
      });
      raw.close();
      const errorCode = frame.readInt16BE(8);
      const count = frame.readInt32BE(10);
      expect(errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
      if (version === '0.11') expect(count).toBe(0);
      else expect(count).toBeGreaterThan(5);
    });

    it('a request above the emulated version closes the connection', async () => {
      const raw = await RawClient.connect(b.port);
      const metadataMax = release.apis.get(3)!.maxVersion;
      await raw.request(3, metadataMax, { topics: [] });
      const refused = raw.request(3, metadataMax + 1, { topics: [] });
      await expect(refused).rejects.toThrow('connection closed');
      expect(b.recording.entries((e) => e.refused === true && e.apiKey === 3).at(-1)).toMatchObject({ apiVersion: metadataMax + 1 });
      if (version === '0.11') {
        // An API that did not exist in 0.11 is refused the same way.
        const raw2 = await RawClient.connect(b.port);
        await expect(raw2.request(42, 0, { groupsNames: ['g'] })).rejects.toThrow('connection closed');
      }
    });

    it('kafkajs produces and consumes in a consumer group, within the release', async () => {
      const topic = `emu-kafkajs-${version.replace('.', '_')}-${suffix}`;
      const clientId = `kafkajs-emu-${version}`;
      const kafka = new Kafka({ clientId, brokers: [b.bootstrapServers], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 50 } });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
      await admin.disconnect();
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
      await producer.disconnect();

      const consumer = kafka.consumer({ groupId: `emu-group-${version}-${suffix}`, heartbeatInterval: 500 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got: string[] = [];
      await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
      await until(() => got.length >= 10 || undefined, 'ten messages');
      await consumer.disconnect();
      expect(got.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`).sort());

      const mine = b.recording.entries((e) => e.clientId === clientId && e.apiName !== 'ApiVersions');
      expectWithinRelease(mine);
      expectNegotiated(clientId);
      const used = new Map(mine.map((e) => [e.apiName, e.apiVersion]));
      for (const api of ['Produce', 'Fetch', 'JoinGroup', 'SyncGroup', 'OffsetCommit', 'FindCoordinator']) expect(used.has(api), api).toBe(true);
      if (version === '0.11') {
        expect(used.get('Produce')).toBe(3);
        expect(used.get('Fetch')).toBeLessThanOrEqual(5);
        expect(used.get('Metadata')).toBeLessThanOrEqual(4);
        expect(used.get('JoinGroup')).toBe(2);
      } else {
        // kafkajs's own maxima (Produce v7, Fetch v11, JoinGroup v5) are within 2.4.
        expect(used.get('Fetch')).toBe(11);
      }
    });

    it.skipIf(!kcatAvailable)('kcat produces and consumes (no group), within the release', async () => {
      const topic = `emu-kcat-${version.replace('.', '_')}-${suffix}`;
      await b.broker.createTopic(topic, 1);
      const clientId = `kcat-emu-${version.replace('.', '_')}`;
      const lines = Array.from({ length: 5 }, (_, i) => `line-${i}`);
      await kcat(b.bootstrapServers, ['-P', '-t', topic, '-X', `client.id=${clientId}`], { input: `${lines.join('\n')}\n` });
      const out = await kcat(b.bootstrapServers, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-X', `client.id=${clientId}`]);
      expect(out.stdout.trim().split('\n')).toEqual(lines);

      const mine = b.recording.entries((e) => e.clientId === clientId && e.apiName !== 'ApiVersions');
      expectWithinRelease(mine);
      const used = new Map(mine.map((e) => [e.apiName, e.apiVersion]));
      expect(used.has('Produce')).toBe(true);
      expect(used.has('Fetch')).toBe(true);
      if (version === '0.11') {
        expect(used.get('Produce')).toBe(3);
        expect(used.get('Fetch')).toBeGreaterThanOrEqual(4);
        expect(used.get('Fetch')).toBeLessThanOrEqual(5);
      }
      expectNegotiated(clientId);
    });
  });
}

describe('--kafka-version 4.0', () => {
  it('raises minimum versions (KIP-896): a JoinGroup v1 closes the connection', async () => {
    const b = await startTestBroker({ kafkaVersion: '4.0' });
    try {
      const raw = await RawClient.connect(b.port);
      const res = await raw.request(18, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
      expect(res.apiKeys.find((k: any) => k.apiKey === 11)).toMatchObject({ minVersion: 2, maxVersion: 9 });
      expect(res.apiKeys.find((k: any) => k.apiKey === 8)).toMatchObject({ minVersion: 2 });
      await expect(
        raw.request(11, 1, { groupId: 'g', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols: [] }),
      ).rejects.toThrow('connection closed');
    } finally {
      await b.close();
    }
  });

  it('an unknown version does not start', async () => {
    await expect(startTestBroker({ kafkaVersion: '9.9' })).rejects.toThrow("unknown Kafka version '9.9'");
  });
});
