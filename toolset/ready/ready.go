// Package ready waits for an HTTP service to come up: it polls one URL until
// the service answers 200 OK, the process serving it exits, or a time limit
// passes. The runtimes wait for an entry with it, and enginelab for a Docker
// engine; it imports nothing of the toolset.
package ready

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// pollInterval is the time between two requests while waiting.
const pollInterval = 200 * time.Millisecond

// requestTimeout bounds one request, so that a server that accepts but
// never answers is asked again.
const requestTimeout = 2 * time.Second

// Wait polls baseURL+path until it answers 200, exited reports the server
// died, or timeout passes. A timeout's error names the path and carries the
// last failure; when ctx ends first, ctx's error is returned.
func Wait(ctx context.Context, baseURL, path string, timeout time.Duration, exited <-chan struct{}) error {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: requestTimeout}
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+path, nil)
		if err != nil {
			return fmt.Errorf("readiness URL: %w", err)
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Errorf("GET %s answered %s", path, resp.Status)
		} else {
			last = err
		}
		select {
		case <-exited:
			return errors.New("the server exited before it answered")
		case <-ctx.Done():
			if err := parent.Err(); err != nil {
				return err
			}
			return fmt.Errorf("not answering GET %s within %s: %v", path, timeout, last)
		case <-tick.C:
		}
	}
}
