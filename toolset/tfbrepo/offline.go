package tfbrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/go-tfb/suite/toolset/config"
)

// ProxyDir is where an offline build context holds the Go modules its build
// needs, as a module proxy (GOPROXY=file:///tfb-goproxy in the image).
const ProxyDir = ".tfb-goproxy"

// StandIn is the local image that stands in for a base image no registry
// can give: an official Go image for any golang one (goImage), a Debian one
// for Debian, Ubuntu, Alpine, distroless and buildpack-deps images
// (debianImage). ok is false for any other.
func StandIn(image, goImage, debianImage string) (standIn string, ok bool) {
	if IsGoImage(image) {
		return goImage, true
	}
	name := image
	if i := strings.LastIndexAny(name, ":@"); i > strings.LastIndexByte(name, '/') {
		name = name[:i]
	}
	name = strings.TrimPrefix(strings.TrimPrefix(name, "docker.io/"), "library/")
	switch {
	case name == "debian", name == "ubuntu", name == "alpine", name == "buildpack-deps",
		strings.HasPrefix(name, "gcr.io/distroless/"):
		return debianImage, true
	}
	return "", false
}

// alpine reports whether an image is Alpine's, or built on it (a tag
// naming alpine), whose apk lines a Debian stand-in cannot run.
func alpine(image string) bool {
	return strings.Contains(strings.ToLower(image), "alpine")
}

// OfflineOptions configure OfflineContext.
type OfflineOptions struct {
	// Dir is an empty scratch directory; the context is laid out in
	// Dir/context.
	Dir string
	// StandIns maps each base image no registry gave to the local image
	// that stands in for it.
	StandIns map[string]string
	// Modules fetches the Go modules the build needs on this machine, for a
	// test with an official Go image among its bases.
	Modules bool
	// Log receives the notes and the module fetch's output.
	Log io.Writer
}

// Offline is a build context that builds without a registry or the module
// proxy: a copy of the test's directory with a dockerfile of its own.
type Offline struct {
	// Dir is the context; Dockerfile the dockerfile in it to build.
	Dir, Dockerfile string
	// Notes say each substitution, one line each.
	Notes []string
}

// offlineDockerfile names the rewritten dockerfile in the context.
const offlineDockerfile = "tfb-offline.dockerfile"

// OfflineContext makes a test's build context for an engine that reaches no
// registry and whose containers reach no module proxy: the test's
// directory copied, its dockerfile's FROM lines pointed at the stand-ins,
// and, for Go, the modules the build needs fetched on this machine
// (by following the dockerfile here, Build) into the context as a module
// proxy that the Go stages use (GOPROXY=file://, GOSUMDB=off). As for the
// local build, a Go older than the image's own gets -mod=mod (before 1.16)
// and a go install after each go get (before 1.18); an Alpine base whose
// stand-in is Debian has its apk commands skipped.
func OfflineContext(ctx context.Context, test config.Test, args map[string]string, opts OfflineOptions) (*Offline, error) {
	o := test.Origin
	d, err := ReadDockerfile(o, args)
	if err != nil {
		return nil, err
	}
	off := &Offline{Dir: filepath.Join(opts.Dir, "context"), Dockerfile: offlineDockerfile}
	note := func(format string, a ...any) {
		msg := fmt.Sprintf(format, a...)
		off.Notes = append(off.Notes, msg)
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, "tfb: %s\n", msg)
		}
	}
	if err := copyTree(o.Dir, off.Dir, nil); err != nil {
		return nil, fmt.Errorf("copy the build context: %w", err)
	}
	proxy := false
	if opts.Modules {
		for i := range d.Stages {
			proxy = proxy || d.goStage(i)
		}
	}
	if proxy {
		if err := fetchModules(ctx, test, opts, off.Dir); err != nil {
			return nil, err
		}
		note("the Go modules the build needs were fetched on this machine (by following %s here) into the context as a module proxy, %s/, which the Go stages use (GOPROXY=file:///tfb-goproxy, GOSUMDB=off): their containers reach no module proxy", o.Dockerfile, ProxyDir)
		if err := allowInContext(off.Dir, ProxyDir); err != nil {
			return nil, err
		}
	}
	text, notes, err := d.offline(opts.StandIns, proxy)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		note("%s", n)
	}
	if err := os.WriteFile(filepath.Join(off.Dir, offlineDockerfile), text, 0o644); err != nil {
		return nil, fmt.Errorf("write the offline dockerfile: %w", err)
	}
	return off, nil
}

// fetchModules follows the dockerfile on this machine with a module cache
// of its own, then keeps that cache's download directory — a module proxy's
// layout — in the context.
func fetchModules(ctx context.Context, test config.Test, opts OfflineOptions, context string) error {
	cache := filepath.Join(opts.Dir, "gomodcache")
	_, err := Build(ctx, test, Options{Dir: filepath.Join(opts.Dir, "host"), Log: opts.Log, GoModCache: cache})
	if err != nil {
		return fmt.Errorf("fetch the Go modules on this machine for the offline build (its containers reach no module proxy), by following the dockerfile here: %w", err)
	}
	download := filepath.Join(cache, "cache", "download")
	if err := os.RemoveAll(filepath.Join(download, "sumdb")); err != nil {
		return err
	}
	if _, err := os.Stat(download); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(download, 0o755); err != nil {
			return err
		}
	}
	if err := os.Rename(download, filepath.Join(context, ProxyDir)); err != nil {
		return fmt.Errorf("move the fetched modules into the context: %w", err)
	}
	return os.RemoveAll(cache)
}

// allowInContext keeps name in the context whatever its .dockerignore says.
func allowInContext(dir, name string) error {
	path := filepath.Join(dir, ".dockerignore")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, []byte("\n!"+name+"\n!"+name+"/**\n")...), 0o644)
}

// offline rewrites the dockerfile: FROM lines to their stand-ins, the
// module proxy for the Go stages, and the RUN lines the stand-ins need
// changed. Every other line stays as written.
func (d *Dockerfile) offline(standIns map[string]string, proxy bool) ([]byte, []string, error) {
	lines := strings.Split(string(d.source), "\n")
	var out []string
	var notes []string
	next := 0 // the next source line (0-based) to copy
	stage := -1
	for _, node := range d.ast.Children {
		start, end := node.StartLine-1, node.EndLine-1
		if start < next || end >= len(lines) {
			continue
		}
		out = append(out, lines[next:start]...)
		next = end + 1
		original := lines[start : end+1]
		switch strings.ToLower(node.Value) {
		case "from":
			stage++
			base := d.Bases[stage]
			image := base.Image
			if si, ok := standIns[image]; ok && image != "" {
				line := "FROM " + si
				if name := d.Stages[stage].Name; name != "" {
					line += " AS " + name
				}
				out = append(out, line)
				notes = append(notes, fmt.Sprintf("line %d: FROM %s: no registry answers; the local %s stands in for it", node.StartLine, image, si))
			} else {
				out = append(out, original...)
			}
			if proxy && base.Stage < 0 && IsGoImage(image) {
				out = append(out, "COPY "+ProxyDir+" /tfb-goproxy",
					"ENV GOPROXY=file:///tfb-goproxy GOSUMDB=off GOTOOLCHAIN=local")
				if d.goOlderThan(stage, 16) {
					out = append(out, "ENV GOFLAGS=-mod=mod")
					notes = append(notes, fmt.Sprintf("the go commands run with -mod=mod: Go before 1.16, which %s names, updated go.mod and go.sum as it built, today's does not", image))
				}
			}
		case "run":
			if stage < 0 || node.Attributes["json"] || node.Next == nil {
				out = append(out, original...)
				continue
			}
			root := stage
			for d.Bases[root].Stage >= 0 {
				root = d.Bases[root].Stage
			}
			baseImage := d.Bases[root].Image
			_, replaced := standIns[baseImage]
			rules := shellRules{
				legacyGoGet:         replaced && d.goStage(stage) && d.goOlderThan(stage, 18),
				dropPackageManagers: replaced && alpine(baseImage),
			}
			if !rules.legacyGoGet && !rules.dropPackageManagers {
				out = append(out, original...)
				continue
			}
			src := runSource(node)
			script, changes, err := rewriteShell(src, rules)
			if err != nil {
				return nil, nil, fmt.Errorf("line %d: RUN %s: %w", node.StartLine, src, err)
			}
			if len(changes) == 0 {
				out = append(out, original...)
				continue
			}
			for _, c := range changes {
				notes = append(notes, fmt.Sprintf("line %d: %s", node.StartLine, c))
			}
			out = append(out, runFlags(node)+script)
		default:
			out = append(out, original...)
		}
	}
	if next < len(lines) {
		out = append(out, lines[next:]...)
	}
	return []byte(strings.Join(out, "\n")), notes, nil
}

// runSource is a shell-form RUN line's command, as the parser joined it.
func runSource(node *parser.Node) string {
	var parts []string
	for n := node.Next; n != nil; n = n.Next {
		parts = append(parts, n.Value)
	}
	return strings.Join(parts, " ")
}

// runFlags is "RUN " and the line's flags (--mount=..., --network=...).
func runFlags(node *parser.Node) string {
	var b bytes.Buffer
	b.WriteString("RUN ")
	for _, f := range node.Flags {
		b.WriteString(f + " ")
	}
	return b.String()
}
