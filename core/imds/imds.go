// Package imds serves instance metadata as EC2's IMDSv2 does: a session
// token from PUT /latest/api/token, then GETs that carry it. EC2 guests
// reach it at 169.254.169.254; here each instance that asks gets its own
// loopback listener (opened on demand), so that the answer needs no guess
// about who is asking.
package imds

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/rs/zerolog"
)

// Header names of IMDSv2.
const (
	HeaderTTL   = ec2.HeaderIMDSTokenTTL
	HeaderToken = ec2.HeaderIMDSToken
	// maxTTL is EC2's longest token life, six hours.
	maxTTL = 21600
)

// Source answers what an instance's metadata is.
type Source interface {
	DescribeInstanceMetadata(ctx context.Context, region string, in *ec2.InstanceIdInput) (*ec2.InstanceMetadata, error)
	Now() time.Time
}

// Server holds the metadata listeners of a daemon.
type Server struct {
	src Source
	log zerolog.Logger
	mu  sync.Mutex
	eps map[string]*endpoint // by region/instance
	// guests are the servers of guest networks (ServeGuests).
	guests []*http.Server
}

// New returns a Server reading from src.
func New(src Source, log zerolog.Logger) *Server {
	return &Server{src: src, log: log, eps: map[string]*endpoint{}}
}

// endpoint is one instance's metadata service.
type endpoint struct {
	s          *Server
	region, id string
	url        string
	srv        *http.Server
	mu         sync.Mutex
	tokens     tokenBook
}

// Open returns the instance's endpoint URL, listening on a loopback port.
func (s *Server) Open(ctx context.Context, region, id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := region + "/" + id
	ep, ok := s.eps[key]
	if ok && ep.srv != nil {
		return ep.url, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("instance metadata for %s: %w", id, err)
	}
	if !ok { // else the guest network's endpoint, whose tokens stay valid here
		ep = &endpoint{s: s, region: region, id: id}
	}
	ep.url = "http://" + l.Addr().String()
	ep.srv = &http.Server{Handler: ep, ReadHeaderTimeout: 10 * time.Second,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context { return context.WithValue(ctx, connKey{}, c) }}
	go func() {
		if err := ep.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error().Err(err).Str("instance", id).Msg("instance metadata stopped")
		}
	}()
	s.eps[key] = ep
	s.log.Info().Str("instance", id).Str("url", ep.url).Msg("instance metadata listening")
	return ep.url, nil
}

// Resolver tells which instance a request comes from (a guest network
// knows it by the VPC and the source address); false: none.
type Resolver func(r *http.Request) (region, id string, ok bool)

// ServeGuests answers IMDSv2 on a listener of a guest network (at
// 169.254.169.254 in the network's namespace) until Close or until the
// listener fails: each request is answered as its instance's own
// endpoint (tokens are per instance, as on EC2); a request no instance
// sent gets 404.
func (s *Server) ServeGuests(l net.Listener, resolve Resolver) error {
	srv := &http.Server{Handler: s.guestHandler(resolve), ReadHeaderTimeout: 10 * time.Second,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context { return context.WithValue(ctx, connKey{}, c) }}
	s.mu.Lock()
	s.guests = append(s.guests, srv)
	s.mu.Unlock()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) guestHandler(resolve Resolver) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		region, id, ok := resolve(r)
		if !ok {
			w.Header().Set("Server", "EC2ws")
			http.Error(w, "Not Found", http.StatusNotFound)
			return
		}
		s.mu.Lock()
		key := region + "/" + id
		ep, found := s.eps[key]
		if !found {
			ep = &endpoint{s: s, region: region, id: id}
			s.eps[key] = ep
		}
		s.mu.Unlock()
		ep.ServeHTTP(w, r)
	})
}

// Close stops every listener.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, ep := range s.eps {
		if ep.srv != nil {
			_ = ep.srv.Close()
		}
		delete(s.eps, k)
	}
	for _, g := range s.guests {
		_ = g.Close()
	}
	s.guests = nil
}

// ServeHTTP answers IMDSv2: tokens first, then metadata paths.
func (ep *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Server", "EC2ws")
	// As EC2 does, refuse what came through a proxy: IMDSv2's token PUT is
	// meant not to be reachable through open forwarders.
	if r.Header.Get("X-Forwarded-For") != "" {
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	}
	md, err := ep.s.src.DescribeInstanceMetadata(r.Context(), ep.region, &ec2.InstanceIdInput{InstanceId: ep.id})
	if err != nil || md.State == ec2.StateTerminated {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	opts := md.Options
	if opts == nil {
		opts = &ec2.InstanceMetadataOptionsResponse{HttpTokens: "optional", HttpPutResponseHopLimit: 1, HttpEndpoint: "enabled"}
	}
	if opts.HttpEndpoint == "disabled" {
		// EC2 answers 403 when the instance's metadata service is off.
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	}
	if r.URL.Path == "/latest/api/token" {
		ep.token(w, r, opts.HttpPutResponseHopLimit)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	// IMDSv1 (no token) unless tokens are required; a token given must be valid.
	if tok := r.Header.Get(HeaderToken); (tok == "" && opts.HttpTokens == "required") || (tok != "" && !ep.valid(tok)) {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	body, ok := lookup(md, strings.TrimPrefix(r.URL.Path, "/"))
	if !ok {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func (ep *endpoint) token(w http.ResponseWriter, r *http.Request, hops int) {
	if r.Method != http.MethodPut {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	ttl, err := strconv.Atoi(r.Header.Get(HeaderTTL))
	if err != nil || ttl < 1 || ttl > maxTTL {
		http.Error(w, "Bad Request: "+HeaderTTL+" must be 1 to "+strconv.Itoa(maxTTL), http.StatusBadRequest)
		return
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	now := ep.s.src.Now()
	ep.mu.Lock()
	ep.tokens.add(tok, now.Add(time.Duration(ttl)*time.Second), now)
	ep.mu.Unlock()
	// The token's packets go at most the hop limit's routers away, as on
	// EC2 (a container behind one more hop cannot fetch a token).
	if c, ok := r.Context().Value(connKey{}).(net.Conn); ok {
		setTTL(c, hops)
	}
	w.Header().Set(HeaderTTL, strconv.Itoa(ttl))
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(tok))
}

func (ep *endpoint) valid(tok string) bool {
	if tok == "" {
		return false
	}
	now := ep.s.src.Now()
	ep.mu.Lock()
	defer ep.mu.Unlock()
	return ep.tokens.valid(tok, now)
}

// lookup is the body at a metadata path; directories list their entries.
func lookup(md *ec2.InstanceMetadata, path string) ([]byte, bool) {
	switch path {
	case "latest", "latest/":
		return []byte("dynamic\nmeta-data\nuser-data"), true
	case "latest/user-data":
		return md.UserData, md.UserData != nil
	case "latest/dynamic/instance-identity/document":
		doc, _ := json.MarshalIndent(map[string]any{
			"accountId": ec2.OwnerID, "architecture": md.Architecture, "availabilityZone": md.AvailabilityZone,
			"imageId": md.ImageId, "instanceId": md.InstanceId, "instanceType": md.InstanceType,
			"pendingTime": md.LaunchTime, "privateIp": md.LocalIpv4, "region": md.Region, "version": "2017-09-30",
		}, "", "  ")
		return doc, true
	}
	rest, ok := strings.CutPrefix(path, "latest/meta-data")
	if !ok {
		return nil, false
	}
	rest = strings.TrimPrefix(rest, "/")
	if body, ok, isTags := tagPath(md, rest); isTags {
		return body, ok
	}
	values := map[string]string{
		"ami-id": md.ImageId, "instance-id": md.InstanceId, "instance-type": md.InstanceType,
		"reservation-id": md.ReservationId, "local-ipv4": md.LocalIpv4, "public-ipv4": md.PublicIpv4,
		"hostname": md.LocalHostname, "local-hostname": md.LocalHostname, "public-hostname": md.PublicHostname,
		"mac": md.Mac, "security-groups": strings.Join(md.SecurityGroups, "\n"),
		"placement/availability-zone": md.AvailabilityZone, "placement/region": md.Region,
	}
	if md.Tags != nil {
		values["tags/instance/"] = "-" // lists tags/ in meta-data/
	}
	if md.SpotAction != nil {
		b, _ := json.Marshal(map[string]string{"action": md.SpotAction.Action, "time": md.SpotAction.Time.UTC().Format("2006-01-02T15:04:05Z")})
		values["spot/instance-action"] = string(b)
	}
	for i, k := range md.PublicKeys {
		values["public-keys/"+strconv.Itoa(i)+"/openssh-key"] = k.PublicKey
	}
	if v, ok := values[rest]; ok {
		return []byte(v), v != ""
	}
	// A directory: the names one level below it.
	dir := rest
	if dir != "" && !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	if dir == "public-keys/" {
		var lines []string
		for i, k := range md.PublicKeys {
			lines = append(lines, strconv.Itoa(i)+"="+k.KeyName)
		}
		return []byte(strings.Join(lines, "\n")), len(lines) > 0
	}
	seen := map[string]bool{}
	var names []string
	for k, v := range values {
		sub, ok := strings.CutPrefix(k, dir)
		if !ok || v == "" {
			continue
		}
		name, _, deeper := strings.Cut(sub, "/")
		if deeper {
			name += "/"
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, false
	}
	sort.Strings(names)
	return []byte(strings.Join(names, "\n")), true
}
