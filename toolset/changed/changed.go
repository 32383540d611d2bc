// Package changed works out which entries a change affects, so that CI
// verifies just those: an entry's own folder affects that entry; the shared
// code, the database, the module files and the entries' Dockerfile and
// Compose file affect every entry; a benchmark_config.json edit affects the
// entries whose settings it changes; anything else (docs, the toolset, CI
// files) affects none.
package changed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"slices"
	"strings"

	"github.com/go-tfb/suite/toolset/config"
)

// everyEntry lists the paths whose change affects every entry: exact files,
// and folders (ending in /) with everything under them.
var everyEntry = []string{
	"frameworks/internal/",
	"db/",
	"go.mod",
	"go.sum",
	"frameworks/Dockerfile",
	"docker-compose.yml",
}

// Affected returns the entries of cfg that a change to files affects, in
// cfg's order. base is benchmark_config.json before the change, or nil when
// it did not exist (then every entry is affected by a change to it);
// entries whose settings differ from base (new ones included) are affected.
func Affected(cfg *config.Config, base *config.Config, files []string) []string {
	hit := map[string]bool{}
	all := false
	for _, f := range files {
		for _, p := range everyEntry {
			if f == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(f, p)) {
				all = true
			}
		}
		if rest, ok := strings.CutPrefix(f, "frameworks/"); ok {
			if name, _, ok := strings.Cut(rest, "/"); ok {
				hit[name] = true
			}
		}
		if f == config.FileName {
			for _, t := range cfg.Tests {
				if base == nil {
					hit[t.Name] = true
					continue
				}
				if old, ok := base.Test(t.Name); !ok || !reflect.DeepEqual(old, t) {
					hit[t.Name] = true
				}
			}
		}
	}
	var names []string
	for _, t := range cfg.Tests {
		if all || hit[t.Name] {
			names = append(names, t.Name)
		}
	}
	return names
}

// Change is what changed in the git repository at Dir since Base.
type Change struct {
	Files []string       // changed paths, relative to the repository root
	Base  *config.Config // benchmark_config.json at the merge base; nil if absent
}

// Since returns the change in the repository at dir between the merge base
// of base and HEAD and the working tree: the commits since the branch left
// base (git diff base...HEAD) and the changes not yet committed, staged or
// not, new untracked files included. Renames count as both paths. A
// benchmark_config.json at the merge base that does not parse is an error.
func Since(ctx context.Context, dir, base string) (Change, error) {
	mergeBase, err := git(ctx, dir, "merge-base", base, "HEAD")
	if err != nil {
		return Change{}, fmt.Errorf("--base %s: %w", base, err)
	}
	mergeBase = strings.TrimSpace(mergeBase)
	seen := map[string]bool{}
	var files []string
	for _, args := range [][]string{
		{"diff", "--name-only", "--no-renames", mergeBase, "HEAD"},
		{"diff", "--name-only", "--no-renames", "HEAD"},
		{"ls-files", "--others", "--exclude-standard"},
	} {
		out, err := git(ctx, dir, args...)
		if err != nil {
			return Change{}, err
		}
		for _, f := range strings.Split(out, "\n") {
			if f != "" && !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
	}
	slices.Sort(files)
	c := Change{Files: files}
	if old, err := git(ctx, dir, "show", mergeBase+":"+config.FileName); err == nil {
		c.Base, err = config.Parse([]byte(old))
		if err != nil {
			return Change{}, fmt.Errorf("--base %s: %s at the merge base %.12s: %w", base, config.FileName, mergeBase, err)
		}
	}
	return c, nil
}

// git runs git in dir and returns its standard output; an error carries
// the first line git wrote on standard error.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		if msg == "" {
			msg = err.Error()
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return "", fmt.Errorf("git %s: %w", args[0], err)
		}
		return "", fmt.Errorf("git %s: %s", args[0], msg)
	}
	return stdout.String(), nil
}
