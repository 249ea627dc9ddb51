package console_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

var screenshots = flag.Bool("screenshots", false, "write the pages' screenshots to docs/console (else to a temporary directory)")

// shot saves a screenshot of the page as name.png.
func shot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func shotDir(t *testing.T) string {
	if !*screenshots {
		return t.TempDir()
	}
	dir := filepath.Join("..", "..", "..", "docs", "console")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowserLoginOnce: the link of `ec2x console` logs a browser in and
// lands on the instance list; the same link refused a second time; a
// page's call with a wrong CSRF token refused, with the right one served.
func TestBrowserLoginOnce(t *testing.T) {
	tc := startConsole(t, consoleCfg, nil)
	ctx := newBrowser(t)
	link := tc.login(t, "")
	do(t, ctx, "open the login link", chromedp.Navigate(link))
	waitJS(t, ctx, "the instance list", `document.body.dataset.page === "instances" && document.body.dataset.rows === "0"`, 20*time.Second)
	if u := eval[string](t, ctx, `location.href`); strings.Contains(u, "token=") {
		t.Errorf("the token stayed in the address bar: %s", u)
	}
	checkLabels(t, ctx, "instances")

	t.Run("a wrong CSRF token is refused", func(t *testing.T) {
		got := eval[string](t, ctx, `fetch("/api/RunInstances", {method: "POST", headers: {"X-Csrf-Token": "wrong"}, body: "{}"}).then(r => r.status + " " + r.headers.get("Content-Type"))`)
		if !strings.HasPrefix(got, "403") {
			t.Errorf("fetch with a wrong token: %s", got)
		}
		// the page's own token gets through to EC2's own checks
		code := eval[string](t, ctx, `ec2x.api("StopInstances", {}).then(() => "ok", e => e.code)`)
		if code != "MissingParameter" {
			t.Errorf("StopInstances without IDs, with the page's token: %q", code)
		}
	})
	t.Run("the region switcher", func(t *testing.T) {
		// an instance in us-east-1 only (through the socket, as the CLI)
		var run struct{ Instances []struct{ InstanceId string } }
		tc.call(t, "RunInstances", map[string]any{"MinCount": 1, "MaxCount": 1}, &run)
		waitJS(t, ctx, "it in the list", `document.body.dataset.rows === "1"`, 20*time.Second)
		do(t, ctx, "switch to us-west-2 by keyboard", tabTo("#region"), typeKeys("us-west-2"), tabTo(".region button"), press())
		waitJS(t, ctx, "us-west-2's empty list", `document.body.dataset.region === "us-west-2" && document.body.dataset.rows === "0"`, 20*time.Second)
		if href := eval[string](t, ctx, `document.querySelector("nav a[href^='/costs']").getAttribute("href")`); href != "/costs?region=us-west-2" {
			t.Errorf("the navigation keeps the region: %q", href)
		}
		do(t, ctx, "back to us-east-1", chromedp.Navigate(tc.url+"/instances?region=us-east-1"))
		waitJS(t, ctx, "us-east-1's instance", `document.body.dataset.rows === "1"`, 20*time.Second)
		do(t, ctx, "filter it out", tabTo("#filter"), typeKeys("no-such-instance"))
		waitJS(t, ctx, "an empty filtered list", `document.body.dataset.rows === "0"`, 5*time.Second)

		// select it from the keyboard, terminate: cancelled, then confirmed
		id := run.Instances[0].InstanceId
		do(t, ctx, "clear the filter", chromedp.Navigate(tc.url+"/instances"))
		waitJS(t, ctx, "the instance running", `document.querySelector("tr .state") && document.querySelector("tr .state").textContent === "running"`, 20*time.Second)
		do(t, ctx, "select it", tabTo(`input[aria-label="Select `+id+`"]`), chromedp.KeyEvent(" "))
		waitJS(t, ctx, "the actions enabled", `!document.querySelector("button[data-act=TerminateInstances]").disabled`, 5*time.Second)
		do(t, ctx, "terminate, then cancel", chromedp.Click(chromedp.CSS("button[data-act=TerminateInstances]")))
		waitJS(t, ctx, "the question", `document.getElementById("confirm").open && document.getElementById("confirm-text").textContent.includes("`+id+`")`, 5*time.Second)
		do(t, ctx, "cancel", chromedp.KeyEvent(kb.Escape))
		waitJS(t, ctx, "the dialog closed", `!document.getElementById("confirm").open`, 5*time.Second)
		if st := eval[string](t, ctx, `document.querySelector("tr .state").textContent`); st != "running" {
			t.Errorf("after cancelling: %s", st)
		}
		do(t, ctx, "terminate again", chromedp.Click(chromedp.CSS("button[data-act=TerminateInstances]")))
		waitJS(t, ctx, "the question again", `document.getElementById("confirm").open`, 5*time.Second)
		do(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#confirm-ok")))
		waitJS(t, ctx, "it terminating", `["shutting-down", "terminated"].includes(document.querySelector("tr .state").textContent)`, 20*time.Second)
	})
	t.Run("the link does not work twice", func(t *testing.T) {
		do(t, ctx, "open the link again", chromedp.Navigate(link))
		msg := eval[string](t, ctx, `document.getElementById("message").textContent`)
		if !strings.Contains(msg, "used already or has expired") {
			t.Errorf("second use says %q", msg)
		}
	})
	t.Run("without the session the API refuses", func(t *testing.T) {
		// a fresh browser context has no cookie
		ctx2 := newTab(t, ctx)
		do(t, ctx2, "open a page", chromedp.Navigate(tc.url+"/instances"))
		if s := eval[string](t, ctx2, `document.title`); !strings.HasPrefix(s, "Log in") {
			t.Errorf("a page without a session is titled %q", s)
		}
		got := eval[float64](t, ctx2, `fetch("/api/DescribeInstances", {method: "POST", body: "{}"}).then(r => r.status)`)
		if got != 403 {
			t.Errorf("API without a session: %v", got)
		}
	})
}
