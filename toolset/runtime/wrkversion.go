package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

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
	id, err := d.run(ctx, d.client, &container.Config{Image: WrkImage, Cmd: []string{"wrk", "-v"}, Tty: true}, &container.HostConfig{}, "")
	if err != nil {
		return "", err
	}
	defer func() { _ = d.remove(context.WithoutCancel(ctx), id) }()
	wait := d.client.cli.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case <-wait.Result:
	case err := <-wait.Error:
		return "", fmt.Errorf("wait for wrk -v: %w", err)
	}
	logs, err := d.client.cli.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return "", fmt.Errorf("wrk -v output: %w", err)
	}
	defer logs.Close()
	out, err := io.ReadAll(logs)
	if err != nil {
		return "", fmt.Errorf("wrk -v output: %w", err)
	}
	return wrk.Version(string(out))
}
