package benchmark

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/wrk"
)

// loadType runs the primer, warmup and levels of one test type, the
// levels already done (Runner.Done) left out. typeErr says why no level was
// measured, or wraps errExited when the entry exited during a level, or is
// a *backend.LostError when the runtime stopped answering (its other levels
// are then not loaded); err is what stops the run.
func (r *run) loadType(ctx context.Context, pass int, live liveEntry, tt config.TestType) (typeErr, err error) {
	test := live.test
	steps := Plan(r.Settings, tt, live.server.BaseURL(), test.URL(tt), r.Runtime.ClientCores())
	measured, level, skipped := 0, 0, 0
	var lastErr error
	var best *bestStep // this pass's fastest level, for the fixed-rate loads
	for i, step := range steps {
		at := stepAt{entry: test.Name, tt: tt, pass: pass, step: step, index: i + 1, count: len(steps)}
		switch {
		case step.Phase == Measure && r.Done.Has(test.Name, tt, level, pass):
			level, skipped = level+1, skipped+1
			continue
		case step.Phase == Measure:
			m, err := r.measure(ctx, at, live, level)
			if err != nil {
				return nil, err
			}
			level++
			if errors.Is(m.Err, errExited) || backend.IsLost(m.Err) {
				return m.Err, nil
			}
			if m.Err == nil {
				measured++
				if best == nil || m.Result.RequestsPerSecond > best.rps {
					best = &bestStep{step: step, rps: m.Result.RequestsPerSecond}
				}
			} else {
				lastErr = m.Err
			}
		default:
			done, _, err := r.load(ctx, at)
			if err != nil {
				return nil, err
			}
			if done.Err != nil {
				slog.Warn("wrk failed", "phase", step.Phase, "err", done.Err)
			}
		}
		if err := sleep(ctx, step.Sleep); err != nil {
			return nil, err
		}
	}
	if measured == 0 && level > skipped {
		return fmt.Errorf("no level produced a wrk report: %w (see raw.txt)", lastErr), nil
	}
	if best != nil && pass == 1 && skipped == 0 {
		return nil, r.fixedRates(ctx, test, tt, *best)
	}
	return nil, nil
}

// stepAt locates one step of a run.
type stepAt struct {
	entry        string
	tt           config.TestType
	pass         int
	step         Step
	index, count int
}

// load runs one step's wrk and emits StepStarted and StepFinished. The
// error is what stops the run; wrk's own failure is in StepFinished.Err.
func (r *run) load(ctx context.Context, at stepAt) (StepFinished, backend.Load, error) {
	if err := r.emit(StepStarted{Entry: at.entry, Type: at.tt, Pass: at.pass, Step: at.step, Index: at.index, Count: at.count}); err != nil {
		return StepFinished{}, backend.Load{}, err
	}
	done := StepFinished{Entry: at.entry, Type: at.tt, Pass: at.pass, Passes: r.passes, Step: at.step, Started: time.Now()}
	l, err := r.Runtime.RunLoad(ctx, at.step.Run)
	done.CommandLine, done.Output, done.Err = l.CommandLine, l.Output, err
	done.Ended = time.Now()
	if err := ctx.Err(); err != nil {
		return done, l, err
	}
	return done, l, r.emit(done)
}

// measure loads one level while probing what every role used, and emits
// LevelMeasured.
func (r *run) measure(ctx context.Context, at stepAt, live liveEntry, level int) (LevelMeasured, error) {
	probes := r.startProbes(ctx, live)
	var profiles func() []Captured
	if len(r.Profiles.Kinds) > 0 && at.pass == 1 {
		profiles = r.Profiles.capture(ctx, live, at.step.Run.Duration)
	}
	done, load, err := r.load(ctx, at)
	if err != nil {
		return LevelMeasured{}, err
	}
	m := LevelMeasured{Entry: at.entry, Type: at.tt, Pass: at.pass, Level: level, Result: results.Level{
		Connections: at.step.Connections, Queries: at.step.Queries, Pipeline: at.step.Run.Pipeline,
		StartTime: done.Started.Unix(), EndTime: done.Ended.Unix()}}
	report, parseErr := wrk.Parse(done.Output)
	if parseErr == nil {
		fillLevel(&m.Result, report)
	} else {
		m.Err = errors.Join(parseErr, done.Err)
		if out := strings.TrimSpace(done.Output); out != "" {
			m.Err = fmt.Errorf("%w; wrk printed: %s", m.Err, lastLines(out, 5, 500))
		}
	}
	if ex, ok := live.server.(backend.Exiter); ok {
		if exited := ex.Exited(); exited != nil {
			m.Err = fmt.Errorf("%w: %w", errExited, exited)
		}
	}
	if m.Err != nil {
		if lost := r.lost(ctx, m.Err); lost != nil {
			m.Err = lost // the runtime's failure, not the entry's
		}
		m.Result.Error = m.Err.Error()
	}
	probes.finish(ctx, &m.Result, load, report, at.step.Run.Threads)
	if profiles != nil {
		m.Profiles = profiles()
	}
	return m, r.emit(m)
}

// lastLines is the end of text: at most n lines and max bytes, the lines
// joined with " | ".
func lastLines(text string, n, max int) string {
	lines := strings.Split(text, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	s := strings.Join(lines, " | ")
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	return s
}

func fillLevel(l *results.Level, rep wrk.Report) {
	l.LatencyAvg, l.LatencyStdev, l.LatencyMax = rep.LatencyAvg, rep.LatencyStdev, rep.LatencyMax
	l.TotalRequests = rep.TotalRequests
	l.Connect, l.Read, l.Write, l.Timeout = rep.SocketErrors.Connect, rep.SocketErrors.Read, rep.SocketErrors.Write, rep.SocketErrors.Timeout
	l.Non2xx3xx = rep.Non2xx3xx
	l.RequestsPerSecond = rep.RequestsPerSecond
	l.LatencyP50, l.LatencyP75, l.LatencyP90, l.LatencyP99 = rep.Percentiles["50"], rep.Percentiles["75"], rep.Percentiles["90"], rep.Percentiles["99"]
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
