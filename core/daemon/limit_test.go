package daemon

import (
	"net"
	"testing"
	"time"
)

func TestLimitConns(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := limitConns(inner, 2)
	defer l.Close()
	for range 3 {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	first, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Accept(); err != nil {
		t.Fatal(err)
	}
	third := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			third <- c
		}
	}()
	// Both slots are taken: the third connection waits in the kernel's
	// queue whatever the scheduler does, until a slot is given back.
	select {
	case <-third:
		t.Fatal("a third connection was accepted while two were open")
	default:
	}
	first.Close()
	first.Close() // a second Close gives back nothing more
	select {
	case c := <-third:
		c.Close()
	case <-time.After(30 * time.Second):
		t.Fatal("the third connection was not accepted after one closed")
	}
	if n := len(l.(*limitListener).slots); n != 1 {
		t.Fatalf("%d slots taken, want 1 (the second connection)", n)
	}
}
