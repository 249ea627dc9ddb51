package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Operation is one operation of the SDK's EC2 model.
type Operation struct {
	Name string
	// Params are the input's top-level members by their Query wire names.
	Params []string
	// Leaves maps a parameter to the request keys under it that carry
	// values (BlockDeviceMapping.N.Ebs.VolumeSize), N for a list position.
	Leaves map[string][]string
}

// readModel reads the model's operations from the SDK's sources in dir:
// each api_op_*.go declares a Client method and its XxxInput struct; the
// members' wire names, and the shapes below them, come from
// serializers.go (a member serialized under another key, such as Filters
// as Filter, is listed by that key).
func readModel(dir string) ([]Operation, error) {
	files, err := filepath.Glob(filepath.Join(dir, "api_op_*.go"))
	if err != nil {
		return nil, err
	}
	shapes, err := serializers(filepath.Join(dir, "serializers.go"))
	if err != nil {
		return nil, err
	}
	var ops []Operation
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		op, ok := operation(f)
		if !ok {
			continue
		}
		in, ok := shapes["op:"+op.Name+"Input"]
		if !ok {
			return nil, fmt.Errorf("%s: no serializer for %sInput", path, op.Name)
		}
		op.Leaves = map[string][]string{}
		for i, m := range op.Params {
			k, ok := in.keys[m]
			if !ok {
				return nil, fmt.Errorf("%s: member %s of %sInput is not in serializers.go", path, m, op.Name)
			}
			op.Params[i] = k
		}
		for _, m := range in.members {
			op.Leaves[m.key] = leaves(shapes, m.shape, m.key, map[string]bool{})
		}
		sort.Strings(op.Params)
		ops = append(ops, op)
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("no operations in %s", dir)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
	return ops, nil
}

// operation finds the file's operation: a method of *Client whose input
// struct, NameInput, the same file declares.
func operation(f *ast.File) (Operation, bool) {
	var name string
	structs := map[string]*ast.StructType{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil && len(d.Recv.List) == 1 && d.Name.IsExported() && recvIsClient(d.Recv.List[0].Type) {
				name = d.Name.Name
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok {
					if st, ok := ts.Type.(*ast.StructType); ok {
						structs[ts.Name.Name] = st
					}
				}
			}
		}
	}
	st, ok := structs[name+"Input"]
	if name == "" || !ok {
		return Operation{}, false
	}
	op := Operation{Name: name}
	for _, fld := range st.Fields.List {
		for _, n := range fld.Names {
			if n.IsExported() {
				op.Params = append(op.Params, n.Name)
			}
		}
	}
	return op, true
}

func recvIsClient(e ast.Expr) bool {
	star, ok := e.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "Client"
}

var (
	serializeRe = regexp.MustCompile(`^func awsEc2query_serialize(Op)?Document(\w+)\(v (\S+), value query\.Value\) error \{`)
	memberRe    = regexp.MustCompile(`^\tif (?:len\()?v\.(\w+)`)
	keyRe       = regexp.MustCompile(`objectKey := object\.(?:Flat)?Key\("([^"]+)"\)`)
	callRe      = regexp.MustCompile(`awsEc2query_serializeDocument(\w+)\(`)
)

// shape is what one serializer writes: a structure's members, or a
// list's items (always flattened in EC2's protocol: Name.1, Name.2).
type shape struct {
	list bool
	// elem is a list's item shape ("" for scalars).
	elem string
	// members are a structure's, in order.
	members []member
	// keys maps a member's field to its Query key.
	keys map[string]string
}

// member is one member of a structure: its Query key and its shape ("" for
// a scalar or a blob).
type member struct{ field, key, shape string }

// serializers reads serializers.go: every input and nested shape, by name
// (operations' inputs as op:NameInput).
func serializers(path string) (map[string]*shape, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]*shape{}
	var cur *shape
	var field string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := serializeRe.FindStringSubmatch(line); m != nil {
			name := m[2]
			if m[1] != "" {
				name = "op:" + name
			}
			cur, field = &shape{list: strings.HasPrefix(m[3], "[]"), keys: map[string]string{}}, ""
			out[name] = cur
			continue
		}
		if cur == nil {
			continue
		}
		switch {
		case strings.HasPrefix(line, "func "), line == "}":
			cur = nil
		case cur.list:
			if m := callRe.FindStringSubmatch(line); m != nil {
				cur.elem = m[1]
			}
		case memberRe.MatchString(line) && field == "":
			field = memberRe.FindStringSubmatch(line)[1]
		case field != "" && keyRe.MatchString(line):
			key := keyRe.FindStringSubmatch(line)[1]
			cur.members = append(cur.members, member{field: field, key: key})
			cur.keys[field] = key
		case field != "" && callRe.MatchString(line):
			cur.members[len(cur.members)-1].shape = callRe.FindStringSubmatch(line)[1]
		case line == "\t}":
			field = ""
		}
	}
	return out, sc.Err()
}

// leaves lists the request keys under prefix that carry values: a
// scalar's own key, a list's items as prefix.N, a structure's members as
// prefix.Key, down to scalars. A shape met again on its own path (a
// recursive shape) stops there.
func leaves(shapes map[string]*shape, name, prefix string, path map[string]bool) []string {
	sh, ok := shapes[name]
	if name == "" || !ok || path[name] {
		return []string{prefix}
	}
	path[name] = true
	defer delete(path, name)
	if sh.list {
		return leaves(shapes, sh.elem, prefix+".N", path)
	}
	var out []string
	for _, m := range sh.members {
		out = append(out, leaves(shapes, m.shape, prefix+"."+m.key, path)...)
	}
	if len(out) == 0 {
		return []string{prefix}
	}
	return out
}
