package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// Client calls the daemon over its unix socket.
type Client struct {
	sock string
	// Stamp is the build-and-config stamp sent with every call; a daemon
	// with another refuses the call, and Recover may replace it.
	Stamp string
	// Recover is called when the daemon is not there or is of another
	// stamp, before one retry; nil means fail at once.
	Recover func(ctx context.Context, reason error) error
}

// NewClient returns a client of the daemon listening on sock.
func NewClient(sock, stamp string) *Client {
	return &Client{sock: sock, Stamp: stamp}
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
	if c.recoverable(err) {
		if rerr := c.Recover(ctx, err); rerr != nil {
			return rerr
		}
		err = c.call(ctx, region, action, body, out)
	}
	return err
}

// CallTo runs an action whose answer is text (IndentedJSON's output, rows)
// and copies it to w as it arrives: a large answer is never held whole.
func (c *Client) CallTo(ctx context.Context, region, action string, in any, w io.Writer) error {
	resp, err := c.openRecovering(ctx, region, action, in)
	if err != nil {
		return err
	}
	defer resp.close()
	handled := false
	if e, ok := resp.body.(*exact); ok {
		handled, err = e.spliceTo(w)
	}
	if !handled {
		_, err = io.CopyBuffer(w, readOnly{resp.body}, make([]byte, 256<<10))
	}
	var re *readError
	switch {
	case errors.As(err, &re) && ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &re):
		return &LostError{Err: re.err}
	}
	return err
}

// readOnly hides a body's other methods from io.CopyBuffer (which would
// use a WriterTo and lose which side failed) and marks its errors.
type readOnly struct{ r io.Reader }

func (r readOnly) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = &readError{err}
	}
	return n, err
}

// readError is a failure to read the answer, as opposed to writing it out.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }

// openRecovering sends in to action, replacing or starting the daemon
// once when Recover can help, and returns the successful answer.
func (c *Client) openRecovering(ctx context.Context, region, action string, in any) (*response, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	resp, err := c.open(ctx, region, action, body)
	if c.recoverable(err) {
		if rerr := c.Recover(ctx, err); rerr != nil {
			return nil, rerr
		}
		resp, err = c.open(ctx, region, action, body)
	}
	return resp, err
}

// recoverable says whether Recover may help: no daemon, or one of
// another build or config.
func (c *Client) recoverable(err error) bool {
	var ce *ec2.Error
	return c.Recover != nil && (errors.Is(err, ErrUnreachable) || (errors.As(err, &ce) && ce.Code == CodeStampMismatch))
}

func (c *Client) call(ctx context.Context, region, action string, body []byte, out any) error {
	resp, err := c.open(ctx, region, action, body)
	if err != nil {
		return err
	}
	defer resp.close()
	data, err := resp.readAll()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &LostError{Err: err}
	}
	if out == nil {
		return nil
	}
	if raw, ok := out.(interface{ SetRaw([]byte) }); ok && !strings.HasPrefix(resp.contentType(), "application/json") {
		raw.SetRaw(data)
		return nil
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = append((*raw)[:0], data...)
		return nil
	}
	return json.Unmarshal(data, out)
}

// open sends one action and returns the answer when it is a success; an
// error answer is read and returned as the service's error.
func (c *Client) open(ctx context.Context, region, action string, body []byte) (*response, error) {
	req := request{method: "POST", path: PathPrefix + action, body: body,
		header: [][2]string{{"Content-Type", "application/json"}}}
	if region != "" {
		req.header = append(req.header, [2]string{HeaderRegion, region})
	}
	if c.Stamp != "" {
		req.header = append(req.header, [2]string{HeaderStamp, c.Stamp})
	}
	sa, done, err := unixAddr(c.sock)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	resp, err := exchange(ctx, syscall.AF_UNIX, sa, "ec2x", req)
	done()
	if err != nil {
		var de *dialError
		switch {
		case errors.As(err, &de):
			return nil, fmt.Errorf("%w: dial unix %s: %v", ErrUnreachable, c.sock, de.err)
		case ctx.Err() != nil:
			return nil, ctx.Err()
		}
		return nil, &LostError{Err: err}
	}
	if resp.status == 200 {
		return resp, nil
	}
	defer resp.close()
	data, _ := resp.readAll()
	var eb ErrorBody
	if json.Unmarshal(data, &eb) != nil || eb.Error.Code == "" {
		return nil, fmt.Errorf("daemon answered %s: %s", resp.line, bytes.TrimSpace(data))
	}
	return nil, &ec2.Error{Code: eb.Error.Code, Message: eb.Error.Message}
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

// Stream runs a streaming action and calls fn with each frame until fn
// returns an error, ctx ends or the daemon ends the stream.
func (c *Client) Stream(ctx context.Context, region, action string, in any, fn func(json.RawMessage) error) error {
	resp, err := c.openRecovering(ctx, region, action, in)
	if err != nil {
		return err
	}
	defer resp.close()
	sc := bufio.NewScanner(resp.body)
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

// Fetch is one HTTP/1.1 request to a service of the daemon on a loopback
// address (rawURL is http://IP:PORT/PATH, as the instance metadata
// endpoint's URL is): the answer's status line ("200 OK") and body.
func Fetch(ctx context.Context, method, rawURL string, header map[string]string) (status int, line string, body []byte, err error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" {
		return 0, "", nil, fmt.Errorf("%q: not an http URL", rawURL)
	}
	family, sa, err := tcpAddr(u.Host)
	if err != nil {
		return 0, "", nil, err
	}
	req := request{method: method, path: u.RequestURI()}
	for k, v := range header {
		req.header = append(req.header, [2]string{k, v})
	}
	resp, err := exchange(ctx, family, sa, u.Host, req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.close()
	body, err = resp.readAll()
	return resp.status, resp.line, body, err
}
