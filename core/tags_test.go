package core

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func (e *env) createTags(ids []string, kv ...string) error {
	var ts []Tag
	for i := 0; i+1 < len(kv); i += 2 {
		ts = append(ts, Tag{Key: kv[i], Value: kv[i+1]})
	}
	_, err := e.c.CreateTags(e.ctx, use1, &CreateTagsInput{Resources: ids, Tags: ts})
	return err
}

func tagList(in *Instance) string {
	var b strings.Builder
	for _, t := range in.Tags {
		fmt.Fprintf(&b, "%s=%s;", t.Key, t.Value)
	}
	return b.String()
}

func TestCreateTags(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launch(use1, 2)
	if err := e.createTags(ids, "team", "blue", "Name", "api"); err != nil {
		t.Fatal(err)
	}
	// Overwrite one value, add a key; tags come back sorted by key.
	if err := e.createTags(ids[:1], "team", "red", "cost-center", "42"); err != nil {
		t.Fatal(err)
	}
	if got := tagList(e.get(use1, ids[0])); got != "Name=api;cost-center=42;team=red;" {
		t.Errorf("first instance tags %s", got)
	}
	if got := tagList(e.get(use1, ids[1])); got != "Name=api;team=blue;" {
		t.Errorf("second instance tags %s", got)
	}
	if got := e.list(use1, newFilter("tag:team", "red")); !slices.Equal(got, ids[:1]) {
		t.Errorf("tag filter after retag: %v", got)
	}
	// An empty value is a value.
	if err := e.createTags(ids[:1], "flag", ""); err != nil {
		t.Fatal(err)
	}
	if v, ok := e.get(use1, ids[0]).Tag("flag"); !ok || v != "" {
		t.Errorf("empty-valued tag: %q %v", v, ok)
	}
}

func TestCreateTagsErrors(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launch(use1, 1)
	fifty := make([]string, 0, 100)
	for i := range 49 {
		fifty = append(fifty, fmt.Sprintf("k%02d", i), "v")
	}
	if err := e.createTags(ids, fifty...); err != nil {
		t.Fatalf("49 tags: %v", err)
	}
	// Overwriting a key does not count twice; the 50th key is the last.
	if err := e.createTags(ids, "k00", "again", "k49", "v"); err != nil {
		t.Fatalf("50 tags: %v", err)
	}
	cases := []struct {
		name string
		in   CreateTagsInput
		code string
		frag string
	}{
		{"51st tag", CreateTagsInput{Resources: ids, Tags: []Tag{{Key: "one-too-many", Value: "v"}}}, CodeInvalidParameterValue, "at most 50 tags"},
		{"aws: prefix", CreateTagsInput{Resources: ids, Tags: []Tag{{Key: "aws:owner", Value: "me"}}}, CodeInvalidParameterValue, "'aws:'"},
		{"AWS: prefix in capitals", CreateTagsInput{Resources: ids, Tags: []Tag{{Key: "AWS:owner", Value: "me"}}}, CodeInvalidParameterValue, "'aws:'"},
		{"key over 128", CreateTagsInput{Resources: ids, Tags: []Tag{{Key: strings.Repeat("k", 129)}}}, CodeInvalidParameterValue, "1 to 128"},
		{"value over 256", CreateTagsInput{Resources: ids, Tags: []Tag{{Key: "k00", Value: strings.Repeat("v", 257)}}}, CodeInvalidParameterValue, "256"},
		{"no tags", CreateTagsInput{Resources: ids}, CodeMissingParameter, "Tags"},
		{"no resources", CreateTagsInput{Tags: []Tag{{Key: "a"}}}, CodeMissingParameter, "ResourceId"},
		{"malformed instance", CreateTagsInput{Resources: []string{"i-zz"}, Tags: []Tag{{Key: "a"}}}, CodeInvalidInstanceIDMalformed, "i-zz"},
		{"missing instance", CreateTagsInput{Resources: []string{"i-0123456789abcdef0"}, Tags: []Tag{{Key: "a"}}}, CodeInvalidInstanceIDNotFound, "i-0123456789abcdef0"},
		{"unknown key pair", CreateTagsInput{Resources: []string{"key-0123456789abcdef0"}, Tags: []Tag{{Key: "a"}}}, CodeInvalidKeyPairNotFound, "key-0123456789abcdef0"},
		{"unknown kind of resource", CreateTagsInput{Resources: []string{"vol-0123456789abcdef0"}, Tags: []Tag{{Key: "a"}}}, CodeInvalidID, "vol-0123456789abcdef0"},
		{"all or nothing", CreateTagsInput{Resources: []string{ids[0], "i-0123456789abcdef0"}, Tags: []Tag{{Key: "k00", Value: "changed"}}}, CodeInvalidInstanceIDNotFound, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			_, err := e.c.CreateTags(e.ctx, use1, &in)
			wantCode(t, err, tc.code, tc.frag)
		})
	}
	in := e.get(use1, ids[0])
	if v, _ := in.Tag("k00"); len(in.Tags) != 50 || v != "again" {
		t.Errorf("refused calls changed the tags: %d tags, k00=%q", len(in.Tags), v)
	}
	if err := e.createTags(ids, "k01", strings.Repeat("v", 256)); err != nil {
		t.Errorf("a 256-character value is allowed: %v", err)
	}
}

func TestDeleteTags(t *testing.T) {
	e := newEnv(t, "")
	id := e.launch(use1, 1)[0]
	reset := func() {
		t.Helper()
		if _, err := e.c.DeleteTags(e.ctx, use1, &DeleteTagsInput{Resources: []string{id}}); err != nil {
			t.Fatal(err)
		}
		if err := e.createTags([]string{id}, "Name", "web", "env", "prod", "empty", ""); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		del  []TagMatch
		want string
	}{
		{"by key", []TagMatch{{Key: "env"}}, "Name=web;empty=;"},
		{"by key and matching value", []TagMatch{{Key: "env", Value: ptr("prod")}}, "Name=web;empty=;"},
		{"value that does not match keeps the tag", []TagMatch{{Key: "env", Value: ptr("dev")}}, "Name=web;empty=;env=prod;"},
		{"empty value matches only an empty value", []TagMatch{{Key: "Name", Value: ptr("")}, {Key: "empty", Value: ptr("")}}, "Name=web;env=prod;"},
		{"absent key is fine", []TagMatch{{Key: "nope"}}, "Name=web;empty=;env=prod;"},
		{"no tags deletes them all", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reset()
			if _, err := e.c.DeleteTags(e.ctx, use1, &DeleteTagsInput{Resources: []string{id}, Tags: tc.del}); err != nil {
				t.Fatal(err)
			}
			if got := tagList(e.get(use1, id)); got != tc.want {
				t.Errorf("tags %q, want %q", got, tc.want)
			}
		})
	}
	_, err := e.c.DeleteTags(e.ctx, use1, &DeleteTagsInput{})
	wantCode(t, err, CodeMissingParameter)
	_, err = e.c.DeleteTags(e.ctx, use1, &DeleteTagsInput{Resources: []string{"i-0123456789abcdef0"}})
	wantCode(t, err, CodeInvalidInstanceIDNotFound)
}

func TestKeyPairTags(t *testing.T) {
	e := newEnv(t, "")
	k, err := e.c.CreateKeyPair(e.ctx, use1, &CreateKeyPairInput{KeyName: "ops", KeyType: "ed25519",
		TagSpecifications: []TagSpecification{{ResourceType: "key-pair", Tags: []Tag{{Key: "team", Value: "ops"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Tags) != 1 {
		t.Errorf("CreateKeyPair answered tags %v", k.Tags)
	}
	if _, err := e.c.CreateTags(e.ctx, use1, &CreateTagsInput{Resources: []string{k.KeyPairId}, Tags: []Tag{{Key: "Name", Value: "ops key"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.DeleteTags(e.ctx, use1, &DeleteTagsInput{Resources: []string{k.KeyPairId}, Tags: []TagMatch{{Key: "team"}}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.c.DescribeKeyPairs(e.ctx, use1, &DescribeKeyPairsInput{KeyNames: []string{"ops"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.KeyPairs[0].Tags; len(got) != 1 || got[0] != (Tag{Key: "Name", Value: "ops key"}) {
		t.Errorf("key pair tags %v", got)
	}
}
