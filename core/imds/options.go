package imds

import (
	"net"
	"sort"
	"strings"
	"syscall"

	"github.com/ec2x/ec2x/core/ec2"
)

// connKey carries a request's connection in its context, for setTTL.
type connKey struct{}

// setTTL sets the IP time-to-live of what c sends next: the PUT token
// response goes at most hops routers away. An error is ignored: the
// limit is then recorded but not applied.
func setTTL(c net.Conn, hops int) {
	tc, ok := c.(*net.TCPConn)
	if !ok || hops < 1 {
		return
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, syscall.IP_TTL, hops)
	})
}

// tagPath answers tags/instance and tags/instance/KEY (when the instance
// lets its tags into its metadata); isTags says whether path is one.
func tagPath(md *ec2.InstanceMetadata, path string) (body []byte, ok, isTags bool) {
	rest, found := strings.CutPrefix(path, "tags/instance")
	if !found {
		return nil, false, false
	}
	if md.Tags == nil {
		return nil, false, true
	}
	if rest == "" || rest == "/" {
		keys := make([]string, 0, len(md.Tags))
		for _, t := range md.Tags {
			keys = append(keys, t.Key)
		}
		sort.Strings(keys)
		return []byte(strings.Join(keys, "\n")), len(keys) > 0, true
	}
	key := strings.TrimPrefix(rest, "/")
	for _, t := range md.Tags {
		if t.Key == key {
			return []byte(t.Value), true, true
		}
	}
	return nil, false, true
}
