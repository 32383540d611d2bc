package frameworks_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/procstat"
)

// TestGCBallast: an entry holds its GC ballast, so that the garbage
// collector's next goal is at least twice the default 16 MiB, and with
// TFB_GC_BALLAST_MIB=0 it holds none; either way the idle process takes
// about the same memory, since the ballast's pages are never written.
func TestGCBallast(t *testing.T) {
	cfg := loadConfig(t)
	db := fixture.ForTest(t)
	const mib = 1 << 20
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			start := func(env ...string) profiledEntry {
				addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
				return profiledEntry{runEntry(t, test, db.URL, append(env, "TFB_PPROF_ADDR="+addr)...), "http://" + addr}
			}
			with := heapState(t, start())
			without := heapState(t, start("TFB_GC_BALLAST_MIB=0"))
			if with.nextGC < 32*mib {
				t.Errorf("default ballast: next GC at %d MiB, want 32 MiB or more", with.nextGC/mib)
			}
			if without.nextGC >= 16*mib {
				t.Errorf("TFB_GC_BALLAST_MIB=0: next GC at %d MiB, want under 16 MiB", without.nextGC/mib)
			}
			if with.rss > without.rss+8*mib {
				t.Errorf("idle RSS %d MiB with the ballast, %d MiB without: its pages were written",
					with.rss/mib, without.rss/mib)
			}
		})
	}
}

// profiledEntry is an entry started with its profiles served on loopback.
type profiledEntry struct {
	*entryProcess
	pprof string // base URL of net/http/pprof
}

// heap is what heapState reads of an entry.
type heap struct {
	nextGC, rss int64 // bytes
}

// heapState forces a collection in the entry and reads its next GC goal
// (net/http/pprof's heap page, MemStats.NextGC) and its resident memory
// (/proc/PID/status VmRSS).
func heapState(t *testing.T, e profiledEntry) heap {
	t.Helper()
	status, body, err := tryGet(e.pprof+"/debug/pprof/heap?gc=1&debug=1", 10*time.Second)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET the heap profile: %d, %v", status, err)
	}
	var h heap
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, "# NextGC = "); ok {
			h.nextGC, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				t.Fatalf("NextGC line %q: %v", line, err)
			}
		}
	}
	if h.nextGC == 0 {
		t.Fatalf("no NextGC in the heap profile:\n%s", body)
	}
	mem, err := procstat.ReadMemory(e.cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	h.rss = mem.RSS
	return h
}
