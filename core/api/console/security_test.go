package console_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/api/console"
	"github.com/ec2x/ec2x/internal/clock"
)

// httpLogin spends a login link with a plain HTTP client: its cookie jar
// then holds the session, and the CSRF token is read from a page.
func httpLogin(t *testing.T, tc *testConsole) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	resp, err := c.Get(tc.login(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/instances" {
		t.Fatalf("login landed on %s with %d", resp.Request.URL, resp.StatusCode)
	}
	m := regexp.MustCompile(`data-csrf="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token in the page")
	}
	return c, string(m[1])
}

// post calls the console's API and returns the status and the EC2 error
// code ("" on success).
func post(t *testing.T, c *http.Client, u, action, csrf string, hdr map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u+"/api/"+action, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set(console.HeaderCSRF, csrf)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for k := range resp.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("%s answered with CORS header %s", action, k)
		}
	}
	var body struct{ Error struct{ Code string } }
	data, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(data, &body)
	return resp.StatusCode, body.Error.Code
}

// TestAPIRefusals: the console's API answers a logged-in page with the
// right CSRF token only; everything else is refused before any action.
func TestAPIRefusals(t *testing.T) {
	tc := startConsole(t, consoleCfg, nil)
	c, csrf := httpLogin(t, tc)
	stranger := &http.Client{Timeout: 30 * time.Second}
	tests := []struct {
		name   string
		client *http.Client
		action string
		csrf   string
		hdr    map[string]string
		status int
		code   string
	}{
		{"session and token", c, "DescribeInstances", csrf, nil, 200, ""},
		{"no session", stranger, "DescribeInstances", csrf, nil, 403, "AuthFailure"},
		{"no CSRF token", c, "DescribeInstances", "", nil, 403, "AuthFailure"},
		{"wrong CSRF token", c, "RunInstances", csrf + "x", nil, 403, "AuthFailure"},
		{"another site's page", c, "RunInstances", csrf, map[string]string{"Origin": "http://evil.example"}, 403, "AuthFailure"},
		{"a cross-site fetch", c, "RunInstances", csrf, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "AuthFailure"},
		{"the daemon's shutdown", c, "Shutdown", csrf, nil, 400, "InvalidAction"},
		{"minting more links", c, "CreateConsoleLogin", csrf, nil, 400, "InvalidAction"},
		{"an action that is not", c, "LaunchMissiles", csrf, nil, 400, "InvalidAction"},
		{"an EC2 error passes through", c, "StopInstances", csrf, nil, 400, "MissingParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code := post(t, tt.client, tc.url, tt.action, tt.csrf, tt.hdr)
			if status != tt.status || code != tt.code {
				t.Errorf("%s: %d %q, want %d %q", tt.action, status, code, tt.status, tt.code)
			}
		})
	}
	t.Run("GET is refused", func(t *testing.T) {
		resp, err := c.Get(tc.url + "/api/DescribeInstances")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("GET answered 200")
		}
	})
	t.Run("a page without a session", func(t *testing.T) {
		resp, err := stranger.Get(tc.url + "/instances")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || strings.Contains(string(body), "data-csrf") {
			t.Errorf("answered %d: %.200s", resp.StatusCode, body)
		}
	})
	t.Run("the session cookie", func(t *testing.T) {
		resp, err := stranger.Get(tc.login(t, ""))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		ck := resp.Request.Response.Header.Get("Set-Cookie") // the login's 303
		for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
			if !strings.Contains(ck, want) {
				t.Errorf("Set-Cookie %q lacks %s", ck, want)
			}
		}
	})
	t.Run("logout needs the token and ends the session", func(t *testing.T) {
		resp, err := c.PostForm(tc.url+"/logout", url.Values{"csrf": {"wrong"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("logout with a wrong token: %d", resp.StatusCode)
		}
		resp, err = c.PostForm(tc.url+"/logout", url.Values{"csrf": {csrf}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if status, code := post(t, c, tc.url, "DescribeInstances", csrf, nil); status != 403 || code != "AuthFailure" {
			t.Errorf("after logout: %d %q", status, code)
		}
	})
}

// TestLoginLink: a link works once, within its lifetime on the daemon's
// clock, and only lands on this site.
func TestLoginLink(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	tc := startConsole(t, consoleCfg, clk)
	noRedirect := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) *http.Response {
		resp, err := noRedirect.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	t.Run("once", func(t *testing.T) {
		u := tc.login(t, "/costs")
		if r := get(u); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/costs" {
			t.Fatalf("first use: %d to %q", r.StatusCode, r.Header.Get("Location"))
		}
		if r := get(u); r.StatusCode != http.StatusForbidden {
			t.Errorf("second use: %d, want 403", r.StatusCode)
		}
	})
	t.Run("expired", func(t *testing.T) {
		u := tc.login(t, "")
		clk.Advance(console.LoginTTL)
		if r := get(u); r.StatusCode != http.StatusForbidden {
			t.Errorf("after %s: %d, want 403", console.LoginTTL, r.StatusCode)
		}
	})
	t.Run("within its lifetime", func(t *testing.T) {
		u := tc.login(t, "")
		clk.Advance(console.LoginTTL - time.Second)
		if r := get(u); r.StatusCode != http.StatusSeeOther {
			t.Errorf("a second before expiry: %d, want 303", r.StatusCode)
		}
	})
	t.Run("a made-up token", func(t *testing.T) {
		if r := get(tc.url + "/login?token=guess"); r.StatusCode != http.StatusForbidden {
			t.Errorf("%d, want 403", r.StatusCode)
		}
	})
	t.Run("no open redirect", func(t *testing.T) {
		var out struct{}
		err := tc.client.Call(t.Context(), "", "CreateConsoleLogin", map[string]string{"Path": "//evil.example/"}, &out)
		if err == nil || !strings.Contains(err.Error(), "InvalidParameterValue") {
			t.Errorf("a link to another host: %v", err)
		}
	})
}
