package daemon

import (
	"slices"
	"testing"

	"github.com/ec2x/ec2x/core/network"
)

func TestRulePorts(t *testing.T) {
	cases := []struct {
		name string
		rule network.PortRule
		want []int
	}{
		{"one port", network.PortRule{From: 80, To: 80}, []int{80}},
		{"a small range", network.PortRule{From: 8000, To: 8003}, []int{8000, 8001, 8002, 8003}},
		{"all traffic: the service ports", network.PortRule{From: 0, To: 65535}, servicePorts},
		{"a wide range: the service ports in it", network.PortRule{From: 1000, To: 9000}, []int{3000, 5000, 8000, 8080, 8443, 9000}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := rulePorts(tc.rule); !slices.Equal(got, tc.want) {
				t.Errorf("rulePorts(%d-%d) = %v, want %v", tc.rule.From, tc.rule.To, got, tc.want)
			}
		})
	}
}
