// Package config reads benchmark_config.json, the TFB-schema file that lists
// every framework entry, the URLs of the test types it implements and how it
// describes itself.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// FileName is the name of the configuration file at the repository root.
const FileName = "benchmark_config.json"

// TestType names one of TFB's seven test types, spelt as TFB spells them.
type TestType string

// The seven TFB test types, in the order TFB runs them.
const (
	JSON        TestType = "json"
	DB          TestType = "db"
	Query       TestType = "query"
	Fortune     TestType = "fortune"
	Update      TestType = "update"
	Plaintext   TestType = "plaintext"
	CachedQuery TestType = "cached_query"
)

// TakesCount reports whether the test type's URL ends with a count parameter
// (queries= or count=) to which a number is appended: query, update and
// cached_query.
func (tt TestType) TakesCount() bool {
	return tt == Query || tt == Update || tt == CachedQuery
}

// TestTypes lists every test type in TFB's order.
var TestTypes = []TestType{JSON, DB, Query, Fortune, Update, Plaintext, CachedQuery}

// ParseTestType returns the test type named s, or an error listing the valid names.
func ParseTestType(s string) (TestType, error) {
	t := TestType(s)
	if slices.Contains(TestTypes, t) {
		return t, nil
	}
	names := make([]string, len(TestTypes))
	for i, tt := range TestTypes {
		names[i] = string(tt)
	}
	return "", fmt.Errorf("unknown test type %q (valid: %s)", s, strings.Join(names, ", "))
}

// Test is one entry of benchmark_config.json: a framework implementation and
// the test types it serves. Name is the key of the entry, which is also the
// directory under frameworks/ that holds its code.
type Test struct {
	Name string `json:"-"`

	JSONURL        string `json:"json_url,omitempty"`
	DBURL          string `json:"db_url,omitempty"`
	QueryURL       string `json:"query_url,omitempty"`
	FortuneURL     string `json:"fortune_url,omitempty"`
	UpdateURL      string `json:"update_url,omitempty"`
	PlaintextURL   string `json:"plaintext_url,omitempty"`
	CachedQueryURL string `json:"cached_query_url,omitempty"`
	Port           int    `json:"port"`

	Approach       string `json:"approach"`
	Classification string `json:"classification"`
	Database       string `json:"database"`
	Framework      string `json:"framework"`
	Language       string `json:"language"`
	Flavor         string `json:"flavor"`
	ORM            string `json:"orm"`
	Platform       string `json:"platform"`
	Webserver      string `json:"webserver"`
	OS             string `json:"os"`
	DatabaseOS     string `json:"database_os"`
	DisplayName    string `json:"display_name"`
	Notes          string `json:"notes"`
	Versus         string `json:"versus"`

	// Origin is where a test of a FrameworkBenchmarks tree comes from; nil
	// for this suite's own entries.
	Origin *Origin `json:"-"`
	// Reference marks a reference server that does no framework work (tfb
	// ceiling's nginx, toolset/nginx): the runtimes run it from the
	// operating system's packages instead of building an entry.
	Reference bool `json:"-"`
}

// URL returns the URL path the entry declares for test type t, or "" when the
// entry does not implement it. Query-style URLs end with their parameter
// (for example "/queries?queries="), so a count can be appended.
func (t Test) URL(tt TestType) string {
	switch tt {
	case JSON:
		return t.JSONURL
	case DB:
		return t.DBURL
	case Query:
		return t.QueryURL
	case Fortune:
		return t.FortuneURL
	case Update:
		return t.UpdateURL
	case Plaintext:
		return t.PlaintextURL
	case CachedQuery:
		return t.CachedQueryURL
	}
	return ""
}

// Types returns the test types the entry implements, in TFB's order.
func (t Test) Types() []TestType {
	var types []TestType
	for _, tt := range TestTypes {
		if t.URL(tt) != "" {
			types = append(types, tt)
		}
	}
	return types
}

// Config is the whole of benchmark_config.json.
type Config struct {
	Framework string
	Tests     []Test
}

// Test returns the entry called name.
func (c *Config) Test(name string) (Test, bool) {
	for _, t := range c.Tests {
		if t.Name == name {
			return t, true
		}
	}
	return Test{}, false
}

// Names returns the names of all entries, in file order.
func (c *Config) Names() []string { return Names(c.Tests) }

// Names returns the name of each of tests, in their order.
func Names(tests []Test) []string {
	names := make([]string, len(tests))
	for i, t := range tests {
		names[i] = t.Name
	}
	return names
}

// fileFormat mirrors TFB's schema: tests is a list of objects, each mapping
// test names to their settings.
type fileFormat struct {
	Framework string                       `json:"framework"`
	Tests     []map[string]json.RawMessage `json:"tests"`
}

// Load reads and validates the configuration file at path. Errors name the
// file and, where there is one, the entry and field at fault.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read benchmark config: %w", err)
	}
	cfg, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Parse decodes and validates the contents of a benchmark_config.json file.
func Parse(data []byte) (*Config, error) {
	var f fileFormat
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if f.Framework == "" {
		return nil, errors.New(`field "framework": missing`)
	}
	if len(f.Tests) == 0 {
		return nil, errors.New(`field "tests": no entries`)
	}
	cfg := &Config{Framework: f.Framework}
	seen := map[string]bool{}
	for i, group := range f.Tests {
		names := make([]string, 0, len(group))
		for name := range group {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			t, err := parseTest(name, group[name])
			if err != nil {
				return nil, fmt.Errorf("tests[%d].%s: %w", i, name, err)
			}
			if seen[name] {
				return nil, fmt.Errorf("tests[%d].%s: duplicate entry name", i, name)
			}
			seen[name] = true
			cfg.Tests = append(cfg.Tests, t)
		}
	}
	return cfg, nil
}

func parseTest(name string, raw json.RawMessage) (Test, error) {
	t := Test{Name: name}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return t, err
	}
	if name == "" || strings.ContainsAny(name, `/\ .`) {
		return t, errors.New("entry name must be a plain directory name")
	}
	if t.Port < 1 || t.Port > 65535 {
		return t, fmt.Errorf(`field "port": %d is not a TCP port`, t.Port)
	}
	if len(t.Types()) == 0 {
		return t, errors.New("declares no test URL (json_url, db_url, ...)")
	}
	for _, tt := range t.Types() {
		if u := t.URL(tt); !strings.HasPrefix(u, "/") {
			return t, fmt.Errorf("field %q: %q must start with /", urlField(tt), u)
		}
	}
	for _, f := range []struct {
		name, value string
		allowed     []string
	}{
		{"approach", t.Approach, []string{"Realistic", "Stripped"}},
		{"classification", t.Classification, []string{"Fullstack", "Micro", "Platform"}},
		{"orm", t.ORM, []string{"Full", "Micro", "Raw"}},
	} {
		if !slices.Contains(f.allowed, f.value) {
			return t, fmt.Errorf("field %q: %q is not one of %s", f.name, f.value, strings.Join(f.allowed, ", "))
		}
	}
	return t, nil
}

func urlField(tt TestType) string {
	return string(tt) + "_url"
}
