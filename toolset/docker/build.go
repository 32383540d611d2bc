package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/go-archive"
	"github.com/moby/moby/client"
	"github.com/moby/patternmatcher/ignorefile"
)

// Build describes an image built from a Dockerfile.
type Build struct {
	// Dir is the build context: a directory, absolute or relative to the
	// repository root. Files, when set, is the context instead.
	Dir   string
	Files map[string][]byte
	// Dockerfile is the Dockerfile's path inside the context.
	Dockerfile string
	// Args are the build arguments.
	Args map[string]string
	// Image is the name (and optional :tag) the image gets.
	Image string
}

// EntryBuild is the build of an entry's image from frameworks/Dockerfile
// with ENTRY set (the image docker-compose.yml names go-tfb/<entry>).
func EntryBuild(entry string) Build {
	return Build{
		Dir:        ".",
		Dockerfile: "frameworks/Dockerfile",
		Args:       baseImageArgs(map[string]string{"ENTRY": entry}, "GO_IMAGE", "GO_IMAGE"),
		Image:      EntryImage(entry),
	}
}

// OpenLoopBuild is the build of the fixed-rate load generator's image
// from toolset/openloop/Dockerfile.
func OpenLoopBuild() Build {
	return Build{
		Dir:        ".",
		Dockerfile: "toolset/openloop/Dockerfile",
		Args:       baseImageArgs(map[string]string{}, "GO_IMAGE", "GO_IMAGE"),
		Image:      OpenLoopImage,
	}
}

// ReferenceBuild is the build of a reference server's image (toolset/nginx)
// from files, a context with a Dockerfile on Debian's image, named as an
// entry's image is.
func ReferenceBuild(name string, files map[string][]byte) Build {
	return Build{
		Files:      files,
		Dockerfile: "Dockerfile",
		Args:       baseImageArgs(map[string]string{}, "BASE_IMAGE", "DEBIAN_IMAGE"),
		Image:      EntryImage(name),
	}
}

// DatabaseBuild is the build of the database image from db/Dockerfile.
func DatabaseBuild() Build {
	return Build{
		Dir:        "db",
		Dockerfile: "Dockerfile",
		Args:       baseImageArgs(map[string]string{}, "BASE_IMAGE", "DEBIAN_IMAGE"),
		Image:      DatabaseImage,
	}
}

// baseImageArgs passes the environment's GO_IMAGE or DEBIAN_IMAGE as the
// Dockerfile's base-image argument, as docker-compose.yml does.
func baseImageArgs(args map[string]string, arg, env string) map[string]string {
	if v := os.Getenv(env); v != "" {
		args[arg] = v
	}
	return args
}

// BuildImage builds b on the client's engine, with the repository at
// repoDir as the base of a relative b.Dir, writing the build's output to
// log. The context honours the directory's .dockerignore as the docker CLI
// does. A failed build's error carries the last lines of its output.
func BuildImage(ctx context.Context, cli *client.Client, repoDir string, b Build, log io.Writer) error {
	var buildContext io.Reader
	if b.Files != nil {
		tarball, err := tarFiles(b.Files)
		if err != nil {
			return fmt.Errorf("pack build context of %s: %w", b.Image, err)
		}
		buildContext = tarball
	} else {
		dir := b.Dir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(repoDir, dir)
		}
		rc, err := tarDir(dir, b.Dockerfile)
		if err != nil {
			return err
		}
		defer rc.Close()
		buildContext = rc
	}
	args := map[string]*string{}
	for k, v := range b.Args {
		args[k] = &v
	}
	fmt.Fprintf(log, "$ docker build -t %s -f %s\n", b.Image, b.Dockerfile)
	res, err := cli.ImageBuild(ctx, buildContext, client.ImageBuildOptions{
		Tags: []string{b.Image}, Dockerfile: b.Dockerfile, BuildArgs: args, Remove: true, ForceRemove: true,
	})
	if err != nil {
		return fmt.Errorf("build %s: %w", b.Image, err)
	}
	defer res.Body.Close()
	return readBuildOutput(res.Body, log)
}

// tarDir packs a build context directory, leaving out what its
// .dockerignore excludes (but never the Dockerfile or .dockerignore).
func tarDir(dir, dockerfile string) (io.ReadCloser, error) {
	var excludes []string
	if f, err := os.Open(filepath.Join(dir, ".dockerignore")); err == nil {
		excludes, err = ignorefile.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, ".dockerignore"), err)
		}
		excludes = append(excludes, "!"+dockerfile, "!.dockerignore")
	}
	rc, err := archive.TarWithOptions(dir, &archive.TarOptions{ExcludePatterns: excludes})
	if err != nil {
		return nil, fmt.Errorf("pack build context %s: %w", dir, err)
	}
	return rc, nil
}

// readBuildOutput copies the engine's build stream to log and turns a
// reported error into one that carries the output before it, since the
// daemon's message only repeats the failed RUN line.
func readBuildOutput(r io.Reader, log io.Writer) error {
	dec := json.NewDecoder(r)
	var lastLines []string
	for {
		var msg struct {
			Stream string `json:"stream"`
			Error  string `json:"error"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("read build output: %w", err)
		}
		if msg.Error != "" {
			fmt.Fprintln(log, msg.Error)
			if len(lastLines) > 0 {
				return fmt.Errorf("a build step failed: %s", strings.Join(lastLines, " | "))
			}
			return errors.New(strings.TrimSpace(msg.Error))
		}
		io.WriteString(log, StripANSI(msg.Stream))
		for line := range strings.SplitSeq(msg.Stream, "\n") {
			if line = strings.TrimSpace(StripANSI(line)); line != "" && !strings.HasPrefix(line, "Removing intermediate") {
				lastLines = append(lastLines, line)
			}
		}
		if len(lastLines) > 3 {
			lastLines = lastLines[len(lastLines)-3:]
		}
	}
}

// RequireImage fails, naming the image and engine, when the engine lacks it.
func RequireImage(ctx context.Context, cli *client.Client, image string) error {
	if _, err := cli.ImageInspect(ctx, image); err != nil {
		if cerrdefs.IsNotFound(err) {
			return fmt.Errorf("image %s not found on %s: run once without --no-build to build it", image, cli.DaemonHost())
		}
		return fmt.Errorf("inspect image %s: %w", image, err)
	}
	return nil
}

// Vendor runs repoDir/.ci/docker-vendor, which vendors the module's
// dependencies on the host into .docker-vendor/, so that entry images build
// without downloading modules and from the code as it is now. Concurrent
// callers on this machine take turns (the script locks). A repository
// without the script needs nothing vendored.
func Vendor(ctx context.Context, repoDir string) error {
	script := filepath.Join(repoDir, ".ci", "docker-vendor")
	if _, err := os.Stat(script); err != nil {
		return nil
	}
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Dir = repoDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("vendor modules for the image builds (.ci/docker-vendor): %w\n%s", err, Tail(string(out), 10))
	}
	return nil
}

func tarFiles(files map[string][]byte) (io.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0)}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return &buf, nil
}

// StripANSI drops the colour escapes the legacy builder wraps stderr in.
func StripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
