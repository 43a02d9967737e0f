// kafka-go-client drives github.com/segmentio/kafka-go (Debian's 0.2.1) against a broker for
// test/compat/kafka-go.test.ts: one command per run, flags for the rest, one JSON document
// on stdout. Errors go to stderr and exit 1; kafka-go's own log goes to stderr with -debug.
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
	"net"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	kafka "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/gzip"
	"github.com/segmentio/kafka-go/lz4"
	"github.com/segmentio/kafka-go/snappy"
)

var (
	broker      = flag.String("broker", "", "bootstrap address")
	topic       = flag.String("topic", "", "topic")
	partitions  = flag.Int("partitions", 1, "partitions (create-topic, consume)")
	count       = flag.Int("count", 0, "messages to wait for")
	compression = flag.String("compression", "none", "none, gzip, snappy, lz4 (produce)")
	balancer    = flag.String("balancer", "hash", "hash (FNV-1a of the key, as sarama) or roundrobin (produce)")
	group       = flag.String("group", "", "consumer group id")
	members     = flag.Int("members", 1, "group readers in this process")
	clientID    = flag.String("client-id", "kafka-go-compat", "client id")
	timeout     = flag.Duration("timeout", 20*time.Second, "give up after this long")
	debug       = flag.Bool("debug", false, "kafka-go's loggers to stderr")
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: kafka-go-client <create-topic|delete-topic|produce|consume|group> [flags]")
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
	go func() {
		time.Sleep(*timeout)
		fmt.Fprintf(os.Stderr, "kafka-go-client %s: timed out after %s\n", cmd, *timeout)
		os.Exit(3)
	}()
	var out interface{}
	var err error
	switch cmd {
	case "create-topic":
		out, err = runCreateTopic()
	case "delete-topic":
		out, err = runDeleteTopic()
	case "produce":
		out, err = runProduce()
	case "consume":
		out, err = runConsume()
	case "group":
		out, err = runGroup()
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kafka-go-client %s: %v\n", cmd, err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func logger(name string) *log.Logger {
	if !*debug {
		return nil
	}
	return log.New(os.Stderr, "["+name+"] ", log.Lmicroseconds)
}

func dialer() *kafka.Dialer {
	return &kafka.Dialer{ClientID: *clientID, Timeout: 5 * time.Second}
}

func errString(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

type partitionOut struct {
	ID       int    `json:"id"`
	Leader   int    `json:"leader"`
	Addr     string `json:"addr"`
	Replicas []int  `json:"replicas"`
	Isr      []int  `json:"isr"`
}

func readPartitions(conn *kafka.Conn) ([]partitionOut, error) {
	ps, err := conn.ReadPartitions(*topic)
	if err != nil {
		return nil, err
	}
	out := []partitionOut{}
	for _, p := range ps {
		ids := func(bs []kafka.Broker) []int {
			r := []int{}
			for _, b := range bs {
				r = append(r, b.ID)
			}
			return r
		}
		out = append(out, partitionOut{p.ID, p.Leader.ID, net.JoinHostPort(p.Leader.Host, strconv.Itoa(p.Leader.Port)), ids(p.Replicas), ids(p.Isr)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// runCreateTopic: Conn.CreateTopics (v0), again (kafka-go hides TOPIC_ALREADY_EXISTS), ReadPartitions.
func runCreateTopic() (interface{}, error) {
	conn, err := dialer().Dial("tcp", *broker)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	cfg := kafka.TopicConfig{Topic: *topic, NumPartitions: *partitions, ReplicationFactor: 1,
		ConfigEntries: []kafka.ConfigEntry{{ConfigName: "retention.ms", ConfigValue: "3600000"}}}
	res := map[string]interface{}{}
	res["create"] = errString(conn.CreateTopics(cfg))
	res["createAgain"] = errString(conn.CreateTopics(cfg))
	ps, err := readPartitions(conn)
	if err != nil {
		return nil, fmt.Errorf("ReadPartitions: %v", err)
	}
	res["partitions"] = ps
	return res, nil
}

// runDeleteTopic: Conn.DeleteTopics (v1) twice.
func runDeleteTopic() (interface{}, error) {
	conn, err := dialer().Dial("tcp", *broker)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return map[string]interface{}{"delete": errString(conn.DeleteTopics(*topic)), "deleteAgain": errString(conn.DeleteTopics(*topic))}, nil
}

type inMessage struct {
	Key       *string `json:"key"`
	Value     *string `json:"value"`
	Timestamp int64   `json:"timestamp"`
}

// runProduce: a Writer sends the messages on stdin in one WriteMessages call (so they are
// batched per partition), with the -balancer and -compression given.
func runProduce() (interface{}, error) {
	data, err := ioutil.ReadAll(os.Stdin)
	if err != nil {
		return nil, err
	}
	var in []inMessage
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("messages on stdin: %v", err)
	}
	cfg := kafka.WriterConfig{
		Brokers:      []string{*broker},
		Topic:        *topic,
		Dialer:       dialer(),
		BatchSize:    len(in),
		BatchTimeout: 50 * time.Millisecond,
		RequiredAcks: -1,
		MaxAttempts:  3,
		Logger:       logger("writer"),
		ErrorLogger:  logger("writer error"),
	}
	switch *balancer {
	case "hash":
		cfg.Balancer = &kafka.Hash{}
	case "roundrobin":
		cfg.Balancer = &kafka.RoundRobin{}
	default:
		return nil, fmt.Errorf("unknown balancer %q", *balancer)
	}
	switch *compression {
	case "none":
	case "gzip":
		cfg.CompressionCodec = gzip.NewCompressionCodec()
	case "snappy":
		cfg.CompressionCodec = snappy.NewCompressionCodec()
	case "lz4":
		cfg.CompressionCodec = lz4.NewCompressionCodec()
	default:
		return nil, fmt.Errorf("unknown compression %q", *compression)
	}
	w := kafka.NewWriter(cfg)
	msgs := []kafka.Message{}
	for _, m := range in {
		km := kafka.Message{}
		if m.Key != nil {
			km.Key = []byte(*m.Key)
		}
		if m.Value != nil {
			km.Value = []byte(*m.Value)
		}
		if m.Timestamp != 0 {
			km.Time = time.Unix(0, m.Timestamp*int64(time.Millisecond))
		}
		msgs = append(msgs, km)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		w.Close()
		return nil, fmt.Errorf("WriteMessages: %v", err)
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return map[string]interface{}{"written": len(msgs)}, nil
}

type consumed struct {
	Partition int     `json:"partition"`
	Offset    int64   `json:"offset"`
	Key       *string `json:"key"`
	Value     *string `json:"value"`
	Timestamp int64   `json:"timestamp"`
}

func toConsumed(m kafka.Message) consumed {
	c := consumed{Partition: m.Partition, Offset: m.Offset}
	if m.Key != nil {
		s := string(m.Key)
		c.Key = &s
	}
	if m.Value != nil {
		s := string(m.Value)
		c.Value = &s
	}
	if !m.Time.IsZero() {
		c.Timestamp = m.Time.UnixNano() / int64(time.Millisecond)
	}
	return c
}

func sortConsumed(ms []consumed) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Partition != ms[j].Partition {
			return ms[i].Partition < ms[j].Partition
		}
		return ms[i].Offset < ms[j].Offset
	})
}

// runConsume: per partition, Conn.ReadOffsets (ListOffsets) and a Reader (no group) from the
// first offset until the partition's last offset; -count messages in all.
func runConsume() (interface{}, error) {
	out := []consumed{}
	offsets := []map[string]int64{}
	for p := 0; p < *partitions; p++ {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		conn, err := dialer().DialLeader(ctx, "tcp", *broker, *topic, p)
		cancel()
		if err != nil {
			return nil, err
		}
		first, last, err := conn.ReadOffsets()
		conn.Close()
		if err != nil {
			return nil, fmt.Errorf("ReadOffsets(%d): %v", p, err)
		}
		offsets = append(offsets, map[string]int64{"partition": int64(p), "first": first, "last": last})
		if last == first {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{*broker}, Topic: *topic, Partition: p, Dialer: dialer(), MinBytes: 1, MaxBytes: 1 << 20,
			MaxWait: 100 * time.Millisecond, Logger: logger("reader"), ErrorLogger: logger("reader error")})
		if err := r.SetOffset(kafka.FirstOffset); err != nil {
			return nil, err
		}
		for {
			ctx, cancel := context.WithTimeout(context.Background(), *timeout)
			m, err := r.ReadMessage(ctx)
			cancel()
			if err != nil {
				r.Close()
				return nil, fmt.Errorf("ReadMessage(partition %d): %v", p, err)
			}
			out = append(out, toConsumed(m))
			if m.Offset >= last-1 {
				break
			}
		}
		r.Close()
	}
	if len(out) != *count {
		return nil, fmt.Errorf("read %d messages, expected %d: %v", len(out), *count, out)
	}
	sortConsumed(out)
	return map[string]interface{}{"offsets": offsets, "messages": out}, nil
}

// runGroup: -members Readers with GroupID (one connection set each, synchronous commits after
// every ReadMessage) read -topic until -count distinct messages were seen; closing them leaves
// the group. The broker's group.initial.rebalance.delay lets them join one generation.
func runGroup() (interface{}, error) {
	var mu sync.Mutex
	seen := map[string]bool{}
	done := make(chan struct{})
	var doneOnce sync.Once
	readers := []*kafka.Reader{}
	outs := make([][]consumed, *members)
	errs := make(chan error, *members)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := 0; i < *members; i++ {
		readers = append(readers, kafka.NewReader(kafka.ReaderConfig{
			Brokers: []string{*broker}, GroupID: *group, Topic: *topic, Dialer: dialer(), MinBytes: 1, MaxBytes: 1 << 20,
			MaxWait: 100 * time.Millisecond, HeartbeatInterval: 300 * time.Millisecond, SessionTimeout: 6 * time.Second,
			RebalanceTimeout: 2 * time.Second, Logger: logger(fmt.Sprintf("reader %d", i)), ErrorLogger: logger(fmt.Sprintf("reader %d error", i)),
		}))
	}
	var wg sync.WaitGroup
	for i, r := range readers {
		wg.Add(1)
		go func(i int, r *kafka.Reader) {
			defer wg.Done()
			for {
				m, err := r.ReadMessage(ctx)
				if err != nil {
					if ctx.Err() == nil {
						errs <- fmt.Errorf("reader %d: %v", i, err)
					}
					return
				}
				mu.Lock()
				outs[i] = append(outs[i], toConsumed(m))
				seen[fmt.Sprintf("%d/%d", m.Partition, m.Offset)] = true
				if len(seen) >= *count {
					doneOnce.Do(func() { close(done) })
				}
				mu.Unlock()
			}
		}(i, r)
	}
	select {
	case <-done:
	case err := <-errs:
		return nil, err
	}
	cancel()
	wg.Wait()
	for i, r := range readers {
		if err := r.Close(); err != nil {
			return nil, fmt.Errorf("reader %d: Close: %v", i, err)
		}
	}
	for i := range outs {
		if outs[i] == nil {
			outs[i] = []consumed{}
		}
		sortConsumed(outs[i])
	}
	return outs, nil
}
