package qslocal_test

import (
	"context"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

// TestReadsMakeNoAccount: a read of an account never used answers as a new
// account would, from any region, and leaves nothing behind; the first
// write makes the account, in its own region.
func TestReadsMakeNoAccount(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	svc := clockedService(t, qslocal.Config{}, &now)
	const acct = "999988887777"
	reads := []struct {
		name string
		call func(ctx context.Context) (string, error) // a value the answer holds, or its error
	}{
		{"ListNamespaces", func(ctx context.Context) (string, error) {
			out, err := svc.ListNamespaces(ctx, &api.ListNamespacesRequest{AwsAccountId: s(acct)})
			if err != nil || len(out.Namespaces) != 1 {
				return "", err
			}
			return *out.Namespaces[0].Name + " " + *out.Namespaces[0].CapacityRegion, nil
		}},
		{"DescribeUser", func(ctx context.Context) (string, error) {
			_, err := svc.DescribeUser(ctx, &api.DescribeUserRequest{AwsAccountId: s(acct), Namespace: s("default"), UserName: s("alice")})
			return "", err
		}},
		{"ListUsers", func(ctx context.Context) (string, error) {
			out, err := svc.ListUsers(ctx, &api.ListUsersRequest{AwsAccountId: s(acct), Namespace: s("default")})
			if err != nil || len(out.UserList) != 0 {
				return "", err
			}
			return "no users", nil
		}},
		{"DescribeAccountSubscription", func(ctx context.Context) (string, error) {
			out, err := svc.DescribeAccountSubscription(ctx, &api.DescribeAccountSubscriptionRequest{AwsAccountId: s(acct)})
			if err != nil {
				return "", err
			}
			return *out.AccountInfo.AccountSubscriptionStatus, nil
		}},
		{"DescribeAccountSettings", func(ctx context.Context) (string, error) {
			out, err := svc.DescribeAccountSettings(ctx, &api.DescribeAccountSettingsRequest{AwsAccountId: s(acct)})
			if err != nil {
				return "", err
			}
			return *out.AccountSettings.DefaultNamespace, nil
		}},
		{"ListAnalyses", func(ctx context.Context) (string, error) {
			_, err := svc.ListAnalyses(ctx, &api.ListAnalysesRequest{AwsAccountId: s(acct)})
			return "analyses", err
		}},
	}
	want := map[string]string{
		"ListNamespaces":              "default eu-west-1",
		"DescribeUser":                "ResourceNotFoundException",
		"ListUsers":                   "no users",
		"DescribeAccountSubscription": "ACCOUNT_CREATED",
		"DescribeAccountSettings":     "default",
		"ListAnalyses":                "analyses",
	}
	for range 2 {
		for _, r := range reads {
			got, err := r.call(called(r.name, "eu-west-1", ""))
			if err != nil {
				got = codeOf(err)
			}
			if got != want[r.name] {
				t.Errorf("%s of an account never used: %q, want %q", r.name, got, want[r.name])
			}
		}
	}
	if n := accounts(t, svc); n != 0 {
		t.Fatalf("%d accounts after reads only, want none", n)
	}
	// The first write makes the account where it is made; the regions of
	// earlier reads count for nothing.
	if _, err := svc.UpdatePublicSharingSettings(called("UpdatePublicSharingSettings", "ap-northeast-2", ""),
		&api.UpdatePublicSharingSettingsRequest{AwsAccountId: s(acct)}); err != nil {
		t.Fatal(err)
	}
	if n := accounts(t, svc); n != 1 {
		t.Fatalf("%d accounts after a write, want 1", n)
	}
	if _, err := svc.ListUsers(called("ListUsers", "eu-west-1", "default"), &api.ListUsersRequest{AwsAccountId: s(acct), Namespace: s("default")}); codeOf(err) != qslocal.CodeAccessDenied {
		t.Errorf("ListUsers from eu-west-1 of an account first written in ap-northeast-2: %v, want AccessDeniedException", err)
	}
}

// accounts counts the accounts the store holds.
func accounts(t *testing.T, svc *qslocal.Service) int {
	t.Helper()
	snap, err := svc.Export(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return len(snap.Accounts)
}
