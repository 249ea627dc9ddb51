package market

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/plugins"
	pricingwasm "github.com/ec2x/ec2x/pricing-wasm"
)

// pluginsOff is the error when the daemon runs without pricing modules.
func (s *Service) pluginsOff() error {
	if s.plugins == nil {
		return ec2.Errorf(ec2.CodeUnsupported, "This daemon runs without pricing modules")
	}
	return nil
}

// usedBy lists where the configuration prices with a module.
func (s *Service) usedBy(name string) []string {
	var out []string
	for _, region := range s.cfg.RegionNames() {
		spot, reserved := s.cfg.Modules(region)
		if spot == name {
			out = append(out, "spot in "+region)
		}
		if reserved == name {
			out = append(out, "reserved in "+region)
		}
	}
	return out
}

func (s *Service) pluginInfo(p plugins.Plugin) ec2.PluginInfo {
	return ec2.PluginInfo{Name: p.Name, Kind: strings.Join(p.Kinds, ","), Sha256: p.SHA256, AbiVersion: p.ABIVersion,
		Builtin: p.Builtin, Size: p.Size, UsedBy: s.usedBy(p.Name)}
}

// pluginErr maps the plugin manager's errors to EC2-style codes.
func pluginErr(name string, err error) error {
	var rej *plugins.RejectedError
	switch {
	case errors.As(err, &rej):
		msg := rej.Error()
		if r := strings.TrimSpace(rej.Report.String()); r != "" {
			msg += "\n" + r
		}
		return ec2.Errorf(ec2.CodeInvalidPlugin, "%s", msg)
	case errors.Is(err, plugins.ErrNotFound):
		return ec2.Errorf(ec2.CodeInvalidPluginNotFound, "The plugin '%s' does not exist (ec2x plugin ls lists them)", name)
	case errors.Is(err, plugins.ErrInvalidName), errors.Is(err, plugins.ErrBuiltinName), errors.Is(err, plugins.ErrExists):
		return ec2.Errorf(ec2.CodeInvalidPlugin, "%v", err)
	}
	return ec2.Errorf(ec2.CodePluginFailed, "%v", err)
}

// InstallPlugin validates a module (ABI version, exports, signatures, the
// conformance suite as a dry run) and stores it; a module in use is
// reloaded at once. A rejected module changes nothing.
func (s *Service) InstallPlugin(ctx context.Context, _ string, in *ec2.InstallPluginInput) (*ec2.InstallPluginOutput, error) {
	if err := s.pluginsOff(); err != nil {
		return nil, err
	}
	if in.Name == "" && in.Source != "" {
		in.Name = plugins.DefaultName(in.Source)
	}
	if in.Name == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Name")
	}
	if len(in.Wasm) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Wasm (the module's bytes)")
	}
	p, err := s.plugins.Install(ctx, in.Wasm, plugins.InstallOptions{Name: in.Name, Source: in.Source, Replace: in.Replace})
	if err != nil {
		return nil, pluginErr(in.Name, err)
	}
	if len(s.usedBy(in.Name)) > 0 {
		// The pricer looks modules up by name on every call: swap it.
		_ = s.pricingHost.Unload(ctx, in.Name)
		if _, err := s.plugins.Load(ctx, in.Name); err != nil {
			return nil, pluginErr(in.Name, err)
		}
	}
	return &ec2.InstallPluginOutput{Plugin: s.pluginInfo(p)}, nil
}

// DescribePlugins lists built-in and installed modules.
func (s *Service) DescribePlugins(ctx context.Context, _ string, _ *ec2.Empty) (*ec2.DescribePluginsOutput, error) {
	if err := s.pluginsOff(); err != nil {
		return nil, err
	}
	ps, err := s.plugins.List()
	if err != nil {
		return nil, pluginErr("", err)
	}
	out := &ec2.DescribePluginsOutput{Plugins: make([]ec2.PluginInfo, 0, len(ps))}
	for _, p := range ps {
		out.Plugins = append(out.Plugins, s.pluginInfo(p))
	}
	sort.SliceStable(out.Plugins, func(i, j int) bool {
		return out.Plugins[i].Builtin && !out.Plugins[j].Builtin
	})
	return out, nil
}

// RemovePlugin uninstalls a module the configuration does not use.
func (s *Service) RemovePlugin(ctx context.Context, _ string, in *ec2.PluginNameInput) (*ec2.Empty, error) {
	if err := s.pluginsOff(); err != nil {
		return nil, err
	}
	if used := s.usedBy(in.Name); len(used) > 0 {
		if _, err := s.plugins.Get(in.Name); err == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidPlugin, "The plugin '%s' prices %s: choose another module in the config first", in.Name, strings.Join(used, ", "))
		}
	}
	if err := s.plugins.Remove(in.Name); err != nil {
		return nil, pluginErr(in.Name, err)
	}
	_ = s.pricingHost.Unload(ctx, in.Name)
	return &ec2.Empty{}, nil
}

// TestPlugin runs the conformance suite against an installed or built-in
// module.
func (s *Service) TestPlugin(ctx context.Context, _ string, in *ec2.PluginNameInput) (*ec2.TestPluginOutput, error) {
	if err := s.pluginsOff(); err != nil {
		return nil, err
	}
	r, err := s.plugins.Test(ctx, in.Name)
	if err != nil {
		return nil, pluginErr(in.Name, err)
	}
	return &ec2.TestPluginOutput{Name: in.Name, OK: r.OK(), Report: r.String()}, nil
}

// pricingErr gives a pricing module's failure its EC2-style code.
func pricingErr(err error) error {
	var e *ec2.Error
	switch {
	case errors.As(err, &e):
		return err
	case errors.Is(err, pricingwasm.ErrNotFound):
		return ec2.Errorf(ec2.CodeInvalidPluginNotFound, "%v: install it with ec2x plugin install, or name another module in the config", err)
	}
	return ec2.Errorf(ec2.CodePluginFailed, "%v", err)
}
