package qslocal

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/api"
)

func apiTags(kv ...string) []api.Tag {
	out := make([]api.Tag, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		out = append(out, api.Tag{Key: ptr(kv[i]), Value: ptr(kv[i+1])})
	}
	return out
}

func storeTags(n int, prefix string) []Tag {
	out := make([]Tag, n)
	for i := range out {
		out[i] = Tag{Key: fmt.Sprintf("%s%02d", prefix, i), Value: "v"}
	}
	return out
}

func manyAPITags(n int, prefix string) []api.Tag {
	var kv []string
	for i := range n {
		kv = append(kv, fmt.Sprintf("%s%02d", prefix, i), "v")
	}
	return apiTags(kv...)
}

func errorCode(err error) (code, resourceType string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Code, e.ResourceType
	}
	if err != nil {
		return "other", ""
	}
	return "", ""
}

func TestCheckTags(t *testing.T) {
	tests := []struct {
		name         string
		existing     []Tag
		add          []api.Tag
		resourceType string
		want         []Tag
		code, rt     string
	}{
		{"nothing to add", storeTags(50, "k"), nil, "", nil, "", ""},
		{"plain", nil, apiTags("team", "blue", "env", "dev"), "", []Tag{{"team", "blue"}, {"env", "dev"}}, "", ""},
		{"keys are case-sensitive", nil, apiTags("Team", "a", "team", "b"), "", []Tag{{"Team", "a"}, {"team", "b"}}, "", ""},
		{"duplicate key", nil, apiTags("team", "blue", "team", "red"), "", nil, CodeInvalidParameterValue, ""},
		{"duplicate key with the same value", nil, apiTags("team", "blue", "team", "blue"), "", nil, CodeInvalidParameterValue, ""},
		{"reserved prefix", nil, apiTags("aws:createdBy", "x"), "", nil, CodeInvalidParameterValue, ""},
		{"reserved prefix in any case", nil, apiTags("AWS:x", "x"), "", nil, CodeInvalidParameterValue, ""},
		{"reserved prefix mixed case", nil, apiTags("aWs:x", "x"), "", nil, CodeInvalidParameterValue, ""},
		{"aws without colon is fine", nil, apiTags("aws", "x", "awsome", "y", "aws-x", "z"), "", []Tag{{"aws", "x"}, {"awsome", "y"}, {"aws-x", "z"}}, "", ""},
		{"colon later is fine", nil, apiTags("x:aws:y", "v"), "", []Tag{{"x:aws:y", "v"}}, "", ""},
		{"exactly 50 new", nil, manyAPITags(50, "k"), "", storeTags(50, "k"), "", ""},
		{"51 new", nil, manyAPITags(51, "k"), ResourceUser, nil, CodeLimitExceeded, ResourceUser},
		{"49 existing plus 1", storeTags(49, "k"), apiTags("new", "v"), "", []Tag{{"new", "v"}}, "", ""},
		{"50 existing plus 1", storeTags(50, "k"), apiTags("new", "v"), ResourceGroup, nil, CodeLimitExceeded, ResourceGroup},
		{"50 existing, overwrite all", storeTags(50, "k"), manyAPITags(50, "k"), "", storeTags(50, "k"), "", ""},
		{"50 existing, overwrite one", storeTags(50, "k"), apiTags("k07", "new"), "", []Tag{{"k07", "new"}}, "", ""},
		{"45 existing, 10 sent of which 5 overwrite", storeTags(45, "k"), manyAPITags(50, "k")[40:], "", nil, "", ""},
		{"45 existing, overwrite 5 and add 6", storeTags(45, "k"), append(manyAPITags(45, "k")[40:], manyAPITags(6, "n")...), ResourceNamespace, nil, CodeLimitExceeded, ResourceNamespace},
		{"invalid before limit", nil, append(manyAPITags(60, "k"), apiTags("aws:x", "v")...), "", nil, CodeInvalidParameterValue, ""},
	}
	for _, tt := range tests {
		got, err := checkTags(tt.existing, tt.add, tt.resourceType)
		code, rt := errorCode(err)
		if code != tt.code || rt != tt.rt {
			t.Errorf("%s: error %v (code %q, resource type %q), want %q %q", tt.name, err, code, rt, tt.code, tt.rt)
			continue
		}
		if err != nil {
			if got != nil {
				t.Errorf("%s: tags %v with an error", tt.name, got)
			}
			continue
		}
		if tt.want != nil && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
		if len(got) != len(tt.add) {
			t.Errorf("%s: got %d tags for %d sent", tt.name, len(got), len(tt.add))
		}
	}
}

func TestCheckTagsMessagesNameTheMember(t *testing.T) {
	_, err := checkTags(nil, apiTags("a", "1", "aws:x", "2"), "")
	if e, ok := err.(*Error); !ok || !strings.Contains(e.Message, "Tags[1].Key") {
		t.Errorf("reserved key: %v", err)
	}
	_, err = checkTags(nil, apiTags("a", "1", "b", "2", "a", "3"), "")
	if e, ok := err.(*Error); !ok || !strings.Contains(e.Message, "Tags[2].Key") {
		t.Errorf("duplicate key: %v", err)
	}
}

func TestCheckTagKeys(t *testing.T) {
	for _, keys := range [][]string{{"team"}, {"team", "team"}, {"aws"}, {"absent", "x:aws:"}} {
		if err := checkTagKeys(keys); err != nil {
			t.Errorf("checkTagKeys(%q) = %v", keys, err)
		}
	}
	for _, keys := range [][]string{{"aws:x"}, {"team", "AWS:cost"}} {
		if code, _ := errorCode(checkTagKeys(keys)); code != CodeInvalidParameterValue {
			t.Errorf("checkTagKeys(%q): code %q", keys, code)
		}
	}
}

func TestParseTaggable(t *testing.T) {
	const acct = "111122223333"
	ok := []struct {
		arn  string
		want Ref
	}{
		{"arn:aws:quicksight:us-east-1:" + acct + ":user/default/alice",
			Ref{Account: acct, Kind: userKind, Namespace: "default", Name: "alice"}},
		{"arn:aws:quicksight:eu-west-1:" + acct + ":user/default/a/b@c d+e=f",
			Ref{Account: acct, Kind: userKind, Namespace: "default", Name: "a/b@c d+e=f"}},
		{"arn:aws:quicksight:eu-west-1:" + acct + ":user/sales//x",
			Ref{Account: acct, Kind: userKind, Namespace: "sales", Name: "/x"}},
		{"arn:aws-cn:quicksight:cn-north-1:" + acct + ":group/default/analysts",
			Ref{Account: acct, Kind: groupKind, Namespace: "default", Name: "analysts"}},
		{"arn:aws:quicksight::" + acct + ":namespace/sales",
			Ref{Account: acct, Kind: namespaceKind, Name: "sales"}},
		{"arn:aws:quicksight:us-east-1:" + acct + ":custompermission/no-exports",
			Ref{Account: acct, Kind: profileKind, Name: "no-exports"}},
	}
	for _, tt := range ok {
		got, err := parseTaggable(tt.arn)
		if err != nil || got != tt.want {
			t.Errorf("parseTaggable(%q) = %+v, %v", tt.arn, got, err)
		}
	}
	bad := []struct {
		arn, code string
	}{
		{"", CodeInvalidParameterValue},
		{"alice", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:" + acct, CodeInvalidParameterValue},
		{"arn:aws:s3:::bucket/key", CodeInvalidParameterValue},
		{"arn:aws:iam::" + acct + ":user/alice", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:1234:user/default/alice", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1::user/default/alice", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:" + acct + ":user", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:" + acct + ":user/", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:" + acct + ":user/default", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:" + acct + ":user/default/", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:" + acct + ":user//alice", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:" + acct + ":group/default", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:" + acct + ":namespace/a/b", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:" + acct + ":custompermission/a/b", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:" + acct + ":/x", CodeInvalidParameterValue},
		{"arn:aws:quicksight:us-east-1:" + acct + ":topic/t1", CodeResourceNotFound},
		{"arn:aws:quicksight:us-east-1:" + acct + ":topic/1234", CodeResourceNotFound},
		{"arn:aws:quicksight:us-east-1:" + acct + ":widget/x", CodeResourceNotFound},
		// A kind qslocal has that takes no tags.
		{"arn:aws:quicksight:us-east-1:" + acct + ":flow/0e6a35b8-1c5e-4a8e-9d8c-3c1f0e9f3b2a", CodeInvalidParameterValue},
	}
	for _, tt := range bad {
		_, err := parseTaggable(tt.arn)
		if code, rt := errorCode(err); code != tt.code || rt != "" {
			t.Errorf("parseTaggable(%q): %v, want %s without a resource type", tt.arn, err, tt.code)
		}
	}
}

func TestTagsOut(t *testing.T) {
	if got := tagsOut(nil); got == nil || len(got) != 0 {
		t.Errorf("tagsOut(nil) = %#v, want an empty non-nil list", got)
	}
	got := tagsOut([]Tag{{"b", "2"}, {"B", "3"}, {"a", "1"}})
	var keys []string
	for _, tg := range got {
		keys = append(keys, *tg.Key+"="+*tg.Value)
	}
	if fmt.Sprint(keys) != "[B=3 a=1 b=2]" {
		t.Errorf("tagsOut order = %v", keys)
	}
}

func TestProfileJSONRoundTrip(t *testing.T) {
	deny, allow := api.CapabilityState("DENY"), api.CapabilityState("ALLOW")
	c := &api.Capabilities{ExportToCsv: &deny, ShareDashboards: &allow}
	g := &api.Governance{DefaultCategoryEffects: map[string]api.DefaultCategoryEffect{"Actions": api.DefaultCategoryEffectDenyByDefault}}
	caps, gov, err := profileJSON(c, g)
	if err != nil {
		t.Fatal(err)
	}
	if string(caps) != `{"ExportToCsv":"DENY","ShareDashboards":"ALLOW"}` || string(gov) != `{"DefaultCategoryEffects":{"Actions":"DENY_BY_DEFAULT"}}` {
		t.Errorf("profileJSON = %s, %s", caps, gov)
	}
	s := &Service{region: "us-east-1"}
	out, err := s.profileOut(t.Context(), CustomPermissions{Account: "111122223333", Name: "p", Capabilities: caps, Governance: gov})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Capabilities, c) || !reflect.DeepEqual(out.Governance, g) || *out.Arn != "arn:aws:quicksight:us-east-1:111122223333:custompermission/p" {
		t.Errorf("profileOut = %+v", out)
	}
	// Absent members stay absent; empty objects stay empty objects.
	caps, gov, _ = profileJSON(nil, &api.Governance{})
	if caps != nil || string(gov) != "{}" {
		t.Errorf("profileJSON(nil, {}) = %s, %s", caps, gov)
	}
	out, _ = s.profileOut(t.Context(), CustomPermissions{Name: "p", Governance: gov})
	if out.Capabilities != nil || out.Governance == nil {
		t.Errorf("profileOut without Capabilities = %+v", out)
	}
}
