package netpipe

import (
	"io"
	"net"
	"testing"
)

// TestJoin: a relay between a client and a server carries both ways and
// passes the client's half-close on, so a server that answers at EOF
// answers through it.
func TestJoin(t *testing.T) {
	server, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	go func() {
		c, err := server.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c) // until the client's half-close
		_, _ = c.Write(append([]byte("got "), b...))
	}()
	relay, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Close()
	go func() {
		c, err := relay.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		s, err := net.Dial("tcp", server.Addr().String())
		if err != nil {
			return
		}
		defer s.Close()
		Join(c, s)
	}()
	c, err := net.Dial("tcp", relay.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	_ = c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c)
	if err != nil || string(b) != "got hello" {
		t.Errorf("through the relay: %q %v", b, err)
	}
}
