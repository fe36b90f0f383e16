package sim

import "sync"

// Table stores one kind of simulated object (payments, sessions, orders…)
// by id and remembers the order they were added in, so searches and
// listings page the same way every time. It is safe for concurrent use; its
// lock guards the table itself, not the objects a caller mutates through
// the pointers it stores, which stay under the simulator's own lock.
//
// The zero value is an empty table that takes ids from its callers (Put);
// NewTable gives one that also makes them (Add).
type Table[K comparable, V any] struct {
	mu    sync.Mutex
	byID  map[K]V
	order []K
	newID func() K
}

// NewTable returns an empty table whose Add takes ids from newID.
func NewTable[K comparable, V any](newID func() K) *Table[K, V] {
	return &Table[K, V]{newID: newID}
}

// Add stores the object build makes for a fresh id and returns it; it panics
// when the table was not made by NewTable (a simulator bug, not input).
func (t *Table[K, V]) Add(build func(id K) V) V {
	if t.newID == nil {
		panic("sim: Table.Add on a table without an id generator")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	id := t.newID()
	v := build(id)
	t.put(id, v)
	return v
}

// Put stores v under id: a new id goes last in the order, a known one keeps
// its place.
func (t *Table[K, V]) Put(id K, v V) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.put(id, v)
}

func (t *Table[K, V]) put(id K, v V) {
	if t.byID == nil {
		t.byID = make(map[K]V)
	}
	if _, ok := t.byID[id]; !ok {
		t.order = append(t.order, id)
	}
	t.byID[id] = v
}

// Get returns the object stored under id.
func (t *Table[K, V]) Get(id K) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.byID[id]
	return v, ok
}

// Update replaces the object under id with what fn makes of it, under the
// table's lock; it reports whether id was there (fn is not called if not).
func (t *Table[K, V]) Update(id K, fn func(V) V) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.byID[id]
	if ok {
		t.byID[id] = fn(v)
	}
	return ok
}

// Delete removes the object under id and returns it.
func (t *Table[K, V]) Delete(id K) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.byID[id]
	if !ok {
		return v, false
	}
	delete(t.byID, id)
	for i, k := range t.order {
		if k == id {
			t.order = append(t.order[:i], t.order[i+1:]...)
			break
		}
	}
	return v, true
}

// Clear removes every object.
func (t *Table[K, V]) Clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byID, t.order = nil, nil
}

// Len is how many objects the table holds.
func (t *Table[K, V]) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.byID)
}

// Search returns the objects match accepts (all of them for a nil match),
// oldest first. match runs under the table's lock: it must not call the
// table.
func (t *Table[K, V]) Search(match func(V) bool) []V {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []V
	for _, id := range t.order {
		if v := t.byID[id]; match == nil || match(v) {
			out = append(out, v)
		}
	}
	return out
}

// Find returns the oldest object match accepts.
func (t *Table[K, V]) Find(match func(V) bool) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range t.order {
		if v := t.byID[id]; match(v) {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// Page returns the part of list a search page shows: at most limit items
// from offset on, never nil (so it encodes as [] when empty).
func Page[V any](list []V, offset, limit int) []V {
	if offset < 0 || limit <= 0 || offset >= len(list) {
		return []V{}
	}
	return list[offset:min(len(list), offset+limit)]
}
