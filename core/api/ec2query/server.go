package ec2query

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/rs/zerolog"
)

// Options configure the endpoint.
type Options struct {
	// Actions is the action table; only its Public actions are served.
	Actions *actions.Table
	// Region answers unsigned requests (AllowAnonymous): they carry none.
	Region string
	// Credentials are the access keys accepted ([[api.credentials]]).
	Credentials []configs.Credential
	// AllowAnonymous lets unsigned requests from loopback addresses in.
	AllowAnonymous bool
	// Now is the server's clock for RequestExpired (default time.Now).
	Now    func() time.Time
	Logger zerolog.Logger
	// BodyBudget is the bytes of large bodies read at once
	// (default DefaultBodyBudget).
	BodyBudget int64
	// Closed reports whether a region needs opting into and has not
	// been (nil: none): EC2 answers every call made there AuthFailure.
	Closed func(region string) bool
}

// Handler serves the EC2 Query protocol.
type Handler struct {
	o       Options
	secrets map[string]string
	bodies  budget
}

var _ http.Handler = (*Handler)(nil)

// New returns the endpoint's handler.
func New(o Options) *Handler {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.BodyBudget <= 0 {
		o.BodyBudget = DefaultBodyBudget
	}
	h := &Handler{o: o, secrets: map[string]string{}, bodies: budget{size: o.BodyBudget}}
	for _, c := range o.Credentials {
		h.secrets[c.AccessKeyID] = c.SecretAccessKey
	}
	return h
}

// ServeHTTP answers one EC2 API call: authenticate, decode, run, encode.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rid := requestID()
	action, out, err := h.serve(r)
	if err != nil {
		h.writeError(w, rid, action, err)
		return
	}
	body := encodeResponse(action, rid, out)
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("X-Amzn-RequestId", rid)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	h.o.Logger.Debug().Str("action", action).Str("request", rid).Msg("ec2 query")
}

func (h *Handler) serve(r *http.Request) (string, any, error) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return "", nil, ec2.Errorf(ec2.CodeInvalidAction, "The EC2 API takes POST or GET, not %s", r.Method)
	}
	c, err := h.credentials(r)
	if err != nil {
		return r.URL.Query().Get("Action"), nil, err
	}
	body, err := h.readBody(r)
	if err != nil {
		return r.URL.Query().Get("Action"), nil, err
	}
	form, err := parseForm(r, body)
	if err != nil {
		return "", nil, err
	}
	action := form.Get("Action")
	region, err := h.authenticate(r, body, c)
	if err != nil {
		return action, nil, err
	}
	if h.o.Closed != nil && h.o.Closed(region) {
		// What EC2 answers in a region the account has not enabled: the
		// credentials are not valid there (the Account API's EnableRegion
		// enables it; in ec2x, ec2x regions enable or opt_in = "opted-in").
		return action, nil, ec2.Errorf(ec2.CodeAuthFailure, "AWS was not able to validate the provided access credentials")
	}
	if action == "" {
		return "", nil, ec2.Errorf(ec2.CodeMissingAction, "The request must contain the parameter Action")
	}
	if v := form.Get("Version"); v != "" && v != APIVersion {
		h.o.Logger.Debug().Str("version", v).Msg("ec2 query: another API version asked; answering as " + APIVersion)
	}
	a, ok := h.o.Actions.Lookup(action)
	if !ok || a.Expose != actions.Public || a.Call == nil {
		return action, nil, ec2.Errorf(ec2.CodeInvalidAction, "The action %s is not valid for this web service.", action)
	}
	if err := checkParams(action, form); err != nil {
		return action, nil, err
	}
	in := a.New()
	dry, err := takeDryRun(form, in)
	if err != nil {
		return action, nil, err
	}
	if err := decodeForm(form, in); err != nil {
		return action, nil, err
	}
	if dry {
		// Actions whose input has DryRun ran the check in core; for the
		// rest (reads) the request was valid, which is all a dry run asks.
		if !isRead(action) {
			return action, nil, ec2.Errorf(ec2.CodeUnsupportedOperation, "DryRun is not supported for %s", action)
		}
		return action, nil, ec2.Errorf(ec2.CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	out, err := a.Call(r.Context(), region, in)
	if err != nil {
		return action, nil, err
	}
	return action, adapt(out), nil
}

// parseForm reads the parameters: the query string, and for POST the
// form-encoded body.
func parseForm(r *http.Request, body []byte) (url.Values, error) {
	form, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "malformed query string: %v", err)
	}
	if r.Method == http.MethodPost && len(body) > 0 {
		if ct := r.Header.Get("Content-Type"); ct != "" {
			if mt, _, _ := mime.ParseMediaType(ct); mt != "application/x-www-form-urlencoded" {
				return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Content-Type %s: the EC2 API takes application/x-www-form-urlencoded", mt)
			}
		}
		fb, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "malformed form body: %v", err)
		}
		for k, vs := range fb {
			form[k] = append(form[k], vs...)
		}
	}
	return form, noDuplicates(form)
}

// takeDryRun moves DryRun into the input when it has the field, and
// reports a dry run the front end must answer itself.
func takeDryRun(form url.Values, in any) (bool, error) {
	v, ok := form["DryRun"]
	if !ok {
		return false, nil
	}
	if _, has := reflect.TypeOf(in).Elem().FieldByName("DryRun"); has {
		return false, nil // decoded and checked by core
	}
	delete(form, "DryRun")
	b, err := strconv.ParseBool(v[len(v)-1])
	if err != nil {
		return false, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter DryRun is invalid. Expected true or false", v[len(v)-1])
	}
	return b, nil
}

// isRead reports an action that changes nothing.
func isRead(action string) bool {
	return strings.HasPrefix(action, "Describe") || strings.HasPrefix(action, "Get")
}

func (h *Handler) writeError(w http.ResponseWriter, rid, action string, err error) {
	var e *ec2.Error
	if !errors.As(err, &e) {
		if errors.Is(err, context.Canceled) {
			e = ec2.Errorf(ec2.CodeServiceUnavailable, "request cancelled")
		} else {
			h.o.Logger.Error().Err(err).Str("request", rid).Str("action", action).Msg("ec2 query: internal error")
			e = ec2.Errorf(ec2.CodeInternalError, "An internal error has occurred: %v", err)
		}
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString("<Response><Errors><Error><Code>")
	b.WriteString(escape(e.Code))
	b.WriteString("</Code><Message>")
	b.WriteString(escape(e.Message))
	b.WriteString("</Message></Error></Errors><RequestID>" + rid + "</RequestID></Response>")
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Header().Set("X-Amzn-RequestId", rid)
	w.WriteHeader(ec2.HTTPStatus(e.Code))
	_, _ = io.WriteString(w, b.String())
	h.o.Logger.Debug().Str("action", action).Str("request", rid).Str("code", e.Code).Msg("ec2 query failed")
}

func escape(s string) string {
	var b strings.Builder
	_ = xmlEscape(&b, s)
	return b.String()
}

// requestID is a random UUID, as EC2's request IDs are.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:])
}

func encodeBlob(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
