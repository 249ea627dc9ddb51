package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// Client calls the daemon over its unix socket.
type Client struct {
	sock string
	// Stamp is the build-and-config stamp sent with every call; a daemon
	// with another refuses the call, and Recover may replace it.
	Stamp string
	http  *http.Client
	// Recover is called when the daemon is not there or is of another
	// stamp, before one retry; nil means fail at once.
	Recover func(ctx context.Context, reason error) error
}

// NewClient returns a client of the daemon listening on sock.
func NewClient(sock, stamp string) *Client {
	c := &Client{sock: sock, Stamp: stamp}
	c.http = &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return DialUnix(ctx, c.sock)
		},
		MaxIdleConns:      4,
		DisableKeepAlives: false,
	}}
	return c
}

// ErrUnreachable says the request never reached a daemon.
var ErrUnreachable = errors.New("daemon unreachable")

// LostError says the connection broke after the request was sent: the
// daemon may or may not have done it.
type LostError struct{ Err error }

func (e *LostError) Error() string {
	return fmt.Sprintf("lost the connection to the daemon mid-request; the request may have been applied: %v", e.Err)
}

func (e *LostError) Unwrap() error { return e.Err }

// Call runs an action: in is encoded as JSON, the answer decoded into out.
// A service error comes back as *core.Error.
func (c *Client) Call(ctx context.Context, region, action string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	err = c.call(ctx, region, action, body, out)
	var ce *ec2.Error
	recoverable := errors.Is(err, ErrUnreachable) || (errors.As(err, &ce) && ce.Code == CodeStampMismatch)
	if recoverable && c.Recover != nil {
		if rerr := c.Recover(ctx, err); rerr != nil {
			return rerr
		}
		err = c.call(ctx, region, action, body, out)
	}
	return err
}

func (c *Client) call(ctx context.Context, region, action string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://ec2x"+pathPrefix+action, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if region != "" {
		req.Header.Set(HeaderRegion, region)
	}
	if c.Stamp != "" {
		req.Header.Set(HeaderStamp, c.Stamp)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return fmt.Errorf("%w: %v", ErrUnreachable, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &LostError{Err: err}
	}
	defer resp.Body.Close()
	data, err := readBody(resp)
	if err != nil {
		return &LostError{Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		var eb ErrorBody
		if json.Unmarshal(data, &eb) != nil || eb.Error.Code == "" {
			return fmt.Errorf("daemon answered %s: %s", resp.Status, bytes.TrimSpace(data))
		}
		return &ec2.Error{Code: eb.Error.Code, Message: eb.Error.Message}
	}
	if out == nil {
		return nil
	}
	if raw, ok := out.(interface{ SetRaw([]byte) }); ok && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		raw.SetRaw(data)
		return nil
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = append((*raw)[:0], data...)
		return nil
	}
	return json.Unmarshal(data, out)
}

// Ping asks the daemon who it is, without the stamp check.
func (c *Client) Ping(ctx context.Context) (*Ping, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var p Ping
	if err := c.call(ctx, "", "Ping", nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Shutdown asks the daemon to stop gracefully.
func (c *Client) Shutdown(ctx context.Context) error {
	return c.call(ctx, "", "Shutdown", nil, nil)
}

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Stream runs a streaming action and calls fn with each frame until fn
// returns an error, ctx ends or the daemon ends the stream.
func (c *Client) Stream(ctx context.Context, region, action string, in any, fn func(json.RawMessage) error) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	resp, err := c.openStream(ctx, region, action, body)
	var ce *ec2.Error
	recoverable := errors.Is(err, ErrUnreachable) || (errors.As(err, &ce) && ce.Code == CodeStampMismatch)
	if recoverable && c.Recover != nil {
		if rerr := c.Recover(ctx, err); rerr != nil {
			return rerr
		}
		resp, err = c.openStream(ctx, region, action, body)
	}
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		if err := fn(json.RawMessage(sc.Bytes())); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return sc.Err()
}

func (c *Client) openStream(ctx context.Context, region, action string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://ec2x"+pathPrefix+action, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if region != "" {
		req.Header.Set(HeaderRegion, region)
	}
	if c.Stamp != "" {
		req.Header.Set(HeaderStamp, c.Stamp)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
		}
		return nil, &LostError{Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		data, _ := readBody(resp)
		var eb ErrorBody
		if json.Unmarshal(data, &eb) != nil || eb.Error.Code == "" {
			return nil, fmt.Errorf("daemon answered %s: %s", resp.Status, bytes.TrimSpace(data))
		}
		return nil, &ec2.Error{Code: eb.Error.Code, Message: eb.Error.Message}
	}
	return resp, nil
}

// readBody reads a response in one allocation when its length is known.
func readBody(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n > 0 && n < 1<<30 {
		data := make([]byte, n)
		_, err := io.ReadFull(resp.Body, data)
		return data, err
	}
	return io.ReadAll(resp.Body)
}
