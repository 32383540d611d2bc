package docker

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/toolset/backend"
)

// StartUsage implements backend.Server from the container's stats: CPU time
// from two one-shot samples, peak memory as the highest usage (less inactive
// file cache, as `docker stats` shows) seen in the stats stream meanwhile.
func (s *serverContainer) StartUsage(ctx context.Context) (backend.UsageProbe, error) {
	return startContainerUsage(ctx, s.e, s.id, true)
}

// StartUsage implements backend.Database from the container's stats: the
// CPU time of every PostgreSQL process in it, from two one-shot samples.
func (db *databaseContainer) StartUsage(ctx context.Context) (backend.UsageProbe, error) {
	return startContainerUsage(ctx, db.d.database, db.id, false)
}

// startContainerUsage begins measuring container id on engine e: its CPU
// time, and its peak memory when peak is set (from the stats stream).
func startContainerUsage(ctx context.Context, e *engine, id string, peak bool) (backend.UsageProbe, error) {
	first, err := containerStats(ctx, e, id)
	if err != nil {
		return nil, err
	}
	p := &containerUsage{e: e, id: id, startCPU: first.CPUStats.CPUUsage.TotalUsage,
		startKernel: first.CPUStats.CPUUsage.UsageInKernelmode, done: make(chan struct{}), peak: memoryInUse(first)}
	if !peak {
		p.cancel = func() {}
		close(p.done)
		return p, nil
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.cancel = cancel
	stream, err := e.cli.ContainerStats(sctx, id, client.ContainerStatsOptions{Stream: true})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("container stats: %w", err)
	}
	go func() {
		defer close(p.done)
		defer stream.Body.Close()
		dec := json.NewDecoder(bufio.NewReader(stream.Body))
		for {
			var st container.StatsResponse
			if err := dec.Decode(&st); err != nil {
				return
			}
			p.mu.Lock()
			p.peak = max(p.peak, memoryInUse(st))
			p.mu.Unlock()
		}
	}()
	return p, nil
}

// containerStats reads one sample of a container's stats.
func containerStats(ctx context.Context, e *engine, id string) (container.StatsResponse, error) {
	var st container.StatsResponse
	res, err := e.cli.ContainerStats(ctx, id, client.ContainerStatsOptions{Stream: false})
	if err != nil {
		return st, fmt.Errorf("container stats: %w", err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("decode container stats: %w", err)
	}
	return st, nil
}

// memoryInUse is what `docker stats` shows as usage: the cgroup's usage less
// inactive file pages.
func memoryInUse(st container.StatsResponse) int64 {
	m := st.MemoryStats
	inactive := m.Stats["inactive_file"]
	if v, ok := m.Stats["total_inactive_file"]; ok {
		inactive = v
	}
	if inactive > m.Usage {
		return int64(m.Usage)
	}
	return int64(m.Usage - inactive)
}

// containerUsage measures a container from its stats; it implements
// backend.UsageProbe.
type containerUsage struct {
	e        *engine
	id       string
	startCPU uint64
	// startKernel is the part of startCPU spent in the kernel.
	startKernel uint64
	cancel      context.CancelFunc
	done        chan struct{}
	mu          sync.Mutex
	peak        int64
}

// Finish implements backend.UsageProbe: the CPU time since StartUsage and
// the highest memory usage seen meanwhile.
func (p *containerUsage) Finish(ctx context.Context) (backend.Usage, error) {
	last, err := containerStats(ctx, p.e, p.id)
	p.cancel()
	<-p.done
	if err != nil {
		return backend.Usage{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	peak := max(p.peak, memoryInUse(last))
	return backend.Usage{
		CPU:        time.Duration(last.CPUStats.CPUUsage.TotalUsage - p.startCPU),
		KernelCPU:  time.Duration(last.CPUStats.CPUUsage.UsageInKernelmode - p.startKernel),
		PeakMemory: peak,
	}, nil
}
