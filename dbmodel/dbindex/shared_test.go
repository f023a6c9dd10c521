package dbindex

import (
	"sync"
	"sync/atomic"
	"testing"
)

type keyA struct{}
type keyB struct{}

func TestSharedBuildsOncePerKey(t *testing.T) {
	t.Parallel()
	x := &Index{}
	var builds atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := x.Shared(keyA{}, func() any { builds.Add(1); return "a" })
			if v != "a" {
				t.Errorf("Shared = %v, want a", v)
			}
		}()
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Fatalf("built %d times, want once", n)
	}
	// Another key builds its own value, even from inside a build.
	got := x.Shared(keyB{}, func() any { return x.Shared(keyA{}, nil).(string) + "b" })
	if got != "ab" {
		t.Fatalf("Shared(keyB) = %v, want ab", got)
	}
}
