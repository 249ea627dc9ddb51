package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ec2x/ec2x/cli/render"
	"github.com/jmespath/go-jmespath"
)

// view is a command's result in every shape it can be printed in.
type view struct {
	data   any        // the JSON document (EC2 shapes)
	ids    []string   // for -q
	header []string   // table header, upper case
	rows   [][]string // table rows; -o text prints them tab-separated
	// plain, when set, prints the table form itself (key/value listings).
	plain func(w io.Writer, color bool)
}

// print writes v in the format the user chose.
func (e *env) print(v view) error {
	w := bufio.NewWriterSize(e.c.App.Writer, 64<<10)
	defer w.Flush()
	switch {
	case e.query != "":
		return e.printQuery(w, v.data)
	case e.quiet:
		for _, id := range v.ids {
			fmt.Fprintln(w, id)
		}
		return nil
	case e.output == "json":
		return writeJSON(w, v.data)
	case e.output == "text":
		if v.plain != nil && v.rows == nil {
			v.plain(w, false)
			return nil
		}
		for _, r := range v.rows {
			fmt.Fprintln(w, strings.Join(r, "\t"))
		}
		return nil
	}
	if v.plain != nil {
		v.plain(w, e.color())
		return nil
	}
	return render.Table(w, v.header, v.rows, e.color())
}

func (e *env) color() bool { return e.tty && !e.noColor }

// writeJSON prints indented JSON as the AWS CLI does (four spaces).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printQuery applies a JMESPath expression to the JSON form of data.
func (e *env) printQuery(w io.Writer, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	res, err := jmespath.Search(e.query, doc)
	if err != nil {
		return usagef("bad --query %q: %v", e.query, err)
	}
	if e.output == "text" {
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
		return x
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

// kv prints a key/value listing (for `show`).
func kv(w io.Writer, pairs [][2]string, color bool) {
	width := 0
	for _, p := range pairs {
		if len(p[0]) > width {
			width = len(p[0])
		}
	}
	for _, p := range pairs {
		v := p[1]
		if color {
			v = render.Colorize(v)
		}
		fmt.Fprintf(w, "%-*s  %s\n", width+1, p[0]+":", v)
	}
}
