package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"sync"
	"time"
)

// Lifetimes of a login link and of a session. A link is short-lived as it
// travels through a terminal and a browser's history; a session lasts a
// working day and is forgotten when the daemon restarts.
const (
	LoginTTL   = 5 * time.Minute
	SessionTTL = 12 * time.Hour
	// maxPending bounds the links minted and not used, so a loop of
	// `ec2x console` cannot grow memory without end.
	maxPending = 64
)

// session is a logged-in browser: its cookie's ID and the CSRF token every
// change must carry.
type session struct {
	csrf    string
	expires time.Time
}

// auth holds the pending login tokens and the sessions, in memory only.
type auth struct {
	mu       sync.Mutex
	now      func() time.Time
	pending  map[string]time.Time // token -> expiry
	sessions map[string]*session  // cookie value -> session
}

func newAuth(now func() time.Time) *auth {
	return &auth{now: now, pending: map[string]time.Time{}, sessions: map[string]*session{}}
}

// secret is 32 random bytes, URL-safe.
func secret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// mint makes a one-time login token.
func (a *auth) mint() (string, time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	a.sweep(now)
	for len(a.pending) >= maxPending {
		// the oldest link goes first
		var oldest string
		for t, exp := range a.pending {
			if oldest == "" || exp.Before(a.pending[oldest]) {
				oldest = t
			}
		}
		delete(a.pending, oldest)
	}
	t, exp := secret(), now.Add(LoginTTL)
	a.pending[t] = exp
	return t, exp
}

// redeem spends a login token (once) for a new session: its cookie value
// and the session.
func (a *auth) redeem(token string) (string, *session, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	exp, ok := a.pending[token]
	delete(a.pending, token)
	if !ok || !now.Before(exp) {
		return "", nil, false
	}
	id, s := secret(), &session{csrf: secret(), expires: now.Add(SessionTTL)}
	a.sessions[id] = s
	return id, s, true
}

// lookup finds a live session by its cookie value.
func (a *auth) lookup(id string) (*session, bool) {
	if id == "" {
		return nil, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[id]
	if ok && !a.now().Before(s.expires) {
		delete(a.sessions, id)
		return nil, false
	}
	return s, ok
}

// end forgets a session (logout).
func (a *auth) end(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sessions, id)
}

// sweep drops expired links and sessions; called with mu held.
func (a *auth) sweep(now time.Time) {
	for t, exp := range a.pending {
		if !now.Before(exp) {
			delete(a.pending, t)
		}
	}
	for id, s := range a.sessions {
		if !now.Before(s.expires) {
			delete(a.sessions, id)
		}
	}
}

// csrfOK compares a request's token with the session's in constant time.
func (s *session) csrfOK(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}
