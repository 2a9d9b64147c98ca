package main

import (
	"fmt"

	"github.com/cilium/ebpf"
)

// Cred is the value of the creds map (struct cred_info), not the kernel's struct cred.
type Cred struct {
	UID  uint32
	GID  uint32
	EUID uint32
	EGID uint32
}

// TaskInfo mirrors struct task_info of bpf/tracer.bpf.c.
type TaskInfo struct {
	Pid       uint32
	Tgid      uint32
	Comm      [16]byte
	StartTime uint64
}

// tracer holds the objects of bpf/tracer.bpf.c, loaded without bpf2go.
type tracer struct {
	coll  *ebpf.Collection
	creds *ebpf.Map
	tasks *ebpf.Map
}

func loadTracer(path string) (*tracer, error) {
	coll, err := ebpf.LoadCollection(path)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", path, err)
	}
	return &tracer{coll: coll, creds: coll.Maps["creds"], tasks: coll.Maps["tasks"]}, nil
}

func (t *tracer) Close() { t.coll.Close() }

//go:generate go run github.com/cilium/ebpf/cmd/bpf2go -target amd64 tracer bpf/tracer.bpf.c -- -I./bpf

// put hides the value's type behind any: what reaches Put is whatever the caller passed.
func put(m *ebpf.Map, key, value any) error {
	return m.Put(key, value)
}

// seedCreds writes through the generated mirror, via the untyped helper.
func seedCreds(objs *tracerObjects, pid uint32) error {
	return put(objs.Creds, pid, &tracerCredInfo{Uid: 0, Gid: 0})
}

func (t *tracer) credsOf(pid uint32) (Cred, error) {
	var c Cred
	err := t.creds.Lookup(pid, &c)
	return c, err
}

func (t *tracer) tasksByPid() map[uint32]TaskInfo {
	out := make(map[uint32]TaskInfo)
	var (
		pid  uint32
		info TaskInfo
	)
	it := t.tasks.Iterate()
	for it.Next(&pid, &info) {
		out[pid] = info
	}
	return out
}
