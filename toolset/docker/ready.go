package docker

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/db"
)

// WaitDatabase waits until url logs in and reads the fixture's fortunes, or
// timeout passes; the error then carries the last failure.
func WaitDatabase(ctx context.Context, url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		last := func() error {
			cctx, ccancel := context.WithTimeout(ctx, 3*time.Second)
			defer ccancel()
			conn, err := pgx.Connect(cctx, url)
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(cctx))
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
			return fmt.Errorf("not accepting connections within %s: %w", timeout, last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// LogTail returns the last n lines of the output of a container that runs
// without a TTY ("" when it cannot be read).
func LogTail(ctx context.Context, cli *client.Client, id string, n int) string {
	rc, err := cli.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: strconv.Itoa(n)})
	if err != nil {
		return ""
	}
	defer rc.Close()
	var out strings.Builder
	_, _ = stdcopy.StdCopy(&out, &out, rc)
	return Tail(out.String(), n)
}

// Tail returns the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
