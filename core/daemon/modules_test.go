package daemon

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/api"
	"github.com/rs/zerolog"
)

// TestStartRefusesUnknownModule: a daemon whose config prices spot with a
// module that is neither built in nor installed does not start (before, it
// served and priced spot at on-demand); the error names file, line, key.
func TestStartRefusesUnknownModule(t *testing.T) {
	tests := []struct {
		name, toml string
		line       int
		key        string
	}{
		{"spot", "[pricing]\nspot_module = \"nope\"\n", 2, "pricing.spot_module"},
		{"one region's reserved", "[pricing.regions.eu-west-1]\nreserved_module = \"mine\"\n", 2, "pricing.regions.eu-west-1.reserved_module"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte(tt.toml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := configs.Load(home)
			if err != nil {
				t.Fatalf("Load: %v (the name may be an installed plugin: only the daemon knows)", err)
			}
			// A daemon that starts anyway is stopped once it serves.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ready := false
			err = Run(ctx, Options{Home: home, Stamp: "test", Config: cfg, Logger: zerolog.Nop(), Ready: func() { ready = true; cancel() }})
			var ce *configs.Error
			if !errors.As(err, &ce) || ce.Line != tt.line || ce.Key != tt.key || ce.File != configs.Path(home) {
				t.Fatalf("Run = %v, want a config error at config.toml:%d key %s", err, tt.line, tt.key)
			}
			if ready {
				t.Error("the daemon served before refusing its config")
			}
			if _, err := os.Stat(api.Paths{Home: home}.Socket()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("socket left behind: %v", err)
			}
		})
	}
}
