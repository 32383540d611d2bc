package benchmark

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/wrk"
)

// syncBuffer is a bytes.Buffer safe for the live line's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressLiveLine(t *testing.T) {
	step := Step{Phase: Measure, Connections: 16, Run: wrk.Run{Duration: 3 * time.Second}}
	events := []Event{
		RunStarted{Entries: []string{"gin"}, Benchmark: true, Passes: 1, Planned: time.Minute},
		StepStarted{Entry: "gin", Type: config.JSON, Pass: 1, Step: step, Index: 1, Count: 1},
	}
	finished := StepFinished{Entry: "gin", Type: config.JSON, Pass: 1, Passes: 1, Step: step}
	for _, live := range []bool{false, true} {
		var out syncBuffer
		p := NewProgress(&out, "local")
		p.Live = live
		for _, e := range events {
			if err := p.Consume(e); err != nil {
				t.Fatal(err)
			}
		}
		if live {
			// Wait for one refresh of the line, a second after the start.
			for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "0:00:59 of the run") && time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond)
			}
		}
		if err := p.Consume(finished); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		plain := "[0:01:00 left] gin json: Concurrency: 16 (1/1)\n"
		if !strings.HasSuffix(got, plain) {
			t.Errorf("live=%v: the step does not end as its plain line:\n%q", live, got)
		}
		inPlace := strings.Count(got, "\r\x1b[K[0:01:00 left] gin json: Concurrency: 16 (1/1): ")
		switch {
		case !live && strings.Contains(got, "\r"):
			t.Errorf("piped output rewrites lines:\n%q", got)
		case live && inPlace < 2:
			t.Errorf("the live line was drawn %d times, want at least at the start and after a second:\n%q", inPlace, got)
		case live && (!strings.Contains(got, ": 3s left of it, 0:01:00 of the run") || !strings.Contains(got, ": 2s left of it, 0:00:59 of the run")):
			t.Errorf("the live line does not count down the step and the run:\n%q", got)
		}
	}
}
