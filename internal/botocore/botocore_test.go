package botocore

import (
	"os"
	"testing"
)

func load(t *testing.T) *Model {
	t.Helper()
	p, err := FindModel(".")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoadQuickSight(t *testing.T) {
	m := load(t)
	if got := len(m.Operations); got != 277 {
		t.Errorf("operations = %d, want 277", got)
	}
	if m.Metadata.Protocol != "rest-json" {
		t.Errorf("protocol = %q", m.Metadata.Protocol)
	}
	op := m.Operations["UpdateUser"]
	if op == nil || op.HTTP.Method != "PUT" || op.HTTP.RequestURI != "/accounts/{AwsAccountId}/namespaces/{Namespace}/users/{UserName}" {
		t.Fatalf("UpdateUser = %+v", op)
	}
	in := m.Shapes[op.Input.Shape]
	// Member order is the model's: the path labels come first in UpdateUserRequest.
	want := []string{"UserName", "AwsAccountId", "Namespace", "Email", "Role"}
	for i, w := range want {
		if in.Members[i].Name != w {
			t.Errorf("member %d = %s, want %s", i, in.Members[i].Name, w)
		}
	}
	if !in.IsRequired("Email") || in.IsRequired("ExternalLoginId") {
		t.Error("IsRequired wrong for UpdateUserRequest")
	}
	if in.Members[0].Location != "uri" {
		t.Errorf("UserName location = %q", in.Members[0].Location)
	}
}

func TestLoadRejectsDanglingReference(t *testing.T) {
	f := t.TempDir() + "/m.json"
	body := `{"operations":{"X":{"name":"X","http":{"method":"GET","requestUri":"/"},"input":{"shape":"Nope"},"output":{"shape":"Nope"}}},"shapes":{}}`
	if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(f); err == nil {
		t.Fatal("Load accepted a model with an unknown shape")
	}
}
