package backend

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// StartUsage implements Server from the container's stats: CPU time from two
// one-shot samples, peak memory as the highest usage (less inactive file
// cache, as `docker stats` shows) seen in the stats stream meanwhile.
func (s *dockerServer) StartUsage(ctx context.Context) (UsageProbe, error) {
	first, err := s.stats(ctx)
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p := &dockerUsage{s: s, startCPU: first.CPUStats.CPUUsage.TotalUsage, cancel: cancel, done: make(chan struct{}), peak: memoryInUse(first)}
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

func (s *dockerServer) stats(ctx context.Context) (container.StatsResponse, error) {
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

type dockerUsage struct {
	s        *dockerServer
	startCPU uint64
	cancel   context.CancelFunc
	done     chan struct{}
	mu       sync.Mutex
	peak     int64
}

func (p *dockerUsage) Finish(ctx context.Context) (Usage, error) {
	last, err := p.s.stats(ctx)
	p.cancel()
	<-p.done
	if err != nil {
		return Usage{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	peak := max(p.peak, memoryInUse(last))
	return Usage{CPU: time.Duration(last.CPUStats.CPUUsage.TotalUsage - p.startCPU), PeakMemory: peak}, nil
}
