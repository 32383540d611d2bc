package benchmark

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/verify"
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

func (p *Progress) printf(format string, args ...any) {
	if p.err == nil {
		if _, err := fmt.Fprintf(p.out, format, args...); err != nil {
			p.err = fmt.Errorf("write progress: %w", err)
		}
	}
}

// Consume implements Consumer.
func (p *Progress) Consume(e Event) error {
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
		p.printf("[%s left] %s %s: %s (%d/%d)\n", formatLeft(p.left), e.Entry, e.Type, e.Step.Label(), e.Index, e.Count)
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
