package api

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"golang.org/x/sys/unix"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The client speaks HTTP/1.1 to the daemon (whose server is net/http)
// without net/http or net: those two, with cgo's resolver, made up half
// the start-up of every CLI call. What it needs is small: one request per
// connection, answers with a Content-Length or chunked (streams).

// request is one HTTP/1.1 request.
type request struct {
	method string
	path   string
	header [][2]string
	body   []byte
}

// response is an answer whose body is read from the connection; close
// releases the connection.
type response struct {
	status int
	line   string // the status line after the version: "409 Conflict"
	header map[string]string
	body   io.Reader
	close  func()
}

// contentType is the answer's Content-Type.
func (r *response) contentType() string { return r.header["content-type"] }

// readAll reads the whole body in one allocation when its length is known.
func (r *response) readAll() ([]byte, error) {
	if n, err := strconv.Atoi(r.header["content-length"]); err == nil && n > 0 && n < 1<<30 {
		data := make([]byte, n)
		_, err := io.ReadFull(r.body, data)
		return data, err
	}
	return io.ReadAll(r.body)
}

// dialError says the connection could not be made: nothing was sent.
type dialError struct{ err error }

func (e *dialError) Error() string { return "dial: " + e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

// exchange connects to sa, sends req and reads the answer's head. ctx
// bounds the whole exchange, body included.
func exchange(ctx context.Context, family int, sa syscall.Sockaddr, host string, req request) (*response, error) {
	f, err := dial(ctx, family, sa)
	if err != nil {
		return nil, &dialError{err}
	}
	stop := context.AfterFunc(ctx, func() { _ = f.SetDeadline(time.Unix(1, 0)) })
	release := func() {
		stop()
		f.Close()
	}
	resp, err := roundTrip(f, host, req)
	if err != nil {
		release()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	resp.close = release
	return resp, nil
}

// dial connects a non-blocking socket, so that the file is in Go's poller
// and deadlines (ctx) interrupt its reads and writes.
func dial(ctx context.Context, family int, sa syscall.Sockaddr) (*os.File, error) {
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	for {
		err = syscall.Connect(fd, sa)
		if err != syscall.EINTR && (err != syscall.EAGAIN || ctx.Err() != nil) {
			break
		}
		if err == syscall.EAGAIN {
			// A unix listener's backlog is full: try again shortly.
			select {
			case <-ctx.Done():
			case <-time.After(time.Millisecond):
			}
		}
	}
	if err != nil && err != syscall.EINPROGRESS {
		syscall.Close(fd)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, os.NewSyscallError("connect", err)
	}
	f := os.NewFile(uintptr(fd), "socket")
	if err == syscall.EINPROGRESS {
		// TCP: the handshake ends when the socket becomes writable.
		if err := awaitConnect(ctx, f); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

// awaitConnect waits for a non-blocking connect to end and returns its error.
func awaitConnect(ctx context.Context, f *os.File) error {
	stop := context.AfterFunc(ctx, func() { _ = f.SetWriteDeadline(time.Unix(1, 0)) })
	defer stop()
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var cerr error
	// The state is read before each wait, not only after one: RawWrite
	// forgets a readiness that came before it, and a refused connect on
	// loopback is over by now.
	err = rc.Write(func(fd uintptr) bool {
		v, err := syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_ERROR)
		switch {
		case err != nil:
			cerr = err
		case v == 0:
			if _, err := syscall.Getpeername(int(fd)); err != nil {
				return false // woken early: not connected yet
			}
		case syscall.Errno(v) == syscall.EINPROGRESS || syscall.Errno(v) == syscall.EALREADY:
			return false
		default:
			cerr = os.NewSyscallError("connect", syscall.Errno(v))
		}
		return true
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	return cerr
}

// roundTrip writes req and reads the answer's status line and headers.
func roundTrip(f *os.File, host string, req request) (*response, error) {
	var b bytes.Buffer
	b.Grow(256 + len(req.body))
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", req.method, req.path, host)
	if req.method == "POST" || req.method == "PUT" || len(req.body) > 0 {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(req.body))
	}
	for _, h := range req.header {
		if strings.ContainsAny(h[0]+h[1], "\r\n") {
			return nil, fmt.Errorf("header %s: a line break in a header", h[0])
		}
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("\r\n")
	b.Write(req.body)
	if _, err := f.Write(b.Bytes()); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	line, err := readLine(br)
	if err != nil {
		return nil, err
	}
	proto, rest, _ := strings.Cut(line, " ")
	code, _, _ := strings.Cut(rest, " ")
	status, err := strconv.Atoi(code)
	if !strings.HasPrefix(proto, "HTTP/1.") || err != nil || len(code) != 3 {
		return nil, fmt.Errorf("malformed HTTP status line %q", line)
	}
	resp := &response{status: status, line: rest, header: map[string]string{}}
	for {
		line, err := readLine(br)
		if err != nil {
			return nil, err
		}
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed HTTP header %q", line)
		}
		resp.header[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	switch {
	case strings.EqualFold(resp.header["transfer-encoding"], "chunked"):
		resp.body = &chunked{r: br}
	case resp.header["content-length"] != "":
		n, err := strconv.ParseInt(resp.header["content-length"], 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("malformed Content-Length %q", resp.header["content-length"])
		}
		resp.body = &exact{r: br, n: n, br: br, sock: f}
	case req.method == "HEAD" || status == 204 || status == 304:
		resp.body = strings.NewReader("")
	default:
		resp.body = br // until the server closes the connection
	}
	return resp, nil
}

// readLine reads one CRLF- (or LF-) terminated line without its end.
func readLine(br *bufio.Reader) (string, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// exact reads a body of a known length: a shorter one is an error.
type exact struct {
	r io.Reader
	n int64
	// br and sock, when set, are the buffered reader r reads and the
	// socket under it, for spliceTo.
	br   *bufio.Reader
	sock *os.File
}

// spliceTo moves the body into a pipe without copying it through the
// process (splice(2)): a listing of megabytes to `| jq` or a file costs
// the kernel's copy only. handled is false when it cannot (w is no pipe,
// or the kernel refuses), and nothing was written then. An error that is
// the pipe's (EPIPE: the reader left) is returned as a *os.PathError of
// w, a failure to read the socket as a *readError.
func (e *exact) spliceTo(w io.Writer) (handled bool, err error) {
	out, ok := w.(*os.File)
	if !ok || e.sock == nil || e.br == nil {
		return false, nil
	}
	if fi, err := out.Stat(); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		return false, nil
	}
	// what the header's read brought with it goes first
	if k := min(int64(e.br.Buffered()), e.n); k > 0 {
		b, _ := e.br.Peek(int(k))
		if _, err := out.Write(b); err != nil {
			return true, err
		}
		_, _ = e.br.Discard(int(k))
		e.n -= k
	}
	for e.n > 0 {
		m, err := unix.Splice(int(e.sock.Fd()), nil, int(out.Fd()), nil, int(min(e.n, 1<<20)), unix.SPLICE_F_MOVE|unix.SPLICE_F_MORE)
		switch {
		case err == unix.EINTR || err == unix.EAGAIN:
			continue
		case err == unix.EPIPE:
			// The reader left. A write to stdout now ends the process by
			// SIGPIPE, as Go does for writes, so that `ls -o json | head`
			// exits as quietly as the table does; any other file reports.
			if _, werr := out.Write([]byte{'\n'}); werr != nil {
				return true, werr
			}
			return true, &os.PathError{Op: "write", Path: out.Name(), Err: err}
		case err != nil:
			return true, &readError{err}
		case m == 0:
			return true, &readError{io.ErrUnexpectedEOF}
		}
		e.n -= m
	}
	return true, nil
}

func (e *exact) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	n, err := e.r.Read(p)
	e.n -= int64(n)
	if err == io.EOF && e.n > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// chunked decodes a chunked body (RFC 9112 §7.1); trailers are skipped.
type chunked struct {
	r    *bufio.Reader
	left int64 // bytes left in the current chunk
	done bool
	err  error
}

func (c *chunked) Read(p []byte) (int, error) {
	for c.left == 0 && !c.done && c.err == nil {
		c.err = c.next()
	}
	if c.err != nil {
		return 0, c.err
	}
	if c.done {
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left == 0 && err == nil {
		// Each chunk's data ends with CRLF.
		if line, lerr := readLine(c.r); lerr != nil || line != "" {
			c.err = errors.New("malformed chunked body")
		}
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// next reads a chunk's size line; a zero size ends the body.
func (c *chunked) next() error {
	line, err := readLine(c.r)
	if err != nil {
		return err
	}
	size, _, _ := strings.Cut(line, ";")
	n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("malformed chunk size %q", line)
	}
	if n > 0 {
		c.left = n
		return nil
	}
	for { // trailers, then the empty line
		line, err := readLine(c.r)
		if err != nil {
			return err
		}
		if line == "" {
			c.done = true
			return nil
		}
	}
}

// unixAddr is the socket address of a unix socket path; deep paths go
// through /proc (shortPath). done releases what that holds.
func unixAddr(path string) (syscall.Sockaddr, func(), error) {
	p, done, err := ShortPath(path)
	if err != nil {
		return nil, nil, err
	}
	return &syscall.SockaddrUnix{Name: p}, done, nil
}

// tcpAddr is the socket address of an "IP:port" (a literal address).
func tcpAddr(hostport string) (int, syscall.Sockaddr, error) {
	ap, err := netip.ParseAddrPort(hostport)
	if err != nil {
		return 0, nil, fmt.Errorf("%q: want a literal IP:port (%v)", hostport, err)
	}
	if a := ap.Addr(); a.Is4() || a.Is4In6() {
		return syscall.AF_INET, &syscall.SockaddrInet4{Port: int(ap.Port()), Addr: a.Unmap().As4()}, nil
	}
	return syscall.AF_INET6, &syscall.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}, nil
}
