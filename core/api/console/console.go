// Package console is the daemon's web console: pages for people, served
// over HTTP(S) when [console] listen is set. It is a third front end of
// the action table beside the socket (core/api/local) and the EC2
// endpoint (core/api/ec2query): a page's script posts an action's JSON
// input to /api/<Action>, and the console hands it, once the session and
// CSRF token are checked, to the socket's own handler, so a browser gets
// the same actions, region rules and EC2 errors as the CLI.
//
// Login is a one-time link that `ec2x console` asks the daemon for over
// the socket (CreateConsoleLogin); it becomes a session cookie (HttpOnly,
// SameSite=Strict) and a CSRF token that the page sends with every call.
package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/ec2"
)

// CookieName is the session cookie's name.
const CookieName = "ec2x_console"

// HeaderCSRF carries the session's CSRF token on every API call and form.
const HeaderCSRF = "X-Csrf-Token"

// Options configure a console.
type Options struct {
	// Table is the action table the pages call (the socket's).
	Table *actions.Table
	// API is the socket's handler of that table (local.Server): the
	// console forwards a logged-in browser's calls to it.
	API http.Handler
	// Region is the default region.
	Region string
	// Now is the daemon's clock (login links and sessions expire by it).
	Now func() time.Time
	// TLS says the console is served over HTTPS: its cookie is Secure.
	TLS bool
}

// Console serves the pages and the browser's API; nil serves nothing
// (the console is off) but still answers CreateConsoleLogin, with why.
type Console struct {
	o     Options
	auth  *auth
	mux   *http.ServeMux
	mu    sync.Mutex
	base  string // the console's URL, once it listens
	pages *pages
}

// New returns a console over o's table.
func New(o Options) *Console {
	c := &Console{o: o, auth: newAuth(o.Now), mux: http.NewServeMux(), pages: loadPages()}
	c.routes()
	return c
}

// Attach gives the console the table its pages read and the socket
// handler the browser's calls go to, before it serves (the table holds
// the console's own action, so it is made after the console).
func (c *Console) Attach(t *actions.Table, api http.Handler) {
	c.o.Table, c.o.API = t, api
}

// SetURL tells the console where it listens ("http://127.0.0.1:8788"),
// for the links it mints.
func (c *Console) SetURL(base string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base = strings.TrimSuffix(base, "/")
}

// Actions are the console's own actions, served on the socket only
// (Local): c may be nil, when the console is off.
func Actions(c *Console) []actions.Def {
	return []actions.Def{actions.New(ec2.ActionCreateConsoleLogin, actions.Local, c.createLogin)}
}

// createLogin mints a one-time login link.
func (c *Console) createLogin(_ context.Context, _ string, in *ec2.CreateConsoleLoginInput) (*ec2.CreateConsoleLoginOutput, error) {
	if c == nil {
		return nil, errOff
	}
	c.mu.Lock()
	base := c.base
	c.mu.Unlock()
	if base == "" {
		return nil, errOff
	}
	next := in.Path
	if !localPath(next) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Path must be a console page such as /instances, not %q.", in.Path)
	}
	tok, exp := c.auth.mint()
	q := url.Values{"token": {tok}}
	if next != "" {
		q.Set("next", next)
	}
	return &ec2.CreateConsoleLoginOutput{Url: base + "/login?" + q.Encode(), ExpiresAt: exp.UTC()}, nil
}

// localPath reports whether p is a path of this site (never another
// host's: the login redirect must not be an open redirect).
func localPath(p string) bool {
	if p == "" {
		return true
	}
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.ContainsAny(p, "\\\r\n")
}

// ServeHTTP sets the headers every answer carries, then routes.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Scripts and styles from this site only, no framing, no sniffing, no
	// referrer (a login link must not leak through one). No CORS header
	// is ever set, so other sites' scripts cannot read an answer.
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if c.o.TLS {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.mux.ServeHTTP(w, r)
}

func (c *Console) routes() {
	c.mux.Handle("GET /static/", staticHandler())
	c.mux.HandleFunc("GET /login", c.login)
	c.mux.HandleFunc("POST /logout", c.logout)
	c.mux.HandleFunc("/api/{action}", c.callAPI)
	c.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/instances", http.StatusSeeOther)
	})
	for _, p := range pageList {
		c.mux.HandleFunc("GET "+p.Pattern, c.page(p))
	}
}

// login spends a one-time token for a session cookie and goes on to the
// page the link named.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	id, _, ok := c.auth.redeem(r.URL.Query().Get("token"))
	if !ok {
		c.pages.message(w, http.StatusForbidden, "Login refused", ErrLoginUsed.Error())
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: id, Path: "/", HttpOnly: true, Secure: c.o.TLS,
		SameSite: http.SameSiteStrictMode, MaxAge: int(SessionTTL / time.Second)})
	next := r.URL.Query().Get("next")
	if next == "" || !localPath(next) {
		next = "/instances"
	}
	// 303 to a URL without the token: it leaves the address bar.
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session (a change: it needs the CSRF token).
func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	s, id, err := c.session(r)
	if err == nil && !s.csrfOK(r.FormValue("csrf")) {
		err = errBadCSRF
	}
	if err != nil {
		c.pages.message(w, http.StatusForbidden, "Logout refused", err.Error())
		return
	}
	c.auth.end(id)
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: c.o.TLS, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	c.pages.message(w, http.StatusOK, "Logged out", "Run `ec2x console` for a new login link.")
}

// session finds the request's session by its cookie.
func (c *Console) session(r *http.Request) (*session, string, error) {
	ck, err := r.Cookie(CookieName)
	if err != nil {
		return nil, "", errNoSession
	}
	s, ok := c.auth.lookup(ck.Value)
	if !ok {
		return nil, "", errNoSession
	}
	return s, ck.Value, nil
}

// hidden are the socket's calls a browser may not make: the daemon's own
// controls and minting more login links.
var hidden = map[string]bool{"Ping": true, "Shutdown": true, ec2.ActionCreateConsoleLogin: true}

// callAPI checks the session, the CSRF token and the origin, then hands
// the call to the socket's handler as POST /v1/<Action> with the page's
// region: the same decoding, region rules, actions and errors.
func (c *Console) callAPI(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	var refused *ec2.Error
	s, _, err := c.session(r)
	switch {
	case r.Method != http.MethodPost:
		refused = errMethod
	case err != nil:
		refused = errNoSession
	case !sameOrigin(r):
		refused = errOrigin
	case !s.csrfOK(r.Header.Get(HeaderCSRF)):
		refused = errBadCSRF
	case hidden[action]:
		refused = errHidden
	}
	if refused != nil {
		writeError(w, refused)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = api.PathPrefix + action
	r2.URL.RawPath = ""
	r2.Header = http.Header{"Content-Type": {"application/json"}}
	region := r.Header.Get(api.HeaderRegion)
	if region == "" {
		region = c.o.Region
	}
	r2.Header.Set(api.HeaderRegion, region)
	c.o.API.ServeHTTP(w, r2)
}

// sameOrigin refuses a call another site's page made: browsers name the
// calling page's origin (Origin, Sec-Fetch-Site) on every POST.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}
