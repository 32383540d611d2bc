package enginelab

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// removeLeftovers removes what a lab called name holds or left: the
// processes in its namespaces (an engine whose lab process was killed, its
// containerd, its containers with host networking), the namespaces, this
// machine's link, the mounts under the engines' directories and the
// directories. What does not exist is skipped.
func removeLeftovers(name string, roles []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var errs []error
	namespaces := []string{name + "-net"}
	for _, role := range roles {
		namespaces = append(namespaces, name+"-"+role)
	}
	for _, ns := range namespaces {
		if _, err := os.Stat(filepath.Join("/run/netns", ns)); err != nil {
			continue
		}
		killNamespace(ctx, ns)
		if err := ip(ctx, "netns", "del", ns); err != nil {
			errs = append(errs, err)
		}
	}
	if err := removeHostLink(ctx, hostLink(name)); err != nil {
		errs = append(errs, err)
	}
	dirs := []string{filepath.Join("/var/lib", name)}
	for _, role := range roles {
		dirs = append(dirs, filepath.Join("/run", name+"-"+role))
	}
	for _, dir := range dirs {
		unmountUnder(dir)
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", dir, err))
		}
	}
	return errors.Join(errs...)
}

// removeHostLink removes this machine's end of the lab's veth pair. Deleting
// the namespace that holds its peer removes it too, but the kernel does that
// after `ip netns del` returns, so the link is given a moment to go by itself
// and one that went while it was being deleted is not an error.
func removeHostLink(ctx context.Context, link string) error {
	path := filepath.Join("/sys/class/net", link)
	gone := func() bool { _, err := os.Stat(path); return errors.Is(err, os.ErrNotExist) }
	for i := 0; i < 20 && !gone(); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if gone() {
		return nil
	}
	if err := ip(ctx, "link", "del", link); err != nil && !gone() {
		return err
	}
	return nil
}

// killNamespace stops every process in the network namespace ns: SIGTERM
// first (dockerd then stops its containers), SIGKILL to what still runs
// after 20 s.
func killNamespace(ctx context.Context, ns string) {
	pids := namespacePIDs(ctx, ns)
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(namespacePIDs(ctx, ns)) > 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	for _, pid := range namespacePIDs(ctx, ns) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	for i := 0; i < 50 && len(namespacePIDs(ctx, ns)) > 0; i++ {
		time.Sleep(100 * time.Millisecond)
	}
}

// namespacePIDs lists the processes in network namespace ns.
func namespacePIDs(ctx context.Context, ns string) []int {
	out, err := exec.CommandContext(ctx, "ip", "netns", "pids", ns).Output()
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && pid != os.Getpid() {
			pids = append(pids, pid)
		}
	}
	return pids
}

// unmountUnder detaches every mount at or below dir, deepest first: what a
// killed dockerd leaves (overlay layers, its exec root's mounts).
func unmountUnder(dir string) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return
	}
	defer f.Close()
	var mounts []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		point := unescapeMount(fields[4])
		if point == dir || strings.HasPrefix(point, dir+"/") {
			mounts = append(mounts, point)
		}
	}
	slices.SortFunc(mounts, func(a, b string) int { return len(b) - len(a) })
	for _, m := range mounts {
		_ = syscall.Unmount(m, syscall.MNT_DETACH)
	}
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// RemoveLeftovers removes what a lab with these options left when its
// process was killed before Close (Start does this itself first).
func RemoveLeftovers(opts Options) error {
	opts = withDefaults(opts)
	return removeLeftovers(opts.Name, opts.Roles)
}
