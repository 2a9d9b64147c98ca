package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// fileHeader starts a saved trace file. The file format is encoding/binary's packed one (14 bytes): this type never
// meets the kernel, so its Go padding does not matter.
type fileHeader struct {
	Magic   uint32
	Version uint16
	Count   uint64
}

const traceMagic = 0x43545231 // "CTR1"

// replay prints the samples of a trace saved with -record.
func replay(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()

	var hdr fileHeader
	if err := binary.Read(f, binary.LittleEndian, &hdr); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if hdr.Magic != traceMagic {
		return fmt.Errorf("%s: not a counter trace", path)
	}
	for i := uint64(0); i < hdr.Count; i++ {
		var rec struct {
			Cpu   uint32
			Value uint64
		}
		if err := binary.Read(f, binary.LittleEndian, &rec); err != nil {
			if err == io.EOF {
				break
			}
			return err
		}
		fmt.Printf("cpu %d: %d\n", rec.Cpu, rec.Value)
	}
	return nil
}

// record saves samples in the trace format replay reads; encoding/binary writes the header packed, as intended.
func record(path string, samples []Sample) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr := fileHeader{Magic: traceMagic, Version: 1, Count: uint64(len(samples))}
	if err := binary.Write(f, binary.LittleEndian, &hdr); err != nil {
		return err
	}
	for _, s := range samples {
		rec := struct {
			Cpu   uint32
			Value uint64
		}{s.Cpu, s.Value}
		if err := binary.Write(f, binary.LittleEndian, rec); err != nil {
			return err
		}
	}
	return nil
}
