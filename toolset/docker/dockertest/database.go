package dockertest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/go-tfb/suite/db"
	"github.com/go-tfb/suite/toolset/docker"
)

// Database is a running container of the database image.
type Database struct {
	Container testcontainers.Container
	// URL logs in as benchmarkdbuser at 127.0.0.1 and the published port.
	URL string
	// AdminURL logs in as the postgres superuser, with a password made for
	// this container alone (the image itself gives postgres no password).
	AdminURL string
}

// DatabaseOptions says which image to run and where.
type DatabaseOptions struct {
	// Image is an existing image to run. "" means $TFB_DB_IMAGE, or else the
	// image db/Dockerfile builds (go-tfb/database; a rebuild with nothing
	// changed takes a second).
	Image string
	// Network and Aliases attach the container to a Docker network under
	// those names (entries in containers reach it as tfb-database there).
	Network string
	Aliases []string
}

// StartDatabase starts the database image with its 5432 published on a free
// port of 127.0.0.1 only, and returns once benchmarkdbuser can log in and
// read the fixture. The caller must Terminate it; on error nothing is left.
func StartDatabase(ctx context.Context, opts DatabaseOptions) (_ *Database, err error) {
	req := Request{
		Image:   opts.Image,
		Ports:   []string{"5432/tcp"},
		ShmSize: 256 << 20,
		Network: opts.Network,
		Aliases: opts.Aliases,
		Waiting: wait.ForLog("database system is ready to accept connections").WithStartupTimeout(90 * time.Second),
	}
	if req.Image == "" {
		req.Image = os.Getenv("TFB_DB_IMAGE")
	}
	if req.Image == "" {
		b := docker.DatabaseBuild()
		req.Build = &b
	}
	c, err := Run(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("database container: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, Terminate(context.WithoutCancel(ctx), c))
		}
	}()
	port, err := MappedPort(ctx, c, "5432/tcp")
	if err != nil {
		return nil, fmt.Errorf("database container: published port: %w", err)
	}
	d := &Database{Container: c, URL: db.URL(Host(), port)}
	if err := docker.WaitDatabase(ctx, d.URL, 60*time.Second); err != nil {
		return nil, fmt.Errorf("database container: %w\ncontainer log (end):\n%s", err, Logs(context.WithoutCancel(ctx), c, 20))
	}
	secret := rand.Text()
	code, out, err := c.Exec(ctx, []string{"psql", "-v", "ON_ERROR_STOP=1", "-q", "-U", "postgres", "-d", "postgres",
		"-c", "ALTER ROLE postgres PASSWORD '" + secret + "'"})
	if err != nil || code != 0 {
		msg := ""
		if out != nil {
			b, _ := io.ReadAll(out)
			msg = string(b)
		}
		return nil, fmt.Errorf("database container: set the superuser's password: exit %d: %v %s", code, err, msg)
	}
	d.AdminURL = db.UserURL("postgres", secret, Host(), port)
	return d, nil
}

// Terminate stops and removes the container.
func (d *Database) Terminate(ctx context.Context) error {
	if d == nil {
		return nil
	}
	return Terminate(ctx, d.Container)
}
