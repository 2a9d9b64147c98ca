package process

import (
	"net/netip"
	"time"

	"github.com/jellydator/ttlcache/v3"
)

// connKey and connInfo key a user-space TTL cache of connections; none of this reaches a BPF map.
type connKey struct {
	Saddr netip.Addr
	Daddr netip.Addr
	Sport int
	Dport int
}

type connInfo struct {
	Pid     uint32
	Comm    string
	Opened  time.Time
	Retries int
}

// Conns remembers recent connections per 4-tuple.
type Conns struct {
	c *ttlcache.Cache[connKey, connInfo]
}

func NewConns(ttl time.Duration) *Conns {
	return &Conns{c: ttlcache.New[connKey, connInfo](ttlcache.WithTTL[connKey, connInfo](ttl))}
}

func (c *Conns) Put(k connKey, v connInfo) { c.c.Set(k, v, ttlcache.DefaultTTL) }

func (c *Conns) Lookup(k connKey) (connInfo, bool) {
	item := c.c.Get(k)
	if item == nil {
		return connInfo{}, false
	}
	return item.Value(), true
}

func (c *Conns) Delete(k connKey) { c.c.Delete(k) }

// Seen records one connection and forgets the reverse direction.
func (c *Conns) Seen(saddr, daddr netip.Addr, sport, dport int, pid uint32, comm string) {
	k := connKey{Saddr: saddr, Daddr: daddr, Sport: sport, Dport: dport}
	c.Put(k, connInfo{Pid: pid, Comm: comm, Opened: time.Now()})
	c.Delete(connKey{Saddr: daddr, Daddr: saddr, Sport: dport, Dport: sport})
}
