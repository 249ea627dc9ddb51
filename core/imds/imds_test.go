package imds

import (
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

func TestLookup(t *testing.T) {
	md := &ec2.InstanceMetadata{
		InstanceId: "i-1", InstanceType: "t3.micro", ImageId: "ami-1", Region: "us-east-1", AvailabilityZone: "us-east-1b",
		LocalIpv4: "172.31.0.10", LocalHostname: "ip-172-31-0-10.ec2.internal", SecurityGroups: []string{"default", "web"},
		PublicKeys: []ec2.KeyPairInfo{{KeyName: "mine", PublicKey: "ssh-ed25519 AAAA mine"}},
	}
	notice := *md
	notice.SpotAction = &ec2.InstanceAction{Action: "stop", Time: time.Date(2026, 11, 28, 12, 2, 0, 0, time.UTC)}
	notice.UserData = []byte("#!/bin/sh\n")
	cases := []struct {
		name, path string
		md         *ec2.InstanceMetadata
		want       string
		found      bool
	}{
		{"a value", "latest/meta-data/instance-type", md, "t3.micro", true},
		{"placement", "latest/meta-data/placement/availability-zone", md, "us-east-1b", true},
		{"the placement directory", "latest/meta-data/placement/", md, "availability-zone\nregion", true},
		{"groups one per line", "latest/meta-data/security-groups", md, "default\nweb", true},
		{"keys by index", "latest/meta-data/public-keys/", md, "0=mine", true},
		{"a key's formats", "latest/meta-data/public-keys/0/", md, "openssh-key", true},
		{"a key", "latest/meta-data/public-keys/0/openssh-key", md, "ssh-ed25519 AAAA mine", true},
		{"no public IP: 404", "latest/meta-data/public-ipv4", md, "", false},
		{"no notice: 404", "latest/meta-data/spot/instance-action", md, "", false},
		{"a notice", "latest/meta-data/spot/instance-action", &notice, `{"action":"stop","time":"2026-11-28T12:02:00Z"}`, true},
		{"the spot directory once noticed", "latest/meta-data/spot/", &notice, "instance-action", true},
		{"no user data: 404", "latest/user-data", md, "", false},
		{"user data", "latest/user-data", &notice, "#!/bin/sh\n", true},
		{"an unknown path", "latest/meta-data/nothing-here", md, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, found := lookup(tc.md, tc.path)
			if found != tc.found || (found && string(got) != tc.want) {
				t.Errorf("lookup(%s) = %q, %v; want %q, %v", tc.path, got, found, tc.want, tc.found)
			}
		})
	}
}

// TestSetTTL: the hop limit becomes the IP time-to-live of what the
// connection sends next.
func TestSetTTL(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, hops := range []int{1, 2, 64} {
		setTTL(c, hops)
		raw, _ := c.(*net.TCPConn).SyscallConn()
		var got int
		_ = raw.Control(func(fd uintptr) { got, _ = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_IP, syscall.IP_TTL) })
		if got != hops {
			t.Errorf("TTL after setTTL(%d) = %d", hops, got)
		}
	}
}
