package command

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/jmespath/go-jmespath"
	"golang.org/x/sys/unix"
)

// View is a command's result in every shape it can be printed in.
type View struct {
	Data   any        // the JSON document (EC2 shapes)
	IDs    []string   // for -q
	Header []string   // table header, upper case
	Rows   [][]string // table rows; -o text prints them tab-separated
	// Plain, when set, prints the table form itself (key/value listings).
	Plain func(w io.Writer, color bool)
}

// Print writes v in the format the user chose.
func (e *Env) Print(v View) error {
	w := bufio.NewWriterSize(e.c.App.Writer, 64<<10)
	defer w.Flush()
	switch {
	case e.Query != "":
		return e.printQuery(w, v.Data)
	case e.Quiet:
		for _, id := range v.IDs {
			fmt.Fprintln(w, id)
		}
		return nil
	case e.Output == "json":
		return writeJSON(w, v.Data)
	case e.Output == "text":
		if v.Plain != nil && v.Rows == nil {
			v.Plain(w, false)
			return nil
		}
		render.EscapeAll(v.Rows)
		for _, r := range v.Rows {
			fmt.Fprintln(w, strings.Join(r, "\t"))
		}
		return nil
	}
	if v.Plain != nil {
		v.Plain(w, e.Color())
		return nil
	}
	return render.Table(w, v.Header, v.Rows, e.Color())
}

// Color reports whether to colour the output (see colorPolicy).
func (e *Env) Color() bool { return colorPolicy(e.TTY, e.noColor, os.Getenv) }

// colorPolicy decides colour from the environment alone, as gh and the AWS
// CLI do, never by asking the terminal (whose answers cost a round trip
// and leave garbage in logs): --no-color or NO_COLOR, then CLICOLOR_FORCE
// (colour even when piped), CLICOLOR=0 and TERM=dumb, else a terminal.
// The palette is the eight basic ANSI colours, which every terminal theme
// maps for its own background, so no dark/light guess (COLORFGBG) is
// needed.
func colorPolicy(tty, noColor bool, getenv func(string) string) bool {
	switch {
	case noColor || getenv("NO_COLOR") != "":
		return false
	case getenv("CLICOLOR_FORCE") != "" && getenv("CLICOLOR_FORCE") != "0":
		return true
	case getenv("CLICOLOR") == "0" || getenv("TERM") == "dumb":
		return false
	}
	return tty
}

// CallJSON runs an action and prints its JSON answer, which the daemon
// sends already indented (ec2.ActionIndentedJSON), in one write: for
// `-o json` listings, where decoding and encoding a few thousand records
// again would triple the cost, and even indenting them here was most of
// the call.
func (e *Env) CallJSON(action string, in any) error {
	input, err := json.Marshal(in)
	if err != nil {
		return err
	}
	widenPipe(e.c.App.Writer)
	return e.connect().CallTo(e.Context(), e.Region, ec2.ActionIndentedJSON, &ec2.IndentedJSONInput{Action: action, Input: input}, e.c.App.Writer)
}

// widenPipe grows w's pipe to 1 MiB when w is one: a listing of a few MB
// written through the default 64 KiB pipe costs a switch to the reader
// and back for every 64 KiB, which on a VM was most of `ls -o json | jq`.
// A pipe that cannot grow (pipe-max-size, a limit) stays as it is.
func widenPipe(w io.Writer) {
	f, ok := w.(*os.File)
	if !ok {
		return
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	if rc, err := f.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) { _, _ = unix.FcntlInt(fd, unix.F_SETPIPE_SZ, 1<<20) })
	}
}

// DoneView reports one resource acted on.
func DoneView(data any, id, what string) View {
	return View{Data: data, IDs: []string{id}, Header: []string{"RESOURCE", "STATUS"}, Rows: [][]string{{id, what}}}
}

// GiB prints MiB as GiB the way AWS's console does ("0.5 GiB", "8 GiB").
func GiB(mib int) string {
	// two decimals at most: a host's memory read from its engine is
	// rarely a whole number of GiB
	v := strconv.FormatFloat(float64(mib)/1024, 'f', 2, 64)
	v = strings.TrimRight(strings.TrimRight(v, "0"), ".")
	return v + " GiB"
}

// writeJSON prints indented JSON as the AWS CLI does (four spaces).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printQuery applies a JMESPath expression to the JSON form of data.
func (e *Env) printQuery(w io.Writer, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	res, err := jmespath.Search(e.Query, doc)
	if err != nil {
		return Usagef("bad --query %q: %v", e.Query, err)
	}
	if e.Output == "text" {
		writeText(w, res)
		return nil
	}
	return writeJSON(w, res)
}

// writeText prints a JMESPath result as the AWS CLI's text output does:
// scalars as they are, a list of scalars on one tab-separated line, and
// one line per element of a list of lists or objects.
func writeText(w io.Writer, v any) {
	switch x := v.(type) {
	case nil:
		fmt.Fprintln(w, "None")
	case []any:
		if allScalars(x) {
			parts := make([]string, len(x))
			for i, s := range x {
				parts[i] = scalarText(s)
			}
			fmt.Fprintln(w, strings.Join(parts, "\t"))
			return
		}
		for _, el := range x {
			writeText(w, el)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var scalars []string
		var nested []any
		for _, k := range keys {
			if isScalar(x[k]) {
				scalars = append(scalars, scalarText(x[k]))
			} else {
				nested = append(nested, x[k])
			}
		}
		if len(scalars) > 0 {
			fmt.Fprintln(w, strings.Join(scalars, "\t"))
		}
		for _, n := range nested {
			writeText(w, n)
		}
	default:
		fmt.Fprintln(w, scalarText(x))
	}
}

func isScalar(v any) bool {
	switch v.(type) {
	case []any, map[string]any:
		return false
	}
	return true
}

func allScalars(xs []any) bool {
	for _, x := range xs {
		if !isScalar(x) {
			return false
		}
	}
	return true
}

func scalarText(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return render.Escape(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	case float64:
		if x == float64(int64(x)) {
			return fmt.Sprintf("%d", int64(x))
		}
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}
