package ec2query

import (
	"io"
	"net/http"
	"sync"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
)

// What a request body may cost before its signature is known to be good.
// A request is only authenticated once its body has been hashed, so every
// body is read on trust; these bound what that trust costs an endpoint
// that strangers can reach (issue 12: sixty held 16 MB bodies kept 1.29 GB).
const (
	// maxBody bounds one request body; EC2's own limit on user data is 16 KiB.
	maxBody = 16 << 20
	// smallBody is what any request may send without asking the budget:
	// every API call but the rarest fits, and the connection cap bounds
	// how many there are at once.
	smallBody = 64 << 10
	// DefaultBodyBudget is the bytes of larger bodies read at once by all
	// requests together; a request that does not fit is answered
	// RequestLimitExceeded (503), which the SDKs retry with back-off.
	DefaultBodyBudget = 32 << 20
)

// budget counts the bytes of large bodies being read.
type budget struct {
	mu         sync.Mutex
	used, size int64
}

// take reserves n bytes, or says no at once: a request never waits for
// the budget, so a held body cannot queue others behind it.
func (b *budget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.size {
		return false
	}
	b.used += n
	return true
}

func (b *budget) give(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

// readBody reads a request's body within maxBody and, above smallBody,
// within the endpoint's budget. A body whose declared length is over the
// limit is refused before a byte of it is read.
func (h *Handler) readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > maxBody {
		return nil, tooLarge()
	}
	if r.ContentLength == 0 {
		return nil, nil
	}
	n := r.ContentLength
	if n < 0 { // chunked: it may grow to the limit
		n = maxBody
	}
	if n > smallBody {
		if !h.bodies.take(n) {
			return nil, ec2.Errorf(ec2.CodeRequestLimitExceeded, "Request limit exceeded: too many large requests are being read; retry")
		}
		defer h.bodies.give(n)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "reading the request: %v", err)
	}
	if len(body) > maxBody {
		return nil, tooLarge()
	}
	return body, nil
}

func tooLarge() error {
	return ec2.Errorf(ec2.CodeInvalidParameterValue, "the request is larger than %d bytes", maxBody)
}

// credentials checks all a request's signature claims that can be checked
// before its body is read: it is signed (or may be anonymous), with a key
// this endpoint knows, for ec2, at a time within the allowed skew. A
// stranger is thus turned away without the endpoint reading a byte.
func (h *Handler) credentials(r *http.Request) (creds, error) {
	s, signedReq, err := parseAuth(r, r.URL.Query())
	if err != nil {
		return creds{}, err
	}
	if !signedReq {
		if h.o.AllowAnonymous && configs.Loopback(r.RemoteAddr) {
			return creds{anonymous: true}, nil
		}
		return creds{}, ec2.Errorf(ec2.CodeMissingAuthenticationToken, "Request is missing Authentication Token: sign it with SigV4 and a key of [[api.credentials]]")
	}
	secret, ok := h.secrets[s.accessKey]
	if !ok {
		return creds{}, ec2.Errorf(ec2.CodeAuthFailure, "AWS was not able to validate the provided access credentials: unknown access key %s", s.accessKey)
	}
	if s.service != "ec2" {
		return creds{}, ec2.Errorf(ec2.CodeSignatureDoesNotMatch, "Credential should be scoped to the service ec2, not %s", s.service)
	}
	if err := s.checkTime(h.o.Now()); err != nil {
		return creds{}, err
	}
	return creds{s: s, secret: secret}, nil
}

// creds is what credentials found.
type creds struct {
	s         signed
	secret    string
	anonymous bool
}

// authenticate verifies the signature over the request and its body and
// returns the region it was signed for.
func (h *Handler) authenticate(r *http.Request, body []byte, c creds) (string, error) {
	if c.anonymous {
		return h.o.Region, nil
	}
	if err := c.s.verify(r, body, c.secret); err != nil {
		return "", err
	}
	return c.s.region, nil
}
