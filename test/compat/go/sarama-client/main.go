// sarama-client drives github.com/Shopify/sarama (Debian's 1.22.1) against a broker for
// test/compat/sarama.test.ts: one command per run, flags for the rest, one JSON document
// on stdout. Errors go to stderr and exit 1; sarama's own log goes to stderr with -debug.
//
// Built by the test in GOPATH mode against /usr/share/gocode (no module proxy needed).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Shopify/sarama"
)

var (
	brokers     = flag.String("brokers", "", "bootstrap address(es), comma-separated")
	versionFlag = flag.String("version", "2.1.0", "sarama config.Version (e.g. 0.10.2.0, 0.11.0.0, 1.0.0, 2.1.0)")
	topic       = flag.String("topic", "", "topic")
	partitions  = flag.Int("partitions", 1, "partitions (admin create-topic, consume)")
	partition   = flag.Int("partition", 0, "partition (consume)")
	count       = flag.Int("count", 0, "messages to produce or to wait for")
	compression = flag.String("compression", "none", "none, gzip, snappy, lz4, zstd (async-produce)")
	group       = flag.String("group", "", "consumer group id")
	members     = flag.Int("members", 1, "consumer group members in this process")
	partitioner = flag.String("partitioner", "manual", "manual (message partition) or hash (sarama's FNV-1a of the key)")
	times       = flag.String("times", "", "offsets: comma-separated timestamps (ms) to look up")
	offset      = flag.Int64("offset", 0, "delete-records: delete before this offset")
	isolation   = flag.String("isolation", "uncommitted", "consume: uncommitted or committed (Consumer.IsolationLevel, 0.11+)")
	fetchSize   = flag.Int("fetch-default", 0, "consume: Consumer.Fetch.Default (bytes per partition and fetch)")
	timeout     = flag.Duration("timeout", 20*time.Second, "give up after this long")
	clientID    = flag.String("client-id", "", "client id (default sarama-compat-<version>)")
	debug       = flag.Bool("debug", false, "sarama's logger to stderr")
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: sarama-client <admin|create-topic|produce|async-produce|consume|offsets|delete-records|group|idempotent|group-admin|acls|broker-config> [flags]")
		flag.PrintDefaults()
	}
	if len(os.Args) < 2 {
		flag.Usage()
		os.Exit(2)
	}
	cmd := os.Args[1]
	if err := flag.CommandLine.Parse(os.Args[2:]); err != nil {
		os.Exit(2)
	}
	if *debug {
		sarama.Logger = log.New(os.Stderr, "[sarama] ", log.Lmicroseconds)
	}
	// A hard deadline for the whole run, whatever sarama is doing.
	go func() {
		time.Sleep(*timeout)
		fmt.Fprintf(os.Stderr, "sarama-client %s: timed out after %s\n", cmd, *timeout)
		os.Exit(3)
	}()

	var out interface{}
	var err error
	switch cmd {
	case "admin":
		out, err = runAdmin()
	case "produce":
		out, err = runProduce()
	case "async-produce":
		out, err = runAsyncProduce()
	case "consume":
		out, err = runConsume()
	case "group":
		out, err = runGroup()
	case "idempotent":
		out, err = runIdempotent()
	case "group-admin":
		out, err = runGroupAdmin()
	case "create-topic":
		out, err = runCreateTopic()
	case "offsets":
		out, err = runOffsets()
	case "delete-records":
		out, err = runDeleteRecords()
	case "acls":
		out, err = runAcls()
	case "broker-config":
		out, err = runBrokerConfig()
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "sarama-client %s: %v\n", cmd, err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func newConfig() (*sarama.Config, error) {
	v, err := sarama.ParseKafkaVersion(*versionFlag)
	if err != nil {
		return nil, err
	}
	c := sarama.NewConfig()
	c.Version = v
	c.ClientID = *clientID
	if c.ClientID == "" {
		c.ClientID = "sarama-compat-" + *versionFlag
	}
	c.Metadata.Retry.Backoff = 100 * time.Millisecond
	c.Producer.Retry.Backoff = 100 * time.Millisecond
	c.Consumer.Retry.Backoff = 100 * time.Millisecond
	c.Consumer.Return.Errors = true
	c.Admin.Timeout = 5 * time.Second
	return c, nil
}

func addrs() []string { return strings.Split(*brokers, ",") }

func errString(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

func str(s string) *string { return &s }

// ---------------------------------------------------------------- admin

type configOut struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	ReadOnly bool   `json:"readOnly"`
	Default  bool   `json:"default"`
	Source   string `json:"source"`
}

func describeConfigs(admin sarama.ClusterAdmin, t string, names []string) ([]configOut, error) {
	entries, err := admin.DescribeConfig(sarama.ConfigResource{Type: sarama.TopicResource, Name: t, ConfigNames: names})
	if err != nil {
		return nil, err
	}
	out := []configOut{}
	for _, e := range entries {
		out = append(out, configOut{e.Name, e.Value, e.ReadOnly, e.Default, e.Source.String()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func listed(admin sarama.ClusterAdmin, t string) (*sarama.TopicDetail, error) {
	topics, err := admin.ListTopics()
	if err != nil {
		return nil, err
	}
	if d, ok := topics[t]; ok {
		return &d, nil
	}
	return nil, nil
}

// runAdmin: CreateTopic (with configs), CreateTopic again, ListTopics, DescribeTopics,
// DescribeConfig, AlterConfig, CreatePartitions, DescribeCluster, DeleteTopic, ListTopics.
func runAdmin() (interface{}, error) {
	cfg, err := newConfig()
	if err != nil {
		return nil, err
	}
	admin, err := sarama.NewClusterAdmin(addrs(), cfg)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	res := map[string]interface{}{}

	detail := &sarama.TopicDetail{
		NumPartitions:     int32(*partitions),
		ReplicationFactor: 1,
		ConfigEntries:     map[string]*string{"retention.ms": str("3600000"), "cleanup.policy": str("delete")},
	}
	res["create"] = errString(admin.CreateTopic(*topic, detail, false))
	res["createAgain"] = errString(admin.CreateTopic(*topic, detail, false))
	res["createInvalid"] = errString(admin.CreateTopic(*topic+"-bad", &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1,
		ConfigEntries: map[string]*string{"no.such.config": str("1")}}, false))

	d, err := listed(admin, *topic)
	if err != nil {
		return nil, fmt.Errorf("ListTopics: %v", err)
	}
	if d != nil {
		entries := map[string]string{}
		for k, v := range d.ConfigEntries {
			if v != nil {
				entries[k] = *v
			}
		}
		res["listed"] = map[string]interface{}{"numPartitions": d.NumPartitions, "replicationFactor": d.ReplicationFactor, "configEntries": entries}
	} else {
		res["listed"] = nil
	}

	meta, err := admin.DescribeTopics([]string{*topic})
	if err != nil {
		return nil, fmt.Errorf("DescribeTopics: %v", err)
	}
	described := []map[string]interface{}{}
	for _, m := range meta {
		parts := []map[string]interface{}{}
		for _, p := range m.Partitions {
			parts = append(parts, map[string]interface{}{"id": p.ID, "leader": p.Leader, "replicas": p.Replicas, "isr": p.Isr, "err": p.Err.Error()})
		}
		sort.Slice(parts, func(i, j int) bool { return parts[i]["id"].(int32) < parts[j]["id"].(int32) })
		described = append(described, map[string]interface{}{"name": m.Name, "err": m.Err.Error(), "partitions": parts})
	}
	res["describeTopics"] = described

	cfgs, err := describeConfigs(admin, *topic, []string{"retention.ms", "cleanup.policy", "segment.bytes"})
	if err != nil {
		return nil, fmt.Errorf("DescribeConfig: %v", err)
	}
	res["configs"] = cfgs
	all, err := describeConfigs(admin, *topic, nil)
	if err != nil {
		return nil, fmt.Errorf("DescribeConfig (all): %v", err)
	}
	res["allConfigNames"] = len(all)

	// AlterConfig replaces the topic's whole set of overrides (non-incremental).
	res["alter"] = errString(admin.AlterConfig(sarama.TopicResource, *topic, map[string]*string{"retention.ms": str("7200000")}, false))
	cfgs, err = describeConfigs(admin, *topic, []string{"retention.ms", "cleanup.policy"})
	if err != nil {
		return nil, fmt.Errorf("DescribeConfig after AlterConfig: %v", err)
	}
	res["configsAfterAlter"] = cfgs

	res["createPartitions"] = errString(admin.CreatePartitions(*topic, int32(*partitions+1), nil, false))
	if d, err = listed(admin, *topic); err != nil {
		return nil, err
	}
	if d != nil {
		res["partitionsAfterCreatePartitions"] = d.NumPartitions
	}

	brokersList, controller, err := admin.DescribeCluster()
	if err != nil {
		return nil, fmt.Errorf("DescribeCluster: %v", err)
	}
	bl := []map[string]interface{}{}
	for _, b := range brokersList {
		bl = append(bl, map[string]interface{}{"id": b.ID(), "addr": b.Addr()})
	}
	res["cluster"] = map[string]interface{}{"brokers": bl, "controller": controller}

	res["delete"] = errString(admin.DeleteTopic(*topic))
	res["deleteAgain"] = errString(admin.DeleteTopic(*topic))
	// Deletion is immediate on a single broker; ListTopics must no longer name the topic.
	if d, err = listed(admin, *topic); err != nil {
		return nil, err
	}
	res["listedAfterDelete"] = d != nil
	return res, nil
}

// runCreateTopic: CreateTopic with -partitions partitions and nothing else.
func runCreateTopic() (interface{}, error) {
	cfg, err := newConfig()
	if err != nil {
		return nil, err
	}
	admin, err := sarama.NewClusterAdmin(addrs(), cfg)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if err := admin.CreateTopic(*topic, &sarama.TopicDetail{NumPartitions: int32(*partitions), ReplicationFactor: 1}, false); err != nil {
		return nil, err
	}
	return map[string]interface{}{"created": *topic}, nil
}

// ---------------------------------------------------------------- produce

type inMessage struct {
	Key       *string     `json:"key"`
	Value     *string     `json:"value"`
	Partition int32       `json:"partition"`
	Headers   [][2]string `json:"headers"`
	Timestamp int64       `json:"timestamp"`
}

type produced struct {
	Partition int32   `json:"partition"`
	Offset    int64   `json:"offset"`
	Err       *string `json:"err"`
}

func readMessages() ([]inMessage, error) {
	data, err := ioutil.ReadAll(os.Stdin)
	if err != nil {
		return nil, err
	}
	var msgs []inMessage
	if err := json.Unmarshal(data, &msgs); err != nil {
		return nil, fmt.Errorf("messages on stdin: %v", err)
	}
	return msgs, nil
}

func toProducerMessage(m inMessage) *sarama.ProducerMessage {
	pm := &sarama.ProducerMessage{Topic: *topic, Partition: m.Partition}
	if m.Key != nil {
		pm.Key = sarama.StringEncoder(*m.Key)
	}
	if m.Value != nil {
		pm.Value = sarama.StringEncoder(*m.Value)
	}
	for _, h := range m.Headers {
		pm.Headers = append(pm.Headers, sarama.RecordHeader{Key: []byte(h[0]), Value: []byte(h[1])})
	}
	if m.Timestamp != 0 {
		pm.Timestamp = time.Unix(0, m.Timestamp*int64(time.Millisecond))
	}
	return pm
}

// runProduce: a SyncProducer sends the messages on stdin one by one, in order.
func runProduce() (interface{}, error) {
	cfg, err := newConfig()
	if err != nil {
		return nil, err
	}
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	if *partitioner == "hash" {
		cfg.Producer.Partitioner = sarama.NewHashPartitioner
	} else {
		cfg.Producer.Partitioner = sarama.NewManualPartitioner
	}
	msgs, err := readMessages()
	if err != nil {
		return nil, err
	}
	p, err := sarama.NewSyncProducer(addrs(), cfg)
	if err != nil {
		return nil, err
	}
	out := []produced{}
	for _, m := range msgs {
		part, off, err := p.SendMessage(toProducerMessage(m))
		out = append(out, produced{part, off, errString(err)})
	}
	if err := p.Close(); err != nil {
		return nil, err
	}
	return out, nil
}

func codec(name string) (sarama.CompressionCodec, error) {
	switch name {
	case "none":
		return sarama.CompressionNone, nil
	case "gzip":
		return sarama.CompressionGZIP, nil
	case "snappy":
		return sarama.CompressionSnappy, nil
	case "lz4":
		return sarama.CompressionLZ4, nil
	case "zstd":
		return sarama.CompressionZSTD, nil
	}
	return 0, fmt.Errorf("unknown compression %q", name)
}

type asyncProduced struct {
	Key       string `json:"key"`
	Value     string `json:"value"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
}

// runAsyncProduce: an AsyncProducer sends -count messages round-robin over -partitions
// partitions, compressed; Flush.Messages batches them so each batch holds several.
func runAsyncProduce() (interface{}, error) {
	cfg, err := newConfig()
	if err != nil {
		return nil, err
	}
	if cfg.Producer.Compression, err = codec(*compression); err != nil {
		return nil, err
	}
	cfg.Producer.Return.Successes = true
	cfg.Producer.Return.Errors = true
	cfg.Producer.RequiredAcks = sarama.WaitForLocal
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	cfg.Producer.Flush.Messages = 10
	cfg.Producer.Flush.Frequency = 50 * time.Millisecond
	p, err := sarama.NewAsyncProducer(addrs(), cfg)
	if err != nil {
		return nil, err
	}
	// A compressible value, so every codec really shrinks the batch.
	filler := strings.Repeat(*compression+"-", 20)
	go func() {
		for i := 0; i < *count; i++ {
			p.Input() <- &sarama.ProducerMessage{
				Topic:     *topic,
				Partition: int32(i % *partitions),
				Key:       sarama.StringEncoder(fmt.Sprintf("k%d", i)),
				Value:     sarama.StringEncoder(fmt.Sprintf("v%d-%s", i, filler)),
			}
		}
	}()
	return collectAsync(p, *count, "produce")
}

// collectAsync waits for n acknowledgements from p, closes it, and returns them by
// partition and offset; the first error closes p and fails the run.
func collectAsync(p sarama.AsyncProducer, n int, what string) ([]asyncProduced, error) {
	out := []asyncProduced{}
	for len(out) < n {
		select {
		case m := <-p.Successes():
			k, _ := m.Key.Encode()
			v, _ := m.Value.Encode()
			out = append(out, asyncProduced{string(k), string(v), m.Partition, m.Offset})
		case e := <-p.Errors():
			p.AsyncClose()
			return nil, fmt.Errorf("%s error: %v", what, e.Err)
		}
	}
	if err := p.Close(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Partition != out[j].Partition {
			return out[i].Partition < out[j].Partition
		}
		return out[i].Offset < out[j].Offset
	})
	return out, nil
}

// ---------------------------------------------------------------- idempotent

// runIdempotent: an idempotent AsyncProducer (InitProducerId, sequence numbers) sends
// -count messages over -partitions partitions, then a second idempotent producer sends
// one more to partition 0 (a new producer id).
func runIdempotent() (interface{}, error) {
	send := func(n int, prefix string) ([]asyncProduced, error) {
		cfg, err := newConfig()
		if err != nil {
			return nil, err
		}
		cfg.Producer.Idempotent = true
		cfg.Net.MaxOpenRequests = 1
		cfg.Producer.RequiredAcks = sarama.WaitForAll
		cfg.Producer.Retry.Max = 3
		cfg.Producer.Return.Successes = true
		cfg.Producer.Return.Errors = true
		cfg.Producer.Partitioner = sarama.NewManualPartitioner
		cfg.Producer.Flush.Messages = 5
		cfg.Producer.Flush.Frequency = 20 * time.Millisecond
		p, err := sarama.NewAsyncProducer(addrs(), cfg)
		if err != nil {
			return nil, err
		}
		go func() {
			for i := 0; i < n; i++ {
				p.Input() <- &sarama.ProducerMessage{Topic: *topic, Partition: int32(i % *partitions),
					Key: sarama.StringEncoder(fmt.Sprintf("%s-k%d", prefix, i)), Value: sarama.StringEncoder(fmt.Sprintf("%s-v%d", prefix, i))}
			}
		}()
		return collectAsync(p, n, "idempotent produce")
	}
	first, err := send(*count, "a")
	if err != nil {
		return nil, err
	}
	second, err := send(1, "b")
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"first": first, "second": second}, nil
}

// ---------------------------------------------------------------- consume

type consumed struct {
	Partition int32       `json:"partition"`
	Offset    int64       `json:"offset"`
	Key       *string     `json:"key"`
	Value     *string     `json:"value"`
	Headers   [][2]string `json:"headers"`
	Timestamp int64       `json:"timestamp"`
}

func toConsumed(m *sarama.ConsumerMessage) consumed {
	c := consumed{Partition: m.Partition, Offset: m.Offset, Headers: [][2]string{}}
	if m.Key != nil {
		c.Key = str(string(m.Key))
	}
	if m.Value != nil {
		c.Value = str(string(m.Value))
	}
	for _, h := range m.Headers {
		c.Headers = append(c.Headers, [2]string{string(h.Key), string(h.Value)})
	}
	if !m.Timestamp.IsZero() {
		c.Timestamp = m.Timestamp.UnixNano() / int64(time.Millisecond)
	}
	return c
}

type partitionInfo struct {
	Partition     int32 `json:"partition"`
	Oldest        int64 `json:"oldest"`
	Newest        int64 `json:"newest"`
	HighWaterMark int64 `json:"highWaterMark"`
}

// runConsume: a PartitionConsumer per partition (0 … -partitions-1, or just -partition when
// -partitions is 0) from the oldest offset, until -count messages arrived in all.
func runConsume() (interface{}, error) {
	cfg, err := newConfig()
	if err != nil {
		return nil, err
	}
	cfg.Consumer.MaxWaitTime = 100 * time.Millisecond
	if *fetchSize > 0 {
		cfg.Consumer.Fetch.Default = int32(*fetchSize)
	}
	if *isolation == "committed" {
		cfg.Consumer.IsolationLevel = sarama.ReadCommitted
	}
	client, err := sarama.NewClient(addrs(), cfg)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	ps := []int32{}
	if *partitions == 0 {
		ps = append(ps, int32(*partition))
	} else {
		for p := 0; p < *partitions; p++ {
			ps = append(ps, int32(p))
		}
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return nil, err
	}
	infos := []partitionInfo{}
	pcs := []sarama.PartitionConsumer{}
	msgs := make(chan *sarama.ConsumerMessage)
	errs := make(chan *sarama.ConsumerError)
	for _, p := range ps {
		oldest, err := client.GetOffset(*topic, p, sarama.OffsetOldest)
		if err != nil {
			return nil, fmt.Errorf("GetOffset(%d, oldest): %v", p, err)
		}
		newest, err := client.GetOffset(*topic, p, sarama.OffsetNewest)
		if err != nil {
			return nil, fmt.Errorf("GetOffset(%d, newest): %v", p, err)
		}
		infos = append(infos, partitionInfo{Partition: p, Oldest: oldest, Newest: newest})
		pc, err := consumer.ConsumePartition(*topic, p, sarama.OffsetOldest)
		if err != nil {
			return nil, fmt.Errorf("ConsumePartition(%d): %v", p, err)
		}
		pcs = append(pcs, pc)
		go func(pc sarama.PartitionConsumer) {
			for m := range pc.Messages() {
				msgs <- m
			}
		}(pc)
		go func(pc sarama.PartitionConsumer) {
			for e := range pc.Errors() {
				errs <- e
			}
		}(pc)
	}
	out := []consumed{}
	for len(out) < *count {
		select {
		case m := <-msgs:
			out = append(out, toConsumed(m))
		case e := <-errs:
			return nil, fmt.Errorf("consume error: %v", e)
		}
	}
	// Nothing beyond -count may arrive: give stragglers a moment to show up.
	extra := 0
	deadline := time.After(300 * time.Millisecond)
wait:
	for {
		select {
		case <-msgs:
			extra++
		case <-deadline:
			break wait
		}
	}
	for i, pc := range pcs {
		infos[i].HighWaterMark = pc.HighWaterMarkOffset()
		pc.AsyncClose()
	}
	go func() {
		for range msgs {
		}
	}()
	if err := consumer.Close(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Partition != out[j].Partition {
			return out[i].Partition < out[j].Partition
		}
		return out[i].Offset < out[j].Offset
	})
	return map[string]interface{}{"partitions": infos, "messages": out, "extra": extra}, nil
}

// runOffsets: Client.GetOffset of partition -partition for oldest, newest and each of -times.
func runOffsets() (interface{}, error) {
	cfg, err := newConfig()
	if err != nil {
		return nil, err
	}
	client, err := sarama.NewClient(addrs(), cfg)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	get := func(t int64) (int64, error) { return client.GetOffset(*topic, int32(*partition), t) }
	oldest, err := get(sarama.OffsetOldest)
	if err != nil {
		return nil, fmt.Errorf("GetOffset(oldest): %v", err)
	}
	newest, err := get(sarama.OffsetNewest)
	if err != nil {
		return nil, fmt.Errorf("GetOffset(newest): %v", err)
	}
	byTime := []map[string]int64{}
	if *times != "" {
		for _, t := range strings.Split(*times, ",") {
			var ms int64
			if _, err := fmt.Sscan(t, &ms); err != nil {
				return nil, err
			}
			off, err := get(ms)
			if err != nil {
				return nil, fmt.Errorf("GetOffset(%d): %v", ms, err)
			}
			byTime = append(byTime, map[string]int64{"time": ms, "offset": off})
		}
	}
	return map[string]interface{}{"oldest": oldest, "newest": newest, "byTime": byTime}, nil
}

// runDeleteRecords: ClusterAdmin.DeleteRecords of partition -partition before -offset.
func runDeleteRecords() (interface{}, error) {
	cfg, err := newConfig()
	if err != nil {
		return nil, err
	}
	admin, err := sarama.NewClusterAdmin(addrs(), cfg)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	err = admin.DeleteRecords(*topic, map[int32]int64{int32(*partition): *offset})
	return map[string]interface{}{"err": errString(err)}, nil
}

// runAcls: ClusterAdmin.CreateACL (two), ListAcls, DeleteACL, ListAcls for -topic.
func runAcls() (interface{}, error) {
	cfg, err := newConfig()
	if err != nil {
		return nil, err
	}
	admin, err := sarama.NewClusterAdmin(addrs(), cfg)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	res := map[string]interface{}{}
	topicRes := sarama.Resource{ResourceType: sarama.AclResourceTopic, ResourceName: *topic, ResoucePatternType: sarama.AclPatternLiteral}
	res["createRead"] = errString(admin.CreateACL(topicRes, sarama.Acl{Principal: "User:alice", Host: "*", Operation: sarama.AclOperationRead, PermissionType: sarama.AclPermissionAllow}))
	res["createWrite"] = errString(admin.CreateACL(topicRes, sarama.Acl{Principal: "User:bob", Host: "10.0.0.1", Operation: sarama.AclOperationWrite, PermissionType: sarama.AclPermissionDeny}))
	list := func() (interface{}, error) {
		name := *topic
		acls, err := admin.ListAcls(sarama.AclFilter{ResourceType: sarama.AclResourceTopic, ResourceName: &name, ResourcePatternTypeFilter: sarama.AclPatternAny,
			Operation: sarama.AclOperationAny, PermissionType: sarama.AclPermissionAny})
		if err != nil {
			return nil, err
		}
		out := []string{}
		for _, r := range acls {
			for _, a := range r.Acls {
				out = append(out, fmt.Sprintf("%d:%s %s@%s op=%d perm=%d", r.ResourceType, r.ResourceName, a.Principal, a.Host, a.Operation, a.PermissionType))
			}
		}
		sort.Strings(out)
		return out, nil
	}
	if res["listed"], err = list(); err != nil {
		return nil, fmt.Errorf("ListAcls: %v", err)
	}
	principal := "User:alice"
	deleted, err := admin.DeleteACL(sarama.AclFilter{ResourceType: sarama.AclResourceTopic, ResourcePatternTypeFilter: sarama.AclPatternAny, Principal: &principal,
		Operation: sarama.AclOperationAny, PermissionType: sarama.AclPermissionAny}, false)
	if err != nil {
		return nil, fmt.Errorf("DeleteACL: %v", err)
	}
	dl := []string{}
	for _, m := range deleted {
		dl = append(dl, fmt.Sprintf("%d:%s %s@%s op=%d perm=%d err=%v", m.ResourceType, m.ResourceName, m.Principal, m.Host, m.Operation, m.PermissionType, m.Err))
	}
	res["deleted"] = dl
	if res["listedAfterDelete"], err = list(); err != nil {
		return nil, fmt.Errorf("ListAcls: %v", err)
	}
	return res, nil
}

// runBrokerConfig: DescribeConfig and AlterConfig of the broker whose id is -topic.
// sarama 1.22's BrokerResource is 5, which Kafka does not know (its BROKER is 4, fixed in
// later sarama): that attempt is reported as brokerResourceErr, and the rest uses
// ClusterResource, which is 4.
func runBrokerConfig() (interface{}, error) {
	cfg, err := newConfig()
	if err != nil {
		return nil, err
	}
	admin, err := sarama.NewClusterAdmin(addrs(), cfg)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	const kafkaBroker = sarama.ClusterResource
	describe := func(t sarama.ConfigResourceType) ([]configOut, error) {
		entries, err := admin.DescribeConfig(sarama.ConfigResource{Type: t, Name: *topic, ConfigNames: []string{"log.retention.ms", "num.partitions", "message.max.bytes"}})
		if err != nil {
			return nil, err
		}
		out := []configOut{}
		for _, e := range entries {
			out = append(out, configOut{e.Name, e.Value, e.ReadOnly, e.Default, e.Source.String()})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out, nil
	}
	res := map[string]interface{}{}
	_, err = describe(sarama.BrokerResource)
	res["brokerResourceErr"] = errString(err)
	if res["before"], err = describe(kafkaBroker); err != nil {
		return nil, fmt.Errorf("DescribeConfig: %v", err)
	}
	res["alter"] = errString(admin.AlterConfig(kafkaBroker, *topic, map[string]*string{"log.retention.ms": str("86400000")}, false))
	res["alterReadOnly"] = errString(admin.AlterConfig(kafkaBroker, *topic, map[string]*string{"num.partitions": str("3")}, false))
	if res["after"], err = describe(kafkaBroker); err != nil {
		return nil, fmt.Errorf("DescribeConfig: %v", err)
	}
	return res, nil
}

// ---------------------------------------------------------------- consumer group

type session struct {
	Generation int32   `json:"generation"`
	Claims     []int32 `json:"claims"`
}

type memberOut struct {
	MemberID  string                 `json:"memberId"`
	Sessions  []session              `json:"sessions"`
	Messages  []consumed             `json:"messages"`
	Described map[string]interface{} `json:"described"`
}

// describeGroup: the group as DescribeConsumerGroups shows it, by member id.
func describeGroup() (map[string]map[string]interface{}, error) {
	cfg, err := newConfig()
	if err != nil {
		return nil, err
	}
	if !cfg.Version.IsAtLeast(sarama.V0_11_0_0) {
		return map[string]map[string]interface{}{}, nil // sarama's ClusterAdmin needs 0.11
	}
	admin, err := sarama.NewClusterAdmin(addrs(), cfg)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	descs, err := admin.DescribeConsumerGroups([]string{*group})
	if err != nil {
		return nil, fmt.Errorf("DescribeConsumerGroups: %v", err)
	}
	out := map[string]map[string]interface{}{}
	for _, d := range descs {
		for id, m := range d.Members {
			meta, err := m.GetMemberMetadata()
			if err != nil {
				return nil, fmt.Errorf("member metadata: %v", err)
			}
			assignment, err := m.GetMemberAssignment()
			if err != nil {
				return nil, fmt.Errorf("member assignment: %v", err)
			}
			out[id] = map[string]interface{}{"state": d.State, "protocolType": d.ProtocolType, "protocol": d.Protocol, "members": len(d.Members),
				"clientId": m.ClientId, "clientHost": m.ClientHost, "topics": meta.Topics, "assignment": assignment.Topics}
		}
	}
	return out, nil
}

// groupState is shared by the members of this process: ConsumeClaim holds back until every
// member runs a session of the same generation, so the messages are split between all of
// them rather than taken by whichever joined first.
type groupState struct {
	mu       sync.Mutex
	cond     *sync.Cond
	gens     map[int]int32 // member index -> generation of its current session
	total    int
	seen     map[string]bool
	done     chan struct{}
	doneOnce sync.Once
	out      []*memberOut
}

func (g *groupState) allInGeneration(gen int32) bool {
	if len(g.gens) < *members {
		return false
	}
	for _, x := range g.gens {
		if x != gen {
			return false
		}
	}
	return true
}

type handler struct {
	idx int
	g   *groupState
}

func (h *handler) Setup(s sarama.ConsumerGroupSession) error {
	h.g.mu.Lock()
	defer h.g.mu.Unlock()
	claims := append([]int32{}, s.Claims()[*topic]...)
	sort.Slice(claims, func(i, j int) bool { return claims[i] < claims[j] })
	m := h.g.out[h.idx]
	m.MemberID = s.MemberID()
	m.Sessions = append(m.Sessions, session{s.GenerationID(), claims})
	h.g.gens[h.idx] = s.GenerationID()
	h.g.cond.Broadcast()
	return nil
}

func (h *handler) Cleanup(s sarama.ConsumerGroupSession) error {
	h.g.mu.Lock()
	defer h.g.mu.Unlock()
	delete(h.g.gens, h.idx)
	return nil
}

func (h *handler) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	// Wait (without consuming) until all members are in this generation or the session ends.
	ready := make(chan struct{})
	go func() {
		h.g.mu.Lock()
		for !h.g.allInGeneration(s.GenerationID()) && s.Context().Err() == nil {
			h.g.cond.Wait()
		}
		h.g.mu.Unlock()
		close(ready)
	}()
	go func() { // wake the waiter when the session ends
		<-s.Context().Done()
		h.g.mu.Lock()
		h.g.cond.Broadcast()
		h.g.mu.Unlock()
	}()
	select {
	case <-ready:
	case <-s.Context().Done():
		return nil
	}
	if s.Context().Err() != nil {
		return nil
	}
	for m := range c.Messages() {
		h.g.mu.Lock()
		key := fmt.Sprintf("%d/%d", m.Partition, m.Offset)
		h.g.out[h.idx].Messages = append(h.g.out[h.idx].Messages, toConsumed(m))
		if !h.g.seen[key] {
			h.g.seen[key] = true
		}
		if len(h.g.seen) >= h.g.total {
			h.g.doneOnce.Do(func() { close(h.g.done) })
		}
		h.g.mu.Unlock()
		s.MarkMessage(m, "sarama-compat")
	}
	return nil
}

// runGroup: -members ConsumerGroup members (one client each) consume -topic until -count
// distinct messages were seen, marking each; closing the groups commits the marks.
func runGroup() (interface{}, error) {
	g := &groupState{gens: map[int]int32{}, total: *count, seen: map[string]bool{}, done: make(chan struct{})}
	g.cond = sync.NewCond(&g.mu)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	groups := []sarama.ConsumerGroup{}
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	for i := 0; i < *members; i++ {
		g.out = append(g.out, &memberOut{Sessions: []session{}, Messages: []consumed{}})
		cfg, err := newConfig()
		if err != nil {
			return nil, err
		}
		cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
		cfg.Consumer.Offsets.CommitInterval = 200 * time.Millisecond
		cfg.Consumer.MaxWaitTime = 100 * time.Millisecond
		cfg.Consumer.Group.Heartbeat.Interval = 300 * time.Millisecond
		cfg.Consumer.Group.Session.Timeout = 6 * time.Second
		cfg.Consumer.Group.Rebalance.Timeout = 5 * time.Second
		cfg.Consumer.Group.Rebalance.Retry.Backoff = 100 * time.Millisecond
		cfg.Consumer.Group.Rebalance.Strategy = sarama.BalanceStrategyRange
		cg, err := sarama.NewConsumerGroup(addrs(), *group, cfg)
		if err != nil {
			return nil, err
		}
		groups = append(groups, cg)
		go func() {
			for e := range cg.Errors() {
				fmt.Fprintf(os.Stderr, "consumer group error: %v\n", e)
			}
		}()
		wg.Add(1)
		go func(i int, cg sarama.ConsumerGroup) {
			defer wg.Done()
			h := &handler{i, g}
			// sarama 1.22: Consume returns at every rebalance; the caller loops.
			for ctx.Err() == nil {
				if err := cg.Consume(ctx, []string{*topic}, h); err != nil {
					if ctx.Err() == nil {
						errs <- fmt.Errorf("member %d: Consume: %v", i, err)
					}
					return
				}
			}
		}(i, cg)
	}
	select {
	case <-g.done:
	case err := <-errs:
		return nil, err
	}
	// While every member still runs its session: DescribeConsumerGroups with the members'
	// subscriptions and assignments, decoded by sarama.
	stable, err := describeGroup()
	if err != nil {
		return nil, err
	}
	cancel()
	wg.Wait()
	for _, cg := range groups {
		if err := cg.Close(); err != nil { // leaves the group
			return nil, fmt.Errorf("Close: %v", err)
		}
	}
	for _, m := range g.out {
		m.Described = stable[m.MemberID]
		sort.Slice(m.Messages, func(i, j int) bool {
			a, b := m.Messages[i], m.Messages[j]
			if a.Partition != b.Partition {
				return a.Partition < b.Partition
			}
			return a.Offset < b.Offset
		})
	}
	return g.out, nil
}

// runGroupAdmin: ClusterAdmin's ListConsumerGroups, DescribeConsumerGroups and
// ListConsumerGroupOffsets for -group over -partitions partitions of -topic.
func runGroupAdmin() (interface{}, error) {
	cfg, err := newConfig()
	if err != nil {
		return nil, err
	}
	admin, err := sarama.NewClusterAdmin(addrs(), cfg)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	res := map[string]interface{}{}
	groups, err := admin.ListConsumerGroups()
	if err != nil {
		return nil, fmt.Errorf("ListConsumerGroups: %v", err)
	}
	res["listed"] = groups[*group]
	descs, err := admin.DescribeConsumerGroups([]string{*group})
	if err != nil {
		return nil, fmt.Errorf("DescribeConsumerGroups: %v", err)
	}
	dl := []map[string]interface{}{}
	for _, d := range descs {
		dl = append(dl, map[string]interface{}{"groupId": d.GroupId, "state": d.State, "protocolType": d.ProtocolType, "protocol": d.Protocol, "members": len(d.Members), "err": d.Err.Error()})
	}
	res["described"] = dl
	ps := []int32{}
	for p := 0; p < *partitions; p++ {
		ps = append(ps, int32(p))
	}
	offs, err := admin.ListConsumerGroupOffsets(*group, map[string][]int32{*topic: ps})
	if err != nil {
		return nil, fmt.Errorf("ListConsumerGroupOffsets: %v", err)
	}
	ol := []map[string]interface{}{}
	for _, p := range ps {
		b := offs.GetBlock(*topic, p)
		if b == nil {
			ol = append(ol, map[string]interface{}{"partition": p, "missing": true})
			continue
		}
		ol = append(ol, map[string]interface{}{"partition": p, "offset": b.Offset, "metadata": b.Metadata, "err": b.Err.Error()})
	}
	res["offsets"] = ol
	return res, nil
}
