package tfbrepo_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/tfbrepo"
	"github.com/go-tfb/suite/toolset/tfbrepo/tfbrepotest"
)

func TestBuildFollowsTheDockerfile(t *testing.T) {
	tree, err := tfbrepo.Open(context.Background(), tfbrepotest.Tree(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		command   string // the end of the command's last word
		notes     []string
		greetings string
	}{
		{"tfb-gotest", "./app", []string{"this machine's Go"}, ""},
		{"tfb-gotest-stages", "Hello, World!", []string{
			"skipped apk add --no-cache git (a package manager's command)",
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			test, err := tree.Test(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var log strings.Builder
			res, err := tfbrepo.Build(context.Background(), test, tfbrepo.Options{Dir: dir, Log: &log})
			if err != nil {
				t.Fatalf("%v\n%s", err, log.String())
			}
			if last := res.Command[len(res.Command)-1]; !strings.HasSuffix(last, tc.command) {
				t.Errorf("command = %q, want it to end with %q", res.Command, tc.command)
			}
			notes := strings.Join(res.Notes, "\n")
			for _, n := range tc.notes {
				if !strings.Contains(notes, n) {
					t.Errorf("notes lack %q:\n%s", n, notes)
				}
			}
			if !strings.HasPrefix(res.Dir, dir) {
				t.Errorf("runs in %s, outside the scratch directory %s", res.Dir, dir)
			}
			// The command's binary is in the scratch directory, built.
			var bin string
			for _, w := range res.Command {
				if strings.HasPrefix(w, dir) {
					bin = w
				}
			}
			if bin == "" {
				bin = filepath.Join(res.Dir, "app")
			}
			if _, err := os.Stat(bin); err != nil {
				t.Errorf("binary: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "stage-0", "gotest", "app.log")); err == nil {
				t.Error(".dockerignore's app.log was copied")
			}
		})
	}
}

func TestBuildReportsWhatItCannotFollow(t *testing.T) {
	tree, err := tfbrepo.Open(context.Background(), tfbrepotest.Tree(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want, output string }{
		{"tfb-gotest-curl", "line 4: RUN curl -sSfL https://example.invalid/install.sh | sh: runs curl, which the local runtime does not run", ""},
		{"tfb-gotest-nocompile", "line 4: RUN go build -o app ./nocompile: exit status 1", "undefined: undefinedName"},
		{"tfb-pytest", "written in Python: the local runtime builds Go tests only", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			test, err := tree.Test(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			_, err = tfbrepo.Build(context.Background(), test, tfbrepo.Options{Dir: t.TempDir()})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Build = %v, want an error with %q", err, tc.want)
			}
			var step *tfbrepo.StepError
			if tc.output != "" && (!errors.As(err, &step) || !strings.Contains(step.Output, tc.output)) {
				t.Errorf("step output lacks %q: %v", tc.output, err)
			}
		})
	}
}

func TestBuiltCommandRuns(t *testing.T) {
	tree, err := tfbrepo.Open(context.Background(), tfbrepotest.Tree(t))
	if err != nil {
		t.Fatal(err)
	}
	test, err := tree.Test("tfb-gotest")
	if err != nil {
		t.Fatal(err)
	}
	res, err := tfbrepo.Build(context.Background(), test, tfbrepo.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// The generator ran: the binary answers -h with the generated default.
	cmd := exec.Command(res.Command[0], append(res.Command[1:len(res.Command)-1], res.Command[len(res.Command)-1]+" -h")...)
	cmd.Dir, cmd.Env = res.Dir, append(os.Environ(), res.Env...)
	out, _ := cmd.CombinedOutput()
	if !strings.Contains(string(out), `default "Hello, World!"`) {
		t.Errorf("./app -h printed %s", out)
	}
}
