package changed

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
)

// gitEnv makes commits in the test repositories independent of the
// machine's git configuration.
var gitEnv = []string{
	"GIT_AUTHOR_NAME=test", "GIT_AUTHOR_EMAIL=test@example.com",
	"GIT_COMMITTER_NAME=test", "GIT_COMMITTER_EMAIL=test@example.com",
	"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
}

func run(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gitEnv...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func write(t *testing.T, root, name, text string) {
	t.Helper()
	path := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// newRepo creates a git repository whose main branch holds the
// repository's benchmark_config.json and a file in each place the rules
// name, and checks out a branch "work" from it.
func newRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	run(t, root, "init", "-q", "-b", "main")
	data, err := os.ReadFile(filepath.Join("..", "..", config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	write(t, root, config.FileName, string(data))
	for _, f := range []string{
		"frameworks/gin/main.go", "frameworks/echo/main.go", "frameworks/nethttp/main.go",
		"frameworks/fiber/main.go", "frameworks/chi/main.go", "frameworks/internal/tfb/tfb.go",
		"frameworks/Dockerfile", "frameworks/conformance_test.go", "db/create-postgres.sql",
		"go.mod", "go.sum", "docker-compose.yml", "README.md", "docs/spec.md", "toolset/verify/verify.go",
	} {
		write(t, root, f, "// "+f+"\n")
	}
	run(t, root, "add", "-A")
	run(t, root, "commit", "-q", "-m", "base")
	run(t, root, "checkout", "-q", "-b", "work")
	return root
}

func TestSince(t *testing.T) {
	cfg, err := config.Load(filepath.Join("..", "..", config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	allEntries := config.Names(cfg.Tests) // every entry, in the file's order
	tests := []struct {
		name    string
		change  func(t *testing.T, root string)
		want    []string
		wantErr string // a pattern Since's error must match whole; "" for success
	}{
		{"nothing", func(t *testing.T, root string) {}, nil, ""},
		{"an entry's folder, committed", func(t *testing.T, root string) {
			write(t, root, "frameworks/gin/main.go", "// changed\n")
			run(t, root, "commit", "-q", "-am", "gin")
		}, []string{"gin"}, ""},
		{"a new file in an entry's folder, untracked", func(t *testing.T, root string) {
			write(t, root, "frameworks/echo/extra.go", "package main\n")
		}, []string{"echo"}, ""},
		{"two entries, one staged, one not", func(t *testing.T, root string) {
			write(t, root, "frameworks/chi/main.go", "// changed\n")
			run(t, root, "add", "frameworks/chi/main.go")
			write(t, root, "frameworks/nethttp/main.go", "// changed\n")
		}, []string{"nethttp", "chi"}, ""},
		{"shared code", func(t *testing.T, root string) {
			write(t, root, "frameworks/internal/tfb/tfb.go", "// changed\n")
			run(t, root, "commit", "-q", "-am", "tfb")
		}, allEntries, ""},
		{"database", func(t *testing.T, root string) {
			write(t, root, "db/create-postgres.sql", "-- changed\n")
		}, allEntries, ""},
		{"go.sum", func(t *testing.T, root string) { write(t, root, "go.sum", "changed\n") }, allEntries, ""},
		{"Dockerfile", func(t *testing.T, root string) { write(t, root, "frameworks/Dockerfile", "# changed\n") }, allEntries, ""},
		{"docs, README, toolset, conformance test", func(t *testing.T, root string) {
			write(t, root, "docs/spec.md", "changed\n")
			write(t, root, "README.md", "changed\n")
			write(t, root, "docs/new.md", "new\n")
			write(t, root, "toolset/verify/verify.go", "// changed\n")
			write(t, root, "frameworks/conformance_test.go", "// changed\n")
			run(t, root, "commit", "-q", "-am", "docs")
		}, nil, ""},
		{"one entry's settings in benchmark_config.json", func(t *testing.T, root string) {
			data, _ := os.ReadFile(filepath.Join(root, config.FileName))
			text := string(data)
			i := strings.Index(text, `"echo": {`)
			text = text[:i] + strings.Replace(text[i:], `"notes": ""`, `"notes": "changed"`, 1)
			write(t, root, config.FileName, text)
			run(t, root, "commit", "-q", "-am", "echo notes")
		}, []string{"echo"}, ""},
		{"a rename out of an entry's folder", func(t *testing.T, root string) {
			run(t, root, "mv", "frameworks/fiber/main.go", "docs/fiber.go")
			run(t, root, "commit", "-q", "-m", "move")
		}, []string{"fiber"}, ""},
		{"main moved on: its own changes do not count", func(t *testing.T, root string) {
			run(t, root, "checkout", "-q", "main")
			write(t, root, "frameworks/gin/main.go", "// changed on main\n")
			run(t, root, "commit", "-q", "-am", "gin on main")
			run(t, root, "checkout", "-q", "work")
			write(t, root, "frameworks/echo/main.go", "// changed on work\n")
			run(t, root, "commit", "-q", "-am", "echo on work")
		}, []string{"echo"}, ""},
		{"a base whose benchmark_config.json does not parse", func(t *testing.T, root string) {
			write(t, root, config.FileName, `{"framework": "go"}`)
			run(t, root, "commit", "-q", "-am", "a config without entries")
			run(t, root, "branch", "-f", "main") // the merge base now holds it
		}, nil, `^--base main: benchmark_config\.json at the merge base [0-9a-f]{12}: field "tests": no entries$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newRepo(t)
			tt.change(t, root)
			change, err := Since(context.Background(), root, "main")
			if tt.wantErr != "" {
				if err == nil || !regexp.MustCompile(tt.wantErr).MatchString(err.Error()) {
					t.Fatalf("Since: error %v, want one matching %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(filepath.Join(root, config.FileName))
			if err != nil {
				t.Fatal(err)
			}
			if got := Affected(cfg, change.Base, change.Files); !slices.Equal(got, tt.want) {
				t.Errorf("affected %v, want %v (changed files %v)", got, tt.want, change.Files)
			}
		})
	}
}

func TestSinceUnknownBase(t *testing.T) {
	root := newRepo(t)
	_, err := Since(context.Background(), root, "origin/nope")
	if err == nil || !strings.Contains(err.Error(), "--base origin/nope: git merge-base:") || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %v, want one line naming --base and git merge-base", err)
	}
}

func TestAffectedNewEntry(t *testing.T) {
	base := &config.Config{Tests: []config.Test{{Name: "gin", Port: 8080}}}
	cfg := &config.Config{Tests: []config.Test{{Name: "gin", Port: 8080}, {Name: "demo", Port: 8080}}}
	if got := Affected(cfg, base, []string{config.FileName}); !slices.Equal(got, []string{"demo"}) {
		t.Errorf("affected %v, want [demo]", got)
	}
	if got := Affected(cfg, nil, []string{config.FileName}); !slices.Equal(got, []string{"gin", "demo"}) {
		t.Errorf("with no base: affected %v, want every entry", got)
	}
}
