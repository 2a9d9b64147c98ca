// Command procmon prints process executions traced by bpf/procmon.bpf.c.
package main

//go:generate go run github.com/cilium/ebpf/cmd/bpf2go -type event -type event_kind bpf bpf/procmon.bpf.c -- -I./bpf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/acme/nettypes"
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"

	"example.com/procmon/pkg/config"
	"example.com/procmon/pkg/process"
)

// limitValue is only ever written to the kernel (Put): encoding/binary encodes the unexported field fine.
type limitValue struct {
	Rate  uint32
	burst uint32
}

// Window is the value of the limits map written with its own MarshalBinary: cilium/ebpf calls it instead of
// encoding/binary, and it writes the 8 bytes struct limit_value has.
type Window struct {
	Rate  uint16
	Burst uint32
}

func (w Window) MarshalBinary() ([]byte, error) {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint32(b[0:4], uint32(w.Rate))
	binary.LittleEndian.PutUint32(b[4:8], w.Burst)
	return b, nil
}

// TargetOpts is the value of the targets map (struct target_config in bpf/procmon.h).
type TargetOpts struct {
	Pid   uint32
	Flags int // expect: go-not-fixed-size warning
}

// RateLimit mirrors struct rate_limit: time.Duration is an int64, 8 bytes like __s64.
type RateLimit struct {
	Window time.Duration
	Burst  uint32
	Tokens uint32
}

// PeerValue is the value of the peers map; nettypes is another module, not on this machine.
type PeerValue struct { // expect: layout-unknown info
	Addr nettypes.IPv6
	Port uint16
	_    [2]byte
}

// exitEvent is struct exit_event as the exits ring buffer delivers it; code is decoded but unexported.
type exitEvent struct {
	Pid        uint32
	code       uint32 // expect: go-unexported-field warning
	DurationNs uint64
}

// Event is what procmon hands to its consumers: the kernel's record and when it arrived. It never goes back.
type Event struct {
	bpfEvent
	Received time.Time
}

func publish(e Event) {
	log.Printf("%s pid %d (%s)", e.Received.Format(time.RFC3339), e.Pid, commString(e.Comm))
}

func main() {
	configDir := flag.String("config", "/etc/procmon", "directory of *.json policy files")
	flag.Parse()

	cfgs, err := config.LoadDir(*configDir)
	if err != nil {
		log.Fatalf("loading configuration: %v", err)
	}

	if err := rlimit.RemoveMemlock(); err != nil {
		log.Fatal(err)
	}

	objs := bpfObjects{}
	if err := loadBpfObjects(&objs, nil); err != nil {
		log.Fatalf("loading objects: %v", err)
	}
	defer objs.Close()

	if err := objs.TargetPid.Set(uint32(os.Getpid())); err != nil {
		log.Fatalf("setting target_pid: %v", err)
	}

	if err := applyConfig(&objs, cfgs); err != nil {
		log.Fatal(err)
	}

	tracker := process.NewTracker(objs.Stats, objs.Procs, objs.Policies, objs.CpuStats)
	go reportLoop(tracker, time.Minute)
	go readExits(objs.Exits)

	rd, err := ringbuf.NewReader(objs.Events)
	if err != nil {
		log.Fatalf("opening ringbuf reader: %s", err)
	}
	defer rd.Close()

	stopper := make(chan os.Signal, 1)
	signal.Notify(stopper, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-stopper
		if err := rd.Close(); err != nil {
			log.Fatalf("closing ringbuf reader: %s", err)
		}
	}()

	cache := newProcCache(10 * time.Minute)
	var event bpfEvent
	for {
		record, err := rd.Read()
		if err != nil {
			if errors.Is(err, ringbuf.ErrClosed) {
				log.Println("Received signal, exiting..")
				return
			}
			log.Printf("reading from reader: %s", err)
			continue
		}

		// Parse the ringbuf event entry into a bpfEvent structure.
		if err := binary.Read(bytes.NewBuffer(record.RawSample), binary.LittleEndian, &event); err != nil { // expect: go-reflect-decode info
			log.Printf("parsing ringbuf event: %s", err)
			continue
		}
		remember(cache, event)
		publish(Event{bpfEvent: event, Received: time.Now()})
	}
}

func readExits(m *ebpf.Map) {
	rd, err := ringbuf.NewReader(m)
	if err != nil {
		log.Printf("opening exits reader: %s", err)
		return
	}
	defer rd.Close()
	for {
		record, err := rd.Read()
		if err != nil {
			return
		}
		var ev exitEvent
		if err := binary.Read(bytes.NewReader(record.RawSample), binary.LittleEndian, &ev); err != nil { // expect: go-reflect-decode info
			continue
		}
		log.Printf("pid %d exited with %d after %s", ev.Pid, ev.code, time.Duration(ev.DurationNs))
	}
}

func applyConfig(objs *bpfObjects, cfgs []config.Config) error {
	for _, cfg := range cfgs {
		for i, t := range cfg.Targets {
			opts := TargetOpts{Pid: t.Pid, Flags: t.Flags}
			if err := objs.Targets.Update(uint32(i), opts, ebpf.UpdateAny); err != nil {
				return err
			}
		}
		if err := objs.Limits.Put(uint32(0), limitValue{Rate: cfg.Rate, burst: cfg.Burst}); err != nil {
			return err
		}
		if err := objs.Limits.Put(uint32(1), Window{Rate: uint16(cfg.Rate), Burst: cfg.Burst}); err != nil {
			return err
		}
		rl := RateLimit{Window: cfg.Interval, Burst: cfg.Burst, Tokens: cfg.Burst}
		if err := objs.RateLimits.Put(uint32(0), &rl); err != nil {
			return err
		}
		for i, p := range cfg.Peers {
			if err := objs.Peers.Put(uint32(i), PeerValue{Addr: nettypes.MustParseIPv6(p.Addr), Port: p.Port}); err != nil {
				return err
			}
		}
	}
	return nil
}

// remember keeps the last executions in a Go map: its Put is not the kernel's.
func remember(cache *procCache, ev bpfEvent) {
	key := cacheKey{Comm: commString(ev.Comm), Pid: int(ev.Pid)}
	entry, ok := cache.Lookup(key)
	if !ok {
		entry = cacheEntry{First: time.Now()}
	}
	entry.Execs++
	entry.Last = time.Now()
	cache.Put(key, entry)
}

// refresh re-reads one stats value; the inner v is the cache's, the outer one the kernel's.
func refresh(objs *bpfObjects, cache *procCache, k bpfMsgExecveKey, verbose bool) (bpfExecStats, error) {
	var v bpfExecStats
	if verbose {
		v := cacheEntry{First: time.Now()}
		cache.Put(cacheKey{Pid: int(k.Pid)}, v)
	}
	err := objs.Stats.Lookup(&k, &v)
	return v, err
}

// seed fills the user-space cache; m is the cache here, not a BPF map.
func seed(m *procCache, keys []cacheKey) {
	for _, k := range keys {
		m.Put(k, cacheEntry{First: time.Now()})
	}
}

// seedTargets fills the kernel's targets map; m is a BPF map here.
func seedTargets(m *ebpf.Map, pids []uint32) error {
	for _, pid := range pids {
		v := bpfTargetConfig{Pid: pid}
		if err := m.Put(pid, &v); err != nil {
			return err
		}
	}
	return nil
}

// forEachCached runs fn on the cached entries; the closure's own variables are user-space values.
func forEachCached(c *procCache, keys []cacheKey, fn func(cacheEntry)) {
	visit := func(k cacheKey) {
		var e cacheEntry
		e, ok := c.Lookup(k)
		if ok {
			fn(e)
		}
	}
	for _, k := range keys {
		visit(k)
	}
}

func reportLoop(t *process.Tracker, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for range tick.C {
		for key, st := range t.AllStats() {
			log.Printf("pid %d (started %d): %d execs, %d bytes", key.Pid, key.Ktime, st.Count, st.Bytes)
		}
		t.Expire(time.Hour)
	}
}

func commString(comm [16]int8) string {
	b := make([]byte, 0, len(comm))
	for _, c := range comm {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	return string(b)
}
