package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// helloWorld builds a Go hello world with this toolchain, in this run: the
// floor that `ec2x --version` is measured against (issue 12).
func helloWorld(dir string) string {
	src := filepath.Join(dir, "hello")
	check(os.MkdirAll(src, 0o700))
	check(os.WriteFile(filepath.Join(src, "go.mod"), []byte("module hello\n\ngo 1.22\n"), 0o600))
	check(os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o600))
	bin := filepath.Join(dir, "hello-bin")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		check(fmt.Errorf("building a hello world: %v\n%s", err, out))
	}
	return bin
}

// startup prints the client's start-up against a Go hello world.
func (b *bench) startup() {
	hello := helloWorld(b.home)
	helloT := b.median(func() { run(hello, nil) })
	fmt.Printf("Go hello world (built in this run)    %8.1f ms\n", ms(helloT))
	versionT := b.median(func() { b.ec2x("--version") })
	fmt.Printf("ec2x --version                        %8.1f ms  (%s a Go hello world; target at most 2x)\n", ms(versionT), times(versionT, helloT))
}

// times is a/b as "2.1x".
func times(a, b time.Duration) string {
	if b == 0 {
		return "?"
	}
	return fmt.Sprintf("%.1fx", float64(a)/float64(b))
}
