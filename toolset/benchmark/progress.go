package benchmark

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/verify"
	"github.com/go-tfb/suite/toolset/wrk"
)

// Progress is the consumer that shows a run to a person as it goes: each
// entry and stage, the verdicts, every wrk run with the time left, and each
// level's figures. Its write errors (a closed terminal or pipe) stop the run.
type Progress struct {
	out     io.Writer
	runtime string
	left    time.Duration
	spent   map[typeInPass]time.Duration
	err     error

	// Live, set for a terminal, keeps a line updated in place while each
	// wrk run goes on: the step, the seconds left of it and the run's time
	// left. Without it each step is one plain line, for pipes and files.
	Live bool
	mu   sync.Mutex // serialises writes of Consume and the live line
	tick *liveLine  // the line being updated, nil between steps
}

// liveLine is the in-place line of one running step.
type liveLine struct {
	text      string // the step's plain line, without its newline
	started   time.Time
	length    time.Duration // the wrk run's planned duration
	runLeft   time.Duration // the run's time left when the step started
	stop      chan struct{}
	stoppedWG sync.WaitGroup
}

type typeInPass struct {
	entry string
	tt    config.TestType
	pass  int
}

// NewProgress returns a Progress writing to out; runtime names the runtime
// in the opening line.
func NewProgress(out io.Writer, runtime string) *Progress {
	return &Progress{out: out, runtime: runtime, spent: map[typeInPass]time.Duration{}}
}

// render is the live line at now: the step's line, the seconds left of it
// and the run's time left.
func (l *liveLine) render(now time.Time) string {
	spent := now.Sub(l.started)
	stepLeft := max(l.length-spent, 0)
	return fmt.Sprintf("\r\x1b[K%s: %s left of it, %s of the run", l.text, stepLeft.Round(time.Second), formatLeft(max(l.runLeft-spent, 0)))
}

// startLive opens the live line of a step and refreshes it every second.
func (p *Progress) startLive(text string, length time.Duration) {
	l := &liveLine{text: text, started: time.Now(), length: length, runLeft: p.left, stop: make(chan struct{})}
	p.tick = l
	p.printf("%s", l.render(l.started))
	l.stoppedWG.Add(1)
	go func() {
		defer l.stoppedWG.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case now := <-t.C:
				p.mu.Lock()
				p.printf("%s", l.render(now))
				p.mu.Unlock()
			}
		}
	}()
}

// endLive replaces the live line by the step's plain line. Called with
// p.mu held.
func (p *Progress) endLive() {
	l := p.tick
	if l == nil {
		return
	}
	p.tick = nil
	close(l.stop)
	p.mu.Unlock()
	l.stoppedWG.Wait()
	p.mu.Lock()
	p.printf("\r\x1b[K%s\n", l.text)
}

func (p *Progress) printf(format string, args ...any) {
	if p.err == nil {
		if _, err := fmt.Fprintf(p.out, format, args...); err != nil {
			p.err = fmt.Errorf("write progress: %w", err)
		}
	}
}

// Consume implements Consumer.
func (p *Progress) Consume(e Event) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, stepping := e.(StepStarted); !stepping {
		p.endLive()
	}
	switch e := e.(type) {
	case RunStarted:
		if e.Benchmark {
			p.left = e.Planned
			repeats := ""
			if e.Passes > 1 {
				repeats = fmt.Sprintf(", every level %d times in round-robin passes", e.Passes)
			}
			p.printf("Benchmarking %d entries on the %s runtime%s; planned load and sleeps: %s\n",
				len(e.Entries), p.runtime, repeats, e.Planned.Round(time.Second))
		}
	case EntryStarted:
		pass := ""
		if e.Passes > 1 {
			pass = fmt.Sprintf(", repeat %d/%d", e.Pass, e.Passes)
		}
		p.printf("\n== %s (%d/%d%s)\n", e.Entry, e.Index, e.Count, pass)
	case StageStarted:
		p.printf("%s %s...\n", e.Stage, e.Entry)
	case Verified:
		if p.err == nil {
			p.err = WriteVerdicts(p.out, "  ", e.Results)
		}
	case StepStarted:
		line := fmt.Sprintf("[%s left] %s %s: %s (%d/%d)", formatLeft(p.left), e.Entry, e.Type, e.Step.Label(), e.Index, e.Count)
		if p.Live {
			p.startLive(line, e.Step.Run.Duration)
		} else {
			p.printf("%s\n", line)
		}
	case StepFinished:
		d := e.Step.Run.Duration + e.Step.Sleep
		p.spent[typeInPass{e.Entry, e.Type, e.Pass}] += d
		p.left = max(p.left-d, 0)
	case LevelMeasured:
		if e.Err != nil {
			p.printf("    no wrk report: %v\n", e.Err)
			break
		}
		l := e.Result
		p.printf("    %.0f req/s, latency avg %s p99 %s, %d errors, %d non-2xx\n",
			l.RequestsPerSecond, l.LatencyAvg, l.LatencyP99, l.Connect+l.Read+l.Write+l.Timeout, l.Non2xx3xx)
	case FixedRateMeasured:
		f := e.Result
		switch {
		case e.Err != nil:
			p.printf("    fixed rate %.0f%% (%.0f req/s): no result: %v\n", 100*f.Fraction, f.RequestedRate, e.Err)
		case !f.Sustained:
			p.printf("    fixed rate %.0f%%: %.0f of %.0f req/s: the client could not keep the rate, so its latencies are not the entry's\n", 100*f.Fraction, f.AchievedRate, f.RequestedRate)
		default:
			p.printf("    fixed rate %.0f%% (%.0f req/s): latency p50 %s p99 %s p99.9 %s, %d errors\n", 100*f.Fraction, f.RequestedRate,
				wrk.SpellMicros(f.LatencyP50), wrk.SpellMicros(f.LatencyP99), wrk.SpellMicros(f.LatencyP999), f.Errors)
		}
		p.left = max(p.left-e.Planned, 0)
		p.spent[typeInPass{e.Entry, e.Type, 1}] += e.Planned
	case TypeFinished:
		// What the type planned but did not spend (skipped, failed) is no
		// longer ahead.
		p.left = max(p.left-max(e.Planned-p.spent[typeInPass{e.Entry, e.Type, e.Pass}], 0), 0)
		if e.Err != nil {
			p.printf("%s %s: %v\n", e.Entry, e.Type, e.Err)
		}
	case EntryFinished:
		if e.Err != nil {
			p.printf("%s: %v\n", e.Entry, e.Err)
		}
	}
	return p.err
}

// WriteVerdicts writes the verifier's results, each rendered by
// verify.Result's String, every line prefixed with indent.
func WriteVerdicts(w io.Writer, indent string, results []verify.Result) error {
	var b strings.Builder
	for _, r := range results {
		for line := range strings.Lines(r.String()) {
			b.WriteString(indent + line)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write verdicts: %w", err)
	}
	return nil
}

func formatLeft(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	return fmt.Sprintf("%d:%02d:%02d", h, m, s)
}
