package base

import (
	"errors"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
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
// EPIPE instead of killing the process. When w is a pipe, its reader going
// away is noticed at once, not only at the next write, which may be minutes
// later in a long run.
func newStdoutGuard(w io.Writer, closed func()) *stdoutGuard {
	g := &stdoutGuard{w: w, closed: closed, sigpipe: make(chan os.Signal, 1)}
	signal.Notify(g.sigpipe, syscall.SIGPIPE)
	if f, ok := w.(*os.File); ok && isPipe(f) {
		go g.watch(f)
	}
	return g
}

// isPipe reports whether f is a pipe.
func isPipe(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeNamedPipe != 0
}

// watch waits until the pipe's reader has closed it (poll reports POLLERR
// on the write end) and then marks the guard broken.
func (g *stdoutGuard) watch(f *os.File) {
	// The descriptor through SyscallConn, since f.Fd would switch it to
	// blocking mode.
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	fd := int32(-1)
	if err := rc.Control(func(d uintptr) { fd = int32(d) }); err != nil {
		return
	}
	fds := []unix.PollFd{{Fd: fd}}
	for {
		n, err := unix.Poll(fds, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return
		}
		if n > 0 && fds[0].Revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0 {
			g.mu.Lock()
			defer g.mu.Unlock()
			if !g.broken {
				g.broken = true
				g.closed()
			}
			return
		}
	}
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
