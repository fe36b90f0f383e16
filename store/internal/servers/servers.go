// Package servers starts real Redis and PostgreSQL servers for the store
// adapters' tests: Debian's redis-server and PostgreSQL 15 binaries, each in
// a temporary directory, on a free loopback port, stopped when the test
// ends (t.Cleanup). Missing binaries are installed from Debian's packages
// when the tests run as root with apt-get (as the browser test does with
// chromium); otherwise a missing binary fails the test, saying what to
// install. It never skips.
package servers

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// startGuard is how long a server may take to answer after it was started
// before the test fails. It guards against a hang; it is not a speed bound.
const startGuard = 90 * time.Second

const installHint = "install them with: apt-get install -y redis-server postgresql"

// T is what the helpers need of a test: testing.TB has it, and so does a
// program's own stand-in (the fleet benchmark).
type T interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// FreePort returns a loopback TCP port nothing listens on right now.
func FreePort(t T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("servers: finding a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// process is one running server: its command, its output, and the
// channel closed when it exits.
type process struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func start(t T, cred *syscall.Credential, name string, args ...string) *process {
	t.Helper()
	p := &process{out: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(name, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.SysProcAttr = sysProcAttr(cred)
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("servers: starting %s: %v", name, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	return p
}

// stop ends the server with sig and waits for it to exit.
func (p *process) stop(sig os.Signal) {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.exited:
	case <-time.After(startGuard):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// waitReady calls ready until it succeeds, failing the test when the
// process exits first or the start guard passes.
func (p *process) waitReady(t T, what string, ready func(context.Context) error) {
	t.Helper()
	deadline := time.Now().Add(startGuard)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := ready(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case <-p.exited:
			t.Fatalf("servers: %s exited before it was ready: %v\n%s", what, p.cmd.ProcessState, p.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("servers: %s not ready within %s: %v\n%s", what, startGuard, err, p.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Redis is a redis-server the test started, with no persistence (no RDB
// snapshots, no append-only file) unless it was started with
// RedisOptions.AppendOnly.
type Redis struct {
	// Addr is host:port of the server.
	Addr string

	t    T
	dir  string
	port int
	aof  bool
	mu   sync.Mutex
	proc *process
}

// RedisOptions configures StartRedis.
type RedisOptions struct {
	// AppendOnly turns on the append-only file with an fsync after every
	// write, so a restart keeps every acknowledged write.
	AppendOnly bool
}

// StartRedis starts redis-server on a free loopback port in a temporary
// directory and stops it when the test ends.
func StartRedis(t T, opts RedisOptions) *Redis {
	t.Helper()
	ensureInstalled(t)
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("servers: redis-server is not on the PATH (%v); %s", err, installHint)
	}
	dir, err := os.MkdirTemp("", "paykit-redis-")
	if err != nil {
		t.Fatalf("servers: %v", err)
	}
	r := &Redis{t: t, dir: dir, port: FreePort(t), aof: opts.AppendOnly}
	r.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port))
	t.Cleanup(func() {
		r.Stop()
		_ = os.RemoveAll(dir)
	})
	r.Start()
	return r
}

// Start starts the server again after Stop or Kill, on the same port and
// directory.
func (r *Redis) Start() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	args := []string{
		"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--dir", r.dir, "--save", "", "--daemonize", "no",
		"--maxmemory-policy", "noeviction", "--loglevel", "warning",
	}
	if r.aof {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	r.proc = start(r.t, nil, "redis-server", args...)
	r.proc.waitReady(r.t, "redis-server", func(ctx context.Context) error { return redisPing(ctx, r.Addr) })
}

// Stop shuts the server down (SIGTERM) and waits for it to exit. Without
// the append-only file nothing it held survives.
func (r *Redis) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc != nil {
		r.proc.stop(syscall.SIGTERM)
	}
}

// Restart stops the server and starts it again on the same port.
func (r *Redis) Restart() {
	r.t.Helper()
	r.Stop()
	r.Start()
}

// redisPing sends PING in RESP and waits for +PONG, so the helper needs no
// client library.
func redisPing(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	if _, err := c.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return err
	}
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(buf[:n], []byte("+PONG")) {
		return fmt.Errorf("redis answered %q", buf[:n])
	}
	return nil
}

// Postgres is a PostgreSQL server the test started, with a database named
// paykit that the user postgres may use without a password (trust
// authentication, loopback and the socket in its temporary directory only).
type Postgres struct {
	// URL is a connection string for the paykit database, for
	// pgx.ParseConfig or pgxpool.ParseConfig.
	URL string
	// Port is the server's loopback TCP port.
	Port int
}

// findPG looks for one of PostgreSQL's programs where Debian puts them,
// then on the PATH.
func findPG(name string) (string, bool) {
	for _, d := range pgBinDirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, true
	}
	return "", false
}

// serversPresent reports whether redis-server, initdb and postgres are all
// there.
func serversPresent() bool {
	_, err := exec.LookPath("redis-server")
	_, initdb := findPG("initdb")
	_, postgres := findPG("postgres")
	return err == nil && initdb && postgres
}

var (
	installOnce sync.Once
	installErr  error
)

// ensureInstalled installs the servers when they are missing and that is
// possible (root, apt-get); when it is not, the caller's look for the
// binary fails the test with installHint. It runs once per process.
func ensureInstalled(t T) {
	t.Helper()
	installOnce.Do(func() {
		if !serversPresent() {
			installErr = install(serversPresent)
		}
	})
	if installErr != nil && !serversPresent() {
		t.Fatalf("servers: redis-server or PostgreSQL is missing and could not be installed: %v; %s", installErr, installHint)
	}
}

// pgBinDirs are where Debian's postgresql packages put initdb and postgres.
var pgBinDirs = []string{"/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"}

func pgBin(t T, name string) string {
	t.Helper()
	ensureInstalled(t)
	if p, ok := findPG(name); ok {
		return p
	}
	t.Fatalf("servers: PostgreSQL's %s is neither in %v nor on the PATH; %s", name, pgBinDirs, installHint)
	return ""
}

// StartPostgres initialises a database cluster in a temporary directory,
// starts postgres on a free loopback port (its unix socket in that
// directory, fsync off: the data is thrown away) and stops it when the test
// ends. initdb refuses to run as root, so as root the cluster belongs to
// the user postgres (Debian's package creates it) and both programs run as
// that user.
func StartPostgres(t T) *Postgres {
	t.Helper()
	initdb, postgres := pgBin(t, "initdb"), pgBin(t, "postgres")
	dir, err := os.MkdirTemp("", "paykit-pg-")
	if err != nil {
		t.Fatalf("servers: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("servers: running as root, PostgreSQL needs the user postgres (%v); %s", err, installHint)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatalf("servers: %v", err)
		}
	}
	data := filepath.Join(dir, "data")
	init := start(t, cred, initdb, "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C")
	<-init.exited
	if !init.cmd.ProcessState.Success() {
		t.Fatalf("servers: initdb failed: %v\n%s", init.cmd.ProcessState, init.out.String())
	}
	port := FreePort(t)
	p := start(t, cred, postgres, "-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=500", "-c", "shared_buffers=32MB")
	t.Cleanup(func() { p.stop(syscall.SIGINT) }) // SIGINT: PostgreSQL's fast shutdown
	pg := &Postgres{Port: port}
	base := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/", port)
	isready := pgBin(t, "pg_isready")
	p.waitReady(t, "postgres", func(ctx context.Context) error { return pgReady(ctx, isready, port) })
	psql := start(t, nil, pgBin(t, "psql"), "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-U", "postgres", "-d", "postgres",
		"-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE paykit")
	<-psql.exited
	if !psql.cmd.ProcessState.Success() {
		t.Fatalf("servers: creating the database: %v\n%s", psql.cmd.ProcessState, psql.out.String())
	}
	pg.URL = base + "paykit?sslmode=disable"
	return pg
}

// pgReady runs pg_isready, which exits 0 only once the server accepts
// connections (not while it is still starting up).
func pgReady(ctx context.Context, bin string, port int) error {
	out, err := exec.CommandContext(ctx, bin, "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-U", "postgres").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_isready: %v %s", err, out)
	}
	return nil
}
