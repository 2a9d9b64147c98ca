package process

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cilium/ebpf"
)

// Tracker reads and writes the maps bpf/procmon.bpf.c keeps per process.
type Tracker struct {
	stats    *ebpf.Map
	procs    *ebpf.Map
	policies *ebpf.Map
	cpu      *ebpf.Map
	names    *lru
	seen     *seenCache
}

// NewTracker takes the maps from the loaded objects (objs.Stats, objs.Procs, ...).
func NewTracker(stats, procs, policies, cpu *ebpf.Map) *Tracker {
	return &Tracker{stats: stats, procs: procs, policies: policies, cpu: cpu, names: newLRU(4096), seen: &seenCache{}}
}

// Stats decodes one value of the stats map; the key is only encoded.
func (t *Tracker) Stats(pid uint32, ktime uint64) (ExecStats, error) {
	key := MsgExecveKey{Pid: pid, Ktime: ktime}
	var st ExecStats
	if err := t.stats.Lookup(&key, &st); err != nil {
		return ExecStats{}, fmt.Errorf("stats of %d: %w", pid, err)
	}
	return st, nil
}

// AllStats walks the stats map; both key and value are decoded on every step.
func (t *Tracker) AllStats() map[MsgExecveKey]ExecStats {
	out := make(map[MsgExecveKey]ExecStats)
	var (
		key MsgExecveKey
		st  ExecStats
	)
	iter := t.stats.Iterate()
	for iter.Next(&key, &st) {
		out[key] = st
	}
	return out
}

// Records decodes the last exec record of each pid, in one batch.
func Records(m *ebpf.Map, pids []uint32) ([]ExecRecord, error) {
	out := make([]ExecRecord, len(pids))
	for i, pid := range pids {
		if err := m.Lookup(pid, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ExitOf decodes one exit event kept in a map by pid.
func ExitOf(m *ebpf.Map, pid uint32) (ExitRecord, error) {
	var r ExitRecord
	err := m.LookupAndDelete(pid, &r)
	return r, err
}

// Name remembers the command name of a process, in user space only.
func (t *Tracker) Name(pid uint32) (string, error) {
	key := lruKey{Pid: int(pid)}
	if item, ok := t.names.Lookup(key); ok {
		return item.Comm, nil
	}
	var info ProcInfo
	if err := t.procs.Lookup(pid, &info); err != nil {
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return "", nil
		}
		return "", err
	}
	comm := string(info.Comm[:])
	t.names.Put(key, &lruItem{Comm: comm, Added: time.Now()})
	return comm, nil
}

// Drain empties the procs map in batches.
func (t *Tracker) Drain() ([]ProcInfo, error) {
	var cursor ebpf.MapBatchCursor
	keys := make([]uint32, 256)
	vals := make([]ProcInfo, 256)
	var out []ProcInfo
	for {
		n, err := t.procs.BatchLookupAndDelete(&cursor, keys, vals, nil)
		out = append(out, vals[:n]...)
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// Allow writes a policy: key and value are encoded, never decoded.
func (t *Tracker) Allow(cgroup uint32, port uint16, proto uint8, ifindex uint32) error {
	key := PolicyKey{Cgroup: cgroup, Port: port, Proto: proto}
	if err := t.policies.Put(key, PolicyVal{Action: 1, Ifindex: ifindex}); err != nil {
		return err
	}
	t.seen.Put(key, seenEntry{At: time.Now(), Count: 1, Note: "allow"})
	return nil
}

// Revoke removes a policy from the kernel and from the cache of recently seen ones.
func (t *Tracker) Revoke(key PolicyKey) error {
	t.seen.Delete(key)
	return t.policies.Delete(key)
}

// CPUTime sums the per-CPU counters.
func (t *Tracker) CPUTime() (runs uint64, spent time.Duration, err error) {
	var perCPU []cpuStat
	if err := t.cpu.Lookup(uint32(0), &perCPU); err != nil {
		return 0, 0, err
	}
	for _, s := range perCPU {
		runs += s.Runs
		spent += time.Duration(s.nsecs)
	}
	return runs, spent, nil
}

// execKey is a key written only: Delete encodes it, and encoding/binary reads unexported fields fine.
type execKey struct {
	pid   uint32
	_     [4]byte
	ktime uint64
}

// Forget deletes one process's stats.
func (t *Tracker) Forget(pid uint32, ktime uint64) error {
	return t.stats.Delete(execKey{pid: pid, ktime: ktime})
}

// NextProcess walks the procs map one key at a time: the key given is encoded, the next one decoded.
func (t *Tracker) NextProcess(after uint32) (uint32, error) {
	var next uint32
	err := t.procs.NextKey(after, &next)
	return next, err
}

// LoadPolicies reads policies from JSON documents (a file, an API): this decoding never touches a BPF map.
func (t *Tracker) LoadPolicies(docs [][]byte) error {
	for _, doc := range docs {
		var rule struct {
			Key PolicyKey
			Val PolicyVal
		}
		if err := json.Unmarshal(doc, &rule); err != nil {
			return err
		}
		if err := t.policies.Update(rule.Key, rule.Val, ebpf.UpdateAny); err != nil {
			return err
		}
	}
	return nil
}

// Expire drops the names not used for a while; the key here is the cache's own.
func (t *Tracker) Expire(maxAge time.Duration) {
	var key lruKey
	for _, k := range t.names.Older(time.Now().Add(-maxAge)) {
		key = k
		t.names.Delete(key)
	}
}

// Key and Stats name the generated-looking shapes under this package's own names: an alias and a defined type.
type (
	Key   = MsgExecveKey
	Stats ExecStats
)

// lookupValue reads any value type from a map; V is fixed by each caller.
func lookupValue[V any](m *ebpf.Map, key any) (V, error) {
	var v V
	err := m.Lookup(key, &v)
	return v, err
}

// StatsOf reads one stats value through the generic helper.
func (t *Tracker) StatsOf(k Key) (Stats, error) {
	return lookupValue[Stats](t.stats, &k)
}

// ProcSnapshot was meant to read a proc_info in one go, but a string has no fixed size: encoding/binary refuses it.
type ProcSnapshot struct {
	Pid  uint32
	Ppid uint32
	Comm string // expect: go-not-fixed-size warning
}

// Snapshot reads one process.
func (t *Tracker) Snapshot(pid uint32) (ProcSnapshot, error) {
	var s ProcSnapshot
	err := t.procs.Lookup(pid, &s)
	return s, err
}

// StatsBytes reads raw values and decodes them by reflection, one key at a time.
func (t *Tracker) StatsBytes(keys []MsgExecveKey) ([]ExecStats, error) {
	out := make([]ExecStats, 0, len(keys))
	for i := range keys {
		raw, err := t.stats.LookupBytes(&keys[i])
		if err != nil || raw == nil {
			continue
		}
		var st ExecStats
		if err := binary.Read(bytes.NewReader(raw), binary.LittleEndian, &st); err != nil { // expect: go-reflect-decode info
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// Latency reads the exec latency histogram.
func Latency(m *ebpf.Map) (LatHist, error) {
	var h LatHist
	err := m.Lookup(uint32(0), &h)
	return h, err
}
