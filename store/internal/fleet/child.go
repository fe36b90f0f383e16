package fleet

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// ChildEnv, set in a process's environment, makes MaybeChild run that
// process as one replica; ConfigEnv carries its Config as JSON.
const (
	ChildEnv  = "PAYKIT_FLEET_REPLICA"
	ConfigEnv = "PAYKIT_FLEET_CONFIG"
)

// MaybeChild runs this process as an OS-process replica when ChildEnv is
// set, and then exits; otherwise it returns at once. Call it first thing in
// main or TestMain.
func MaybeChild() {
	if os.Getenv(ChildEnv) == "" {
		return
	}
	os.Exit(runChild(os.Stdin, os.Stdout))
}

func runChild(in io.Reader, out io.Writer) int {
	var cfg Config
	if err := json.Unmarshal([]byte(os.Getenv(ConfigEnv)), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "fleet replica: bad config:", err)
		return 2
	}
	var wmu sync.Mutex
	enc := json.NewEncoder(out)
	write := func(r Result) {
		wmu.Lock()
		defer wmu.Unlock()
		_ = enc.Encode(r)
	}
	clock := &Clock{}
	r, err := NewReplica(cfg, clock, func() { write(Result{Holding: true}) })
	if err != nil {
		write(Result{Err: err.Error()})
		return 1
	}
	defer r.Close()
	write(Result{URL: r.URL()})
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var cmd Command
		if err := json.Unmarshal(sc.Bytes(), &cmd); err != nil {
			write(Result{Err: err.Error()})
			continue
		}
		if cmd.Op == "close" {
			return 0
		}
		// Commands run one at a time; a victim never answers the one it
		// stops in (it is killed there).
		write(r.Do(context.Background(), cmd))
	}
	return 0
}

// Proc is an OS-process replica seen from the simulation.
type Proc struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	results chan Result
	exited  chan struct{}
	url     string
	mu      sync.Mutex // one command at a time
}

// StartProc starts this program again as a replica with cfg; args are the
// program's arguments for the child (a test binary gets -test.run=^$).
func StartProc(cfg Config, args ...string) (*Proc, error) {
	js, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	p := &Proc{results: make(chan Result, 4), exited: make(chan struct{})}
	p.cmd = exec.Command(exe, args...)
	p.cmd.Env = append(os.Environ(), ChildEnv+"=1", ConfigEnv+"="+string(js))
	p.cmd.Stderr = os.Stderr
	p.cmd.SysProcAttr = childAttr()
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var r Result
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				p.results <- r
			}
		}
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	first, err := p.next(2 * time.Minute)
	if err != nil {
		p.Kill()
		return nil, fmt.Errorf("fleet: replica process did not start: %w", err)
	}
	if first.Err != "" {
		p.Kill()
		return nil, fmt.Errorf("fleet: replica process: %s", first.Err)
	}
	p.url = first.URL
	return p, nil
}

var errExited = errors.New("fleet: the replica process exited")

func (p *Proc) next(guard time.Duration) (Result, error) {
	select {
	case r := <-p.results:
		return r, nil
	case <-p.exited:
		select {
		case r := <-p.results:
			return r, nil
		default:
		}
		return Result{}, errExited
	case <-time.After(guard):
		return Result{}, errors.New("fleet: the replica process did not answer within the hang guard")
	}
}

// URL is where the process takes notifications.
func (p *Proc) URL() string { return p.url }

// Send writes cmd without waiting for the answer.
func (p *Proc) Send(cmd Command) error {
	b, _ := json.Marshal(cmd)
	_, err := p.stdin.Write(append(b, '\n'))
	return err
}

// Next waits for the process's next answer (a hang guard of guard).
func (p *Proc) Next(guard time.Duration) (Result, error) { return p.next(guard) }

// Do runs cmd in the process and returns its answer.
func (p *Proc) Do(_ context.Context, cmd Command) Result {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.Send(cmd); err != nil {
		return Result{Err: err.Error()}
	}
	r, err := p.next(5 * time.Minute)
	if err != nil {
		return Result{Err: err.Error()}
	}
	return r
}

// Kill ends the process with SIGKILL and waits for it.
func (p *Proc) Kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// Close asks the process to end and waits for it.
func (p *Proc) Close() {
	_ = p.Send(Command{Op: "close"})
	_ = p.stdin.Close()
	select {
	case <-p.exited:
	case <-time.After(time.Minute):
		p.Kill()
	}
}
