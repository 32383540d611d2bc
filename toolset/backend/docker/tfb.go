package docker

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/db"
	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	dockerlib "github.com/go-tfb/suite/toolset/docker"
	"github.com/go-tfb/suite/toolset/owner"
	"github.com/go-tfb/suite/toolset/tfbrepo"
)

// tfbImage is the image a test of a FrameworkBenchmarks tree is built as.
func tfbImage(test config.Test) string { return dockerlib.EntryImage(strings.ToLower(test.Name)) }

// Stand-ins for base images no registry gives: the images .ci/docker-setup
// makes, or those GO_IMAGE and DEBIAN_IMAGE name, as for this suite's own
// builds.
const (
	defaultGoImage     = "golang:1.26-bookworm"
	defaultDebianImage = "debian:bookworm-slim"
)

// buildTFB builds a test of a FrameworkBenchmarks tree from its own
// dockerfile with its directory as context and TFB's build arguments, as
// TFB builds it, after pulling its base images, as TFB does. When a pull
// fails — no registry answers — it builds offline instead: the base images
// the engine lacks get local stand-ins, and a Go test's modules are
// fetched on this machine into a copy of the context
// (tfbrepo.OfflineContext); each substitution is noted in the log and in
// BuildNotes.
func (d *Runtime) buildTFB(ctx context.Context, test config.Test, log io.Writer) error {
	d.setNotes(test.Name, nil)
	if d.opts.UseExistingImages {
		return dockerlib.RequireImage(ctx, d.server.cli, tfbImage(test))
	}
	o := test.Origin
	args := tfbrepo.BuildArgs(test)
	df, err := tfbrepo.ReadDockerfile(o, args)
	if err != nil {
		return err
	}
	standIns := map[string]string{}
	offline := false
	var notes []string
	for _, b := range df.Bases {
		if b.Image == "" {
			continue
		}
		err := d.pull(ctx, b.Image)
		if err == nil {
			continue
		}
		offline = true
		fmt.Fprintf(log, "tfb: docker pull %s: %v\n", b.Image, err)
		if _, err := d.server.cli.ImageInspect(ctx, b.Image); err == nil {
			continue // the engine has it
		}
		si, ok := tfbrepo.StandIn(b.Image, cmp.Or(os.Getenv("GO_IMAGE"), defaultGoImage), cmp.Or(os.Getenv("DEBIAN_IMAGE"), defaultDebianImage))
		if !ok {
			return fmt.Errorf("%s: FROM %s: the engine lacks it, no registry answers, and no local image stands in for it (golang images get %s, Debian, Ubuntu, Alpine and distroless ones %s)",
				o.Dockerfile, b.Image, defaultGoImage, defaultDebianImage)
		}
		if _, err := d.server.cli.ImageInspect(ctx, si); err != nil {
			return fmt.Errorf("%s: FROM %s: no registry answers, and %s, which would stand in for it, is not on the engine either (.ci/docker-setup makes it): %w", o.Dockerfile, b.Image, si, err)
		}
		standIns[b.Image] = si
	}
	build := dockerlib.Build{Dir: o.Dir, Dockerfile: o.Dockerfile, Args: args, Image: tfbImage(test)}
	if offline {
		scratch, err := owner.MkdirTemp("tfb-offline-*")
		if err != nil {
			return fmt.Errorf("make a scratch directory for the offline build: %w", err)
		}
		defer os.RemoveAll(scratch)
		off, err := tfbrepo.OfflineContext(ctx, test, args, tfbrepo.OfflineOptions{Dir: scratch, StandIns: standIns, Modules: true, Log: log})
		if off != nil {
			notes = off.Notes
		}
		d.setNotes(test.Name, notes)
		if err != nil {
			return err
		}
		build.Dir, build.Dockerfile = off.Dir, off.Dockerfile
	}
	var out bytes.Buffer
	if err := d.build(ctx, d.server, build, io.MultiWriter(log, &out)); err != nil {
		return backend.BuildError(fmt.Sprintf("docker build -f %s %s", o.Dockerfile, o.Dir), err, out.String())
	}
	return nil
}

// pull pulls image on the server engine, as TFB's builds do (pull=True).
func (d *Runtime) pull(ctx context.Context, image string) error {
	res, err := d.server.cli.ImagePull(ctx, image, client.ImagePullOptions{})
	if err != nil {
		return err
	}
	defer res.Close()
	return res.Wait(ctx)
}

func (d *Runtime) setNotes(entry string, notes []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.tfbNotes == nil {
		d.tfbNotes = map[string][]string{}
	}
	d.tfbNotes[entry] = notes
}

// BuildNotes implements backend.BuildNoter: the substitutions of an
// offline build of a test of a FrameworkBenchmarks tree.
func (d *Runtime) BuildNotes(entry string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tfbNotes[entry]
}

// StartDatabaseFor implements backend.EntryDatabases: a test of a
// FrameworkBenchmarks tree gets a database on port 5432, at a loopback
// address of its own on a local engine (which tfb-database names in the
// test's extra hosts), else at the address the server reaches it at.
func (d *Runtime) StartDatabaseFor(ctx context.Context, test config.Test) (backend.Database, error) {
	if !test.FromTFB() {
		return d.StartDatabase(ctx)
	}
	if !d.database.local {
		return d.startDatabase(ctx, "")
	}
	addr, err := backend.TFBDatabaseAddress()
	if err != nil {
		return nil, err
	}
	return d.startDatabase(ctx, addr)
}

// tfbHosts sets what TFB sets on a test's container: tfb-database and
// tfb-server as extra hosts and an init process. TFB's 200,000 open files
// need its privileged containers; the test gets the engine's default
// limit, as this suite's entries do.
func (d *Runtime) tfbHosts(host *container.HostConfig, database backend.Database) error {
	dbHost := "127.0.0.1"
	if database != nil {
		u, err := url.Parse(database.URL())
		if err != nil {
			return fmt.Errorf("database URL: %w", err)
		}
		if u.Port() != fmt.Sprint(db.Port) {
			return fmt.Errorf("it reaches its database on port %d, and the database listens on %s", db.Port, u.Port())
		}
		dbHost = u.Hostname()
	}
	server, err := d.server.addressFor(d.client)
	if err != nil {
		return err
	}
	host.ExtraHosts = []string{backend.HostsEntry(dbHost), "tfb-server:" + server}
	init := true
	host.Init = &init
	return nil
}
