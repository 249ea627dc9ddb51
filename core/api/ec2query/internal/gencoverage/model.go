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
}

// readModel reads the model's operations from the SDK's sources in dir:
// each api_op_*.go declares a Client method and its XxxInput struct; the
// members' wire names come from serializers.go (a member serialized under
// another key, such as Filters as Filter, is listed by that key).
func readModel(dir string) ([]Operation, error) {
	files, err := filepath.Glob(filepath.Join(dir, "api_op_*.go"))
	if err != nil {
		return nil, err
	}
	keys, err := serializerKeys(filepath.Join(dir, "serializers.go"))
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
		for i, m := range op.Params {
			k, ok := keys[op.Name+"Input"][m]
			if !ok {
				return nil, fmt.Errorf("%s: member %s of %sInput is not in serializers.go", path, m, op.Name)
			}
			op.Params[i] = k
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
	serializeOpRe = regexp.MustCompile(`^func awsEc2query_serializeOpDocument(\w+Input)\(v \*\w+,`)
	memberRe      = regexp.MustCompile(`^\tif (?:len\()?v\.(\w+)`)
	keyRe         = regexp.MustCompile(`objectKey := object\.(?:Flat)?Key\("([^"]+)"\)`)
)

// serializerKeys maps an operation's input type to its members' Query
// keys: in each serializer, a member's test (if v.Member ...) is followed
// by the key it is written under.
func serializerKeys(path string) (map[string]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]map[string]string{}
	var input, member string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch m := serializeOpRe.FindStringSubmatch(line); {
		case m != nil:
			input, member = m[1], ""
			out[input] = map[string]string{}
		case strings.HasPrefix(line, "func "):
			input = ""
		case input == "":
		case memberRe.MatchString(line):
			member = memberRe.FindStringSubmatch(line)[1]
		case member != "" && keyRe.MatchString(line):
			out[input][member] = keyRe.FindStringSubmatch(line)[1]
			member = ""
		}
	}
	return out, sc.Err()
}
