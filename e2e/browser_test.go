package e2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/paykit-go/paykit/examples/checkout/shop"
	"github.com/paykit-go/paykit/examples/simulators/simset"
)

var screenshot = flag.String("screenshot", "", "write the PNG screenshot of the card pay page to this file")

// The shared shop and browser: one of each for every case.
var (
	running *shop.Running
	browser context.Context
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	path, err := findBrowser()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	running, err = shop.Start(context.Background(), "127.0.0.1:0", simset.Config{}, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: starting the shop:", err)
		return 1
	}
	defer running.Close()

	dir, err := os.MkdirTemp("", "paykit-e2e-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.NoSandbox, // the test may run as root (CI), where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(900, 760),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	var cancelBrowser context.CancelFunc
	browser, cancelBrowser = chromedp.NewContext(alloc, chromedp.WithErrorf(quietErrorf))
	defer cancelBrowser()
	// The first Run starts Chromium, bound to the browser context itself
	// (a timeout context here would close the browser when it ends).
	started := make(chan error, 1)
	go func() { started <- chromedp.Run(browser) }()
	select {
	case err = <-started:
	case <-time.After(time.Minute):
		err = errors.New("no answer within a minute")
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: starting %s: %v\n", path, err)
		return 1
	}
	return m.Run()
}

// findBrowser returns the Chromium to drive, installing Debian's package
// when none is found and that is possible.
func findBrowser() (string, error) {
	if p := os.Getenv("PAYKIT_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("PAYKIT_CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	if p, ok := lookBrowser(); ok {
		return p, nil
	}
	if err := installChromium(); err != nil {
		return "", fmt.Errorf("no Chromium found (looked for $PAYKIT_CHROMIUM, chromium, chromium-browser, google-chrome): "+
			"install it (Debian/Ubuntu: apt-get install chromium) or set PAYKIT_CHROMIUM; %w", err)
	}
	if p, ok := lookBrowser(); ok {
		return p, nil
	}
	return "", errors.New("chromium was installed but is not on PATH")
}

func lookBrowser() (string, bool) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// installChromium runs apt-get as root, bounded by a timeout.
func installChromium() error {
	apt, err := exec.LookPath("apt-get")
	if err != nil || os.Geteuid() != 0 {
		return errors.New("cannot install it here (needs root and apt-get)")
	}
	fmt.Fprintln(os.Stderr, "e2e: Chromium is missing; installing Debian's chromium package")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for _, args := range [][]string{{"update", "-q"}, {"install", "-y", "-q", "chromium"}} {
		cmd := exec.CommandContext(ctx, apt, args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("apt-get %s: %w", args[0], err)
		}
	}
	return nil
}

// tab opens a fresh tab in the shared browser for one case.
func tab(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	if err := chromedp.Run(ctx); err != nil { // opens the tab, bound to ctx
		t.Fatalf("opening a tab: %v", err)
	}
	return ctx
}

// quietErrorf logs chromedp's errors except the events this driver's
// protocol tables do not know (newer Chromium enum values such as the
// "Loopback" address space), which change nothing for these tests.
func quietErrorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if strings.Contains(msg, "could not unmarshal event") {
		return
	}
	fmt.Fprintln(os.Stderr, "chromedp:", msg)
}
