package backend

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-tfb/suite/toolset/config"
)

// ErrDatabaseStart is wrapped by Start's error when the database did not
// start, as opposed to the entry.
var ErrDatabaseStart = errors.New("database did not start")

// Started is an entry running against a fresh database of its own.
type Started struct {
	DB     Database
	Server Server
}

// Start starts a fresh database on rt, which must be prepared and must
// have built test, then the entry against it, and returns both running.
// databaseUp, when set, is called once the database answers and before the
// entry starts; its error stops the start. The entry's output goes to log.
// On error nothing is left running.
func Start(ctx context.Context, rt Runtime, test config.Test, log io.Writer, databaseUp func(Database) error) (*Started, error) {
	var db Database
	var err error
	if e, ok := rt.(EntryDatabases); ok {
		db, err = e.StartDatabaseFor(ctx, test)
	} else {
		db, err = rt.StartDatabase(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDatabaseStart, err)
	}
	if databaseUp != nil {
		if err := databaseUp(db); err != nil {
			_ = db.Close(context.WithoutCancel(ctx))
			return nil, err
		}
	}
	server, err := rt.StartServer(ctx, test, db, log)
	if err != nil {
		_ = db.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("did not start: %w", err)
	}
	return &Started{DB: db, Server: server}, nil
}

// Stop stops the entry, then its database, and returns what failed.
func (s *Started) Stop(ctx context.Context) error {
	var errs []error
	if err := s.Server.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stop server: %w", err))
	}
	if err := s.DB.Close(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stop database: %w", err))
	}
	return errors.Join(errs...)
}
