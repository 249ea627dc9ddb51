package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/rs/zerolog"
)

// Server serves the JSON API over HTTP: every action of the table.
type Server struct {
	table    *actions.Table
	region   string // the default region
	ping     api.Ping
	log      zerolog.Logger
	shutdown func()
	reqs     atomic.Uint64
	// Closed reports whether a region needs opting into and has not been
	// (nil: none); calls there are refused as the EC2 endpoint refuses
	// them, with the way to enable it.
	Closed func(region string) bool
}

// openEverywhere reports the actions that work whatever the region:
// listing the regions and enabling one.
func openEverywhere(action string) bool {
	switch action {
	case "DescribeRegions", "EnableRegion", "DisableRegion":
		return true
	}
	return false
}

// NewServer returns the HTTP handler of the API over the table's actions;
// region is the one a call without a region header goes to. shutdown is
// called when a client asks the daemon to stop.
func NewServer(t *actions.Table, region string, ping api.Ping, log zerolog.Logger, shutdown func()) *Server {
	return &Server{table: t, region: region, ping: ping, log: log, shutdown: shutdown}
}

func (s *Server) requestID() string {
	n := s.reqs.Add(1)
	return strconv.Itoa(s.ping.Pid) + "-" + strconv.FormatUint(n, 10)
}

// ServeHTTP dispatches POST /v1/<Action>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, api.PathPrefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	rid := s.requestID()
	switch name {
	case "Ping":
		writeJSON(w, http.StatusOK, s.ping)
		return
	case "Shutdown":
		writeJSON(w, http.StatusOK, ec2.Empty{Return: true})
		go s.shutdown()
		return
	}
	if st := r.Header.Get(api.HeaderStamp); st != "" && st != s.ping.Stamp {
		s.writeError(w, rid, ec2.Errorf(api.CodeStampMismatch, "daemon stamp %s, client stamp %s", s.ping.Stamp, st))
		return
	}
	if r.Method != http.MethodPost {
		s.writeError(w, rid, ec2.Errorf(ec2.CodeInvalidAction, "use POST"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		s.writeError(w, rid, ec2.Errorf(ec2.CodeInvalidParameterValue, "read request: %v", err))
		return
	}
	region := r.Header.Get(api.HeaderRegion)
	if region == "" {
		region = s.region
	}
	a, ok := s.lookup(name)
	if !ok {
		s.writeError(w, rid, ec2.Errorf(ec2.CodeInvalidAction, "The action %s is not valid for this web service.", name))
		return
	}
	if s.Closed != nil && !openEverywhere(name) && s.Closed(region) {
		s.writeError(w, rid, ec2.Errorf(ec2.CodeAuthFailure, "The region %s is not enabled for this account (enable it with: ec2x regions enable %s).", region, region))
		return
	}
	if a.Stream != nil {
		s.serveStream(w, r, rid, a, region, body)
		return
	}
	out, err := dispatchJSON(r.Context(), a, region, body)
	if err != nil {
		s.log.Debug().Str("action", name).Str("region", region).Str("request", rid).Err(err).Msg("request failed")
		s.writeError(w, rid, err)
		return
	}
	s.log.Debug().Str("action", name).Str("region", region).Str("request", rid).Msg("request")
	if raw, ok := out.(interface{ Raw() []byte }); ok {
		body := raw.Raw()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) writeError(w http.ResponseWriter, rid string, err error) {
	var e *ec2.Error
	if !errors.As(err, &e) {
		if errors.Is(err, context.Canceled) {
			e = ec2.Errorf(ec2.CodeServiceUnavailable, "request cancelled")
		} else {
			s.log.Error().Err(err).Str("request", rid).Msg("internal error")
			e = ec2.Errorf(ec2.CodeInternalError, "An internal error has occurred: %v", err)
		}
	}
	var body api.ErrorBody
	body.Error.Code, body.Error.Message, body.RequestId = e.Code, e.Message, rid
	writeJSON(w, statusOf(e.Code), body)
}

// statusOf is the HTTP status of a code: EC2's, or Conflict for a stamp
// mismatch.
func statusOf(code string) int {
	if code == api.CodeStampMismatch {
		return http.StatusConflict
	}
	return ec2.HTTPStatus(code)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// serveStream answers a streaming action with newline-delimited JSON
// frames, flushed one by one, until the action ends or the client leaves.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request, rid string, st actions.Def, region string, body []byte) {
	in, err := decodeInput(st, body)
	if err != nil {
		s.writeError(w, rid, err)
		return
	}
	flusher, _ := w.(http.Flusher)
	started := false
	err = st.Stream(r.Context(), region, in, func(frame any) error {
		data, err := json.Marshal(frame)
		if err != nil {
			return err
		}
		if !started {
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		if _, err := w.Write(append(data, '\n')); err != nil {
			return err
		}
		if flusher != nil {
			flusher.Flush()
		}
		return nil
	})
	if err != nil && !started {
		s.writeError(w, rid, err)
	}
}
