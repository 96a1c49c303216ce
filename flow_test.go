package qslocal

import (
	"encoding/json"
	"regexp"
	"testing"
)

// Equal inputs hash equal however a client spaced or ordered them; any
// difference in a member or the definition shows.
func TestFlowDigest(t *testing.T) {
	name := "n"
	d := func(def string, members ...any) string {
		t.Helper()
		s, err := flowDigest(json.RawMessage(def), members...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := d(`{"Steps":[{"Name":"a","Limit":3}],"Version":"1"}`, &name)
	for _, same := range []string{
		`{"Version":"1","Steps":[{"Limit":3,"Name":"a"}]}`,
		" {\n \"Steps\" : [ {\"Name\":\"a\", \"Limit\":3} ], \"Version\":\"1\" }",
	} {
		if got := d(same, &name); got != base {
			t.Errorf("%s hashes %s, want %s", same, got, base)
		}
	}
	other := "m"
	for what, got := range map[string]string{
		"another step order": d(`{"Steps":[{"Limit":3,"Name":"a"},{"Name":"b"}],"Version":"1"}`, &name),
		"a number":           d(`{"Steps":[{"Name":"a","Limit":3.0}],"Version":"1"}`, &name),
		"another name":       d(`{"Steps":[{"Name":"a","Limit":3}],"Version":"1"}`, &other),
		"no name":            d(`{"Steps":[{"Name":"a","Limit":3}],"Version":"1"}`, nil),
	} {
		if got == base {
			t.Errorf("%s hashes like the original", what)
		}
	}
	if _, err := flowDigest(json.RawMessage(`{"a":`)); err == nil {
		t.Error("a broken definition hashed")
	}
}

// A create's flow id is the same for the same account and token, and a
// UUID the model's FlowId pattern accepts.
func TestFlowIDFor(t *testing.T) {
	id := flowIDFor("111122223333", "tok")
	if !regexp.MustCompile(`^[a-f0-9]{8}-[a-f0-9]{4}-8[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$`).MatchString(id) {
		t.Errorf("flowIDFor = %s, not a version 8 UUID", id)
	}
	if flowIDFor("111122223333", "tok") != id {
		t.Error("flowIDFor is not stable")
	}
	if flowIDFor("444455556666", "tok") == id || flowIDFor("111122223333", "tok2") == id {
		t.Error("flowIDFor ignores the account or the token")
	}
}
