package qemu

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"
)

// qmp runs one QMP command on a fresh connection: QEMU's QMP socket takes
// one client at a time, and a short connection per command survives the
// daemon's restarts without any state to recover.
func qmp(ctx context.Context, socket, command string, args any, out any) error {
	return session(ctx, socket, command, func(_ *net.UnixConn, r *bufio.Reader, enc *json.Encoder) error {
		return exchange(r, enc, command, args, out)
	})
}

// session opens a QMP connection, reads the greeting, negotiates
// capabilities and runs f on it, all within ten seconds.
func session(ctx context.Context, socket, command string, f func(*net.UnixConn, *bufio.Reader, *json.Encoder) error) error {
	return sessionFor(ctx, socket, command, 10*time.Second, f)
}

// sessionFor is session within limit: for commands that wait on a guest
// or a block job. Cancelling ctx ends it at once.
func sessionFor(ctx context.Context, socket, command string, limit time.Duration, f func(*net.UnixConn, *bufio.Reader, *json.Encoder) error) error {
	var d net.Dialer
	cctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	conn, err := d.DialContext(cctx, "unix", socket)
	if err != nil {
		return fmt.Errorf("qmp %s: %w", command, err)
	}
	defer conn.Close()
	if dl, ok := cctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// a read blocked on a cancelled context returns
	defer context.AfterFunc(cctx, func() { _ = conn.SetDeadline(time.Now()) })()
	r := bufio.NewReader(conn)
	if _, err := r.ReadBytes('\n'); err != nil { // the greeting
		return fmt.Errorf("qmp greeting: %w", err)
	}
	enc := json.NewEncoder(conn)
	if err := exchange(r, enc, "qmp_capabilities", nil, nil); err != nil {
		return err
	}
	return f(conn.(*net.UnixConn), r, enc)
}

// exchange sends one command and reads until its answer, skipping events.
func exchange(r *bufio.Reader, enc *json.Encoder, command string, args any, out any) error {
	if err := send(enc, command, args); err != nil {
		return err
	}
	return exchangeReply(r, command, out)
}

func send(enc *json.Encoder, command string, args any) error {
	msg := map[string]any{"execute": command}
	if args != nil {
		msg["arguments"] = args
	}
	if err := enc.Encode(msg); err != nil {
		return fmt.Errorf("qmp %s: %w", command, err)
	}
	return nil
}

// exchangeReply reads until a command's answer, skipping events.
func exchangeReply(r *bufio.Reader, command string, out any) error {
	err := awaitReply(r, command, nil, out)
	if command == "quit" && errors.Is(err, errClosed) {
		return nil // QEMU closes the socket as it exits
	}
	return err
}

// errClosed: QEMU's answer never came (the connection ended or timed out).
var errClosed = errors.New("no answer")

// qmpError is QEMU's refusal of a command.
type qmpError struct {
	Command, Class, Desc string
}

func (e *qmpError) Error() string { return fmt.Sprintf("qmp %s: %s: %s", e.Command, e.Class, e.Desc) }

// awaitReply reads a command's answer into out and, when until is set,
// QEMU's events until until says the one awaited came (QEMU may send it
// before its answer).
func awaitReply(r *bufio.Reader, command string, until func(event string, data json.RawMessage) (bool, error), out any) error {
	answered, done := false, until == nil
	for !answered || !done {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return fmt.Errorf("qmp %s: %w: %w", command, errClosed, err)
		}
		var resp struct {
			Return json.RawMessage `json:"return"`
			Error  *struct {
				Class string `json:"class"`
				Desc  string `json:"desc"`
			} `json:"error"`
			Event string          `json:"event"`
			Data  json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(line, &resp); err != nil {
			return fmt.Errorf("qmp %s: %w", command, err)
		}
		switch {
		case resp.Event != "":
			if !done {
				if done, err = until(resp.Event, resp.Data); err != nil {
					return err
				}
			}
		case resp.Error != nil:
			return &qmpError{Command: command, Class: resp.Error.Class, Desc: resp.Error.Desc}
		default:
			answered = true
			if out != nil && len(resp.Return) > 0 {
				if err := json.Unmarshal(resp.Return, out); err != nil {
					return fmt.Errorf("qmp %s: %w", command, err)
				}
			}
		}
	}
	return nil
}

// qmpAwait runs one command and waits, within limit, for the event until
// says ends it (device_del's DEVICE_DELETED, say).
func qmpAwait(ctx context.Context, socket, command string, args any, until func(event string, data json.RawMessage) (bool, error), limit time.Duration) error {
	return sessionFor(ctx, socket, command, limit, func(_ *net.UnixConn, r *bufio.Reader, enc *json.Encoder) error {
		return exchangeAwait(r, enc, command, args, until)
	})
}

// exchangeAwait sends one command and reads until its answer and the
// event until waits for.
func exchangeAwait(r *bufio.Reader, enc *json.Encoder, command string, args any, until func(string, json.RawMessage) (bool, error)) error {
	if err := send(enc, command, args); err != nil {
		return err
	}
	return awaitReply(r, command, until, nil)
}

// qmpWithFile runs one QMP command with a file passed alongside it
// (SCM_RIGHTS), as getfd takes a file descriptor from its client.
func qmpWithFile(ctx context.Context, socket, command string, args any, f *os.File) error {
	return session(ctx, socket, command, func(conn *net.UnixConn, r *bufio.Reader, _ *json.Encoder) error {
		msg, err := json.Marshal(map[string]any{"execute": command, "arguments": args})
		if err != nil {
			return err
		}
		// the descriptor rides on the command's bytes; QEMU reads both
		if _, _, err := conn.WriteMsgUnix(msg, syscall.UnixRights(int(f.Fd())), nil); err != nil {
			return fmt.Errorf("qmp %s: %w", command, err)
		}
		return exchangeReply(r, command, nil)
	})
}
