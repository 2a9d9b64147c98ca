package main

import (
	"fmt"
	"path/filepath"
	"unsafe"

	"github.com/cilium/ebpf"
)

const pinDir = "/sys/fs/bpf/counter"

// ifaceKey is a hand-written key for the pinned iface_counts map: Go pads it to 8 bytes like C does, but
// encoding/binary packs it to 5, so every key read from the map is decoded from the wrong bytes.
type ifaceKey struct { // expect: go-implicit-padding warning
	Ifindex uint32
	Dir     uint8
}

// dumpPinned prints the counters another process left pinned, without loading any program.
func dumpPinned() error {
	m, err := ebpf.LoadPinnedMap(filepath.Join(pinDir, "iface_counts"), nil)
	if err != nil {
		return fmt.Errorf("opening pinned map: %w", err)
	}
	defer m.Close()

	var (
		k ifaceKey
		n uint64
	)
	it := m.Iterate()
	for it.Next(&k, &n) { // expect: go-reflect-decode info
		fmt.Printf("ifindex %d dir %d: %d\n", k.Ifindex, k.Dir, n)
	}
	return it.Err()
}

// rawStats is read through unsafe.Pointer: cilium/ebpf copies the map's bytes into Go's memory as they are, and
// Go pads it exactly as C does (16 bytes, 4 after Count); encoding/binary is not involved.
type rawStats struct {
	Count uint32
	Bytes uint64
}

func readRaw(m *ebpf.Map, key uint32) (rawStats, error) {
	var v rawStats
	err := m.Lookup(unsafe.Pointer(&key), unsafe.Pointer(&v))
	return v, err
}
