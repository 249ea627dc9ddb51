package ec2query

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// Signature Version 4, as AWS documents it: the server rebuilds the
// canonical request from what SignedHeaders names (clients sign different
// header sets: the Go SDK adds amz-sdk-invocation-id, amz-sdk-request and
// content-length) and compares signatures in constant time.

const (
	sigAlgorithm = "AWS4-HMAC-SHA256"
	amzDate      = "20060102T150405Z"
	// maxSkew is how far a request's time may be from the server's.
	maxSkew = 15 * time.Minute
)

// signed is what a request's signature claims.
type signed struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
	amzDate                          time.Time
	presigned                        bool
}

// parseAuth reads SigV4 from the Authorization header or, for presigned
// URLs, the query string. ok is false when the request is not signed.
func parseAuth(r *http.Request, query url.Values) (s signed, ok bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		rest, found := strings.CutPrefix(h, sigAlgorithm+" ")
		if !found {
			return s, true, ec2.Errorf(ec2.CodeIncompleteSignature, "Authorization header must use %s", sigAlgorithm)
		}
		parts := map[string]string{}
		for _, p := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			parts[k] = v
		}
		s.signature = parts["Signature"]
		if err := s.setCredential(parts["Credential"], parts["SignedHeaders"]); err != nil {
			return s, true, err
		}
		s.amzDate, err = parseAmzDate(cmp.Or(r.Header.Get("X-Amz-Date"), r.Header.Get("Date")))
		return s, true, err
	}
	if query.Get("X-Amz-Algorithm") == "" {
		return s, false, nil
	}
	if query.Get("X-Amz-Algorithm") != sigAlgorithm {
		return s, true, ec2.Errorf(ec2.CodeIncompleteSignature, "X-Amz-Algorithm must be %s", sigAlgorithm)
	}
	s.presigned = true
	s.signature = query.Get("X-Amz-Signature")
	if err := s.setCredential(query.Get("X-Amz-Credential"), query.Get("X-Amz-SignedHeaders")); err != nil {
		return s, true, err
	}
	s.amzDate, err = parseAmzDate(query.Get("X-Amz-Date"))
	return s, true, err
}

func (s *signed) setCredential(cred, headers string) error {
	f := strings.Split(cred, "/")
	if len(f) != 5 || f[4] != "aws4_request" || s.signature == "" || headers == "" {
		return ec2.Errorf(ec2.CodeIncompleteSignature, "Authorization must name Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders and Signature")
	}
	s.accessKey, s.date, s.region, s.service = f[0], f[1], f[2], f[3]
	s.signedHeaders = strings.Split(strings.ToLower(headers), ";")
	return nil
}

func parseAmzDate(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, ec2.Errorf(ec2.CodeIncompleteSignature, "the request has no X-Amz-Date")
	}
	t, err := time.Parse(amzDate, v)
	if err != nil {
		if t, err2 := http.ParseTime(v); err2 == nil {
			return t, nil
		}
		return time.Time{}, ec2.Errorf(ec2.CodeIncompleteSignature, "X-Amz-Date %q is not in the form %s", v, amzDate)
	}
	return t, nil
}

// checkTime checks the request's time against the server's, now, and
// against the credential's date.
func (s signed) checkTime(now time.Time) error {
	if skew := now.Sub(s.amzDate); skew > maxSkew || skew < -maxSkew {
		return ec2.Errorf(ec2.CodeRequestExpired, "Request has expired: the request time %s is more than %v from the server time %s",
			s.amzDate.UTC().Format(amzDate), maxSkew, now.UTC().Format(amzDate))
	}
	if s.amzDate.UTC().Format("20060102") != s.date {
		return ec2.Errorf(ec2.CodeSignatureDoesNotMatch, "the credential's date %s is not the request's date", s.date)
	}
	return nil
}

// verify checks s's signature against the request and the secret.
func (s signed) verify(r *http.Request, body []byte, secret string) error {
	want := signature(secret, s.date, s.region, s.service, stringToSign(s, canonicalRequest(r, body, s)))
	if !hmac.Equal([]byte(want), []byte(s.signature)) {
		return ec2.Errorf(ec2.CodeSignatureDoesNotMatch, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	return nil
}

func canonicalRequest(r *http.Request, body []byte, s signed) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(canonicalPath(r.URL.EscapedPath()) + "\n")
	q := r.URL.Query()
	if s.presigned {
		q.Del("X-Amz-Signature")
	}
	b.WriteString(canonicalQuery(q) + "\n")
	for _, h := range s.signedHeaders {
		b.WriteString(h + ":" + headerValue(r, h) + "\n")
	}
	b.WriteString("\n" + strings.Join(s.signedHeaders, ";") + "\n")
	switch ph := r.Header.Get("X-Amz-Content-Sha256"); {
	case ph != "":
		b.WriteString(ph)
	case s.presigned && r.Method == http.MethodGet:
		b.WriteString("UNSIGNED-PAYLOAD")
	default:
		sum := sha256.Sum256(body)
		b.WriteString(hex.EncodeToString(sum[:]))
	}
	return b.String()
}

func canonicalPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// canonicalQuery sorts the parameters and encodes them as SigV4 wants:
// unreserved characters as they are, everything else %XX.
func canonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, sigEscape(k)+"="+sigEscape(v))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

func sigEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

// headerValue is a header's canonical value: values joined by commas,
// runs of spaces folded. Go keeps Host and Content-Length out of Header.
func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return r.Host
	case "content-length":
		if v := r.Header.Get("Content-Length"); v != "" {
			return v
		}
		return strconv.FormatInt(r.ContentLength, 10)
	}
	vs := r.Header.Values(name)
	for i, v := range vs {
		vs[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vs, ",")
}

func stringToSign(s signed, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return sigAlgorithm + "\n" + s.amzDate.UTC().Format(amzDate) + "\n" +
		s.date + "/" + s.region + "/" + s.service + "/aws4_request\n" + hex.EncodeToString(sum[:])
}

func signature(secret, date, region, service, toSign string) string {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, "aws4_request")
	return hex.EncodeToString(hmacSHA256(k, toSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
