package tfb

import (
	"context"
	"net"
	"sync/atomic"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// minResultBytes is the fewest bytes PostgreSQL answers one pipelined query
// and its Sync with: BindComplete (5), the shortest CommandComplete ("SELECT
// 0" or "UPDATE 0", 14) and ReadyForQuery (6). A world read sends 48 with
// its row, the fortunes far more, and an error sends an ErrorResponse of
// more than 25 bytes by its four mandatory fields alone, and ReadyForQuery.
const minResultBytes = 25

// maxLowWater bounds the low-water mark a pipeline asks for.
const maxLowWater = 16 << 10

// A batchReadConn is a database connection whose reader, while a pipeline's
// results are due, is woken only once a good part of them has arrived.
// PostgreSQL writes the result of every pipelined query as soon as its Sync
// is reached, so without it each of its writes can wake the reader for a
// read of its own. The low-water mark (SO_RCVLOWAT) never exceeds the bytes
// still due, counted from below, so a read is never left waiting for bytes
// that will not come; once fewer are due than the mark, the mark drops to 1.
type batchReadConn struct {
	*net.TCPConn
	raw   syscall.RawConn
	due   atomic.Int64 // bytes of the pipeline's results still due, at least
	lowat atomic.Int64 // the socket's SO_RCVLOWAT; 0 or 1 means unset
}

// dialBatchReads wraps dial so that its TCP connections are batchReadConns.
func dialBatchReads(dial pgconn.DialFunc) pgconn.DialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tcp, ok := c.(*net.TCPConn)
		if !ok {
			return c, nil
		}
		raw, err := tcp.SyscallConn()
		if err != nil {
			return c, nil
		}
		return &batchReadConn{TCPConn: tcp, raw: raw}, nil
	}
}

// expect says that the answers of n pipelined queries are on their way:
// it sets the low-water mark to the bytes they take at least.
func (c *batchReadConn) expect(n int) {
	due := int64(n) * minResultBytes
	c.due.Store(due)
	if mark := min(due, maxLowWater); mark > 1 {
		c.setLowWater(mark)
	}
}

// Read reads as net.TCPConn does, then lowers the low-water mark if fewer
// bytes are now due than it asks for.
func (c *batchReadConn) Read(b []byte) (int, error) {
	n, err := c.TCPConn.Read(b)
	if n > 0 && c.lowat.Load() > 1 {
		if c.due.Add(-int64(n)) < c.lowat.Load() {
			c.setLowWater(1)
		}
	}
	return n, err
}

// settle drops the low-water mark if a pipeline left it up (one that
// failed before all its results were read), so that the connection's next
// user reads as usual.
func (c *batchReadConn) settle() {
	if c.lowat.Load() > 1 {
		c.setLowWater(1)
	}
}

func (c *batchReadConn) setLowWater(mark int64) {
	var serr error
	if err := c.raw.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVLOWAT, int(mark))
	}); err != nil || serr != nil {
		mark = 1 // the socket is closed or refuses: reads go on unbatched
	}
	c.lowat.Store(mark)
}
