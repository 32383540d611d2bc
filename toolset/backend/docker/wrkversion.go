package docker

import (
	"context"
	"fmt"

	"github.com/go-tfb/suite/toolset/wrk"
)

// WrkVersion implements backend.WrkVersioner with a container of the wrk
// image on the client engine.
func (d *Runtime) WrkVersion(ctx context.Context) (string, error) {
	// wrk -v prints its version and usage, then exits with status 1.
	_, out, err := d.runWrk(ctx, []string{"-v"})
	if err != nil {
		return "", fmt.Errorf("wrk -v: %w", err)
	}
	return wrk.Version(out)
}
