// Package tfbrepo reads a FrameworkBenchmarks tree — a checkout of
// TechEmpower's repository, of any commit, or any tree with its
// frameworks/<Language>/<dir>/benchmark_config.json layout — into entries
// of this suite: each of its tests becomes an entry named "tfb-" and TFB's
// own test name, carrying where it comes from (config.Origin). It also
// reads the tests' dockerfiles and follows their build steps on this
// machine's Go (Build), for the local runtime and for the docker runtime's
// offline builds.
package tfbrepo

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/agext/levenshtein"

	"github.com/go-tfb/suite/toolset/config"
)

// EnvVar names the environment variable that gives --tfb-repo's default.
const EnvVar = "TFB_REPO"

// UnknownCommit is the commit of a tree without git metadata.
const UnknownCommit = "unknown"

// Tree is a FrameworkBenchmarks tree, read.
type Tree struct {
	// Dir is the tree's root, absolute.
	Dir string
	// Commit is the tree's git commit (git rev-parse HEAD), or UnknownCommit.
	Commit string
	// Tests are every test of every benchmark_config.json under
	// frameworks/*/*/, as entries named "tfb-" and TFB's test name, in
	// name order.
	Tests []config.Test
	// Problems are the benchmark_config.json files that could not be read,
	// one line each; their tests are missing from Tests.
	Problems []string
}

// configGlob is where TFB's toolset looks for the tests' configurations
// (toolset/utils/metadata.py: "{lang_root}/*/*/benchmark_config.json").
var configGlob = filepath.Join("frameworks", "*", "*", config.FileName)

// Open reads the tree at dir. It fails, saying what it looked for and
// where, when dir holds no frameworks/<Language>/<dir>/benchmark_config.json.
func Open(ctx context.Context, dir string) (*Tree, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("tfb repo %s: %w", dir, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("tfb repo %s: %w", dir, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("tfb repo %s: not a directory (want a FrameworkBenchmarks checkout)", dir)
	}
	files, err := filepath.Glob(filepath.Join(abs, configGlob))
	if err != nil {
		return nil, fmt.Errorf("tfb repo %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, notATree(abs)
	}
	t := &Tree{Dir: abs, Commit: Commit(ctx, abs)}
	for _, f := range files {
		tests, err := readConfig(t, f)
		if err != nil {
			rel, _ := filepath.Rel(abs, f)
			t.Problems = append(t.Problems, fmt.Sprintf("%s: %v", rel, err))
			continue
		}
		t.Tests = append(t.Tests, tests...)
	}
	slices.SortFunc(t.Tests, func(a, b config.Test) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(t.Tests); i++ {
		if t.Tests[i].Name == t.Tests[i-1].Name {
			t.Problems = append(t.Problems, fmt.Sprintf("%s and %s both name a test %s",
				rel(abs, t.Tests[i-1].Origin.Dir), rel(abs, t.Tests[i].Origin.Dir), t.Tests[i].Origin.TestName))
		}
	}
	for _, p := range t.Problems {
		slog.Debug("tfb repo: skipped", "problem", p)
	}
	return t, nil
}

// notATree says what Open looked for, where, and what it found instead.
func notATree(dir string) error {
	what := "no frameworks directory"
	if entries, err := os.ReadDir(filepath.Join(dir, "frameworks")); err == nil {
		var langs []string
		for _, e := range entries {
			if e.IsDir() {
				langs = append(langs, e.Name())
			}
		}
		what = fmt.Sprintf("frameworks/ holds %d directories but none has a <dir>/%s", len(langs), config.FileName)
	}
	return fmt.Errorf("tfb repo %s: not a FrameworkBenchmarks tree: looked for %s under it, found none (%s); pass a checkout of TechEmpower/FrameworkBenchmarks",
		dir, filepath.Join("frameworks", "<Language>", "<dir>", config.FileName), what)
}

func rel(base, path string) string {
	if r, err := filepath.Rel(base, path); err == nil {
		return r
	}
	return path
}

// tfbConfig is the part of a test's benchmark_config.json that TFB's
// toolset reads beyond what config.Test holds.
type tfbConfig struct {
	Framework string                       `json:"framework"`
	Tests     []map[string]json.RawMessage `json:"tests"`
}

type tfbTestExtra struct {
	Dockerfile string   `json:"dockerfile"`
	Tags       []string `json:"tags"`
}

// readConfig reads one benchmark_config.json into entries, named as TFB's
// toolset names them (toolset/utils/metadata.py, parse_config): the
// "default" test after the config's framework, any other as
// "<framework>-<key>"; the dockerfile is "<name>.dockerfile" unless the
// test names one (docker_helper.py, build).
func readConfig(t *Tree, path string) ([]config.Test, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c tfbConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if c.Framework == "" {
		return nil, errors.New(`field "framework": missing`)
	}
	dir := filepath.Dir(path)
	language := filepath.Base(filepath.Dir(dir))
	var tests []config.Test
	for _, group := range c.Tests {
		for key, raw := range group {
			var test config.Test
			var extra tfbTestExtra
			if err := json.Unmarshal(raw, &test); err != nil {
				return nil, fmt.Errorf("tests.%s: %w", key, err)
			}
			if err := json.Unmarshal(raw, &extra); err != nil {
				return nil, fmt.Errorf("tests.%s: %w", key, err)
			}
			name := c.Framework
			if key != "default" {
				name = c.Framework + "-" + key
			}
			test.Name = config.TFBPrefix + name
			if test.Framework == "" {
				test.Framework = c.Framework
			}
			if test.Language == "" {
				test.Language = language
			}
			test.Origin = &config.Origin{
				Tree:       t.Dir,
				Dir:        dir,
				Language:   language,
				TestName:   name,
				Dockerfile: cmp.Or(extra.Dockerfile, name+".dockerfile"),
				Tags:       extra.Tags,
				Commit:     t.Commit,
			}
			tests = append(tests, test)
		}
	}
	return tests, nil
}

// Commit returns the git commit of the tree at dir (its HEAD), or
// UnknownCommit when dir is not the top of a git work tree or git is
// missing.
func Commit(ctx context.Context, dir string) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--show-toplevel", "--verify", "HEAD^{commit}")
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		slog.Debug("tfb repo: no git commit", "dir", dir, "err", err)
		return UnknownCommit
	}
	lines := strings.Fields(out.String())
	if len(lines) != 2 {
		return UnknownCommit
	}
	// A tree inside another repository (a copy, a test's tree) has no
	// commit of its own.
	top, err1 := filepath.EvalSymlinks(lines[0])
	here, err2 := filepath.EvalSymlinks(dir)
	if err1 != nil || err2 != nil || top != here {
		slog.Debug("tfb repo: not the top of its git work tree", "dir", dir, "top", lines[0])
		return UnknownCommit
	}
	return lines[1]
}

// Test returns the test called name ("tfb-fiber"). When the tree has none,
// the error lists the names close to it.
func (t *Tree) Test(name string) (config.Test, error) {
	i, found := slices.BinarySearchFunc(t.Tests, name, func(a config.Test, n string) int { return strings.Compare(a.Name, n) })
	if found {
		return t.Tests[i], nil
	}
	msg := fmt.Sprintf("%s has no test %s", t.Dir, strings.TrimPrefix(name, config.TFBPrefix))
	if close := t.closeNames(name); len(close) > 0 {
		msg += " (close: " + strings.Join(close, ", ") + ")"
	} else {
		msg += " (tfb list --tfb-repo " + t.Dir + " lists its tests)"
	}
	return config.Test{}, errors.New(msg)
}

// maxClose is how many close names an unknown name's error lists.
const maxClose = 8

// closeNames are the tests whose names extend name, or are a few edits
// from it, nearest first.
func (t *Tree) closeNames(name string) []string {
	type candidate struct {
		name string
		dist int
	}
	var cands []candidate
	limit := max(2, len(strings.TrimPrefix(name, config.TFBPrefix))/3)
	for _, test := range t.Tests {
		d := levenshtein.Distance(name, test.Name, nil)
		if strings.HasPrefix(test.Name, name+"-") || strings.HasPrefix(name, test.Name+"-") || d <= limit {
			cands = append(cands, candidate{test.Name, d})
		}
	}
	slices.SortStableFunc(cands, func(a, b candidate) int { return a.dist - b.dist })
	var names []string
	for _, c := range cands[:min(len(cands), maxClose)] {
		names = append(names, c.name)
	}
	return names
}
