package docker

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// BaseImages returns the images b's Dockerfile starts its stages from, with
// the build's arguments (else the Dockerfile's defaults) put in: what must
// be on an engine, or be pullable by it, before b builds there. Stages
// built from earlier stages and scratch are left out.
func BaseImages(repoDir string, b Build) ([]string, error) {
	var dockerfile []byte
	if b.Files != nil {
		dockerfile = b.Files[b.Dockerfile]
	} else {
		dir := b.Dir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(repoDir, dir)
		}
		data, err := os.ReadFile(filepath.Join(dir, b.Dockerfile))
		if err != nil {
			return nil, fmt.Errorf("read the Dockerfile of %s: %w", b.Image, err)
		}
		dockerfile = data
	}
	return dockerfileBases(dockerfile, b.Args), nil
}

// dockerfileBases reads the FROM lines of a Dockerfile: global ARG defaults,
// overridden by args, expand $NAME and ${NAME} in them.
func dockerfileBases(dockerfile []byte, args map[string]string) []string {
	globals := map[string]string{}
	stages := map[string]bool{"scratch": true}
	var bases []string
	seenFrom := false
	sc := bufio.NewScanner(bytes.NewReader(dockerfile))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		switch strings.ToUpper(fields[0]) {
		case "ARG":
			if seenFrom {
				continue // a stage's ARG: not usable in FROM
			}
			name, def, _ := strings.Cut(fields[1], "=")
			if v, ok := args[name]; ok {
				def = v
			}
			globals[name] = strings.Trim(def, `"'`)
		case "FROM":
			seenFrom = true
			rest := fields[1:]
			for len(rest) > 0 && strings.HasPrefix(rest[0], "--") { // --platform=...
				rest = rest[1:]
			}
			if len(rest) == 0 {
				continue
			}
			image := os.Expand(rest[0], func(name string) string { return globals[name] })
			if image != "" && !stages[strings.ToLower(image)] && !slices.Contains(bases, image) {
				bases = append(bases, image)
			}
			if len(rest) >= 3 && strings.EqualFold(rest[1], "AS") {
				stages[strings.ToLower(rest[2])] = true
			}
		}
	}
	return bases
}

// CopyMissingImages gives the engine of to each image it lacks and from
// has, by `docker save` on one and `docker load` on the other, streamed:
// how base images reach an engine when there is no registry. Images from
// lacks too are left for the build to pull.
func CopyMissingImages(ctx context.Context, from, to *client.Client, toName string, images []string) error {
	for _, image := range images {
		if _, err := to.ImageInspect(ctx, image); err == nil {
			continue
		} else if !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("inspect image %s on %s: %w", image, toName, err)
		}
		if _, err := from.ImageInspect(ctx, image); err != nil {
			slog.Debug("base image on neither engine; the build will pull it", "image", image, "engine", toName)
			continue
		}
		slog.Info("copying a base image to an engine (save, then load)", "image", image, "engine", toName)
		saved, err := from.ImageSave(ctx, []string{image})
		if err != nil {
			return fmt.Errorf("save image %s from %s: %w", image, from.DaemonHost(), err)
		}
		loaded, err := to.ImageLoad(ctx, saved, client.ImageLoadWithQuiet(true))
		if err != nil {
			saved.Close()
			return fmt.Errorf("load image %s into %s: %w", image, toName, err)
		}
		_, err = io.Copy(io.Discard, loaded)
		loaded.Close()
		saved.Close()
		if err != nil {
			return fmt.Errorf("load image %s into %s: %w", image, toName, err)
		}
		if _, err := to.ImageInspect(ctx, image); err != nil {
			return fmt.Errorf("image %s not on %s after loading it: %w", image, toName, err)
		}
	}
	return nil
}
