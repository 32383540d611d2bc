package lint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
)

// repoRoot is the repository root, two levels above this package.
const repoRoot = "../.."

func TestRepositoryIsClean(t *testing.T) {
	problems, err := Check(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// newRepo copies the repository's benchmark_config.json and
// docker-compose.yml into a temporary root, after edit rewrites them, with
// a main package for each entry under frameworks/.
func newRepo(t *testing.T, editConfig, editCompose func(string) string) string {
	t.Helper()
	root := t.TempDir()
	for _, f := range []struct {
		name string
		edit func(string) string
	}{{config.FileName, editConfig}, {ComposeFile, editCompose}} {
		data, err := os.ReadFile(filepath.Join(repoRoot, f.name))
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		if f.edit != nil {
			text = f.edit(text)
		}
		if err := os.WriteFile(filepath.Join(root, f.name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(filepath.Join(repoRoot, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range cfg.Names() {
		writeFile(t, filepath.Join(root, "frameworks", name, "main.go"), "package main\n\nfunc main() {}\n")
	}
	writeFile(t, filepath.Join(root, "frameworks", "internal", "tfb", "tfb.go"), "package tfb\n")
	return root
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceIn returns an edit that replaces the first old after the line
// holding "after" (an entry's key, say) with new.
func replaceIn(after, old, new string) func(string) string {
	return func(s string) string {
		i := strings.Index(s, after)
		if i < 0 {
			panic("no " + after + " in the file")
		}
		j := strings.Index(s[i:], old)
		if j < 0 {
			panic("no " + old + " after " + after)
		}
		return s[:i+j] + new + s[i+j+len(old):]
	}
}

func TestCheckFindsProblems(t *testing.T) {
	tests := []struct {
		name    string
		config  func(string) string
		compose func(string) string
		files   func(t *testing.T, root string)
		want    []string
	}{
		{
			name:   "orm not allowed",
			config: replaceIn(`"gin": {`, `"orm": "Raw"`, `"orm": "Fast"`),
			want:   []string{`benchmark_config.json: tests[1].gin.orm: "Fast" is not one of Full, Micro, Raw`},
		},
		{
			name: "several descriptive fields",
			config: func(s string) string {
				s = replaceIn(`"echo": {`, `"approach": "Realistic"`, `"approach": "realistic"`)(s)
				s = replaceIn(`"echo": {`, `"classification": "Micro"`, `"classification": "Framework"`)(s)
				s = replaceIn(`"echo": {`, `"database": "Postgres"`, `"database": "PostgreSQL"`)(s)
				s = replaceIn(`"echo": {`, `"os": "Linux"`, `"os": "Debian"`)(s)
				s = replaceIn(`"echo": {`, `"database_os": "Linux"`, `"database_os": ""`)(s)
				s = replaceIn(`"echo": {`, `"language": "Go"`, `"language": "Golang"`)(s)
				return replaceIn(`"echo": {`, `"display_name": "Echo"`, `"display_name": ""`)(s)
			},
			want: []string{
				`benchmark_config.json: tests[2].echo.approach: "realistic" is not one of Realistic, Stripped`,
				`benchmark_config.json: tests[2].echo.classification: "Framework" is not one of Fullstack, Micro, Platform`,
				`benchmark_config.json: tests[2].echo.database: "PostgreSQL" is not one of MySQL, Postgres, MongoDB, None`,
				`benchmark_config.json: tests[2].echo.os: "Debian" is not one of Linux, Windows`,
				`benchmark_config.json: tests[2].echo.database_os: "" is not one of Linux, Windows`,
				`benchmark_config.json: tests[2].echo.language: "Golang", want Go: every entry here is written in Go`,
				`benchmark_config.json: tests[2].echo.display_name: missing: the name the results show`,
			},
		},
		{
			name: "URL shapes",
			config: func(s string) string {
				s = replaceIn(`"fiber": {`, `"json_url": "/json"`, `"json_url": "json"`)(s)
				s = replaceIn(`"fiber": {`, `"query_url": "/queries?queries="`, `"query_url": "/queries?queries"`)(s)
				return replaceIn(`"fiber": {`, `"plaintext_url": "/plaintext"`, `"plaintext_url": "/plaintext?x=1"`)(s)
			},
			want: []string{
				`benchmark_config.json: tests[3].fiber.json_url: "json" must start with /`,
				`benchmark_config.json: tests[3].fiber.query_url: "/queries?queries" must end with = or / so that the count can be appended, as in /queries?queries=`,
				`benchmark_config.json: tests[3].fiber.plaintext_url: "/plaintext?x=1": plaintext takes no query string`,
			},
		},
		{
			name:   "port",
			config: replaceIn(`"gin": {`, `"port": 8080`, `"port": 3000`),
			want:   []string{`benchmark_config.json: tests[1].gin.port: 3000, want 8080: every entry listens on 8080 in its container`},
		},
		{
			name:   "duplicate name",
			config: replaceIn(`"echo": {`, `"echo": {`, `"gin": {`),
			want: []string{
				`benchmark_config.json: tests[2].gin: duplicate entry name (also tests[1].gin)`,
				`frameworks/echo: a main package with no entry in benchmark_config.json`,
				`docker-compose.yml: services.echo: builds an entry, but benchmark_config.json has no entry "echo"`,
			},
		},
		{
			name:   "unknown field",
			config: replaceIn(`"gin": {`, `"port": 8080`, `"prot": 8080`),
			want:   []string{`benchmark_config.json: tests[1].gin: json: unknown field "prot"`},
		},
		{
			name:   "versus",
			config: replaceIn(`"gin": {`, `"versus": "go"`, `"versus": "gin"`),
			want:   []string{`benchmark_config.json: tests[1].gin.versus: "gin" names neither the project ("go") nor another entry`},
		},
		{
			name: "no main package",
			files: func(t *testing.T, root string) {
				writeFile(t, filepath.Join(root, "frameworks", "gin", "main.go"), "package gin\n")
			},
			want: []string{`benchmark_config.json: tests[1].gin: no main package in frameworks/gin: the entry's code lives there`},
		},
		{
			name: "main package without entry",
			files: func(t *testing.T, root string) {
				writeFile(t, filepath.Join(root, "frameworks", "extra", "main.go"), "package main\n")
			},
			want: []string{`frameworks/extra: a main package with no entry in benchmark_config.json`},
		},
		{
			name:    "compose ENTRY",
			compose: replaceIn("\n  echo:", "ENTRY: echo", "ENTRY: gin"),
			want:    []string{`docker-compose.yml: services.echo.build.args.ENTRY: "gin", want "echo"`},
		},
		{
			name:    "compose port",
			compose: replaceIn("\n  fiber:", `"127.0.0.1:${FIBER_PORT:-8082}:8080"`, `"${FIBER_PORT:-8082}:8081"`),
			want:    []string{`docker-compose.yml: services.fiber.ports: none publishes the entry's port 8080, as in "127.0.0.1:${NAME_PORT:-8084}:8080"`},
		},
		{
			name:    "compose all interfaces",
			compose: replaceIn("\n  fiber:", `"127.0.0.1:${FIBER_PORT:-8082}:8080"`, `"${FIBER_PORT:-8082}:8080"`),
			want:    []string{`docker-compose.yml: services.fiber.ports: "${FIBER_PORT:-8082}:8080": publish on 127.0.0.1 only, as in "127.0.0.1:${NAME_PORT:-8084}:8080"`},
		},
		{
			name:    "compose service missing",
			compose: replaceIn("\n  nethttp:", "\n  nethttp:", "\n  nethttp2:"),
			want: []string{
				`docker-compose.yml: services: no service "nethttp" for the entry tests[0].nethttp of benchmark_config.json`,
				`docker-compose.yml: services.nethttp2: builds an entry, but benchmark_config.json has no entry "nethttp2"`,
			},
		},
		{
			name:   "invalid JSON",
			config: func(s string) string { return s[:len(s)/2] },
			want:   []string{`benchmark_config.json: invalid JSON: unexpected EOF`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newRepo(t, tt.config, tt.compose)
			if tt.files != nil {
				tt.files(t, root)
			}
			problems, err := Check(root)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range problems {
				got = append(got, p.String())
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}
