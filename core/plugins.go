package core

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/ec2x/ec2x/plugins"
	pricingwasm "github.com/ec2x/ec2x/pricing-wasm"
)

// PluginInfo is one pricing module as `ec2x plugin ls` shows it.
type PluginInfo struct {
	Name       string   `json:"Name"`
	Kind       string   `json:"Kind"` // what it prices: spot, reserved, ondemand (comma-separated)
	Sha256     string   `json:"Sha256"`
	AbiVersion int32    `json:"AbiVersion"`
	Builtin    bool     `json:"Builtin"`
	Size       int64    `json:"Size"`
	UsedBy     []string `json:"UsedBy,omitempty"` // "spot in us-east-1", ...
}

// InstallPluginInput installs a module (an ec2x action).
type InstallPluginInput struct {
	Name    string `json:"Name"`
	Wasm    []byte `json:"Wasm"` // base64 in JSON
	Source  string `json:"Source,omitempty"`
	Replace bool   `json:"Replace,omitempty"`
}

// InstallPluginOutput describes what was installed.
type InstallPluginOutput struct {
	Plugin PluginInfo `json:"Plugin"`
	Report string     `json:"Report"` // the conformance checks that passed
}

// PluginNameInput names one plugin.
type PluginNameInput struct {
	Name string `json:"Name"`
}

// DescribePluginsOutput lists the modules ec2x can price with.
type DescribePluginsOutput struct {
	Plugins []PluginInfo `json:"Plugins"`
}

// TestPluginOutput is a conformance run.
type TestPluginOutput struct {
	Name   string `json:"Name"`
	OK     bool   `json:"OK"`
	Report string `json:"Report"`
}

// pluginsOff is the error when the daemon runs without pricing modules.
func (c *Cloud) pluginsOff() error {
	if c.plugins == nil {
		return Errorf(CodeUnsupported, "This daemon runs without pricing modules")
	}
	return nil
}

// usedBy lists where the configuration prices with a module.
func (c *Cloud) usedBy(name string) []string {
	var out []string
	for _, region := range c.cfg.RegionNames() {
		spot, reserved := c.cfg.Modules(region)
		if spot == name {
			out = append(out, "spot in "+region)
		}
		if reserved == name {
			out = append(out, "reserved in "+region)
		}
	}
	return out
}

func (c *Cloud) pluginInfo(p plugins.Plugin) PluginInfo {
	return PluginInfo{Name: p.Name, Kind: strings.Join(p.Kinds, ","), Sha256: p.SHA256, AbiVersion: p.ABIVersion,
		Builtin: p.Builtin, Size: p.Size, UsedBy: c.usedBy(p.Name)}
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
		return Errorf(CodeInvalidPlugin, "%s", msg)
	case errors.Is(err, plugins.ErrNotFound):
		return Errorf(CodeInvalidPluginNotFound, "The plugin '%s' does not exist (ec2x plugin ls lists them)", name)
	case errors.Is(err, plugins.ErrInvalidName), errors.Is(err, plugins.ErrBuiltinName), errors.Is(err, plugins.ErrExists):
		return Errorf(CodeInvalidPlugin, "%v", err)
	}
	return Errorf(CodePluginFailed, "%v", err)
}

// InstallPlugin validates a module (ABI version, exports, signatures, the
// conformance suite as a dry run) and stores it; a module in use is
// reloaded at once. A rejected module changes nothing.
func (c *Cloud) InstallPlugin(ctx context.Context, _ string, in *InstallPluginInput) (*InstallPluginOutput, error) {
	if err := c.pluginsOff(); err != nil {
		return nil, err
	}
	if in.Name == "" {
		return nil, Errorf(CodeMissingParameter, "The request must contain the parameter Name")
	}
	if len(in.Wasm) == 0 {
		return nil, Errorf(CodeMissingParameter, "The request must contain the parameter Wasm (the module's bytes)")
	}
	p, err := c.plugins.Install(ctx, in.Wasm, plugins.InstallOptions{Name: in.Name, Source: in.Source, Replace: in.Replace})
	if err != nil {
		return nil, pluginErr(in.Name, err)
	}
	if len(c.usedBy(in.Name)) > 0 {
		// The pricer looks modules up by name on every call: swap it.
		_ = c.pricingHost.Unload(ctx, in.Name)
		if _, err := c.plugins.Load(ctx, in.Name); err != nil {
			return nil, pluginErr(in.Name, err)
		}
	}
	return &InstallPluginOutput{Plugin: c.pluginInfo(p)}, nil
}

// DescribePlugins lists built-in and installed modules.
func (c *Cloud) DescribePlugins(ctx context.Context, _ string, _ *Empty) (*DescribePluginsOutput, error) {
	if err := c.pluginsOff(); err != nil {
		return nil, err
	}
	ps, err := c.plugins.List()
	if err != nil {
		return nil, pluginErr("", err)
	}
	out := &DescribePluginsOutput{Plugins: make([]PluginInfo, 0, len(ps))}
	for _, p := range ps {
		out.Plugins = append(out.Plugins, c.pluginInfo(p))
	}
	sort.SliceStable(out.Plugins, func(i, j int) bool {
		return out.Plugins[i].Builtin && !out.Plugins[j].Builtin
	})
	return out, nil
}

// RemovePlugin uninstalls a module the configuration does not use.
func (c *Cloud) RemovePlugin(ctx context.Context, _ string, in *PluginNameInput) (*Empty, error) {
	if err := c.pluginsOff(); err != nil {
		return nil, err
	}
	if used := c.usedBy(in.Name); len(used) > 0 {
		if _, err := c.plugins.Get(in.Name); err == nil {
			return nil, Errorf(CodeInvalidPlugin, "The plugin '%s' prices %s: choose another module in the config first", in.Name, strings.Join(used, ", "))
		}
	}
	if err := c.plugins.Remove(in.Name); err != nil {
		return nil, pluginErr(in.Name, err)
	}
	_ = c.pricingHost.Unload(ctx, in.Name)
	return &Empty{}, nil
}

// TestPlugin runs the conformance suite against an installed or built-in
// module.
func (c *Cloud) TestPlugin(ctx context.Context, _ string, in *PluginNameInput) (*TestPluginOutput, error) {
	if err := c.pluginsOff(); err != nil {
		return nil, err
	}
	r, err := c.plugins.Test(ctx, in.Name)
	if err != nil {
		return nil, pluginErr(in.Name, err)
	}
	return &TestPluginOutput{Name: in.Name, OK: r.OK(), Report: r.String()}, nil
}

// pricingErr gives a pricing module's failure its EC2-style code.
func pricingErr(err error) error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return err
	case errors.Is(err, pricingwasm.ErrNotFound):
		return Errorf(CodeInvalidPluginNotFound, "%v: install it with ec2x plugin install, or name another module in the config", err)
	}
	return Errorf(CodePluginFailed, "%v", err)
}
