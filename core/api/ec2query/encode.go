package ec2query

import (
	"bytes"
	"encoding/xml"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Namespace is the XML namespace of EC2's API version 2016-11-15.
const Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

// APIVersion is the EC2 API version this endpoint speaks.
const APIVersion = "2016-11-15"

// encodeResponse writes <ActionResponse> with the request ID and out's
// fields, named as EC2 names them in XML: lists as <xSet><item>…</item>,
// times in ISO 8601 with milliseconds.
func encodeResponse(action, requestID string, out any) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<" + action + "Response xmlns=\"" + Namespace + "\">")
	b.WriteString("<requestId>" + requestID + "</requestId>")
	v := reflect.ValueOf(out)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct {
		encodeFields(&b, v)
	}
	b.WriteString("</" + action + "Response>")
	return b.Bytes()
}

// xmlName is a field's element name.
func xmlName(t reflect.Type, f reflect.StructField) string {
	name := jsonName(f)
	if x, ok := xmlNames[t.Name()+"."+name]; ok && t.PkgPath() != ownPkg {
		return x
	}
	if x, ok := adaptedNames[t.Name()+"."+name]; ok && t.PkgPath() == ownPkg {
		return x
	}
	return strings.ToLower(name[:1]) + name[1:]
}

// xmlField is a struct field as the encoder writes it.
type xmlField struct {
	index     []int
	name      string
	omitEmpty bool
}

// xmlFields caches each type's fields: working them out by reflection for
// every value cost more than writing the XML.
var xmlFields sync.Map // reflect.Type -> []xmlField

func fieldsOf(t reflect.Type) []xmlField {
	if fs, ok := xmlFields.Load(t); ok {
		return fs.([]xmlField)
	}
	var fs []xmlField
	for _, f := range exportedFields(t) {
		fs = append(fs, xmlField{index: f.Index, name: xmlName(t, f), omitEmpty: strings.Contains(f.Tag.Get("json"), ",omitempty")})
	}
	xmlFields.Store(t, fs)
	return fs
}

func encodeFields(b *bytes.Buffer, v reflect.Value) {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		if omit(f.omitEmpty, fv) {
			continue
		}
		encodeValue(b, f.name, fv)
	}
}

// omit leaves out nil pointers and lists, and zero values the JSON API
// omits too.
func omit(omitEmpty bool, v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Slice, reflect.Map:
		return v.IsNil()
	}
	return omitEmpty && v.IsZero()
}

func encodeValue(b *bytes.Buffer, name string, v reflect.Value) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Type() == timeType {
		element(b, name, v.Interface().(time.Time).UTC().Format("2006-01-02T15:04:05.000Z"))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		b.WriteString("<" + name + ">")
		encodeFields(b, v)
		b.WriteString("</" + name + ">")
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 { // []byte: base64, as EC2 sends blobs
			element(b, name, encodeBlob(v.Bytes()))
			return
		}
		b.WriteString("<" + name + ">")
		for i := 0; i < v.Len(); i++ {
			encodeValue(b, "item", v.Index(i))
		}
		b.WriteString("</" + name + ">")
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		b.WriteString("<" + name + ">")
		for _, k := range keys {
			b.WriteString("<item>")
			element(b, "key", k.String())
			encodeValue(b, "value", v.MapIndex(k))
			b.WriteString("</item>")
		}
		b.WriteString("</" + name + ">")
	case reflect.String:
		element(b, name, v.String())
	case reflect.Bool:
		element(b, name, strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		element(b, name, strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		element(b, name, strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		element(b, name, strconv.FormatFloat(v.Float(), 'f', -1, 64))
	}
}

// ownPkg is this package's path: its adapter types have names of their own.
var ownPkg = reflect.TypeFor[Reservation]().PkgPath()

// xmlEscape writes s escaped as XML text.
func xmlEscape(w io.Writer, s string) error { return xml.EscapeText(w, []byte(s)) }

func element(b *bytes.Buffer, name, text string) {
	b.WriteString("<" + name + ">")
	_ = xml.EscapeText(b, []byte(text))
	b.WriteString("</" + name + ">")
}
