package main

import (
	"sync"
	"time"
)

// cacheKey and cacheEntry live in user space only: strings, ints and time.Time are fine here.
type cacheKey struct {
	Comm string
	Pid  int
}

type cacheEntry struct {
	First time.Time
	Last  time.Time
	Execs int
	Args  []string
	Err   error
	Meta  any
}

// procCache is a small TTL cache over a Go map; Put, Lookup and Delete are its own methods.
type procCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[cacheKey]cacheEntry
	evicted sync.Map // cacheKey -> time.Time
}

func newProcCache(ttl time.Duration) *procCache {
	return &procCache{ttl: ttl, entries: make(map[cacheKey]cacheEntry)}
}

func (c *procCache) Lookup(key cacheKey) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if ok && time.Since(e.Last) > c.ttl {
		c.deleteLocked(key)
		return cacheEntry{}, false
	}
	return e, ok
}

func (c *procCache) Put(key cacheKey, e cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = e
	c.evicted.Delete(key)
}

func (c *procCache) Delete(key cacheKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deleteLocked(key)
}

func (c *procCache) deleteLocked(key cacheKey) {
	delete(c.entries, key)
	c.evicted.Store(key, time.Now())
}
