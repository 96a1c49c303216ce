package qslocal_test

import (
	"context"
	"errors"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/sqlite"
)

const profileAccount = "111122223333"

func profileService(t *testing.T) (*qslocal.Service, qslocal.Store) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := qslocal.NewService(context.Background(), qslocal.Config{Store: store, Region: "ap-south-1"})
	if err != nil {
		t.Fatal(err)
	}
	return svc, store
}

func codeOf(err error) string {
	var e *qslocal.Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// A resource being created starts with exactly the tags it was created
// with, even when an earlier resource of the same name left some behind.
func TestCreateReplacesLeftoverTags(t *testing.T) {
	svc, store := profileService(t)
	ctx := context.Background()
	if _, err := svc.ListUsers(ctx, &api.ListUsersRequest{AwsAccountId: s(profileAccount), Namespace: s("default")}); err != nil {
		t.Fatal(err) // creates the account
	}
	err := store.Update(ctx, func(tx qslocal.Tx) error {
		if err := tx.SetTags(ctx, profileAccount, "user/default/alice", []qslocal.Tag{{Key: "stale", Value: "x"}}); err != nil {
			return err
		}
		return tx.SetTags(ctx, profileAccount, "custompermission/p", []qslocal.Tag{{Key: "stale", Value: "x"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.RegisterUser(ctx, &api.RegisterUserRequest{
		AwsAccountId: s(profileAccount), Namespace: s("default"), UserName: s("alice"), Email: s("a@example.com"),
		IdentityType: (*api.IdentityType)(s("QUICKSIGHT")), UserRole: (*api.UserRole)(s("READER")),
		Tags: []api.Tag{{Key: s("team"), Value: s("blue")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateCustomPermissions(ctx, &api.CreateCustomPermissionsRequest{AwsAccountId: s(profileAccount), CustomPermissionsName: s("p")}); err != nil {
		t.Fatal(err)
	}
	for arn, want := range map[string]string{
		"arn:aws:quicksight:us-east-1:" + profileAccount + ":user/default/alice": "team=blue",
		"arn:aws:quicksight:us-east-1:" + profileAccount + ":custompermission/p": "",
	} {
		out, err := svc.ListTagsForResource(ctx, &api.ListTagsForResourceRequest{ResourceArn: s(arn)})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, tg := range out.Tags {
			got += *tg.Key + "=" + *tg.Value
		}
		if got != want || out.Tags == nil {
			t.Errorf("%s: tags %q, want %q", arn, got, want)
		}
	}
}

// A failed TagResource changes nothing, and profile ARNs carry the signed
// region.
func TestProfileOperations(t *testing.T) {
	svc, _ := profileService(t)
	ctx := qslocal.WithCall(context.Background(), qslocal.Call{Region: "sa-east-1"})
	out, err := svc.CreateCustomPermissions(ctx, &api.CreateCustomPermissionsRequest{
		AwsAccountId: s(profileAccount), CustomPermissionsName: s("p"),
		Tags: []api.Tag{{Key: s("a"), Value: s("1")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:quicksight:sa-east-1:" + profileAccount + ":custompermission/p"
	if *out.Arn != arn || out.Status != nil {
		t.Errorf("CreateCustomPermissions = %+v (Status is left to the HTTP layer)", out)
	}
	many := make([]api.Tag, 50)
	for i := range many {
		many[i] = api.Tag{Key: s("k" + string(rune('A'+i))), Value: s("v")}
	}
	if c := codeOf(func() error {
		_, err := svc.TagResource(ctx, &api.TagResourceRequest{ResourceArn: s(arn), Tags: many})
		return err
	}()); c != qslocal.CodeLimitExceeded {
		t.Errorf("51 tags: %s", c)
	}
	lt, err := svc.ListTagsForResource(ctx, &api.ListTagsForResourceRequest{ResourceArn: s(arn)})
	if err != nil || len(lt.Tags) != 1 {
		t.Errorf("tags after a failed TagResource: %v, %v", lt, err)
	}

	// In use by the account: Conflict; unapplied: deleted.
	if _, err := svc.UpdateAccountCustomPermission(ctx, &api.UpdateAccountCustomPermissionRequest{AwsAccountId: s(profileAccount), CustomPermissionsName: s("p")}); err != nil {
		t.Fatal(err)
	}
	del := func() error {
		_, err := svc.DeleteCustomPermissions(ctx, &api.DeleteCustomPermissionsRequest{AwsAccountId: s(profileAccount), CustomPermissionsName: s("p")})
		return err
	}
	if c := codeOf(del()); c != qslocal.CodeConflict {
		t.Errorf("delete a profile in use: %s", c)
	}
	if _, err := svc.DeleteAccountCustomPermission(ctx, &api.DeleteAccountCustomPermissionRequest{AwsAccountId: s(profileAccount)}); err != nil {
		t.Fatal(err)
	}
	if err := del(); err != nil {
		t.Fatal(err)
	}
	if c := codeOf(del()); c != qslocal.CodeResourceNotFound {
		t.Errorf("delete twice: %s", c)
	}
	var e *qslocal.Error
	if errors.As(del(), &e) && e.ResourceType != "" {
		t.Errorf("a missing profile has resource type %q", e.ResourceType)
	}
}
