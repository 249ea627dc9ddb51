package core

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

func (e *env) createTags(ids []string, kv ...string) error {
	var ts []ec2.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		ts = append(ts, ec2.Tag{Key: kv[i], Value: kv[i+1]})
	}
	_, err := e.c.CreateTags(e.ctx, use1, &ec2.CreateTagsInput{Resources: ids, Tags: ts})
	return err
}

func tagList(in *ec2.Instance) string {
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
		in   ec2.CreateTagsInput
		code string
		frag string
	}{
		{"51st tag", ec2.CreateTagsInput{Resources: ids, Tags: []ec2.Tag{{Key: "one-too-many", Value: "v"}}}, ec2.CodeTagLimitExceeded, "(50) has been exceeded"},
		{"aws: prefix", ec2.CreateTagsInput{Resources: ids, Tags: []ec2.Tag{{Key: "aws:owner", Value: "me"}}}, ec2.CodeInvalidParameterValue, "'aws:'"},
		{"AWS: prefix in capitals", ec2.CreateTagsInput{Resources: ids, Tags: []ec2.Tag{{Key: "AWS:owner", Value: "me"}}}, ec2.CodeInvalidParameterValue, "'aws:'"},
		{"key over 128", ec2.CreateTagsInput{Resources: ids, Tags: []ec2.Tag{{Key: strings.Repeat("k", 129)}}}, ec2.CodeInvalidParameterValue, "1 to 128"},
		{"value over 256", ec2.CreateTagsInput{Resources: ids, Tags: []ec2.Tag{{Key: "k00", Value: strings.Repeat("v", 257)}}}, ec2.CodeInvalidParameterValue, "256"},
		{"no tags", ec2.CreateTagsInput{Resources: ids}, ec2.CodeMissingParameter, "Tags"},
		{"no resources", ec2.CreateTagsInput{Tags: []ec2.Tag{{Key: "a"}}}, ec2.CodeMissingParameter, "ResourceId"},
		{"malformed instance", ec2.CreateTagsInput{Resources: []string{"i-zz"}, Tags: []ec2.Tag{{Key: "a"}}}, ec2.CodeInvalidInstanceIDMalformed, "i-zz"},
		{"missing instance", ec2.CreateTagsInput{Resources: []string{"i-0123456789abcdef0"}, Tags: []ec2.Tag{{Key: "a"}}}, ec2.CodeInvalidInstanceIDNotFound, "i-0123456789abcdef0"},
		{"unknown key pair", ec2.CreateTagsInput{Resources: []string{"key-0123456789abcdef0"}, Tags: []ec2.Tag{{Key: "a"}}}, ec2.CodeInvalidKeyPairNotFound, "key-0123456789abcdef0"},
		{"unknown kind of resource", ec2.CreateTagsInput{Resources: []string{"xyz-0123456789abcdef0"}, Tags: []ec2.Tag{{Key: "a"}}}, ec2.CodeInvalidID, "xyz-0123456789abcdef0"},
		{"all or nothing", ec2.CreateTagsInput{Resources: []string{ids[0], "i-0123456789abcdef0"}, Tags: []ec2.Tag{{Key: "k00", Value: "changed"}}}, ec2.CodeInvalidInstanceIDNotFound, ""},
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
		if _, err := e.c.DeleteTags(e.ctx, use1, &ec2.DeleteTagsInput{Resources: []string{id}}); err != nil {
			t.Fatal(err)
		}
		if err := e.createTags([]string{id}, "Name", "web", "env", "prod", "empty", ""); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		del  []ec2.TagMatch
		want string
	}{
		{"by key", []ec2.TagMatch{{Key: "env"}}, "Name=web;empty=;"},
		{"by key and matching value", []ec2.TagMatch{{Key: "env", Value: ptr("prod")}}, "Name=web;empty=;"},
		{"value that does not match keeps the tag", []ec2.TagMatch{{Key: "env", Value: ptr("dev")}}, "Name=web;empty=;env=prod;"},
		{"empty value matches only an empty value", []ec2.TagMatch{{Key: "Name", Value: ptr("")}, {Key: "empty", Value: ptr("")}}, "Name=web;env=prod;"},
		{"absent key is fine", []ec2.TagMatch{{Key: "nope"}}, "Name=web;empty=;env=prod;"},
		{"no tags deletes them all", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reset()
			if _, err := e.c.DeleteTags(e.ctx, use1, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: tc.del}); err != nil {
				t.Fatal(err)
			}
			if got := tagList(e.get(use1, id)); got != tc.want {
				t.Errorf("tags %q, want %q", got, tc.want)
			}
		})
	}
	_, err := e.c.DeleteTags(e.ctx, use1, &ec2.DeleteTagsInput{})
	wantCode(t, err, ec2.CodeMissingParameter)
	_, err = e.c.DeleteTags(e.ctx, use1, &ec2.DeleteTagsInput{Resources: []string{"i-0123456789abcdef0"}})
	wantCode(t, err, ec2.CodeInvalidInstanceIDNotFound)
}

func TestKeyPairTags(t *testing.T) {
	e := newEnv(t, "")
	k, err := e.c.CreateKeyPair(e.ctx, use1, &ec2.CreateKeyPairInput{KeyName: "ops", KeyType: "ed25519",
		TagSpecifications: []ec2.TagSpecification{{ResourceType: "key-pair", Tags: []ec2.Tag{{Key: "team", Value: "ops"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Tags) != 1 {
		t.Errorf("CreateKeyPair answered tags %v", k.Tags)
	}
	if _, err := e.c.CreateTags(e.ctx, use1, &ec2.CreateTagsInput{Resources: []string{k.KeyPairId}, Tags: []ec2.Tag{{Key: "Name", Value: "ops key"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.DeleteTags(e.ctx, use1, &ec2.DeleteTagsInput{Resources: []string{k.KeyPairId}, Tags: []ec2.TagMatch{{Key: "team"}}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.c.DescribeKeyPairs(e.ctx, use1, &ec2.DescribeKeyPairsInput{KeyNames: []string{"ops"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.KeyPairs[0].Tags; len(got) != 1 || got[0] != (ec2.Tag{Key: "Name", Value: "ops key"}) {
		t.Errorf("key pair tags %v", got)
	}
}
