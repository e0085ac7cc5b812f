package web

import (
	"context"
	"sync"
	"time"
)

// refTTL is how long reference data read on the submit path is reused. It
// matches the tenant resolver's: tenants and services change rarely, and a
// few seconds keep several instances in step without a shared cache.
const refTTL = 5 * time.Second

// refCache keeps reference data that every submission reads (its tenant's
// names, its service's processing time) for refTTL, so that a busy hour
// of applications does not read the same rows thousands of times. Only
// what loaded without error is kept. The zero value is ready to use.
type refCache[V any] struct {
	mu    sync.Mutex
	items map[string]refItem[V]
}

type refItem[V any] struct {
	v  V
	at time.Time
}

// get returns the value for key, loading it when it is missing or old.
func (c *refCache[V]) get(ctx context.Context, key string, load func(context.Context, string) (V, error)) (V, error) {
	c.mu.Lock()
	it, ok := c.items[key]
	c.mu.Unlock()
	if ok && time.Since(it.at) < refTTL {
		return it.v, nil
	}
	v, err := load(ctx, key)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.items == nil {
		c.items = map[string]refItem[V]{}
	}
	c.items[key] = refItem[V]{v: v, at: time.Now()}
	c.mu.Unlock()
	return v, nil
}
