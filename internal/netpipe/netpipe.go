// Package netpipe joins two connections: what one reads the other
// writes, each direction closing its write side when its reader ends, as
// a TCP relay must for protocols that half-close.
package netpipe

import (
	"io"
	"net"
)

// Join copies a to b and b to a until both directions end.
func Join(a, b net.Conn) {
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(b, a); closeWrite(b); done <- struct{}{} }()
	go func() { _, _ = io.Copy(a, b); closeWrite(a); done <- struct{}{} }()
	<-done
	<-done
}

// closeWrite half-closes c where it can (TCP): the other side reads EOF.
func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}
