package benchmark

import (
	"context"
	"log/slog"
	"math"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/wrk"
)

// probes measure one level: the entry's and the database's CPU (and the
// entry's peak memory), the machine's CPU when every role runs on this
// machine, and the statements the database executed. A probe that could
// not start is nil, and its figures stay absent.
type probes struct {
	server, database backend.UsageProbe
	machine          *backend.MachineProbe
	queries          QueryCounter
	queriesBefore    int64
	started          time.Time
}

// startProbes starts every probe it can for a level of live.
func (r *run) startProbes(ctx context.Context, live liveEntry) *probes {
	p := &probes{}
	var err error
	if p.server, err = live.server.StartUsage(ctx); err != nil {
		slog.Debug("server usage unavailable", "err", err)
		p.server = nil
	}
	if p.database, err = live.db.StartUsage(ctx); err != nil {
		slog.Debug("database usage unavailable", "err", err)
		p.database = nil
	}
	if live.queries != nil {
		if p.queriesBefore, err = live.queries.Count(ctx); err != nil {
			slog.Debug("statements not counted", "err", err)
		} else {
			p.queries = live.queries
		}
	}
	if r.Runtime.Describe().OneMachine {
		if p.machine, err = backend.StartMachineUsage(); err != nil {
			slog.Debug("machine usage unavailable", "err", err)
			p.machine = nil
		}
	}
	p.started = time.Now()
	return p
}

// finish reads every probe into l: the roles' CPU and its kernel part, the other CPU of the
// machine, the statements executed, and whether wrk (threads of them, on
// load.ClientCPUs CPUs) bound the level.
func (p *probes) finish(ctx context.Context, l *results.Level, load backend.Load, report wrk.Report, threads int) {
	var server, database, client *float64
	if p.server != nil {
		if u, err := p.server.Finish(ctx); err == nil {
			server, l.ServerKernelCPUSeconds, l.ServerPeakMemoryBytes = seconds(u.CPU), seconds(u.KernelCPU), &u.PeakMemory
		} else {
			slog.Debug("server usage unavailable", "err", err)
		}
	}
	if p.database != nil {
		if u, err := p.database.Finish(ctx); err == nil {
			database, l.DatabaseKernelCPUSeconds = seconds(u.CPU), seconds(u.KernelCPU)
		} else {
			slog.Debug("database usage unavailable", "err", err)
		}
	}
	if load.ClientKernelCPU != nil {
		l.ClientKernelCPUSeconds = seconds(*load.ClientKernelCPU)
	}
	if load.ClientCPU != nil {
		client = seconds(*load.ClientCPU)
		if cpus := min(float64(threads), load.ClientCPUs); cpus > 0 && report.Elapsed > 0 {
			bound := load.ClientCPU.Seconds() >= results.ClientBoundShare*report.Elapsed.Seconds()*cpus
			l.ClientBound = &bound
		}
	}
	l.ServerCPUSeconds, l.DatabaseCPUSeconds, l.ClientCPUSeconds = server, database, client
	if p.queries != nil {
		if after, err := p.queries.Count(ctx); err == nil {
			n := after - p.queriesBefore
			l.DatabaseQueries = &n
		} else {
			slog.Debug("statements not counted", "err", err)
		}
	}
	l.MeasuredSeconds = seconds(time.Since(p.started))
	if p.machine == nil || server == nil || database == nil || client == nil {
		return // other CPU is what the machine did beyond all three roles
	}
	m, err := p.machine.Finish()
	if err != nil {
		slog.Debug("machine usage unavailable", "err", err)
		return
	}
	other := m.Busy.Seconds() - *server - *database - *client + m.Steal.Seconds()
	l.OtherCPUSeconds, l.StealCPUSeconds = seconds(time.Duration(max(other, 0)*float64(time.Second))), seconds(m.Steal)
	l.MeasuredSeconds = seconds(m.Elapsed)
}

// seconds is d in seconds, to the millisecond.
func seconds(d time.Duration) *float64 {
	v := math.Round(d.Seconds()*1000) / 1000
	return &v
}
