// Command counter counts packets per interface with XDP and prints perf samples.
package main

//go:generate go run github.com/cilium/ebpf/cmd/bpf2go -no-global-types -type datarec -type iface_key counter bpf/counter.bpf.c -- -I./bpf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"log"
	"net"
	"os"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/perf"
)

// PktHdr mirrors the packed struct pkt_hdr: encoding/binary packs it to 7 bytes, exactly the C layout.
type PktHdr struct {
	Proto uint8
	Addr  uint32
	Port  uint16
}

// PktMeta mirrors the packed struct pkt_meta, but the blank byte makes it 8 bytes where C has 7.
type PktMeta struct { // expect: go-c-mismatch error
	Proto uint8
	_     [1]byte
	Len   uint16
	Mark  uint32
}

// Sample is struct sample as the perf reader delivers it: 24 bytes, with 4 of padding after Cpu.
type Sample struct { // expect: go-implicit-padding warning
	Cpu   uint32
	Ts    uint64
	Value uint64
}

// IfaceCfg mirrors struct iface_cfg: encoding/binary writes a bool as one byte, like the __u8 fields.
type IfaceCfg struct {
	Ifindex uint32
	Enabled bool
	Promisc bool
	Mtu     uint16
}

// PortPair was written for struct port_pair, but C has dport first.
type PortPair struct { // expect: go-c-mismatch error
	Sport uint16
	Dport uint16
	Addr  uint32
}

func main() {
	if len(os.Args) < 2 {
		log.Fatalf("Please specify a network interface")
	}
	iface, err := net.InterfaceByName(os.Args[1])
	if err != nil {
		log.Fatalf("lookup network iface %q: %s", os.Args[1], err)
	}

	objs := counterObjects{}
	if err := loadCounterObjects(&objs, nil); err != nil {
		log.Fatalf("loading objects: %s", err)
	}
	defer objs.Close()

	l, err := link.AttachXDP(link.XDPOptions{Program: objs.CountPackets, Interface: iface.Index})
	if err != nil {
		log.Fatalf("could not attach XDP program: %s", err)
	}
	defer l.Close()

	cfg := IfaceCfg{Ifindex: uint32(iface.Index), Enabled: true, Mtu: uint16(iface.MTU)}
	if err := objs.IfaceCfgs.Update(uint32(0), &cfg, ebpf.UpdateAny); err != nil {
		log.Fatalf("configuring %s: %s", iface.Name, err)
	}

	go readSamples(objs.Samples)

	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for range ticker.C {
		var recs []counterDatarec
		if err := objs.PktCount.Lookup(uint32(0), &recs); err != nil {
			log.Fatalf("reading map: %v", err)
		}
		var packets uint64
		for _, r := range recs {
			packets += r.RxPackets
		}
		log.Printf("%s: %d packets", iface.Name, packets)
		printHeaders(objs.PktHdrs, objs.PktMetas)
		printInterfaces(objs.IfaceCounts)
	}
}

func readSamples(events *ebpf.Map) {
	rd, err := perf.NewReader(events, os.Getpagesize())
	if err != nil {
		log.Fatalf("creating perf event reader: %s", err)
	}
	defer rd.Close()

	var s Sample
	for {
		record, err := rd.Read()
		if err != nil {
			if errors.Is(err, perf.ErrClosed) {
				return
			}
			log.Printf("reading from perf event reader: %s", err)
			continue
		}
		if record.LostSamples != 0 {
			log.Printf("perf event ring buffer full, dropped %d samples", record.LostSamples)
			continue
		}
		if err := binary.Read(bytes.NewBuffer(record.RawSample), binary.LittleEndian, &s); err != nil { // expect: go-reflect-decode info
			log.Printf("parsing perf event: %s", err)
			continue
		}
		log.Printf("cpu %d: %d packets at %d", s.Cpu, s.Value, s.Ts)
	}
}

func printHeaders(hdrs, metas *ebpf.Map) {
	var (
		key  uint32
		hdr  PktHdr
		meta PktMeta
	)
	iter := hdrs.Iterate()
	for iter.Next(&key, &hdr) { // expect: go-reflect-decode info
		log.Printf("%d: proto %d from %d port %d", key, hdr.Proto, hdr.Addr, hdr.Port)
	}
	if err := metas.Lookup(key, &meta); err == nil {
		log.Printf("%d: len %d mark %d", key, meta.Len, meta.Mark)
	}
}

func portsOf(pairs *ebpf.Map, key uint32) (PortPair, error) {
	var pp PortPair
	err := pairs.Lookup(key, &pp)
	return pp, err
}

func printInterfaces(counts *ebpf.Map) {
	var (
		key counterIfaceKey
		n   uint64
	)
	iter := counts.Iterate()
	for iter.Next(&key, &n) {
		log.Printf("ifindex %d dir %d: %d", key.Ifindex, key.Dir, n)
	}
	if err := iter.Err(); err != nil {
		log.Printf("iterating: %v", err)
	}
}
