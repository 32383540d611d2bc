package main

import (
	"errors"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// stdoutGuard is tfb's stdout. When the reader goes away (tfb verify | head
// -2), the first failed write calls closed, so the run stops and removes
// what it started, and later writes are dropped. Without it Go ends the
// process by SIGPIPE on that first write, leaving the run's database and
// entries behind.
type stdoutGuard struct {
	w       io.Writer
	closed  func()
	sigpipe chan os.Signal

	mu     sync.Mutex
	broken bool
}

// newStdoutGuard wraps w. Until stop, a broken pipe makes writes fail with
// EPIPE instead of killing the process.
func newStdoutGuard(w io.Writer, closed func()) *stdoutGuard {
	g := &stdoutGuard{w: w, closed: closed, sigpipe: make(chan os.Signal, 1)}
	signal.Notify(g.sigpipe, syscall.SIGPIPE)
	return g
}

// Write writes p, or drops it once the reader has gone.
func (g *stdoutGuard) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.broken {
		return len(p), nil
	}
	n, err := g.w.Write(p)
	if err != nil && (errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed)) {
		g.broken = true
		g.closed()
		return len(p), nil
	}
	return n, err
}

// stop restores Go's default handling of SIGPIPE.
func (g *stdoutGuard) stop() { signal.Stop(g.sigpipe) }
