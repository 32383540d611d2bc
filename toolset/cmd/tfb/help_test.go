package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

var updateHelp = flag.Bool("update-help", false, "rewrite testdata/help from the help tfb prints now")

// TestHelpPages compares `tfb help` and `tfb help NAME` of every command
// with testdata/help, so that a change of a help page, written or
// generated from the flags, is one that was meant. After such a change:
// go test -run TestHelpPages -update-help ./toolset/cmd/tfb/
func TestHelpPages(t *testing.T) {
	pages := map[string][]string{"tfb": {"help"}}
	for _, c := range program().Commands {
		pages[c.Name] = []string{"help", c.Name}
	}
	for name, args := range pages {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(args, &stdout, &stderr); code != base.ExitOK || stderr.Len() > 0 {
				t.Fatalf("tfb %q: exit %d, stderr %q", args, code, stderr.String())
			}
			file := filepath.Join("testdata", "help", name+".txt")
			if *updateHelp {
				if err := os.WriteFile(file, stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (a new command? go test -run TestHelpPages -update-help)", err)
			}
			if stdout.String() != string(want) {
				t.Errorf("tfb %q differs from %s:\n%s", args, file, stdout.String())
			}
		})
	}
}
