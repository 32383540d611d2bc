// Package nginx is tfb ceiling's reference server: nginx from the
// operating system's packages answering /json and /plaintext with the
// status, headers and bodies TFB asks of an entry, and doing nothing else
// (no framework, no Go). Its rates are what this machine allows an HTTP
// server that does no framework work, so an entry's rate over nginx's says
// how much of that limit the entry reaches. The runtimes start it as they
// start an entry (config.Test.Reference): a process on the local runtime,
// a container of Dockerfile on the docker runtime.
package nginx

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/go-tfb/suite/toolset/config"
)

// Name is the reference server's name among a run's entries.
const Name = "nginx"

//go:embed nginx.conf Dockerfile
var files embed.FS

// Test is the reference server as an entry of a run: /json and /plaintext
// on port 8080, as the entries listen.
func Test() config.Test {
	return config.Test{
		Name: Name, JSONURL: "/json", PlaintextURL: "/plaintext", Port: 8080,
		Approach: "Stripped", Classification: "Platform", Database: "none", Framework: "nginx", Language: "C",
		Platform: "nginx", Webserver: "nginx", OS: "Linux", DisplayName: "nginx (reference)",
		Notes: "no framework work: the same bytes from nginx's configuration", Reference: true,
	}
}

// Command is the path of the nginx program, or an error saying what to
// install.
func Command() (string, error) {
	path, err := exec.LookPath("nginx")
	if err != nil {
		// Debian's is in /usr/sbin, which a user's PATH may lack.
		if _, serr := os.Stat("/usr/sbin/nginx"); serr == nil {
			return "/usr/sbin/nginx", nil
		}
		return "", fmt.Errorf("the reference server needs nginx (apt-get install nginx-light): %w", err)
	}
	return path, nil
}

// Config is the configuration of a server listening at listen
// ("127.0.0.1:8080") whose pid file is pidFile.
func Config(listen, pidFile string) []byte {
	conf, _ := files.ReadFile("nginx.conf") // embedded: cannot fail
	conf = bytes.ReplaceAll(conf, []byte("@LISTEN@"), []byte(listen))
	return bytes.ReplaceAll(conf, []byte("@PID@"), []byte(pidFile))
}

// Args writes the configuration of a server listening at listen into dir,
// which it makes, and returns nginx's arguments to run it in the
// foreground with dir as its prefix and its messages on stderr.
func Args(dir, listen string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("nginx: %w", err)
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, Config(listen, filepath.Join(dir, "nginx.pid")), 0o644); err != nil {
		return nil, fmt.Errorf("nginx: %w", err)
	}
	return []string{"-p", dir, "-e", "stderr", "-c", conf, "-g", "daemon off;"}, nil
}

// BuildFiles is the docker build context of the reference server's image:
// Dockerfile and nginx.conf.
func BuildFiles() map[string][]byte {
	out := map[string][]byte{}
	for _, name := range []string{"Dockerfile", "nginx.conf"} {
		data, _ := files.ReadFile(name) // embedded: cannot fail
		out[name] = data
	}
	return out
}
