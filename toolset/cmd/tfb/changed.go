package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/go-tfb/suite/toolset/changed"
)

const changedHelp = `Usage: tfb changed --base REF [--json] [--config PATH]

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

Flags:
  --base REF     the branch or commit to compare with, e.g. origin/main (required)
  --json         print a JSON array of names instead, e.g. ["chi","gin"], for a
                 GitHub Actions matrix (fromJSON); [] when none is affected
  --config PATH  benchmark_config.json of the repository (default: found in this
                 directory or above)
`

// cmdChanged runs `tfb changed`.
func cmdChanged(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tfb changed", flag.ContinueOnError)
	base := fs.String("base", "", "")
	asJSON := fs.Bool("json", false, "")
	configPath := fs.String("config", "", "")
	rest, code, done := parseCommandArgs(fs, changedHelp, args, stdout, stderr)
	if done {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "tfb changed: unexpected argument %q (usage: tfb changed --base REF [--json])\n", rest[0])
		return exitUsage
	}
	if *base == "" {
		fmt.Fprint(stderr, "tfb changed: missing --base REF, the branch or commit to compare with (e.g. --base origin/main)\n")
		return exitUsage
	}
	root, cfg, err := loadRepository(*configPath)
	if err != nil {
		fmt.Fprintf(stderr, "tfb changed: %v\n", err)
		return exitFailed
	}
	change, err := changed.Since(ctx, root, *base)
	if err != nil {
		fmt.Fprintf(stderr, "tfb changed: %v\n", err)
		return exitFailed
	}
	names := changed.Affected(cfg, change.Base, change.Files)
	if *asJSON {
		if names == nil {
			names = []string{}
		}
		out, err := json.Marshal(names)
		if err != nil {
			fmt.Fprintf(stderr, "tfb changed: %v\n", err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "%s\n", out)
		return exitOK
	}
	for _, n := range names {
		fmt.Fprintln(stdout, n)
	}
	return exitOK
}
