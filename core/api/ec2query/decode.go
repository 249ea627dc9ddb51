package ec2query

import (
	"encoding/base64"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// protocolParams are the request parameters of the protocol itself, not of
// any action.
var protocolParams = map[string]bool{
	"Action": true, "Version": true, "X-Amz-Algorithm": true, "X-Amz-Credential": true,
	"X-Amz-Date": true, "X-Amz-Expires": true, "X-Amz-SignedHeaders": true,
	"X-Amz-Signature": true, "X-Amz-Security-Token": true,
}

// decoder fills an action's input from Query parameters: lists flattened
// as Name.1, Name.2, structures as Name.Member, as EC2 takes them. Every
// parameter must land in a field; the first that does not is reported as
// EC2 reports it (UnknownParameter).
type decoder struct {
	form url.Values
	used map[string]bool
}

// decodeForm decodes form into in, a pointer to an input struct.
func decodeForm(form url.Values, in any) error {
	d := &decoder{form: form, used: map[string]bool{}}
	if err := d.structAt(reflect.ValueOf(in).Elem(), ""); err != nil {
		return err
	}
	var unknown []string
	for k := range form {
		if !d.used[k] && !protocolParams[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return ec2.Errorf(ec2.CodeUnknownParameter, "The parameter %s is not recognized", unknown[0])
	}
	return nil
}

// queryKey is the request key of a struct field.
func queryKey(t reflect.Type, f reflect.StructField) string {
	name := jsonName(f)
	if k, ok := queryKeys[t.Name()+"."+name]; ok {
		return k
	}
	return name
}

// structAt decodes the fields of the struct v from keys under prefix.
func (d *decoder) structAt(v reflect.Value, prefix string) error {
	t := v.Type()
	for _, f := range exportedFields(t) {
		fv := v.FieldByIndex(f.Index)
		if err := d.valueAt(fv, prefix+queryKey(t, f)); err != nil {
			return err
		}
	}
	return nil
}

// has reports whether any parameter lies at key or under key.
func (d *decoder) has(key string) bool {
	if _, ok := d.form[key]; ok {
		return true
	}
	for k := range d.form {
		if strings.HasPrefix(k, key+".") {
			return true
		}
	}
	return false
}

// indexes lists the list positions N present as key.N or key.N.*, sorted.
func (d *decoder) indexes(key string) []int {
	seen := map[int]bool{}
	for k := range d.form {
		rest, ok := strings.CutPrefix(k, key+".")
		if !ok {
			continue
		}
		head, _, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(head)
		if err != nil || n < 1 {
			// Not a list position: left unused, so reported as unknown.
			continue
		}
		seen[n] = true
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

func (d *decoder) valueAt(v reflect.Value, key string) error {
	if v.Type() == blobType {
		// A blob (ImportKeyPair's PublicKeyMaterial) is one value, base64
		// as the SDKs and the AWS CLI send it, not a list of bytes.
		s, ok := d.scalar(key)
		if !ok {
			return nil
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value for parameter %s is invalid. Expected base64-encoded data", key)
		}
		v.SetBytes(b)
		return nil
	}
	if v.Type() == timeType {
		s, ok := d.scalar(key)
		if !ok {
			return nil
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter %s is invalid. Expected an ISO 8601 time", s, key)
		}
		v.Set(reflect.ValueOf(t))
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !d.has(key) {
			return nil
		}
		p := reflect.New(v.Type().Elem())
		if err := d.valueAt(p.Elem(), key); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Struct:
		return d.structAt(v, key+".")
	case reflect.Slice:
		ns := d.indexes(key)
		if len(ns) == 0 {
			return nil
		}
		s := reflect.MakeSlice(v.Type(), len(ns), len(ns))
		for i, n := range ns {
			if err := d.valueAt(s.Index(i), key+"."+strconv.Itoa(n)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case reflect.Map:
		return nil // no EC2 input has maps
	}
	s, ok := d.scalar(key)
	if !ok {
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter %s is invalid. Expected true or false", s, key)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter %s is invalid. Expected an integer", s, key)
		}
		v.SetInt(n)
	case reflect.Float64, reflect.Float32:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter %s is invalid. Expected a number", s, key)
		}
		v.SetFloat(f)
	default:
		return ec2.Errorf(ec2.CodeInternalError, "parameter %s: cannot decode into %s", key, v.Type())
	}
	return nil
}

// scalar returns the single value at key and marks it used.
func (d *decoder) scalar(key string) (string, bool) {
	vs, ok := d.form[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	d.used[key] = true
	return vs[len(vs)-1], true
}

var (
	timeType = reflect.TypeFor[time.Time]()
	blobType = reflect.TypeFor[[]byte]()
)

// exportedFields lists a struct's wire fields, embedded structs' in place.
func exportedFields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			for _, g := range exportedFields(f.Type) {
				g.Index = append([]int{i}, g.Index...)
				out = append(out, g)
			}
			continue
		}
		if f.IsExported() && jsonName(f) != "-" {
			out = append(out, f)
		}
	}
	return out
}

// jsonName is the field's name in the JSON API, which is EC2's member name.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}
