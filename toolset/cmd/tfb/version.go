package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

// newVersionCommand is `tfb version`: the module version and VCS revision
// from the build information, then the Go version and platform, as in
// "tfb (devel) rev 1a2b3c4d5e6f 2026-11-26T02:00:00Z modified go1.26.0 linux/amd64".
func newVersionCommand() *base.Command {
	c := &base.Command{
		Name:      "version",
		UsageLine: "tfb version",
		Short:     "print tfb's version and the Go version it was built with",
		Long: `Print tfb's module version, the VCS revision and time it was built from (with
"modified" when the working tree had changes), and the Go version and platform.
`,
	}
	c.Run = func(_ context.Context, args []string) error {
		if len(args) > 0 {
			return base.Usagef("takes no arguments, got %q", args[0])
		}
		fmt.Fprintln(c.Stdout(), versionLine())
		return nil
	}
	return c
}

// versionLine describes the running binary from runtime/debug.ReadBuildInfo.
func versionLine() string {
	parts := []string{"tfb"}
	goVersion := runtime.Version()
	if info, ok := debug.ReadBuildInfo(); ok {
		parts = append(parts, info.Main.Version)
		goVersion = info.GoVersion
		settings := map[string]string{}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			parts = append(parts, "rev", rev[:min(12, len(rev))])
			if t := settings["vcs.time"]; t != "" {
				parts = append(parts, t)
			}
			if settings["vcs.modified"] == "true" {
				parts = append(parts, "modified")
			}
		}
	}
	parts = append(parts, goVersion, runtime.GOOS+"/"+runtime.GOARCH)
	return strings.Join(parts, " ")
}
