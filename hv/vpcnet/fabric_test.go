package vpcnet

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// fakeDNS is a name server on loopback that answers every query with
// "answer to " and the query.
func fakeDNS(t *testing.T) string {
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			_, _ = c.WriteTo(append([]byte("answer to "), buf[:n]...), from)
		}
	}()
	return c.LocalAddr().String()
}

// outside is a namespace beyond the host, as the internet is: a veth
// pair from the host, a listener that answers with the caller's address.
func outside(t *testing.T, f *Fabric) string {
	t.Helper()
	ctx := context.Background()
	ns, dev := "ec2xt-"+f.id+"-out", "ec2xto"+f.id
	if err := run(ctx, "", "ip", "netns", "add", ns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run(context.Background(), "", "ip", "netns", "del", ns) })
	if err := run(ctx, "", "ip", "link", "add", dev, "type", "veth", "peer", "name", "eth0", "netns", ns); err != nil {
		t.Fatal(err)
	}
	if err := ipBatch(ctx, "", "addr add 198.18.77.1/30 dev "+dev, "link set "+dev+" up"); err != nil {
		t.Fatal(err)
	}
	if err := ipBatch(ctx, ns, "addr add 198.18.77.2/30 dev eth0", "link set eth0 up", "link set lo up"); err != nil {
		t.Fatal(err)
	}
	var l net.Listener
	if err := inNS(ns, func() (err error) { l, err = net.Listen("tcp4", "198.18.77.2:7000"); return }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			host, _, _ := net.SplitHostPort(c.RemoteAddr().String())
			_, _ = io.WriteString(c, host)
			c.Close()
		}
	}()
	return "198.18.77.2:7000"
}
func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

var allowAll = []ACLRule{{Number: 100, Proto: "-1", From: -1, To: -1, Cidr: pfx("0.0.0.0/0"), Allow: true}}

// newFabric is a fabric of the test's own (its namespaces go at the end),
// whose metadata service answers each caller with its address.
func newFabric(t *testing.T, home string) *Fabric {
	t.Helper()
	f, err := New(Options{Home: home, Log: zerolog.Nop(), DNS: fakeDNS(t), IMDS: func(_ VPC, l net.Listener) {
		_ = http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			host, _, _ := net.SplitHostPort(r.RemoteAddr)
			_, _ = io.WriteString(w, host)
		}))
	}})
	if errors.Is(err, ErrUnavailable) {
		t.Skip(err) // CI runs as root, where this never skips
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.RemoveAll(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return f
}

// TestFabric: guests of one VPC reach each other across subnets as the
// security groups and network ACLs let them, statefully for groups and
// statelessly for ACLs; a guest of another VPC with the same addresses
// reaches none of them; DHCP hands out the interface's own address;
// the metadata service sees who asks; a restarted fabric resumes.
func TestFabric(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	f := newFabric(t, home)
	v1, v2 := VPC{"us-east-1", "vpc-0000000000000000a"}, VPC{"us-east-1", "vpc-0000000000000000b"}
	specA := PlugSpec{VPC: v1, NIC: "eni-a", MAC: "02:00:00:00:00:0a", IPs: []netip.Addr{ip("10.0.1.10")}, Subnet: pfx("10.0.1.0/24"), Hostname: "ip-10-0-1-10"}
	specB := PlugSpec{VPC: v1, NIC: "eni-b", MAC: "02:00:00:00:00:0b", IPs: []netip.Addr{ip("10.0.2.20")}, Subnet: pfx("10.0.2.0/24")}
	specC := PlugSpec{VPC: v2, NIC: "eni-c", MAC: "02:00:00:00:00:0c", IPs: []netip.Addr{ip("10.0.1.10")}, Subnet: pfx("10.0.1.0/24")}
	egressAll := []SGRule{{Proto: "-1", From: -1, To: -1, Peers: []netip.Prefix{pfx("0.0.0.0/0")}}}
	policy := func(bInbound []ACLRule) Policy {
		return Policy{VpcId: v1.ID, Cidrs: []netip.Prefix{pfx("10.0.0.0/16")}, DomainName: "ec2.internal",
			Subnets: []SubnetPolicy{
				{SubnetId: "subnet-a", Cidr: specA.Subnet, Inbound: allowAll, Outbound: allowAll},
				{SubnetId: "subnet-b", Cidr: specB.Subnet, Inbound: bInbound, Outbound: allowAll},
			},
			Interfaces: []InterfacePolicy{
				{NetworkInterfaceId: "eni-a", SubnetId: "subnet-a", IPs: specA.IPs, Egress: egressAll},
				{NetworkInterfaceId: "eni-b", SubnetId: "subnet-b", IPs: specB.IPs, Egress: egressAll,
					Ingress: []SGRule{{Proto: "tcp", From: 8080, To: 8080, Peers: []netip.Prefix{pfx("10.0.1.10/32")}},
						{Proto: "udp", From: 5353, To: 5353, Peers: []netip.Prefix{pfx("10.0.0.0/16")}}}},
			}}
	}
	if err := f.SetPolicy(ctx, v1, policy(allowAll)); err != nil {
		t.Fatal(err)
	}
	a, b := newGuest(t, f, specA), newGuest(t, f, specB)
	if err := f.SetPolicy(ctx, v2, Policy{VpcId: v2.ID, Cidrs: []netip.Prefix{pfx("10.0.0.0/16")},
		Subnets:    []SubnetPolicy{{SubnetId: "subnet-c", Cidr: specC.Subnet, Inbound: allowAll, Outbound: allowAll}},
		Interfaces: []InterfacePolicy{{NetworkInterfaceId: "eni-c", IPs: specC.IPs, Egress: egressAll}}}); err != nil {
		t.Fatal(err)
	}
	c := newGuest(t, f, specC)

	t.Run("DHCP gives the interface its own address", func(t *testing.T) {
		l := a.dhcp()
		ack := l.ACK
		if ack.YourIPAddr.String() != "10.0.1.10" || ack.Router()[0].String() != "10.0.1.1" || ack.SubnetMask().String() != "ffffff00" {
			t.Errorf("lease %s router %v mask %s", ack.YourIPAddr, ack.Router(), ack.SubnetMask())
		}
		if dns := ack.DNS(); len(dns) != 1 || dns[0].String() != "10.0.0.2" || ack.DomainName() != "ec2.internal" || ack.HostName() != "ip-10-0-1-10" {
			t.Errorf("DNS %v domain %q host %q: want the VPC's resolver 10.0.0.2", dns, ack.DomainName(), ack.HostName())
		}
		b.dhcp()
		if l := c.dhcp(); l.ACK.YourIPAddr.String() != "10.0.1.10" {
			t.Errorf("the other VPC's guest got %s", l.ACK.YourIPAddr)
		}
		// the VPC's DHCP options changed after its guest was plugged
		p2 := Policy{VpcId: v2.ID, Cidrs: []netip.Prefix{pfx("10.0.0.0/16")}, DomainName: "corp.example", DNS: []string{"10.0.0.53"},
			Subnets:    []SubnetPolicy{{SubnetId: "subnet-c", Cidr: specC.Subnet, Inbound: allowAll, Outbound: allowAll}},
			Interfaces: []InterfacePolicy{{NetworkInterfaceId: "eni-c", IPs: specC.IPs, Egress: egressAll}}}
		if err := f.SetPolicy(ctx, v2, p2); err != nil {
			t.Fatal(err)
		}
		if ack := c.lease().ACK; ack.DomainName() != "corp.example" || len(ack.DNS()) != 1 || ack.DNS()[0].String() != "10.0.0.53" {
			t.Errorf("after the VPC's options changed: domain %q, DNS %v", ack.DomainName(), ack.DNS())
		}
	})
	b.listen(8080)
	b.listen(9090)
	b.udpEcho(5353)
	b.udpEcho(5354)
	a.listen(7070)

	t.Run("a group rule opens a port across subnets", func(t *testing.T) {
		if got, err := a.reach("10.0.2.20:8080"); err != nil || got != b.ns {
			t.Errorf("a to b:8080: %q %v", got, err)
		}
	})
	t.Run("UDP passes where a rule opens it, and its answer comes back", func(t *testing.T) {
		if got, err := a.udpAsk("10.0.2.20:5353"); err != nil || got != b.ns {
			t.Errorf("a to b udp/5353: %q %v", got, err)
		}
		if _, err := a.udpAsk("10.0.2.20:5354"); err == nil {
			t.Error("a got an answer from b udp/5354, which no rule opens")
		}
	})
	t.Run("a port no rule opens is dropped", func(t *testing.T) {
		if _, err := a.reach("10.0.2.20:9090"); err == nil {
			t.Error("a reached b:9090")
		}
	})
	t.Run("groups are stateful: b answers a but cannot start a flow to it", func(t *testing.T) {
		if _, err := b.reach("10.0.1.10:7070"); err == nil {
			t.Error("b reached a:7070, which a's groups do not open")
		}
	})
	t.Run("an ACL deny numbered first closes the port", func(t *testing.T) {
		deny := append([]ACLRule{{Number: 50, Proto: "6", From: 8080, To: 8080, Cidr: pfx("10.0.1.0/24")}}, allowAll...)
		if err := f.SetPolicy(ctx, v1, policy(deny)); err != nil {
			t.Fatal(err)
		}
		if _, err := a.reach("10.0.2.20:8080"); err == nil {
			t.Error("a reached b:8080 through a deny rule")
		}
		deny[0].Number = 150 // after the allow: no effect
		if err := f.SetPolicy(ctx, v1, policy(deny)); err != nil {
			t.Fatal(err)
		}
		if _, err := a.reach("10.0.2.20:8080"); err != nil {
			t.Errorf("a to b:8080 with the deny numbered after the allow: %v", err)
		}
	})
	t.Run("ACLs are stateless: replies need an outbound rule", func(t *testing.T) {
		p := policy(allowAll)
		p.Subnets[1].Outbound = []ACLRule{{Number: 100, Proto: "6", From: 0, To: 1023, Cidr: pfx("0.0.0.0/0"), Allow: true}}
		if err := f.SetPolicy(ctx, v1, p); err != nil {
			t.Fatal(err)
		}
		if _, err := a.reach("10.0.2.20:8080"); err == nil {
			t.Error("b's reply to an ephemeral port passed an ACL that allows out only to ports below 1024")
		}
		if err := f.SetPolicy(ctx, v1, policy(allowAll)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("another VPC with the same addresses reaches nothing", func(t *testing.T) {
		if _, err := c.reach("10.0.2.20:8080"); err == nil {
			t.Error("c in another VPC reached b")
		}
	})
	t.Run("the metadata service sees the guest's address", func(t *testing.T) {
		// The connection is made on the guest's thread: an http.Client
		// would dial from another thread, outside the guest.
		var body string
		err := inNS(a.ns, func() error {
			c, err := net.DialTimeout("tcp4", "169.254.169.254:80", 2*time.Second)
			if err != nil {
				return err
			}
			defer c.Close()
			req, _ := http.NewRequest(http.MethodGet, "http://169.254.169.254/latest/meta-data/instance-id", nil)
			if err := req.Write(c); err != nil {
				return err
			}
			resp, err := http.ReadResponse(bufio.NewReader(c), req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			bs, err := io.ReadAll(resp.Body)
			body = string(bs)
			return err
		})
		if err != nil || body != "10.0.1.10" {
			t.Errorf("metadata from a: %q %v", body, err)
		}
	})
	t.Run("the host dials a guest from inside the VPC", func(t *testing.T) {
		conn, err := f.Dial(ctx, v1, "tcp4", "10.0.2.20:9090")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if got, _ := io.ReadAll(conn); string(got) != b.ns {
			t.Errorf("dialled b: %q", got)
		}
	})
	t.Run("a subnet routed to an internet gateway gets out through NAT, another does not", func(t *testing.T) {
		out := outside(t, f)
		p := policy(allowAll)
		p.Subnets[0].Internet = true
		if err := f.SetPolicy(ctx, v1, p); err != nil {
			t.Fatal(err)
		}
		if got, err := a.reach(out); err != nil || got != "198.18.77.1" {
			t.Errorf("a to the outside: %q %v; want the host's address there (masqueraded)", got, err)
		}
		if _, err := b.reach(out); err == nil {
			t.Error("b reached the outside from a subnet without a route to an internet gateway")
		}
		if err := f.SetPolicy(ctx, v1, policy(allowAll)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the VPC's resolver relays to the host's name server", func(t *testing.T) {
		if got, err := a.udpAsk("10.0.0.2:53"); err != nil || got != "answer to ping" {
			t.Errorf("a asked its resolver: %q %v", got, err)
		}
	})
	t.Run("a fabric restarted on the same home resumes running guests", func(t *testing.T) {
		f.Close()
		f2 := newFabric(t, home)
		for _, s := range []PlugSpec{specA, specB} {
			if err := f2.Resume(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := f2.SetPolicy(ctx, v1, policy(allowAll)); err != nil {
			t.Fatal(err)
		}
		if got, err := a.reach("10.0.2.20:8080"); err != nil || !strings.Contains(got, "ec2xt-") {
			t.Errorf("after the restart a to b:8080: %q %v", got, err)
		}
		if _, err := a.reach("10.0.2.20:9090"); err == nil {
			t.Error("after the restart a reached b:9090")
		}
	})
}
