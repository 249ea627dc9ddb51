package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core"
	"github.com/ec2x/ec2x/core/imds"
	"github.com/ec2x/ec2x/hv/vpcnet"
	"github.com/rs/zerolog"
)

// The private network of real guests (hv/vpcnet) belongs to the daemon:
// the drivers plug guests into it, the daemon serves its metadata
// listeners and keeps each VPC's rules current.

// guestMetadata serves the fabric's metadata listeners once the daemon's
// metadata service exists (the fabric opens before the cloud, whose
// drivers may resume guests, and so listeners, while it opens).
type guestMetadata struct {
	ctx   context.Context
	ready chan struct{}
	srv   *imds.Server
	cloud *core.Cloud
	log   zerolog.Logger
}

// serve answers one VPC's 169.254.169.254, telling instances apart by
// their private address in the VPC.
func (g *guestMetadata) serve(v vpcnet.VPC, l net.Listener) {
	select {
	case <-g.ready:
	case <-g.ctx.Done():
		l.Close()
		return
	}
	err := g.srv.ServeGuests(l, func(r *http.Request) (string, string, bool) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return "", "", false
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return "", "", false
		}
		id, ok := g.cloud.InstanceAt(r.Context(), v.Region, v.ID, ip)
		return v.Region, id, ok
	})
	if err != nil && !errors.Is(err, net.ErrClosed) {
		g.log.Warn().Err(err).Str("vpc", v.String()).Msg("instance metadata for a VPC's guests stopped")
	}
}

// openFabric opens the guest network as config asks: nil and the reason
// when guests get networks of their own.
func openFabric(home string, cfg *configs.Config, log zerolog.Logger, md *guestMetadata) (*vpcnet.Fabric, string, error) {
	if cfg.Fleet.GuestNetwork == "user" {
		return nil, `guest_network = "user"`, nil
	}
	f, err := vpcnet.New(vpcnet.Options{Home: home, IMDS: md.serve, Log: log})
	if err != nil {
		if cfg.Fleet.GuestNetwork == "vpc" {
			return nil, "", err
		}
		why := strings.TrimPrefix(err.Error(), vpcnet.ErrUnavailable.Error()+": ")
		log.Info().Str("why", why).Msg("real guests get networks of their own: no private VPC network")
		return nil, why, nil
	}
	return f, "", nil
}

// runPolicies keeps the rules of every VPC with guests in the fabric as
// the store says they are, checking every interval until ctx ends.
func runPolicies(ctx context.Context, cloud *core.Cloud, f *vpcnet.Fabric, log zerolog.Logger, every time.Duration) {
	pushed := map[vpcnet.VPC]string{}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		byRegion := map[string][]string{}
		for _, v := range f.VPCs() {
			byRegion[v.Region] = append(byRegion[v.Region], v.ID)
		}
		for region, ids := range byRegion {
			ps, err := cloud.VpcPolicies(ctx, region, ids)
			if err != nil {
				continue
			}
			for _, p := range ps {
				v := vpcnet.VPC{Region: region, ID: p.VpcId}
				b, _ := json.Marshal(p)
				if pushed[v] == string(b) {
					continue
				}
				if err := f.SetPolicy(ctx, v, p); err != nil {
					log.Warn().Err(err).Str("vpc", v.String()).Msg("guest network rules")
					continue
				}
				pushed[v] = string(b)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
