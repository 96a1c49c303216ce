package qslocal

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal/api"
)

// Only the user guide's paths are self-upgrades (docs/behaviour.md).
func TestIsUpgrade(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     bool
	}{
		{"READER", "READER_PRO", true},     // BI Reader to Professional
		{"READER_PRO", "AUTHOR_PRO", true}, // Professional to Enterprise
		{"READER", "AUTHOR", true},
		{"AUTHOR", "AUTHOR_PRO", true},
		{"READER", "AUTHOR_PRO", false}, // two steps at once
		{"READER", "ADMIN", false},      // no path leads to an admin role
		{"READER", "ADMIN_PRO", false},
		{"AUTHOR", "ADMIN", false},
		{"AUTHOR_PRO", "ADMIN_PRO", false},
		{"ADMIN", "ADMIN_PRO", false},
		{"READER", "READER", false},
		{"AUTHOR", "READER", false},
		{"AUTHOR_PRO", "AUTHOR", false},
		{"READER_PRO", "AUTHOR", false}, // loses Pro
		{"AUTHOR", "READER_PRO", false},
		{"READER", "RESTRICTED_AUTHOR", false},
		{"RESTRICTED_READER", "READER", false},
		{"READER", "", false},
	} {
		if got := isUpgrade(tc.from, tc.to); got != tc.want {
			t.Errorf("isUpgrade(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

// Ids sort in the order requests were filed, down to the microsecond.
func TestUpgradeRequestIDOrder(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 3, 4, 5, 0, time.UTC)
	var ids []string
	for _, d := range []time.Duration{0, time.Microsecond, 999 * time.Microsecond, time.Millisecond, time.Second, 40 * 365 * 24 * time.Hour} {
		id := upgradeRequestID(t0.Add(d))
		if len(id) != 36 || id[14] != '7' || !strings.ContainsAny(id[19:20], "89ab") {
			t.Errorf("%s is not a version 7 UUID", id)
		}
		ids = append(ids, id)
	}
	if !slices.IsSorted(ids) {
		t.Errorf("ids out of order: %q", ids)
	}
	if a, b := upgradeRequestID(t0), upgradeRequestID(t0); a == b {
		t.Errorf("two ids at one instant are equal: %s", a)
	}
}

func TestPrincipalKey(t *testing.T) {
	const acct = "111122223333"
	for _, tc := range []struct{ in, want string }{
		{"arn:aws:quicksight:us-east-1:111122223333:user/default/alice", "user/default/alice"},
		{"arn:aws:quicksight:eu-west-1:111122223333:user/default/a/b@c", "user/default/a/b@c"},
		{"arn:aws-cn:quicksight:cn-north-1:111122223333:group/sales/team", "group/sales/team"},
		{"arn:aws:quicksight:us-east-1:111122223333:namespace/default", "namespace/default"},
		{"arn:aws:quicksight:us-east-1:999999999999:user/default/alice", ""},
		{"arn:aws:iam::111122223333:root", ""},
		{"arn:aws:quicksight:us-east-1:111122223333:user/default", ""},
		{"arn:aws:quicksight:us-east-1:111122223333:user//alice", ""},
		{"arn:aws:quicksight:us-east-1:111122223333:namespace/a/b", ""},
		{"arn:aws:quicksight:us-east-1:111122223333:dashboard/d", ""},
		{"alice", ""},
	} {
		got, err := principalKey(acct, "Principal", tc.in)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("principalKey(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// A principal named twice gets the union of its actions, once each and in
// canonical case; an unknown action names where it was.
func TestGrantsFromRequest(t *testing.T) {
	p := func(principal string, actions ...string) api.ResourcePermission {
		return api.ResourcePermission{Principal: &principal, Actions: actions}
	}
	alice := "arn:aws:quicksight:us-east-1:111122223333:user/default/alice"
	got, _, err := analysisKind.grants("111122223333", "GrantPermissions", fromResourcePermissions([]api.ResourcePermission{
		p(alice, "quicksight:describeanalysis", "QUICKSIGHT:QueryAnalysis"),
		p(alice, "quicksight:DescribeAnalysis", "quicksight:UpdateAnalysis"),
	}), true)
	want := []Grant{{Principal: "user/default/alice", Actions: []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis", "quicksight:UpdateAnalysis"}}}
	if err != nil || len(got) != 1 || got[0].Principal != want[0].Principal || !slices.Equal(got[0].Actions, want[0].Actions) {
		t.Errorf("grants = %+v, %v; want %+v", got, err, want)
	}
	_, _, err = analysisKind.grants("111122223333", "RevokePermissions", fromResourcePermissions([]api.ResourcePermission{p(alice, "quicksight:DescribeAnalysis"), p(alice, "quicksight:DescribeDashboard")}), false)
	if err == nil || !strings.Contains(err.Error(), "RevokePermissions[1].Actions[0]") {
		t.Errorf("unknown action: %v", err)
	}
}
