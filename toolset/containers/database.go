package containers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/go-tfb/suite/db"
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
		b := DatabaseBuild()
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
	d := &Database{Container: c, URL: pgURL(db.User, db.Password, port)}
	if err := awaitFixture(ctx, d.URL, 60*time.Second); err != nil {
		return nil, fmt.Errorf("database container: %w\ncontainer log (end):\n%s", err, Logs(context.WithoutCancel(ctx), c, 20))
	}
	pw := make([]byte, 16)
	rand.Read(pw)
	secret := hex.EncodeToString(pw)
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
	d.AdminURL = pgURL("postgres", secret, port)
	return d, nil
}

// Terminate stops and removes the container.
func (d *Database) Terminate(ctx context.Context) error {
	if d == nil {
		return nil
	}
	return Terminate(ctx, d.Container)
}

func pgURL(user, password string, port int) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(user, password),
		Host:     net.JoinHostPort(Host(), strconv.Itoa(port)),
		Path:     "/" + db.Name,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// awaitFixture waits until url can log in and see the fixture's fortunes.
func awaitFixture(ctx context.Context, url string, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	for {
		last := func() error {
			cctx, ccancel := context.WithTimeout(ctx, 3*time.Second)
			defer ccancel()
			conn, err := pgx.Connect(cctx, url)
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(ctx))
			var n int
			if err := conn.QueryRow(cctx, "SELECT count(*) FROM fortune").Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("%s has no fortunes", db.Name)
			}
			return nil
		}()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w", last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
