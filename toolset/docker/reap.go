package docker

import (
	"context"
	"log/slog"
	"strings"

	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/toolset/owner"
)

// Reap removes the containers and networks that a process on this machine
// labelled (OwnerLabels) and could not remove because it no longer runs:
// what a killed tfb or a test stopped by its timeout left behind. It never
// touches what live processes, other machines or anyone else started
// (docker compose's containers, for example).
func Reap(ctx context.Context, cli *client.Client) {
	filters := make(client.Filters).Add("label", LabelOwnerPID).Add("label", LabelOwnerHost+"="+owner.Hostname())
	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filters})
	if err != nil {
		slog.Debug("list the project's containers", "err", err)
		return
	}
	for _, c := range list.Items {
		if !owner.Orphaned(c.Labels[LabelOwnerPID]) {
			continue
		}
		name := c.ID
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		slog.Info("removing a container left by an earlier run", "container", name, "pid", c.Labels[LabelOwnerPID])
		if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			slog.Warn("remove a container left by an earlier run", "container", name, "err", err)
		}
	}
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: filters})
	if err != nil {
		return
	}
	for _, n := range nets.Items {
		if owner.Orphaned(n.Labels[LabelOwnerPID]) {
			if _, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil {
				slog.Warn("remove a network left by an earlier run", "network", n.Name, "err", err)
			}
		}
	}
}
