package tfb

import (
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// lazyDeadlineConn is a connection whose deadlines cost almost nothing per
// request, with every timeout kept exact. A server moves a connection's
// read deadline several times per request (net/http: the idle timeout, a
// clear, the header timeout, a clear and an abort for its background read;
// fasthttp: the idle and the read timeout), and each move resets a timer of
// the runtime's poller. This connection passes a deadline on only when it
// is earlier than the one the poller holds, or the poller holds none; a
// later one, or a clear, is remembered and not passed on. The poller's
// deadline is therefore never later than the one asked, so no timeout fires
// late; when it fires early (before the deadline asked, or with none
// asked), Read or Write sets the deadline asked and tries again, so the
// caller sees a timeout exactly when it would have without this
// connection. Under load the poller's deadline moves about once per
// timeout's length per connection instead of on every request.
type lazyDeadlineConn struct {
	net.Conn
	read, write lazyDeadline
}

// lazyDeadline is one direction's deadlines: the one asked, and the one
// set on the poller.
type lazyDeadline struct {
	mu          sync.Mutex
	asked, set  time.Time
	setOnPoller func(time.Time) error
}

func newLazyDeadlineConn(c net.Conn) *lazyDeadlineConn {
	l := &lazyDeadlineConn{Conn: c}
	l.read.setOnPoller, l.write.setOnPoller = c.SetReadDeadline, c.SetWriteDeadline
	return l
}

// ask records t as the deadline asked and passes it on only when it is
// earlier than the poller's, or the poller has none.
func (d *lazyDeadline) ask(t time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = t
	if t.IsZero() || (!d.set.IsZero() && !t.Before(d.set)) {
		return nil
	}
	d.set = t
	return d.setOnPoller(t)
}

// timedOut is called when an operation timed out on the poller's deadline.
// It reports whether that was early, and if so sets the deadline asked (or
// none) on the poller, for the operation to be tried again.
func (d *lazyDeadline) timedOut() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.asked.IsZero() && !time.Now().Before(d.asked) {
		return false // on time
	}
	d.set = d.asked
	return d.setOnPoller(d.asked) == nil
}

// Read reads, trying again after a timeout that came before the deadline
// asked.
func (c *lazyDeadlineConn) Read(p []byte) (int, error) {
	for {
		n, err := c.Conn.Read(p)
		if n > 0 || !errors.Is(err, os.ErrDeadlineExceeded) || !c.read.timedOut() {
			return n, err
		}
	}
}

// Write writes, going on after a timeout that came before the deadline
// asked.
func (c *lazyDeadlineConn) Write(p []byte) (int, error) {
	written := 0
	for {
		n, err := c.Conn.Write(p[written:])
		written += n
		if err == nil || !errors.Is(err, os.ErrDeadlineExceeded) || !c.write.timedOut() {
			return written, err
		}
	}
}

// SetReadDeadline implements net.Conn.
func (c *lazyDeadlineConn) SetReadDeadline(t time.Time) error { return c.read.ask(t) }

// SetWriteDeadline implements net.Conn.
func (c *lazyDeadlineConn) SetWriteDeadline(t time.Time) error { return c.write.ask(t) }

// SetDeadline implements net.Conn.
func (c *lazyDeadlineConn) SetDeadline(t time.Time) error {
	return errors.Join(c.read.ask(t), c.write.ask(t))
}

// CloseWrite shuts down the writing side, as *net.TCPConn does: net/http
// calls it, when the connection has it, before closing.
func (c *lazyDeadlineConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
