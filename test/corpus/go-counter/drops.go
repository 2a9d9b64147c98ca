package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"log"
	"os"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/perf"
)

const opDrop = 1

// MsgCommon mirrors struct msg_common, the header of every message on the drops buffer.
type MsgCommon struct {
	Op    uint8
	Flags uint8
	Pad   uint16
	Size  uint32
	Ktime uint64
}

// dropBody is what follows the header of a drop message (the rest of struct msg_drop).
type dropBody struct {
	Ifindex uint32
	Reason  uint32
}

// readDrops decodes the header, then the body, from one reader over the record's bytes.
func readDrops(m *ebpf.Map) {
	rd, err := perf.NewReader(m, os.Getpagesize())
	if err != nil {
		log.Printf("creating perf reader: %s", err)
		return
	}
	defer rd.Close()
	for {
		rec, err := rd.Read()
		if errors.Is(err, perf.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		r := bytes.NewReader(rec.RawSample)
		var hdr MsgCommon
		if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil { // expect: go-reflect-decode info
			continue
		}
		switch hdr.Op {
		case opDrop:
			var body dropBody
			if err := binary.Read(r, binary.LittleEndian, &body); err != nil { // expect: go-reflect-decode info
				continue
			}
			log.Printf("drop on ifindex %d (reason %d) at %d", body.Ifindex, body.Reason, hdr.Ktime)
		}
	}
}

// dropOf views a record's body in place, as gadgets that cast RawSample do: no decoding, no copy.
func dropOf(raw []byte) *dropBody {
	if len(raw) < 24 {
		return nil
	}
	return (*dropBody)(unsafe.Pointer(&raw[16]))
}
