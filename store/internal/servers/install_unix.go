//go:build unix

package servers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// install puts Debian's redis-server and postgresql packages on this
// machine, as the browser test does with chromium: only as root with
// apt-get, once however many test processes ask at the same time (an
// exclusive lock on a file, then a second look for the binaries: the
// packages of one go test run's processes would otherwise fight over
// dpkg's lock), bounded by a timeout.
func install(present func() bool) error {
	apt, err := exec.LookPath("apt-get")
	if err != nil || os.Geteuid() != 0 {
		return errors.New("cannot install them here (needs root and apt-get)")
	}
	f, err := os.OpenFile(os.TempDir()+"/paykit-servers-install.lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }()
	if present() {
		return nil // another test process installed them meanwhile
	}
	fmt.Fprintln(os.Stderr, "servers: redis-server or PostgreSQL is missing; installing Debian's redis-server and postgresql packages")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for _, args := range [][]string{{"update", "-q"}, {"install", "-y", "-q", "redis-server", "postgresql"}} {
		cmd := exec.CommandContext(ctx, apt, args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("apt-get %s: %w", args[0], err)
		}
	}
	return nil
}
