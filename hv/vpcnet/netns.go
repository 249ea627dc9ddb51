package vpcnet

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// nsDir is where iproute2 keeps named network namespaces (bind mounts).
const nsDir = "/run/netns"

// nsPath is a named namespace's file.
func nsPath(name string) string { return filepath.Join(nsDir, name) }

// nsExists reports whether a named namespace is there.
func nsExists(name string) bool {
	_, err := os.Stat(nsPath(name))
	return err == nil
}

// run runs a command and returns its error with what it printed.
func run(ctx context.Context, stdin string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// ipBatch runs iproute2 commands, one per line, in a namespace ("" is
// this one), stopping at the first that fails.
func ipBatch(ctx context.Context, ns string, lines ...string) error {
	args := []string{"-batch", "-"}
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	return run(ctx, strings.Join(lines, "\n")+"\n", "ip", args...)
}

// sysctl sets kernel parameters inside a namespace.
func sysctl(ctx context.Context, ns string, kv ...string) error {
	return run(ctx, "", "ip", append([]string{"netns", "exec", ns, "sysctl", "-qw"}, kv...)...)
}

// inNS runs f on an OS thread switched into a named namespace: sockets
// made there stay in it. The thread is never switched back: it ends
// with the goroutine (locked threads are not reused), so no other
// goroutine can ever run inside the namespace by accident.
func inNS(name string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		fd, err := unix.Open(nsPath(name), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("network namespace %s: %w", name, err)
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("entering network namespace %s: %w", name, err)
			return
		}
		errc <- f()
	}()
	return <-errc
}
