package qemu

import (
	"bufio"
	"context"
	"encoding/json"
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
	var d net.Dialer
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := d.DialContext(cctx, "unix", socket)
	if err != nil {
		return fmt.Errorf("qmp %s: %w", command, err)
	}
	defer conn.Close()
	if dl, ok := cctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
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
	msg := map[string]any{"execute": command}
	if args != nil {
		msg["arguments"] = args
	}
	if err := enc.Encode(msg); err != nil {
		return fmt.Errorf("qmp %s: %w", command, err)
	}
	return exchangeReply(r, command, out)
}

// exchangeReply reads until a command's answer, skipping events.
func exchangeReply(r *bufio.Reader, command string, out any) error {
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			if command == "quit" {
				return nil // QEMU closes the socket as it exits
			}
			return fmt.Errorf("qmp %s: %w", command, err)
		}
		var resp struct {
			Return json.RawMessage `json:"return"`
			Error  *struct {
				Class string `json:"class"`
				Desc  string `json:"desc"`
			} `json:"error"`
			Event string `json:"event"`
		}
		if err := json.Unmarshal(line, &resp); err != nil {
			return fmt.Errorf("qmp %s: %w", command, err)
		}
		switch {
		case resp.Event != "":
			continue
		case resp.Error != nil:
			return fmt.Errorf("qmp %s: %s: %s", command, resp.Error.Class, resp.Error.Desc)
		}
		if out != nil && len(resp.Return) > 0 {
			return json.Unmarshal(resp.Return, out)
		}
		return nil
	}
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
