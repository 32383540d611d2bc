package benchmark

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// ProfileKinds are the profiles tfb benchmark can capture from an entry,
// by their names in net/http/pprof.
var ProfileKinds = []string{"cpu", "heap", "allocs", "mutex", "block"}

// ProfileSpec asks the runner for profiles of every entry and test type.
type ProfileSpec struct {
	// Kinds are the profiles to capture, of ProfileKinds; none for none.
	Kinds []string
	// AllLevels keeps every level's profiles; otherwise only the best
	// level's are kept (as results.Profile's Best says).
	AllLevels bool
}

// ParseProfileKinds checks kinds against ProfileKinds and returns them
// without duplicates, in the order given.
func ParseProfileKinds(kinds []string) ([]string, error) {
	var out []string
	for _, k := range kinds {
		if !slices.Contains(ProfileKinds, k) {
			return nil, fmt.Errorf("unknown profile %q (kinds: %s)", k, strings.Join(ProfileKinds, ", "))
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// NeedsContention reports whether a kind needs the entry to sample
// contention (mutex or block).
func (p ProfileSpec) NeedsContention() bool {
	return slices.Contains(p.Kinds, "mutex") || slices.Contains(p.Kinds, "block")
}

// Captured is one profile taken during a level.
type Captured struct {
	Kind    string
	Seconds int // the window (0 for heap, a snapshot at its end)
	Data    []byte
}

// profileWindow is when, inside a level of length d, the profiles are
// taken: after lead, for seconds whole seconds, so that they lie inside
// wrk's load with a margin at both ends.
func profileWindow(d time.Duration) (lead time.Duration, seconds int) {
	lead = min(time.Second, d/4)
	return lead, max(1, int((d - 2*lead).Seconds()))
}

// profilePath is the net/http/pprof path of kind over seconds.
func profilePath(kind string, seconds int) string {
	switch kind {
	case "cpu":
		return fmt.Sprintf("profile?seconds=%d", seconds)
	case "heap":
		return "heap"
	}
	return fmt.Sprintf("%s?seconds=%d", kind, seconds) // allocs, mutex, block: the delta over the window
}

// capture takes the spec's profiles of live while a level of length d
// runs, starting now; wait returns what was taken. A profile the entry
// does not answer is left out with a warning.
func (p ProfileSpec) capture(ctx context.Context, live liveEntry, d time.Duration) (wait func() []Captured) {
	lead, seconds := profileWindow(d)
	var mu sync.Mutex
	var got []Captured
	var wg sync.WaitGroup
	for _, kind := range p.Kinds {
		wg.Go(func() {
			delay, window := lead, seconds
			if kind == "heap" {
				delay, window = lead+time.Duration(seconds)*time.Second, 0
			}
			if err := sleep(ctx, delay); err != nil {
				return
			}
			data, err := live.server.Profile(ctx, profilePath(kind, seconds))
			if err != nil {
				if ctx.Err() == nil {
					slog.Warn("profile left out", "entry", live.test.Name, "kind", kind, "err", err)
				}
				return
			}
			mu.Lock()
			got = append(got, Captured{Kind: kind, Seconds: window, Data: data})
			mu.Unlock()
		})
	}
	return func() []Captured {
		wg.Wait()
		slices.SortFunc(got, func(a, b Captured) int {
			return slices.Index(ProfileKinds, a.Kind) - slices.Index(ProfileKinds, b.Kind)
		})
		return got
	}
}
