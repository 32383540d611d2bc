package local

import (
	"context"
	"errors"
	"os/exec"

	"github.com/go-tfb/suite/toolset/wrk"
)

// WrkVersion implements backend.WrkVersioner with the host's wrk.
func (l *Runtime) WrkVersion(ctx context.Context) (string, error) {
	if l.wrkPath == "" {
		return "", errors.New("local runtime: WrkVersion before Prepare(needLoad)")
	}
	// wrk -v prints its version and usage, then exits with status 1.
	out, _ := exec.CommandContext(ctx, l.wrkPath, "-v").CombinedOutput()
	return wrk.Version(string(out))
}
