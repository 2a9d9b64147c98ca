// Package config reads procmon's JSON policy files. Nothing here reaches the kernel.
package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Config is one policy file.
type Config struct {
	Interval time.Duration     `json:"interval"`
	Rate     uint32            `json:"rate"`
	Burst    uint32            `json:"burst"`
	Targets  []Target          `json:"targets"`
	Peers    []Peer            `json:"peers"`
	Labels   map[string]string `json:"labels,omitempty"`
	Extra    any               `json:"extra,omitempty"`
}

// Target names a process to watch.
type Target struct {
	Pid   uint32 `json:"pid"`
	Flags int    `json:"flags"`
	Name  string `json:"name"`
}

// Peer is an allowed remote endpoint.
type Peer struct {
	Addr string `json:"addr"`
	Port uint16 `json:"port"`
}

// LoadDir reads every *.json file of dir, in name order.
func LoadDir(dir string) ([]Config, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	out := make([]Config, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var cfg Config
		if err := json.Unmarshal(data, &cfg); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, cfg)
	}
	return out, nil
}
