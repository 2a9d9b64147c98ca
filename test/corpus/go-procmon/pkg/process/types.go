// Package process mirrors the process structs of bpf/procmon.h. The mirrors are hand-written (not bpf2go output)
// and carry alignchecker tags naming the C member each field stands for.
package process

// MsgExecveKey mirrors struct msg_execve_key.
type MsgExecveKey struct {
	Pid   uint32   `align:"pid"`
	Pad   [4]uint8 `align:"pad"`
	Ktime uint64   `align:"ktime"`
}

// MsgCapabilities mirrors struct msg_capabilities.
type MsgCapabilities struct {
	Permitted   uint64 `align:"permitted"`
	Effective   uint64 `align:"effective"`
	Inheritable uint64 `align:"inheritable"`
}

// ExecStats mirrors struct exec_stats.
type ExecStats struct {
	Count   uint64 `align:"count"`
	Bytes   uint64 `align:"bytes"`
	LastUID uint32 `align:"last_uid"`
	Flags   uint32 `align:"flags"`
}

// ProcInfo mirrors struct proc_info; comm is TASK_COMM_LEN (16) bytes in C.
type ProcInfo struct { // expect: go-c-mismatch error
	Pid  uint32   `align:"pid"`
	Ppid uint32   `align:"ppid"`
	Comm [32]byte `align:"comm"`
}

// PolicyKey mirrors struct policy_key: the blank field stands for its pad byte.
type PolicyKey struct {
	Cgroup uint32
	Port   uint16
	Proto  uint8
	_      uint8
}

// PolicyVal mirrors struct policy_val: the blank array stands for reserved[3].
type PolicyVal struct {
	Action  uint8
	_       [3]byte
	Ifindex uint32
}

// cpuStat mirrors struct cpu_stat, one per CPU; nsecs is decoded by Lookup but unexported.
type cpuStat struct {
	Runs  uint64
	nsecs uint64 // expect: go-unexported-field warning
}

// ExecRecord mirrors struct exec_record: the two mirrors above, embedded and nested.
type ExecRecord struct {
	MsgExecveKey
	Stats ExecStats
}

// ExitRecord is what pkg/process hands out for struct exit_event; duration_ns is a __u64 in C.
//
//ebpf:struct exit_event
type ExitRecord struct { // expect: go-c-mismatch error
	Pid        uint32
	Code       uint32
	DurationNs uint32
}

// LatSlot and LatHist were written for struct lat_slot / lat_hist without the padding after Count: encoding/binary
// packs each slot to 12 bytes where C has 16.
type LatSlot struct {
	Count uint32
	SumNs uint64
}

type LatHist struct { // expect: go-implicit-padding warning
	Slots [4]LatSlot
}
