package qemuguest

import (
	"testing"

	"github.com/ec2x/ec2x/hv"
)

func TestNetdevOpts(t *testing.T) {
	for _, tc := range []struct {
		name string
		nic  hv.NIC
		want string
	}{
		// QEMU's default DNS of a /20 at 172.31.0.0 is 172.31.2.3: an
		// address EC2 may give an interface, which QEMU then refuses
		{"an address QEMU would take for its DNS", hv.NIC{PrivateIP: "172.31.2.3", PrefixLen: 20},
			"id=n0,net=172.31.0.0/20,host=172.31.0.1,dns=172.31.0.2,dhcpstart=172.31.2.3"},
		{"second subnet", hv.NIC{PrivateIP: "172.31.17.200", PrefixLen: 20},
			"id=n0,net=172.31.16.0/20,host=172.31.16.1,dns=172.31.16.2,dhcpstart=172.31.17.200"},
		{"a /24", hv.NIC{PrivateIP: "10.1.2.4", PrefixLen: 24},
			"id=n0,net=10.1.2.0/24,host=10.1.2.1,dns=10.1.2.2,dhcpstart=10.1.2.4"},
		{"no address: a network of its own", hv.NIC{}, "id=n0,net=10.0.2.0/24"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NetdevOpts(0, tc.nic); got != tc.want {
				t.Errorf("NetdevOpts = %s, want %s", got, tc.want)
			}
		})
	}
}
