package process

import (
	"container/list"
	"sync"
	"time"
)

// seenCache remembers the policies recently written; a sync.Map, so Delete/Store/Load are not map syscalls.
type seenCache struct {
	m sync.Map // PolicyKey -> seenEntry
}

type seenEntry struct {
	At    time.Time
	Count int
	Note  string
}

func (c *seenCache) Put(key PolicyKey, e seenEntry) { c.m.Store(key, e) }

func (c *seenCache) Delete(key PolicyKey) { c.m.Delete(key) }

func (c *seenCache) Lookup(key PolicyKey) (seenEntry, bool) {
	v, ok := c.m.Load(key)
	if !ok {
		return seenEntry{}, false
	}
	return v.(seenEntry), true
}

// lru is a bounded Go map with its own Put, Lookup and Delete.
type lru struct {
	mu    sync.Mutex
	max   int
	order *list.List
	items map[lruKey]*list.Element
}

type lruKey struct {
	Pid  int
	Comm string
}

type lruItem struct {
	key   lruKey
	Comm  string
	Added time.Time
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), items: make(map[lruKey]*list.Element)}
}

func (l *lru) Put(key lruKey, item *lruItem) {
	l.mu.Lock()
	defer l.mu.Unlock()
	item.key = key
	if el, ok := l.items[key]; ok {
		el.Value = item
		l.order.MoveToFront(el)
		return
	}
	l.items[key] = l.order.PushFront(item)
	if l.order.Len() > l.max {
		last := l.order.Back()
		l.order.Remove(last)
		delete(l.items, last.Value.(*lruItem).key)
	}
}

func (l *lru) Lookup(key lruKey) (*lruItem, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.items[key]
	if !ok {
		return nil, false
	}
	l.order.MoveToFront(el)
	return el.Value.(*lruItem), true
}

func (l *lru) Delete(key lruKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.items[key]; ok {
		l.order.Remove(el)
		delete(l.items, key)
	}
}

func (l *lru) Older(than time.Time) []lruKey {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []lruKey
	for el := l.order.Back(); el != nil; el = el.Prev() {
		it := el.Value.(*lruItem)
		if it.Added.After(than) {
			break
		}
		out = append(out, it.key)
	}
	return out
}
