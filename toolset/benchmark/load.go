package benchmark

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/wrk"
)

// loadType runs the primer, warmup and levels of one test type. typeErr says
// why no level was measured; err is what stops the run.
func (r *run) loadType(ctx context.Context, pass int, test config.Test, tt config.TestType, server backend.Server) (typeErr, err error) {
	steps := Plan(r.Settings, tt, server.BaseURL(), test.URL(tt), r.Runtime.ClientCores())
	measured, level := 0, 0
	var lastErr error
	for i, step := range steps {
		at := stepAt{entry: test.Name, tt: tt, pass: pass, step: step, index: i + 1, count: len(steps)}
		if step.Phase == Measure {
			m, err := r.measure(ctx, at, server, level)
			if err != nil {
				return nil, err
			}
			level++
			if m.Err == nil {
				measured++
			} else {
				lastErr = m.Err
			}
		} else {
			done, err := r.load(ctx, at)
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
	if measured == 0 && level > 0 {
		return fmt.Errorf("no level produced a wrk report: %w (see raw.txt)", lastErr), nil
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
func (r *run) load(ctx context.Context, at stepAt) (StepFinished, error) {
	if err := r.emit(StepStarted{Entry: at.entry, Type: at.tt, Pass: at.pass, Step: at.step, Index: at.index, Count: at.count}); err != nil {
		return StepFinished{}, err
	}
	done := StepFinished{Entry: at.entry, Type: at.tt, Pass: at.pass, Passes: r.passes, Step: at.step, Started: time.Now()}
	done.CommandLine, done.Output, done.Err = r.Runtime.RunLoad(ctx, at.step.Run)
	done.Ended = time.Now()
	if err := ctx.Err(); err != nil {
		return done, err
	}
	return done, r.emit(done)
}

// measure loads one level while probing the server's resource use, and
// emits LevelMeasured.
func (r *run) measure(ctx context.Context, at stepAt, server backend.Server, level int) (LevelMeasured, error) {
	probe, err := server.StartUsage(ctx)
	if err != nil {
		slog.Debug("server usage unavailable", "err", err)
		probe = nil
	}
	done, err := r.load(ctx, at)
	if err != nil {
		return LevelMeasured{}, err
	}
	m := LevelMeasured{Entry: at.entry, Type: at.tt, Pass: at.pass, Level: level, Result: results.Level{
		Connections: at.step.Connections, Queries: at.step.Queries, Pipeline: at.step.Run.Pipeline,
		StartTime: done.Started.Unix(), EndTime: done.Ended.Unix()}}
	if report, parseErr := wrk.Parse(done.Output); parseErr == nil {
		fillLevel(&m.Result, report)
	} else {
		m.Err = errors.Join(parseErr, done.Err)
	}
	if probe != nil {
		if u, err := probe.Finish(ctx); err == nil {
			cpu, mem := math.Round(u.CPU.Seconds()*1000)/1000, u.PeakMemory
			m.Result.ServerCPUSeconds, m.Result.ServerPeakMemoryBytes = &cpu, &mem
		} else {
			slog.Debug("server usage unavailable", "err", err)
		}
	}
	return m, r.emit(m)
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
