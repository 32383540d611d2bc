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
	first, err := s.stats(ctx)
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p := &containerUsage{s: s, startCPU: first.CPUStats.CPUUsage.TotalUsage, cancel: cancel, done: make(chan struct{}), peak: memoryInUse(first)}
	stream, err := s.e.cli.ContainerStats(sctx, s.id, client.ContainerStatsOptions{Stream: true})
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

// stats reads one sample of the container's stats.
func (s *serverContainer) stats(ctx context.Context) (container.StatsResponse, error) {
	var st container.StatsResponse
	res, err := s.e.cli.ContainerStats(ctx, s.id, client.ContainerStatsOptions{Stream: false})
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
	s        *serverContainer
	startCPU uint64
	cancel   context.CancelFunc
	done     chan struct{}
	mu       sync.Mutex
	peak     int64
}

// Finish implements backend.UsageProbe: the CPU time since StartUsage and
// the highest memory usage seen meanwhile.
func (p *containerUsage) Finish(ctx context.Context) (backend.Usage, error) {
	last, err := p.s.stats(ctx)
	p.cancel()
	<-p.done
	if err != nil {
		return backend.Usage{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	peak := max(p.peak, memoryInUse(last))
	return backend.Usage{CPU: time.Duration(last.CPUStats.CPUUsage.TotalUsage - p.startCPU), PeakMemory: peak}, nil
}
