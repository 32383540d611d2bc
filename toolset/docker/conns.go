package docker

import (
	"context"
	"net"
	"sync"
)

// Conns is the set of a client's open connections to its engine. An engine
// whose link is cut resets nothing: the kernel keeps the client's
// connections open for many minutes, and a call that waits on one (a
// container's exit, a stats stream, a request sent into the void) waits as
// long. CloseAll ends those calls at once, with an error.
type Conns struct {
	mu   sync.Mutex
	open map[net.Conn]struct{}
}

// track wraps dial so that the connections it opens are in c until they
// close. A nil c tracks nothing.
func (c *Conns) track(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if c == nil {
		return dial
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tc := &trackedConn{Conn: conn, c: c}
		c.mu.Lock()
		c.open[tc] = struct{}{}
		c.mu.Unlock()
		return tc, nil
	}
}

// CloseAll closes every open connection, and returns how many there were.
func (c *Conns) CloseAll() int {
	c.mu.Lock()
	list := make([]net.Conn, 0, len(c.open))
	for conn := range c.open {
		list = append(list, conn)
	}
	c.mu.Unlock()
	for _, conn := range list {
		_ = conn.Close()
	}
	return len(list)
}

// Len is the number of open connections.
func (c *Conns) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.open)
}

type trackedConn struct {
	net.Conn
	c    *Conns
	once sync.Once
}

func (t *trackedConn) Close() error {
	t.once.Do(func() {
		t.c.mu.Lock()
		delete(t.c.open, t)
		t.c.mu.Unlock()
	})
	return t.Conn.Close()
}
