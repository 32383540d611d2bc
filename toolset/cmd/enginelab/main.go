// Command enginelab starts Docker engines that stand in for TFB's three
// machines on this one machine, each in a network namespace of its own, and
// keeps them until it is interrupted; then it removes them and everything
// they held.
//
//	sudo go run ./toolset/cmd/enginelab          # start; Ctrl-C stops
//	sudo go run ./toolset/cmd/enginelab down     # remove what a killed one left
//
// While it runs, point tfb at the engines it prints (docs/multi-host.md):
//
//	DOCKER_CONFIG=/var/lib/tfblab/docker-config go run ./toolset/cmd/tfb verify --runtime docker \
//	    --server-host tcp://198.18.0.11:2375 --database-host tcp://198.18.0.12:2375 \
//	    --client-host tcp://198.18.0.13:2375
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/go-tfb/suite/toolset/docker/enginelab"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "enginelab:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("enginelab", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: enginelab [flags]        start the engines; Ctrl-C removes them
       enginelab down [flags]   remove what a killed enginelab left

Each role gets a network namespace (NAME-ROLE), a dockerd with its own data root
(/var/lib/NAME/ROLE) and exec root (/run/NAME-ROLE), listening on tcp://ADDR:2375 at the
namespace's address. Needs root, iproute2, util-linux, iptables and docker.io.

`)
		fs.PrintDefaults()
	}
	name := fs.String("name", "tfblab", "prefix of the namespaces, link and directories")
	roles := fs.String("roles", strings.Join(enginelab.DefaultRoles, ","), "the engines' roles, comma-separated")
	subnet := fs.String("subnet", enginelab.DefaultSubnet.String(), "the lab's IPv4 network (this machine gets its first address)")
	down := len(args) > 0 && args[0] == "down"
	if down {
		args = args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (see -h)", fs.Arg(0))
	}
	prefix, err := netip.ParsePrefix(*subnet)
	if err != nil {
		return fmt.Errorf("--subnet %q: %w", *subnet, err)
	}
	opts := enginelab.Options{Name: *name, Roles: strings.Split(*roles, ","), Subnet: prefix}
	if down {
		return enginelab.RemoveLeftovers(opts)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	lab, err := enginelab.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer lab.Close()
	fmt.Printf("engine lab %q is up; this machine is %s on it.\n\n", *name, lab.HostAddr)
	for _, e := range lab.Engines {
		fmt.Printf("  %-10s %s   (DOCKER_HOST=%s docker ps)\n", e.Role, e.Endpoint, e.Endpoint)
	}
	fmt.Printf("\nImage builds on the engines reach the Debian mirror through %s:\n  export DOCKER_CONFIG=%s\n", lab.ProxyURL, lab.DockerConfig)
	if s, d, c := lab.Engine("server"), lab.Engine("database"), lab.Engine("client"); s != nil && d != nil && c != nil {
		fmt.Printf("  go run ./toolset/cmd/tfb verify --runtime docker --server-host %s --database-host %s --client-host %s\n", s.Endpoint, d.Endpoint, c.Endpoint)
	}
	fmt.Println("\nCtrl-C stops the engines and removes the lab.")
	<-ctx.Done()
	fmt.Println("stopping the engines...")
	return lab.Close()
}
