package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/go-tfb/suite/toolset/changed"
	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

// newChangedCommand is `tfb changed`.
func newChangedCommand() *base.Command {
	c := &base.Command{
		Name:  "changed",
		Short: "list the entries a change affects (for CI)",
		Long: `Usage: tfb changed --base REF [--json] [--config PATH]

Lists the entries that the changes since REF affect, one name per line, so that
only those need verifying. The changes are the commits since the branch left REF
(git diff REF...HEAD) and the changes not yet committed (staged, unstaged and
untracked files), so that it answers for the working tree as it is.

  frameworks/NAME/...        affects the entry NAME
  frameworks/internal/..., db/..., go.mod, go.sum, frameworks/Dockerfile,
  docker-compose.yml         affect every entry
  benchmark_config.json      affects the entries whose settings changed
  anything else (docs, toolset, CI files)
                             affects none
`,
		Layout: base.Layout{Column: 17, Width: 85},
	}
	f := &changedFlags{}
	addChangedFlags(&c.Flags, f)
	c.Run = func(ctx context.Context, args []string) error { return runChanged(ctx, c.Stdout(), f, args) }
	return c
}

// changedFlags are the flags of tfb changed.
type changedFlags struct {
	baseRef, configPath string
	asJSON              bool
}

// addChangedFlags adds --base, --json and --config.
func addChangedFlags(fs *base.FlagSet, f *changedFlags) {
	g := fs.Group(headingFlags)
	g.StringVar(&f.baseRef, "base", "REF", "the branch or commit to compare with, e.g. origin/main (required)")
	g.BoolVar(&f.asJSON, "json", `print a JSON array of names instead, e.g. ["chi","gin"], for a GitHub Actions matrix (fromJSON); [] when none is affected`)
	addRepositoryFlag(fs, &f.configPath)
}

// runChanged prints the entries that the changes since --base affect.
func runChanged(ctx context.Context, stdout io.Writer, f *changedFlags, args []string) error {
	if len(args) > 0 {
		return base.Usagef("unexpected argument %q (usage: tfb changed --base REF [--json])", args[0])
	}
	if f.baseRef == "" {
		return base.Usagef("missing --base REF, the branch or commit to compare with (e.g. --base origin/main)")
	}
	root, cfg, err := loadRepository(f.configPath)
	if err != nil {
		return err
	}
	change, err := changed.Since(ctx, root, f.baseRef)
	if err != nil {
		return err
	}
	names := changed.Affected(cfg, change.Base, change.Files)
	if f.asJSON {
		if names == nil {
			names = []string{}
		}
		out, err := json.Marshal(names)
		if err != nil {
			return fmt.Errorf("encode the names: %w", err)
		}
		fmt.Fprintf(stdout, "%s\n", out)
		return nil
	}
	for _, n := range names {
		fmt.Fprintln(stdout, n)
	}
	return nil
}
