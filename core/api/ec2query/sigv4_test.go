package ec2query

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/ec2x/ec2x/core/ec2"
)

const (
	key    = "AKIDEXAMPLE"
	secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

var signedAt = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// sign signs r as the SDK does, at t, with the secret given.
func sign(t *testing.T, r *http.Request, body, sec string, at time.Time, presign bool) *http.Request {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: key, SecretAccessKey: sec}
	s := v4.NewSigner()
	if presign {
		u, _, err := s.PresignHTTP(context.Background(), creds, r, "UNSIGNED-PAYLOAD", "ec2", "eu-west-1", at)
		if err != nil {
			t.Fatal(err)
		}
		p := httptest.NewRequest(r.Method, u, nil)
		return p
	}
	if err := s.SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "ec2", "eu-west-1", at); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSigV4(t *testing.T) {
	const form = "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=a+b%2Fc"
	post := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8787/", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		r.Header.Set("Amz-Sdk-Invocation-Id", "1234")
		return r
	}
	get := func() *http.Request {
		return httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8787/?"+form+"&Other=%E2%9C%93~", nil)
	}
	cases := []struct {
		name    string
		req     func() *http.Request
		body    string
		secret  string
		at      time.Time
		presign bool
		code    string
	}{
		{name: "POST with a form body", req: post, body: form, secret: secret, at: signedAt},
		{name: "GET with a query string", req: get, secret: secret, at: signedAt},
		{name: "a presigned GET", req: get, secret: secret, at: signedAt, presign: true},
		{name: "the wrong secret", req: post, body: form, secret: "nope", at: signedAt, code: ec2.CodeSignatureDoesNotMatch},
		{name: "16 minutes old", req: post, body: form, secret: secret, at: signedAt.Add(-16 * time.Minute), code: ec2.CodeRequestExpired},
		{name: "14 minutes ahead", req: post, body: form, secret: secret, at: signedAt.Add(14 * time.Minute)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := sign(t, tc.req(), tc.body, tc.secret, tc.at, tc.presign)
			s, ok, err := parseAuth(r, r.URL.Query())
			if err != nil || !ok {
				t.Fatalf("parseAuth: %v, %v", ok, err)
			}
			if s.region != "eu-west-1" || s.accessKey != key {
				t.Errorf("scope %s/%s", s.accessKey, s.region)
			}
			err = s.checkTime(signedAt)
			if err == nil {
				err = s.verify(r, []byte(tc.body), secret)
			}
			var e *ec2.Error
			switch {
			case tc.code == "" && err != nil:
				t.Fatalf("verify: %v", err)
			case tc.code != "" && (!errors.As(err, &e) || e.Code != tc.code):
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
	t.Run("a body changed after signing", func(t *testing.T) {
		r := sign(t, post(), form, secret, signedAt, false)
		s, _, _ := parseAuth(r, r.URL.Query())
		if err := s.verify(r, []byte(form+"&InstanceId.1=i-1"), secret); err == nil {
			t.Fatal("a tampered body verified")
		}
	})
}
