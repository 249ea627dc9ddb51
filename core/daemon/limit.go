package daemon

import (
	"net"
	"sync"
	"syscall"
)

// maxEC2Conns is the most connections the EC2 endpoint holds at once, at
// most a quarter of the descriptors the process may open: connections
// past it wait in the kernel's accept queue, holding none of the
// daemon's descriptors, so a flood of them cannot starve the CLI's unix
// socket, the store or the guests (issue 12: 19,000 slow connections did).
func maxEC2Conns() int {
	const most = 1024
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur >= 4*most {
		return most
	}
	return max(int(lim.Cur/4), 16)
}

// limitListener accepts at most n connections open at once.
type limitListener struct {
	net.Listener
	slots chan struct{}
}

var _ net.Listener = (*limitListener)(nil)

func limitConns(l net.Listener, n int) net.Listener {
	return &limitListener{Listener: l, slots: make(chan struct{}, n)}
}

// Accept waits for a free slot before it takes the next connection.
func (l *limitListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &slotConn{Conn: c, free: func() { <-l.slots }}, nil
}

// slotConn gives its slot back once, at its first Close.
type slotConn struct {
	net.Conn
	once sync.Once
	free func()
}

func (c *slotConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.free)
	return err
}
