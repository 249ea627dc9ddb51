package console_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/daemon"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/ec2x/ec2x/pricing-wasm/wasmtest"
	"github.com/rs/zerolog"
)

// RequireBrowser names the variable CI sets so that a missing browser
// fails the browser tests instead of skipping them.
const RequireBrowser = "EC2X_REQUIRE_BROWSER"

func TestMain(m *testing.M) {
	// every test daemon compiles the pricing modules into one cache
	os.Setenv("EC2X_WASM_CACHE", wasmtest.CacheDir())
	os.Exit(m.Run())
}

// consoleCfg is a console on a free loopback port with quick sim boots
// and a sampler that ticks every second.
const consoleCfg = `
[sim]
boot_seconds = 4
stop_seconds = 1

[monitor]
interval_seconds = 1

[pricing]
wasm_timeout_ms = 1000

[console]
listen = "127.0.0.1:0"
`

// testConsole is a real daemon (Badger store, sim driver) in this process
// serving its console on a real loopback socket.
type testConsole struct {
	home   string
	url    string      // the console's base URL
	client *api.Client // the socket's client, as the CLI
}

// startConsole runs a daemon with cfgText as its config.toml (and clk as
// its clock; nil: the real one) until the test ends.
func startConsole(t testing.TB, cfgText string, clk clock.Clock) *testConsole {
	t.Helper()
	return startConsoleWith(t, cfgText, clk, nil)
}

// startConsoleWith is startConsole with files written into EC2X_HOME
// first (name -> content).
func startConsoleWith(t testing.TB, cfgText string, clk clock.Clock, files map[string][]byte) *testConsole {
	t.Helper()
	home := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(home, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(home, configs.FileName), []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Load(home)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready, exited := make(chan struct{}), make(chan error, 1)
	tc := &testConsole{home: home}
	go func() {
		exited <- daemon.Run(ctx, daemon.Options{Home: home, Stamp: "test", Config: cfg, Logger: zerolog.Nop(), Clock: clk,
			ConsoleReady: func(url string) { tc.url = url }, Ready: func() { close(ready) }})
	}()
	select {
	case <-ready:
	case err := <-exited:
		cancel()
		t.Fatalf("daemon: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("daemon did not start")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-exited; err != nil {
			t.Errorf("daemon exit: %v", err)
		}
	})
	tc.client = api.NewClient(api.Paths{Home: home}.Socket(), "test")
	return tc
}

// login mints a one-time login link, as `ec2x console` does.
func (tc *testConsole) login(t testing.TB, path string) string {
	t.Helper()
	var out ec2.CreateConsoleLoginOutput
	if err := tc.client.Call(context.Background(), "", ec2.ActionCreateConsoleLogin, &ec2.CreateConsoleLoginInput{Path: path}, &out); err != nil {
		t.Fatal(err)
	}
	return out.Url
}

// call runs an action on the socket, as the CLI does.
func (tc *testConsole) call(t testing.TB, action string, in, out any) {
	t.Helper()
	if err := tc.client.Call(context.Background(), "", action, in, out); err != nil {
		t.Fatalf("%s: %v", action, err)
	}
}

// browserPath finds Debian's headless Chromium (or a full one).
func browserPath() (string, error) {
	for _, name := range []string{"chromium-headless-shell", "chromium", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium-headless-shell, chromium or google-chrome on PATH (apt-get install chromium-headless-shell)")
}

// newBrowser starts a headless browser for the test (skipped without one,
// unless EC2X_REQUIRE_BROWSER is set) and returns its first tab.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := browserPath()
	if err != nil {
		if os.Getenv(RequireBrowser) != "" {
			t.Fatalf("%s is set but %v", RequireBrowser, err)
		}
		t.Skip(err)
	}
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts, chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless, chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// newTab opens a tab in a browser context of its own (no cookies of
// the others), bound to ctx's life: its first action runs without a
// deadline, as chromedp ties the tab to that action's context.
func newTab(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	c, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(c); err != nil {
		t.Fatal(err)
	}
	return c
}

// do runs browser steps within a minute, failing the test with what.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v\npage error: %s", what, err, pageError(ctx))
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// a promise's value is awaited, so fetch() chains can be asserted
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitJS waits (up to timeout) for a JavaScript expression to be truthy.
// It asks again every 100 ms, through navigations (while a page is
// replaced its context is gone, and the question fails).
func waitJS(t *testing.T, ctx context.Context, what, expr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	q := fmt.Sprintf(`(() => { try { return !!(%s); } catch (e) { return false; } })()`, expr)
	var last error
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](q))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waiting for %s (%s): timed out after %s (last error: %v)\npage error: %s", what, expr, timeout, last, pageError(ctx))
}

// pageError is what the page's alert says, for failure messages.
func pageError(ctx context.Context) string {
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Evaluate[string](`(document.getElementById("error")||{}).textContent||""`))
	if err != nil {
		return err.Error()
	}
	return s
}

// tabTo presses Tab until the focus is on the element sel matches: the
// way a keyboard user gets there.
func tabTo(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		q := fmt.Sprintf(`!!document.activeElement && document.activeElement.matches(%q)`, sel)
		for range 150 {
			ok, err := chromedp.Evaluate[bool](q)(ctx, tg)
			if err != nil {
				return err
			}
			if ok {
				return nil
			}
			if _, err := chromedp.KeyEvent(kb.Tab)(ctx, tg); err != nil {
				return err
			}
		}
		return fmt.Errorf("tabbing never reached %s", sel)
	})
}

// typeKeys types text into the focused element.
func typeKeys(text string) chromedp.Action[chromedp.Void] { return chromedp.KeyEvent(text) }

// press presses Enter on the focused element.
func press() chromedp.Action[chromedp.Void] { return chromedp.KeyEvent(kb.Enter) }

// unlabelled lists the page's visible form controls that have no label
// (a <label for>, an enclosing label, aria-label or aria-labelledby) and
// the buttons without a name: what a screen reader could not announce.
const unlabelled = `(() => {
  const bad = [];
  for (const e of document.querySelectorAll("input, select, textarea")) {
    if (e.type === "hidden") continue;
    if ((e.labels && e.labels.length) || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby")) continue;
    bad.push(e.outerHTML.slice(0, 80));
  }
  for (const b of document.querySelectorAll("button, a[href]")) {
    if (!(b.textContent.trim() || b.getAttribute("aria-label"))) bad.push(b.outerHTML.slice(0, 80));
  }
  return bad;
})()`

// checkLabels fails the test for every control of the page without a name.
func checkLabels(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if bad := eval[[]string](t, ctx, unlabelled); len(bad) > 0 {
		t.Errorf("%s: controls without a label: %q", page, bad)
	}
}
