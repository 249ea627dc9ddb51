// Command noskip reads `go test -json` on stdin and prints what go test
// prints without -json (each package's result, the output of failed
// tests, build errors); it exits 1 when any test was skipped, listing
// them with their reasons, because in CI a skip is a failure (.ci/run).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() { os.Exit(run(os.Stdin, os.Stdout)) }

// event is one line of `go test -json` (cmd/test2json), with the build
// events of Go 1.24 on.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// run copies the readable part of a go test -json stream to out and
// returns the exit status: 1 if a test was skipped, else 0 (go test's own
// status reaches the shell through pipefail).
func run(in io.Reader, out io.Writer) int {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	held := map[string][]string{} // output of tests not finished yet
	var skipped []string
	tests := 0
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			fmt.Fprintln(out, sc.Text()) // not an event: as it came
			continue
		}
		key := e.Package + "\t" + e.Test
		switch {
		case e.Action == "build-output":
			fmt.Fprint(out, e.Output)
		case e.Test == "":
			// ok/FAIL lines, a crashed binary's last words; not the PASS
			// of the -v that -json implies
			if e.Action == "output" && e.Output != "PASS\n" {
				fmt.Fprint(out, e.Output)
			}
		case e.Action == "output":
			held[key] = append(held[key], e.Output)
		case e.Action == "fail":
			tests++
			fmt.Fprint(out, strings.Join(held[key], ""))
			delete(held, key)
		case e.Action == "skip":
			tests++
			skipped = append(skipped, e.Package+" "+e.Test+":\n"+strings.Join(held[key], ""))
			delete(held, key)
		case e.Action == "pass":
			tests++
			delete(held, key)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(out, "noskip: reading go test -json: %v\n", err)
		return 1
	}
	// tests that never finished (their binary crashed or timed out)
	keys := make([]string, 0, len(held))
	for k := range held {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(out, "unfinished %s:\n%s", strings.Replace(k, "\t", " ", 1), strings.Join(held[k], ""))
	}
	if len(skipped) > 0 {
		fmt.Fprintf(out, "noskip: %d of %d tests skipped, and a skip in CI is a failure:\n", len(skipped), tests)
		for _, s := range skipped {
			fmt.Fprint(out, s)
		}
		return 1
	}
	fmt.Fprintf(out, "noskip: %d tests and subtests ran, none skipped\n", tests)
	return 0
}
