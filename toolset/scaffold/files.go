package scaffold

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"golang.org/x/mod/modfile"

	"github.com/go-tfb/suite/toolset/config"
)

// entryTemplate is a benchmark_config.json entry in the file's own layout:
// two-space indents, the fields in the order every entry lists them.
var entryTemplate = template.Must(template.New("entry").Parse(`    {
      {{.Name}}: {
        "json_url": "/json",
        "db_url": "/db",
        "query_url": "/queries?queries=",
        "fortune_url": "/fortunes",
        "update_url": "/updates?queries=",
        "plaintext_url": "/plaintext",
        "cached_query_url": "/cached-queries?count=",
        "port": 8080,
        "approach": "Realistic",
        "classification": "Micro",
        "database": "Postgres",
        "framework": {{.Framework}},
        "language": "Go",
        "flavor": "None",
        "orm": "Raw",
        "platform": "Go",
        "webserver": "None",
        "os": "Linux",
        "database_os": "Linux",
        "display_name": {{.Framework}},
        "notes": "",
        "versus": "go"
      }
    }`))

// planConfig adds the entry to benchmark_config.json as text, after the
// last entry, so that the rest of the file keeps its bytes; the result is
// parsed again to prove it is what was meant.
func (p *Plan) planConfig() error {
	file := config.FileName
	data, err := os.ReadFile(filepath.Join(p.root, file))
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	old, err := config.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if _, ok := old.Test(p.Name); ok {
		return fmt.Errorf("name %q: %s already has an entry %q", p.Name, file, p.Name)
	}
	var entry bytes.Buffer
	err = entryTemplate.Execute(&entry, map[string]string{"Name": jsonString(p.Name), "Framework": jsonString(p.Framework)})
	if err != nil {
		return fmt.Errorf("render the %s entry: %w", file, err)
	}
	end := bytes.LastIndex(data, []byte("\n  ]"))
	if end < 0 || !bytes.HasSuffix(bytes.TrimRight(data[:end], " \t\r\n"), []byte("}")) {
		return fmt.Errorf(`%s: cannot find the end of "tests" (expected the list to close with "  ]" on a line of its own)`, file)
	}
	updated := slices.Concat(data[:end], []byte(",\n"), entry.Bytes(), data[end:])
	cfg, err := config.Parse(updated)
	if err != nil {
		return fmt.Errorf("%s: the entry added does not parse (%w): is the file laid out as tfb writes it?", file, err)
	}
	if want := append(old.Names(), p.Name); !slices.Equal(cfg.Names(), want) {
		return fmt.Errorf("%s: adding the entry as text gave entries %v, want %v", file, cfg.Names(), want)
	}
	p.config, p.entryJSON = updated, entry.String()
	return nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// hostPortLine matches an entry's published port, such as
// - "127.0.0.1:${GIN_PORT:-8080}:8080", capturing the variable and the port.
var hostPortLine = regexp.MustCompile(`"127\.0\.0\.1:\$\{([A-Z0-9_]+):-([0-9]+)\}:8080"`)

// serviceLine matches a service's key: two spaces, a name and a colon.
var serviceLine = regexp.MustCompile(`(?m)^  ([A-Za-z0-9_.-]+):[ \t]*$`)

// planCompose appends the entry's service to docker-compose.yml in the
// layout of the others (the x-entry anchors, an ENTRY build argument, the
// next free host port on 127.0.0.1), leaving the rest of the file as it is.
func (p *Plan) planCompose() error {
	file := ComposeFile
	data, err := os.ReadFile(filepath.Join(p.root, file))
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	text := string(data)
	_, services, ok := strings.Cut(text, "\nservices:\n")
	if !ok || !strings.Contains(text, "&entry\n") || !strings.Contains(text, "&entry-build\n") {
		return fmt.Errorf("%s: expected a top-level services: map and the x-entry anchors &entry and &entry-build", file)
	}
	for _, m := range serviceLine.FindAllStringSubmatch(services, -1) {
		if m[1] == p.Name {
			return fmt.Errorf("name %q: %s already has a service %q", p.Name, file, p.Name)
		}
	}
	p.PortVar = strings.ToUpper(p.Name) + "_PORT"
	p.HostPort = 8080
	for _, m := range hostPortLine.FindAllStringSubmatch(text, -1) {
		if m[1] == p.PortVar {
			return fmt.Errorf("name %q: %s already uses the variable %s", p.Name, file, p.PortVar)
		}
		if port, err := strconv.Atoi(m[2]); err == nil && port >= p.HostPort {
			p.HostPort = port + 1
		}
	}
	p.serviceYML = fmt.Sprintf(`
  %[1]s:
    <<: *entry
    build:
      <<: *entry-build
      args: { ENTRY: %[1]s, GO_IMAGE: "${GO_IMAGE:-golang:1.26-bookworm}" }
    image: go-tfb/%[1]s
    ports:
      - "127.0.0.1:${%[2]s:-%[3]d}:8080"
`, p.Name, p.PortVar, p.HostPort)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	p.compose = []byte(text + p.serviceYML)
	return nil
}

// planGitignore adds the entry's binary, /NAME (what go build
// ./frameworks/NAME leaves at the root), to the end of .gitignore, where
// the entries' binaries are listed. A repository without a .gitignore gets
// none.
func (p *Plan) planGitignore() error {
	data, err := os.ReadFile(filepath.Join(p.root, GitignoreFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read %s: %w", GitignoreFile, err)
	}
	line := "/" + p.Name
	for l := range strings.SplitSeq(string(data), "\n") {
		if strings.TrimSpace(l) == line {
			p.gitignore = data // already ignored: written back unchanged
			return nil
		}
	}
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		data = append(data, '\n')
	}
	p.gitignore = append(data, line+"\n"...)
	return nil
}

// goModRequires returns the version of modPath that the go.mod in root
// requires, or "" when it requires none.
func goModRequires(root, modPath string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("read go.mod: %w", err)
	}
	f, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		return "", fmt.Errorf("go.mod: %w", err)
	}
	for _, r := range f.Require {
		if r.Mod.Path == modPath {
			return r.Mod.Version, nil
		}
	}
	return "", nil
}

// requireDirectly drops the "// indirect" mark that go get leaves on
// modPath's requirement when no package imports it yet, and moves it among
// the direct requirements, as go mod tidy does once main.go imports it.
func requireDirectly(root, modPath string) error {
	name := filepath.Join(root, "go.mod")
	data, err := os.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read go.mod: %w", err)
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return fmt.Errorf("go.mod: %w", err)
	}
	reqs := make([]*modfile.Require, 0, len(f.Require))
	changed := false
	for _, r := range f.Require {
		req := *r
		if req.Mod.Path == modPath && req.Indirect {
			req.Indirect, changed = false, true
		}
		reqs = append(reqs, &req)
	}
	if !changed {
		return nil
	}
	f.SetRequireSeparateIndirect(reqs)
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return fmt.Errorf("format go.mod: %w", err)
	}
	if err := os.WriteFile(name, out, 0o644); err != nil {
		return fmt.Errorf("write go.mod: %w", err)
	}
	return nil
}
