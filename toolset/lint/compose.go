package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// entryDockerfile is the Dockerfile every entry's service builds.
const entryDockerfile = "frameworks/Dockerfile"

// composeFile is the part of docker-compose.yml that lint reads; YAML
// merge keys (<<: *entry) are resolved by the decoder.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
}

type composeService struct {
	Build *struct {
		Dockerfile string            `yaml:"dockerfile"`
		Args       map[string]string `yaml:"args"`
	} `yaml:"build"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
}

// compose checks that every entry has a service that builds it from the
// shared Dockerfile with ENTRY set to its name, listens on entryPort inside
// and publishes it on 127.0.0.1 only; and that every such service has an entry.
func (c *checker) compose(entries []entry) error {
	file := ComposeFile
	data, err := os.ReadFile(filepath.Join(c.root, file))
	if errors.Is(err, fs.ErrNotExist) {
		c.add(file, "", "missing: every entry has a service there")
		return nil
	}
	if err != nil {
		return fmt.Errorf("lint: %w", err)
	}
	var f composeFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		c.add(file, "", "invalid YAML: %v", err)
		return nil
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[e.name] = true
		field := "services." + e.name
		s, ok := f.Services[e.name]
		if !ok {
			c.add(file, "services", "no service %q for the entry %s of %s", e.name, e.field, "benchmark_config.json")
			continue
		}
		if s.Build == nil {
			c.add(file, field+".build", "missing: the service builds %s with ENTRY: %s", entryDockerfile, e.name)
			continue
		}
		if s.Build.Dockerfile != entryDockerfile {
			c.add(file, field+".build.dockerfile", "%q, want %s", s.Build.Dockerfile, entryDockerfile)
		}
		if got := s.Build.Args["ENTRY"]; got != e.name {
			c.add(file, field+".build.args.ENTRY", "%q, want %q", got, e.name)
		}
		if port, ok := s.Environment["PORT"]; ok && port != fmt.Sprint(entryPort) {
			c.add(file, field+".environment.PORT", "%q, want \"%d\"", port, entryPort)
		}
		c.ports(file, field+".ports", s.Ports)
	}
	for name, s := range f.Services {
		if c.listed && s.Build != nil && s.Build.Dockerfile == entryDockerfile && !names[name] {
			c.add(file, "services."+name, "builds an entry, but benchmark_config.json has no entry %q", name)
		}
	}
	return nil
}

// ports checks that the service publishes entryPort, on 127.0.0.1 only.
func (c *checker) ports(file, field string, ports []string) {
	inside := fmt.Sprintf(":%d", entryPort)
	for _, p := range ports {
		if strings.HasSuffix(p, inside) {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				c.add(file, field, "%q: publish on 127.0.0.1 only, as in \"127.0.0.1:${NAME_PORT:-8084}:%d\"", p, entryPort)
			}
			return
		}
	}
	c.add(file, field, "none publishes the entry's port %d, as in \"127.0.0.1:${NAME_PORT:-8084}:%d\"", entryPort, entryPort)
}
