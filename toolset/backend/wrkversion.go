package backend

import (
	"context"
	"errors"
	"fmt"
	"os/exec"

	"github.com/go-tfb/suite/toolset/wrk"
)

// WrkVersioner is a runtime that can say which wrk its load runs with.
type WrkVersioner interface {
	// WrkVersion runs `wrk -v` where the load runs and returns its version.
	WrkVersion(ctx context.Context) (string, error)
}

// WrkVersion implements WrkVersioner with the host's wrk.
func (l *Local) WrkVersion(ctx context.Context) (string, error) {
	if l.wrkPath == "" {
		return "", errors.New("local runtime: WrkVersion before Prepare(needLoad)")
	}
	// wrk -v prints its version and usage, then exits with status 1.
	out, _ := exec.CommandContext(ctx, l.wrkPath, "-v").CombinedOutput()
	return wrk.Version(string(out))
}

// WrkVersion implements WrkVersioner with a container of the wrk image on
// the client engine.
func (d *Docker) WrkVersion(ctx context.Context) (string, error) {
	// wrk -v prints its version and usage, then exits with status 1.
	_, out, err := d.runWrk(ctx, []string{"-v"})
	if err != nil {
		return "", fmt.Errorf("wrk -v: %w", err)
	}
	return wrk.Version(out)
}
