package backend

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/openloop"
	"github.com/go-tfb/suite/toolset/wrk"
)

// startRuntime is a Runtime whose database and server starts succeed or
// fail as told, recording what was closed.
type startRuntime struct {
	dbErr, serverErr error
	dbClosed         int
	serverStopped    int
}

type startDB struct{ rt *startRuntime }

func (d startDB) URL() string                 { return "postgres://db" }
func (d startDB) Close(context.Context) error { d.rt.dbClosed++; return nil }
func (d startDB) StartUsage(context.Context) (UsageProbe, error) {
	return nil, errors.New("none")
}

type startServer struct{ rt *startRuntime }

func (s startServer) BaseURL() string                                { return "http://127.0.0.1:1" }
func (s startServer) StartUsage(context.Context) (UsageProbe, error) { return nil, errors.New("none") }
func (s startServer) Profile(context.Context, string) ([]byte, error) {
	return nil, ErrNoProfiles
}
func (s startServer) Stop(context.Context) error { s.rt.serverStopped++; return nil }

func (r *startRuntime) Name() string                                        { return "start" }
func (r *startRuntime) Prepare(context.Context, bool) error                 { return nil }
func (r *startRuntime) Build(context.Context, config.Test, io.Writer) error { return nil }
func (r *startRuntime) RunLoad(context.Context, wrk.Run) (Load, error)      { return Load{}, nil }
func (r *startRuntime) RunOpenLoop(context.Context, openloop.Options) (Load, error) {
	return Load{}, nil
}
func (r *startRuntime) ClientCores() int            { return 1 }
func (r *startRuntime) Describe() Description       { return Description{Name: "start"} }
func (r *startRuntime) Close(context.Context) error { return nil }
func (r *startRuntime) StartDatabase(context.Context) (Database, error) {
	if r.dbErr != nil {
		return nil, r.dbErr
	}
	return startDB{r}, nil
}
func (r *startRuntime) StartServer(context.Context, config.Test, Database, io.Writer) (Server, error) {
	if r.serverErr != nil {
		return nil, r.serverErr
	}
	return startServer{r}, nil
}

func TestStart(t *testing.T) {
	hookErr := errors.New("consumer failed")
	tests := []struct {
		name              string
		rt                startRuntime
		hook              error
		wantErr           string
		isDatabase        bool
		dbClosed, stopped int
	}{
		{name: "both run, then stop in order", dbClosed: 1, stopped: 1},
		{name: "database fails", rt: startRuntime{dbErr: errors.New("initdb: no space")}, wantErr: "database did not start: initdb: no space", isDatabase: true},
		{name: "server fails: the database is closed", rt: startRuntime{serverErr: errors.New("port taken")}, wantErr: "did not start: port taken", dbClosed: 1},
		{name: "hook fails: the database is closed, no server", hook: hookErr, wantErr: "consumer failed", dbClosed: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := tt.rt
			hooked := false
			started, err := Start(t.Context(), &rt, config.Test{Name: "gin"}, io.Discard, func(db Database) error {
				hooked = db.URL() == "postgres://db"
				return tt.hook
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, ErrDatabaseStart) != tt.isDatabase {
					t.Fatalf("err = %v, want %q (database: %v)", err, tt.wantErr, tt.isDatabase)
				}
				if started != nil {
					t.Error("an entry came back with the error")
				}
			} else {
				if err != nil || !hooked {
					t.Fatalf("err = %v, hook called: %v", err, hooked)
				}
				if err := started.Stop(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			if rt.dbClosed != tt.dbClosed || rt.serverStopped != tt.stopped {
				t.Errorf("database closed %d times, server stopped %d; want %d and %d", rt.dbClosed, rt.serverStopped, tt.dbClosed, tt.stopped)
			}
		})
	}
}
