// Package lint checks the repository's entries as a whole before anything
// runs them: benchmark_config.json against TFB's schema and allowed values,
// each entry's directory and main package, and its docker-compose.yml
// service. Every problem is named by file and field.
package lint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/go-tfb/suite/toolset/config"
)

// ComposeFile is the name of the Compose file at the repository root.
const ComposeFile = "docker-compose.yml"

// Problem is one thing wrong in the repository's entries.
type Problem struct {
	File  string // the file at fault, relative to the repository root
	Field string // where in the file, such as tests[0].gin.orm; empty for the whole file
	Text  string // what is wrong and what is expected
}

// String formats the problem as "file: field: text".
func (p Problem) String() string {
	if p.Field == "" {
		return p.File + ": " + p.Text
	}
	return p.File + ": " + p.Field + ": " + p.Text
}

// Allowed values of the descriptive fields, as TFB's toolset lists them
// (toolset/utils/metadata.py); "None" marks a field that may be left out.
var (
	allowedApproach       = []string{"Realistic", "Stripped"}
	allowedClassification = []string{"Fullstack", "Micro", "Platform"}
	allowedDatabase       = []string{"MySQL", "Postgres", "MongoDB", "None"}
	allowedORM            = []string{"Full", "Micro", "Raw"}
	allowedOS             = []string{"Linux", "Windows"}
)

// entryPort is the port every entry listens on inside its container: the
// Dockerfile's EXPOSE and the compose services' PORT.
const entryPort = 8080

// validName is an entry name's shape: a Go package name that is also a
// directory, image and compose service name.
var validName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// Check lints the repository at root and returns every problem it finds,
// in file order. The error is for what stops the check itself, such as an
// unreadable file.
func Check(root string) ([]Problem, error) {
	c := &checker{root: root}
	entries, err := c.config()
	if err != nil {
		return nil, err
	}
	if err := c.directories(entries); err != nil {
		return nil, err
	}
	if err := c.compose(entries); err != nil {
		return nil, err
	}
	return c.problems, nil
}

type checker struct {
	root     string
	problems []Problem
	// listed is whether benchmark_config.json could be read: if not, the
	// other files are not blamed for entries it does not list.
	listed bool
}

func (c *checker) add(file, field, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: file, Field: field, Text: fmt.Sprintf(format, args...)})
}

// entry is one benchmark_config.json entry as lint sees it.
type entry struct {
	name  string
	field string // tests[i].name
	test  config.Test
}

// config checks benchmark_config.json and returns its entries, the faulty
// ones included so that the other files are still checked against them.
func (c *checker) config() ([]entry, error) {
	file := config.FileName
	data, err := os.ReadFile(filepath.Join(c.root, file))
	if errors.Is(err, fs.ErrNotExist) {
		c.add(file, "", "missing: every entry is listed there")
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	var f struct {
		Framework string            `json:"framework"`
		Tests     []json.RawMessage `json:"tests"`
	}
	if err := strictDecode(data, &f); err != nil {
		c.add(file, "", "invalid JSON: %v", err)
		return nil, nil
	}
	c.listed = true
	if f.Framework == "" {
		c.add(file, "framework", "missing: the project's name, which versus may name")
	}
	if len(f.Tests) == 0 {
		c.add(file, "tests", "no entries")
	}
	var entries []entry
	seen := map[string]string{}
	for i, raw := range f.Tests {
		var group map[string]json.RawMessage
		if err := json.Unmarshal(raw, &group); err != nil {
			c.add(file, fmt.Sprintf("tests[%d]", i), "want an object mapping entry names to their settings: %v", err)
			continue
		}
		names := make([]string, 0, len(group))
		for name := range group {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			field := fmt.Sprintf("tests[%d].%s", i, name)
			if prev, ok := seen[name]; ok {
				c.add(file, field, "duplicate entry name (also %s)", prev)
				continue
			}
			seen[name] = field
			if !validName.MatchString(name) {
				c.add(file, field, "entry name %q: want lower-case letters and digits, starting with a letter (it names frameworks/%s and the compose service)", name, name)
			}
			t := config.Test{Name: name}
			if err := strictDecode(group[name], &t); err != nil {
				c.add(file, field, "%v", err)
			} else {
				c.entry(file, field, t)
			}
			entries = append(entries, entry{name: name, field: field, test: t})
		}
	}
	c.versus(file, f.Framework, entries)
	return entries, nil
}

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// entry checks one entry's port, URLs and descriptive fields.
func (c *checker) entry(file, field string, t config.Test) {
	if t.Port != entryPort {
		c.add(file, field+".port", "%d, want %d: every entry listens on %d in its container", t.Port, entryPort, entryPort)
	}
	if len(t.Types()) == 0 {
		c.add(file, field, "declares no test URL (json_url, db_url, ...)")
	}
	for _, tt := range config.TestTypes {
		u := t.URL(tt)
		if u == "" {
			continue
		}
		name := field + "." + string(tt) + "_url"
		switch {
		case !strings.HasPrefix(u, "/"):
			c.add(file, name, "%q must start with /", u)
		case strings.ContainsAny(u, " \t#"):
			c.add(file, name, "%q: a URL path has no spaces or #", u)
		case tt.TakesCount() && !strings.HasSuffix(u, "=") && !strings.HasSuffix(u, "/"):
			c.add(file, name, "%q must end with = or / so that the count can be appended, as in /queries?queries=", u)
		case !tt.TakesCount() && strings.Contains(u, "?"):
			c.add(file, name, "%q: %s takes no query string", u, tt)
		}
	}
	oneOf := func(name, value string, allowed []string) {
		if !slices.Contains(allowed, value) {
			c.add(file, field+"."+name, "%q is not one of %s", value, strings.Join(allowed, ", "))
		}
	}
	required := func(name, value, hint string) {
		if value == "" || strings.EqualFold(value, "None") {
			c.add(file, field+"."+name, "missing: %s", hint)
		}
	}
	oneOf("approach", t.Approach, allowedApproach)
	oneOf("classification", t.Classification, allowedClassification)
	oneOf("database", t.Database, allowedDatabase)
	oneOf("os", t.OS, allowedOS)
	if t.Database == "None" {
		oneOf("orm", t.ORM, append(allowedORM, "None"))
		oneOf("database_os", t.DatabaseOS, append(allowedOS, "None"))
		for _, tt := range []config.TestType{config.DB, config.Query, config.Fortune, config.Update, config.CachedQuery} {
			if t.URL(tt) != "" {
				c.add(file, field+".database", `"None", but the entry declares %s_url, which needs the database`, tt)
				break
			}
		}
	} else {
		oneOf("orm", t.ORM, allowedORM)
		oneOf("database_os", t.DatabaseOS, allowedOS)
	}
	if t.Language != "Go" {
		c.add(file, field+".language", "%q, want Go: every entry here is written in Go", t.Language)
	}
	required("framework", t.Framework, "the framework's name, such as Gin")
	required("display_name", t.DisplayName, "the name the results show")
	if t.Platform == "" {
		c.add(file, field+".platform", `missing: the platform it runs on, such as Go (net/http) or fasthttp, or "None"`)
	}
	if t.Webserver == "" {
		c.add(file, field+".webserver", `missing: the front-end server, or "None"`)
	}
	if t.Flavor == "" {
		c.add(file, field+".flavor", `missing: "None" unless the language has flavours`)
	}
}

// versus checks that each entry's versus names the project or another entry.
func (c *checker) versus(file, project string, entries []entry) {
	var names []string
	for _, e := range entries {
		names = append(names, e.name)
	}
	for _, e := range entries {
		v := e.test.Versus
		if v == "" || v == project || (slices.Contains(names, v) && v != e.name) {
			continue
		}
		c.add(file, e.field+".versus", "%q names neither the project (%q) nor another entry", v, project)
	}
}

// directories checks that each entry has frameworks/NAME with a main
// package, and that each main package there has an entry.
func (c *checker) directories(entries []entry) error {
	fset := token.NewFileSet()
	mains := map[string]bool{}
	dirs, err := os.ReadDir(filepath.Join(c.root, "frameworks"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("lint: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join(c.root, "frameworks", d.Name())
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			return fmt.Errorf("lint: %w", err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := parser.ParseFile(fset, f, nil, parser.PackageClauseOnly)
			if err != nil {
				rel, _ := filepath.Rel(c.root, f)
				c.add(filepath.ToSlash(rel), "", "%v", err)
				continue
			}
			if src.Name.Name == "main" {
				mains[d.Name()] = true
				break
			}
		}
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[e.name] = true
		if !mains[e.name] {
			c.add(config.FileName, e.field, "no main package in frameworks/%s: the entry's code lives there", e.name)
		}
	}
	for _, d := range dirs {
		if c.listed && mains[d.Name()] && !names[d.Name()] {
			c.add("frameworks/"+d.Name(), "", "a main package with no entry in %s", config.FileName)
		}
	}
	return nil
}
