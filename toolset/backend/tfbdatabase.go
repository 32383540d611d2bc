package backend

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/go-tfb/suite/db"
	"github.com/go-tfb/suite/toolset/config"
)

// EntryDatabases is a runtime whose database depends on the entry it is
// for: a test of a FrameworkBenchmarks tree reaches its database as
// tfb-database:5432, hard-coded, so its database listens on port 5432 at
// an address the runtime points that name at. Start uses it when the
// runtime has it.
type EntryDatabases interface {
	// StartDatabaseFor starts a fresh database for test.
	StartDatabaseFor(ctx context.Context, test config.Test) (Database, error)
}

// HostsEntry is what the name TFB's tests reach their database by maps to:
// "tfb-database ADDRESS", as /etc/hosts or Docker's extra hosts take it.
func HostsEntry(address string) string { return db.Host + ":" + address }

// TFBDatabaseAddress picks a loopback address of its own (127.x.y.z) on
// which port 5432, which TFB's tests hard-code, is free, so that the
// database of a FrameworkBenchmarks test listens there whatever else
// listens on 127.0.0.1:5432. Linux answers on all of 127.0.0.0/8.
func TFBDatabaseAddress() (string, error) {
	var lastErr error
	for range 16 {
		b := make([]byte, 3)
		_, _ = rand.Read(b)
		if b[0] == 0 {
			b[0] = 1 // leave 127.0.x.x to others
		}
		addr := net.IPv4(127, b[0], b[1], b[2]).String()
		l, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(db.Port)))
		if err != nil {
			lastErr = err
			continue
		}
		if err := l.Close(); err != nil {
			return "", err
		}
		return addr, nil
	}
	return "", fmt.Errorf("%w: no loopback address with port %d free for the database of TFB's tests, which hard-code that port (does something listen on 0.0.0.0:%d?): %w",
		ErrPortInUse, db.Port, db.Port, errors.Join(lastErr))
}
