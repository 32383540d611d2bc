package local

import (
	"context"
	"io"
	"path/filepath"
	"strconv"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/nginx"
)

// findReference is Build of the reference server: nothing to build, the
// operating system's nginx to find.
func (l *Runtime) findReference(test config.Test) error {
	path, err := nginx.Command()
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.binaries[test.Name] = path
	l.mu.Unlock()
	return nil
}

// startReference starts nginx (bin) on 127.0.0.1:port under the runtime's
// limits, its configuration in the work directory.
func (l *Runtime) startReference(ctx context.Context, test config.Test, bin string, port int, log io.Writer) (backend.Server, error) {
	args, err := nginx.Args(filepath.Join(l.workDir, test.Name), "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return nil, err
	}
	return l.start(ctx, test, l.command(append([]string{bin}, args...)...), port, log)
}
