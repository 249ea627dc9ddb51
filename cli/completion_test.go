package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/api"
)

// TestCommittedCompletions fails when completions/ is stale: regenerate
// the scripts with `just completions`.
func TestCommittedCompletions(t *testing.T) {
	tests := []struct {
		shell, file string
	}{
		{"bash", "ec2x.bash"},
		{"zsh", "_ec2x"},
		{"fish", "ec2x.fish"},
	}
	for _, tt := range tests {
		t.Run(tt.shell, func(t *testing.T) {
			want, err := Completion(NewApp(io.Discard, io.Discard), tt.shell)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join("..", "completions", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Errorf("completions/%s differs from `ec2x completion %s`: run `just completions`", tt.file, tt.shell)
			}
			if printed := ok(t, "", "completion", tt.shell); printed != want {
				t.Errorf("`ec2x completion %s` printed another script than Completion", tt.shell)
			}
		})
	}
	t.Run("fish lists every command", func(t *testing.T) {
		fish, _ := Completion(NewApp(io.Discard, io.Discard), "fish")
		for _, c := range commands() {
			if !strings.Contains(fish, "-a '"+c.Name+"'") && !strings.Contains(fish, "-a \""+c.Name+"\"") && !strings.Contains(fish, " "+c.Name+" ") {
				t.Errorf("fish script does not mention %s", c.Name)
			}
		}
	})
	t.Run("unknown shell", func(t *testing.T) {
		r := ec2x(t, "", "completion", "powershell")
		if r.code != ExitUsage || !strings.Contains(r.stderr, `unknown shell "powershell"`) {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

// TestBashCompletion drives the committed bash script in a real bash,
// with this test binary as the ec2x it asks for candidates.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil { // Debian's essential shell; CI itself runs in it
		t.Fatalf("bash is not on PATH: %v", err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := os.Symlink(exe, filepath.Join(bin, "ec2x")); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("..", "completions", "ec2x.bash"))
	if err != nil {
		t.Fatal(err)
	}
	home := newHome(t, fastSim)
	tests := []struct {
		name  string
		words []string // the command line; the last word is the one completed
		want  []string // candidates that must be offered
		none  bool     // no candidates at all
	}{
		{"command", []string{"ec2x", "key"}, []string{"keypair"}, false},
		{"subcommand", []string{"ec2x", "keypair", ""}, []string{"create", "import", "ls", "rm"}, false},
		{"flag", []string{"ec2x", "run", "--cou"}, []string{"--count"}, false},
		{"flag after a positional", []string{"ec2x", "stop", "i-0123456789abcdef0", "--wa"}, []string{"--wait"}, false},
		{"flag of a subcommand after its argument", []string{"ec2x", "keypair", "create", "k1", "--ty"}, []string{"--type"}, false},
		{"after -- nothing runs", []string{"ec2x", "terminate", "--", "i-0123456789abcdef0", ""}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			words := make([]string, len(tt.words))
			for i, w := range tt.words {
				words[i] = "'" + w + "'"
			}
			prog := "source '" + script + "'\nCOMP_WORDS=(" + strings.Join(words, " ") + ")\nCOMP_CWORD=" +
				itoa(len(tt.words)-1) + "\n_ec2x\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
			cmd := exec.Command(bash, "--norc", "--noprofile", "-c", prog)
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "EC2X_HOME="+home)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("bash: %v\n%s", err, out)
			}
			got := strings.Fields(string(out))
			if tt.none && len(got) != 0 {
				t.Errorf("offered %q, want nothing", got)
			}
			for _, w := range tt.want {
				if !contains(got, w) {
					t.Errorf("offered %q, want %q among them", got, w)
				}
			}
			if _, err := os.Stat(api.Paths{Home: home}.Socket()); err == nil {
				t.Error("completing a command line started the daemon")
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
