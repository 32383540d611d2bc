package docker

import (
	"fmt"
	"maps"
	"os"

	"github.com/docker/cli/cli/config"
)

// WithProxies returns b with the proxy settings the docker CLI would give a
// build on the engine at endpoint: the "proxies" of the docker CLI's
// config.json (in $DOCKER_CONFIG, else ~/.docker), the entry named by the
// endpoint or else "default", as HTTP_PROXY, http_proxy and their kin.
// Docker leaves these arguments out of the build cache's keys and the
// image's history, and they need no ARG in the Dockerfile. Build arguments
// b already sets are kept.
func WithProxies(b Build, endpoint string) (Build, error) {
	dir := os.Getenv("DOCKER_CONFIG") // read now: config.Dir reads it once per process
	if dir == "" {
		dir = config.Dir()
	}
	cfg, err := config.Load(dir)
	if err != nil {
		return b, fmt.Errorf("read the docker CLI's configuration in %s: %w", dir, err)
	}
	proxies := cfg.ParseProxyConfig(endpoint, nil)
	if len(proxies) == 0 {
		return b, nil
	}
	args := maps.Clone(b.Args)
	if args == nil {
		args = map[string]string{}
	}
	for k, v := range proxies {
		if _, set := args[k]; !set && v != nil {
			args[k] = *v
		}
	}
	b.Args = args
	return b, nil
}
