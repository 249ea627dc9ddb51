package daemon

import (
	"os"
	"testing"

	"github.com/ec2x/ec2x/pricing-wasm/wasmtest"
)

func TestMain(m *testing.M) {
	// Every daemon these tests start shares one compilation cache for the
	// pricing modules instead of compiling them cold.
	os.Setenv("EC2X_WASM_CACHE", wasmtest.CacheDir())
	os.Exit(m.Run())
}
