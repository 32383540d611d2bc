package tfb

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// TimeoutListener returns l with the read-header and idle timeouts
// enforced by each connection it accepts (requestTimeoutConn), for a
// server that is given no timeouts of its own. It is what the fasthttp
// entries serve with: fasthttp reads the clock for each timeout it sets, two
// reads per request, which the connection saves by reading a coarse clock
// instead.
func (c Config) TimeoutListener(l net.Listener) net.Listener {
	return &timeoutListener{Listener: l, readHeader: c.ReadHeaderTimeout, idle: c.IdleTimeout, clock: sharedClock()}
}

type timeoutListener struct {
	net.Listener
	readHeader, idle time.Duration
	clock            *coarseClock
}

// Accept returns the next connection, with the first request's read-header
// timeout running from now.
func (l *timeoutListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return c, err
	}
	lazy, ok := c.(*lazyDeadlineConn)
	if !ok {
		lazy = newLazyDeadlineConn(c)
	}
	tc := &requestTimeoutConn{lazyDeadlineConn: lazy, readHeader: l.readHeader, idle: l.idle, clock: l.clock}
	if err := tc.startTimeout(l.readHeader); err != nil {
		c.Close()
		return nil, err
	}
	return tc, nil
}

// requestTimeoutConn enforces a server's read-header and idle timeouts on
// its connection, with no clock read per request. A request must arrive
// whole within the read-header timeout of its first bytes (of the accept,
// for a connection's first request), and the next request's first bytes
// within the idle timeout of the last write. It knows where requests start
// and end from the server's reads and writes: a write means a response is
// going out, so the connection waits for the next request, and a read that
// returns bytes while waiting means a request has started. A server that
// writes before it has read a whole request (an interim "100 Continue")
// gives the rest of that request a new read-header timeout from its next
// bytes.
//
// Deadlines are set from a coarse clock (coarseClock), one tick later than
// asked, and through lazyDeadlineConn, so that under load the poller's
// deadline moves about once per timeout's length. A timeout therefore fires
// between its length and a tick more after the event it runs from. None
// fires early: the clock can fall further behind than a tick while its
// goroutine is kept from running (both cores busy), so a read that times
// out first checks the clock's lag (coarseClock.Lag) and, if the event may
// have come that much later than the clock said, waits out the difference.
// Reads and writes come from the one goroutine that serves the connection,
// as a keep-alive server's do.
type requestTimeoutConn struct {
	*lazyDeadlineConn
	readHeader, idle time.Duration
	clock            *coarseClock
	waiting          bool          // for the next request: since a write, until a read returns bytes
	from             time.Time     // the clock's time when the running timeout started
	length           time.Duration // the running timeout's length
}

// startTimeout sets the read deadline d (and one tick) from now.
func (c *requestTimeoutConn) startTimeout(d time.Duration) error {
	c.from, c.length = c.clock.Now(), d
	return c.SetReadDeadline(c.from.Add(d + clockTick))
}

// lagged is called when a read timed out. It reports whether the clock may
// have lagged the event the timeout runs from by more than the tick its
// deadline allowed, and if so moves the deadline by the lag, for the read
// to be tried again.
func (c *requestTimeoutConn) lagged() bool {
	deadline := c.from.Add(c.length + c.clock.Lag())
	if !time.Now().Before(deadline) {
		return false
	}
	return c.SetReadDeadline(deadline) == nil
}

// Read reads; the first bytes after a write start the request's read-header
// timeout.
func (c *requestTimeoutConn) Read(p []byte) (int, error) {
	n, err := c.lazyDeadlineConn.Read(p)
	for n == 0 && errors.Is(err, os.ErrDeadlineExceeded) && c.lagged() {
		n, err = c.lazyDeadlineConn.Read(p)
	}
	if n > 0 && c.waiting {
		c.waiting = false
		if derr := c.startTimeout(c.readHeader); err == nil {
			err = derr
		}
	}
	return n, err
}

// Write writes; the connection then waits for the next request, for up to
// the idle timeout.
func (c *requestTimeoutConn) Write(p []byte) (int, error) {
	n, err := c.lazyDeadlineConn.Write(p)
	if !c.waiting {
		c.waiting = true
		if derr := c.startTimeout(c.idle); err == nil {
			err = derr
		}
	}
	return n, err
}

// clockTick is how often the coarse clock moves.
const clockTick = 10 * time.Millisecond

// lagWindow is how long a coarseClock remembers how far it fell behind:
// Lag covers at least the last lagWindow, and forgets a lag after two.
const lagWindow = 5 * time.Minute

// coarseClock is a clock that is read with an atomic load: a goroutine
// moves it every clockTick, so that it is about a tick behind; more while
// that goroutine cannot run, which the clock measures (Lag). Its times keep
// the monotonic reading of time.Now, so that a step of the wall clock moves
// no deadline.
type coarseClock struct {
	start   time.Time
	elapsed atomic.Int64 // nanoseconds since start, at the last tick
	maxGap  atomic.Int64 // the longest time between two ticks, in the last one or two lagWindows
}

// sharedClock is the process's coarse clock, started on first use.
var sharedClock = sync.OnceValue(func() *coarseClock {
	c := &coarseClock{start: time.Now()}
	c.maxGap.Store(int64(clockTick))
	go c.run()
	return c
})

// run moves the clock every tick and keeps the longest gap between two
// moves of the current and the previous lagWindow.
func (c *coarseClock) run() {
	var last, windowStart, windowMax, previousMax time.Duration
	for range time.Tick(clockTick) {
		now := time.Since(c.start)
		c.elapsed.Store(int64(now))
		if now-windowStart > lagWindow {
			windowStart, previousMax, windowMax = now, windowMax, 0
		}
		windowMax = max(windowMax, now-last)
		last = now
		c.maxGap.Store(int64(max(windowMax, previousMax, clockTick)))
	}
}

// Now returns the time of the clock's last tick.
func (c *coarseClock) Now() time.Time { return c.start.Add(time.Duration(c.elapsed.Load())) }

// Lag is how far behind the clock may have been at any read of the last
// lagWindow: the longest gap between its ticks, or the time since its last
// tick if that is longer.
func (c *coarseClock) Lag() time.Duration {
	sinceTick := time.Since(c.start) - time.Duration(c.elapsed.Load())
	return max(time.Duration(c.maxGap.Load()), sinceTick)
}

// RequestWatch closes the connections that hold a request unread for
// longer than the read-header timeout, for a server whose own read timeout
// bounds each wait for bytes instead of the request, so that a client
// trickling its request a byte at a time would hold the connection for as
// long as it likes (Hertz on netpoll). The server registers each
// connection it accepts with Watch and tells the WatchedConn when it
// starts and ends handling a request it has read. Every watchInterval a
// goroutine looks at each connection: one that has bytes waiting, is not
// handling a request, and has handled none since bytes were first seen
// waiting, for longer than the timeout, is closed. Nothing is done per
// request but two atomic additions; a timeout fires between its length
// and two watchIntervals (100 ms) more after the request's first bytes.
type RequestWatch struct {
	timeout time.Duration
	stop    chan struct{}

	mu    sync.Mutex
	conns map[*WatchedConn]struct{}
}

// WatchedProbe is what a RequestWatch needs of a connection.
type WatchedProbe interface {
	io.Closer
	// Buffered is how many bytes have arrived that the server has not
	// consumed. It is called from the watch's goroutine.
	Buffered() int
	// Closed reports whether the connection is closed.
	Closed() bool
}

// WatchedConn is a connection under a RequestWatch.
type WatchedConn struct {
	probe            WatchedProbe
	started, handled atomic.Uint64
	seenHandled      uint64    // handled, as the watch last saw it
	waitingSince     time.Time // when the watch first saw bytes waiting and nothing handled; zero if it did not
}

// watchInterval is how often a RequestWatch looks at its connections.
const watchInterval = 50 * time.Millisecond

// NewRequestWatch starts a RequestWatch with the configuration's
// read-header timeout. Stop ends it.
func (c Config) NewRequestWatch() *RequestWatch {
	w := &RequestWatch{timeout: c.ReadHeaderTimeout, stop: make(chan struct{}), conns: map[*WatchedConn]struct{}{}}
	go w.watch()
	return w
}

// Watch puts a connection under the watch, until it is closed.
func (w *RequestWatch) Watch(probe WatchedProbe) *WatchedConn {
	c := &WatchedConn{probe: probe}
	w.mu.Lock()
	w.conns[c] = struct{}{}
	w.mu.Unlock()
	return c
}

// Handling records that the server has read a request and handles it.
func (c *WatchedConn) Handling() { c.started.Add(1) }

// Handled records that the server has answered the request.
func (c *WatchedConn) Handled() { c.handled.Add(1) }

// Stop ends the watch; its connections are left open.
func (w *RequestWatch) Stop() { close(w.stop) }

func (w *RequestWatch) watch() {
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case now := <-t.C:
			w.look(now)
		}
	}
}

// look closes the connections that have held a request unread for longer
// than the timeout, and forgets the closed ones.
func (w *RequestWatch) look(now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for c := range w.conns {
		if c.probe.Closed() {
			delete(w.conns, c)
			continue
		}
		handled := c.handled.Load()
		if handled != c.seenHandled || c.started.Load() != handled || c.probe.Buffered() == 0 {
			c.seenHandled, c.waitingSince = handled, time.Time{}
			continue
		}
		if c.waitingSince.IsZero() {
			c.waitingSince = now
		} else if now.Sub(c.waitingSince) > w.timeout {
			c.probe.Close()
			delete(w.conns, c)
		}
	}
}
