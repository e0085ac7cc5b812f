package web

import (
	"context"
	"errors"
	"testing"
)

// TestRefCacheKeepsOnlyWhatLoaded: a value is loaded once and then reused;
// a failed load is not kept, so the next call tries again.
func TestRefCacheKeepsOnlyWhatLoaded(t *testing.T) {
	t.Parallel()
	var c refCache[string]
	loads := 0
	fail := true
	load := func(_ context.Context, key string) (string, error) {
		loads++
		if fail {
			return "", errors.New("nicht erreichbar")
		}
		return "Stadt " + key, nil
	}
	ctx := context.Background()
	if _, err := c.get(ctx, "dorsten", load); err == nil {
		t.Fatal("the failed load gave no error")
	}
	fail = false
	for range 3 {
		v, err := c.get(ctx, "dorsten", load)
		if err != nil || v != "Stadt dorsten" {
			t.Fatalf("get = %q, %v", v, err)
		}
	}
	if loads != 2 {
		t.Fatalf("%d loads, want 2 (the failed one and one more)", loads)
	}
}
