package qslocal_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/sqlite"
)

// bigSnapshot is one account with n users, each in one of n/10 groups.
func bigSnapshot(n int) *qslocal.Snapshot {
	a := qslocal.SnapshotAccount{AwsAccountId: "111122223333"}
	for i := range n / 10 {
		a.Groups = append(a.Groups, qslocal.SnapshotGroup{GroupName: fmt.Sprintf("g%04d", i)})
	}
	for i := range n {
		name := fmt.Sprintf("user%06d", i)
		a.Users = append(a.Users, qslocal.SnapshotUser{UserName: name, Email: name + "@example.com", Role: "READER"})
		g := &a.Groups[i%len(a.Groups)]
		g.Members = append(g.Members, name)
	}
	return &qslocal.Snapshot{Accounts: []qslocal.SnapshotAccount{a}}
}

// BenchmarkImport10kUsers seeds 10,000 users with their memberships into
// a file database, durably.
func BenchmarkImport10kUsers(b *testing.B) {
	snap := bigSnapshot(10_000)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "q.db"), sqlite.Config{})
		if err != nil {
			b.Fatal(err)
		}
		svc, err := qslocal.NewService(ctx, qslocal.Config{Store: store})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := svc.Import(ctx, snap); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		store.Close()
		b.StartTimer()
	}
}

func TestDecodeSnapshotErrors(t *testing.T) {
	for _, tt := range []struct{ name, doc, want string }{
		{"empty", "  ", "empty"},
		{"array", `[1, 2]`, "must be an object"},
		{"unknown member", `{"accounts": [{"AwsAccountId": "111122223333", "users": [{"UserName": "a", "Rol": "READER"}]}]}`, `accounts[0].users[0].Rol:`},
		{"number for a string", "accounts:\n- AwsAccountId: 111122223333\n", "accounts[0].AwsAccountId: a number"},
		{"boolean for a string", "accounts:\n- AwsAccountId: \"111122223333\"\n  users: [{UserName: yes, Role: READER}]\n", "accounts[0].users[0].UserName: true or false"},
		{"not YAML", "accounts: [\n", "neither JSON nor YAML"},
		{"not JSON", `{"accounts": [}`, "not valid JSON"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := qslocal.DecodeSnapshot([]byte(tt.doc))
			if codeOf(err) != qslocal.CodeInvalidParameterValue || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("DecodeSnapshot: %v, want InvalidParameterValueException with %q", err, tt.want)
			}
		})
	}
}

// TestSnapshotNulls: members sent as null are absent, as in the API.
func TestSnapshotNulls(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	snap, err := qslocal.DecodeSnapshot([]byte(`{"accounts": [{"AwsAccountId": "111122223333",
		"customPermissions": [{"CustomPermissionsName": "p", "Capabilities": null, "Governance": null}],
		"assets": [{"Kind": "analysis", "Id": "a", "Name": "A", "Meta": null, "Doc": null}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Import(ctx, snap); err != nil {
		t.Fatal(err)
	}
	out, err := svc.Export(ctx, "111122223333")
	if err != nil {
		t.Fatal(err)
	}
	a := out.Accounts[0]
	if p := a.CustomPermissions[0]; p.Capabilities != nil || p.Governance != nil {
		t.Errorf("profile after import: Capabilities %s, Governance %s; want none", p.Capabilities, p.Governance)
	}
	if x := a.Assets[0]; x.Meta != nil || x.Doc != nil {
		t.Errorf("asset after import: Meta %s, Doc %s; want none", x.Meta, x.Doc)
	}
}

// TestExportUnknownAccount: exporting an account nobody used gives an
// empty snapshot, and does not make the account exist.
func TestExportUnknownAccount(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	for range 2 {
		out, err := svc.Export(ctx, "999999999999")
		if err != nil || len(out.Accounts) != 0 {
			t.Fatalf("Export of an unknown account = %+v, %v", out, err)
		}
	}
	all, err := svc.Export(ctx, "")
	if err != nil || len(all.Accounts) != 0 {
		t.Errorf("Export of an empty store = %+v, %v", all, err)
	}
	// An empty snapshot loads and changes nothing.
	if err := svc.Import(ctx, &qslocal.Snapshot{}); err != nil {
		t.Errorf("Import of no accounts: %v", err)
	}
}
