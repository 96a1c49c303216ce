package qslocal_test

import (
	"context"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

func createGroupIn(ns, name string) *api.CreateGroupRequest {
	return &api.CreateGroupRequest{AwsAccountId: s(acct), Namespace: s(ns), GroupName: s(name)}
}

func TestCreateGroupAnswer(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	in := createGroupIn("default", "eng")
	in.Description = s("Engineers")
	out, err := svc.CreateGroup(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	g := out.Group
	if *g.Arn != "arn:aws:quicksight:ap-south-1:111122223333:group/default/eng" || *g.GroupName != "eng" || *g.Description != "Engineers" ||
		*g.PrincipalId != "group/d-cf3e3c8677/00000000-0000-4000-8000-000000000001" {
		t.Errorf("CreateGroup = %+v", g)
	}
	out, err = svc.CreateGroup(ctx, createGroupIn("default", "ops"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Group.Description != nil {
		t.Errorf("a group created without a description has %q", *out.Group.Description)
	}
	// UpdateGroup without Description changes nothing.
	u, err := svc.UpdateGroup(ctx, &api.UpdateGroupRequest{AwsAccountId: s(acct), Namespace: s("default"), GroupName: s("eng")})
	if err != nil {
		t.Fatal(err)
	}
	if *u.Group.Description != "Engineers" || *u.Group.PrincipalId != "group/d-cf3e3c8677/00000000-0000-4000-8000-000000000001" {
		t.Errorf("UpdateGroup without Description = %+v", u.Group)
	}
}

func TestGroupLimit(t *testing.T) {
	count := 9999
	svc, _ := newHookedService(t, &hooks{countGroups: func() (int, error) { return count, nil }})
	ctx := context.Background()
	if _, err := svc.CreateGroup(ctx, createGroupIn("default", "last")); err != nil {
		t.Fatalf("below the limit: %v", err)
	}
	count = 10000
	if _, err := svc.CreateGroup(ctx, createGroupIn("default", "one-too-many")); !isError(err, qslocal.CodeLimitExceeded, qslocal.ResourceGroup) {
		t.Errorf("at the limit: %v", err)
	}
	if _, err := svc.CreateGroup(ctx, createGroupIn("default", "last")); !isError(err, qslocal.CodeResourceExists, qslocal.ResourceGroup) {
		t.Errorf("taken name at the limit: %v", err)
	}
	if _, err := svc.CreateGroup(ctx, createGroupIn("nope", "g")); !isError(err, qslocal.CodeResourceNotFound, qslocal.ResourceNamespace) {
		t.Errorf("unknown namespace at the limit: %v", err)
	}
}

// TestSearchGroupsFilterChecks covers filters the HTTP layer already
// rejects, for callers of the Service itself.
func TestSearchGroupsFilterChecks(t *testing.T) {
	svc := newService(t)
	startsWith, groupName := api.GroupFilterOperatorStartsWith, api.GroupFilterAttributeGroupName
	other, otherName := api.GroupFilterOperator("Equals"), api.GroupFilterAttribute("DESCRIPTION")
	ok := api.GroupSearchFilter{Operator: &startsWith, Name: &groupName, Value: s("a")}
	tests := []struct {
		name    string
		filters []api.GroupSearchFilter
	}{
		{"none", nil},
		{"two", []api.GroupSearchFilter{ok, ok}},
		{"other operator", []api.GroupSearchFilter{{Operator: &other, Name: &groupName, Value: s("a")}}},
		{"other attribute", []api.GroupSearchFilter{{Operator: &startsWith, Name: &otherName, Value: s("a")}}},
	}
	for _, tt := range tests {
		_, err := svc.SearchGroups(context.Background(), &api.SearchGroupsRequest{AwsAccountId: s(acct), Namespace: s("default"), Filters: tt.filters})
		if !isError(err, qslocal.CodeInvalidParameterValue, "") {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	out, err := svc.SearchGroups(context.Background(), &api.SearchGroupsRequest{AwsAccountId: s(acct), Namespace: s("default"), Filters: []api.GroupSearchFilter{ok}})
	if err != nil || len(out.GroupList) != 0 || out.GroupList == nil {
		t.Errorf("valid filter: %+v, %v", out, err)
	}
}

// TestMembershipRaces covers a membership that another request adds or
// removes between this one's check and its write.
func TestMembershipRaces(t *testing.T) {
	h := &hooks{}
	svc, _ := newHookedService(t, h)
	ctx := context.Background()
	if _, err := svc.RegisterUser(ctx, registerUserIn("default", "alice")); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateGroup(ctx, createGroupIn("default", "g")); err != nil {
		t.Fatal(err)
	}
	member := &api.CreateGroupMembershipRequest{AwsAccountId: s(acct), Namespace: s("default"), GroupName: s("g"), MemberName: s("alice")}
	if _, err := svc.CreateGroupMembership(ctx, member); err != nil {
		t.Fatal(err)
	}

	// Looks absent, but the write finds it there: still a success.
	h.groupMember = func() error { return qslocal.ErrNotFound }
	out, err := svc.CreateGroupMembership(ctx, member)
	if err != nil || *out.GroupMember.MemberName != "alice" || *out.GroupMember.Arn != "arn:aws:quicksight:ap-south-1:111122223333:user/default/alice" {
		t.Errorf("CreateGroupMembership racing another: %+v, %v", out, err)
	}

	// Looks present, but the delete finds it gone: not a member.
	h.groupMember = nil
	del := &api.DeleteGroupMembershipRequest{AwsAccountId: s(acct), Namespace: s("default"), GroupName: s("g"), MemberName: s("alice")}
	if _, err := svc.DeleteGroupMembership(ctx, del); err != nil {
		t.Fatal(err)
	}
	h.groupMember = func() error { return nil }
	if _, err := svc.DeleteGroupMembership(ctx, del); !isError(err, qslocal.CodeResourceNotFound, qslocal.ResourceUser) {
		t.Errorf("DeleteGroupMembership racing another: %v", err)
	}
}

// TestDeleteGroupClearsExactlyItsTags: "ab"'s tags go, "abc"'s stay.
func TestDeleteGroupClearsExactlyItsTags(t *testing.T) {
	svc, store := newHookedService(t, &hooks{})
	ctx := context.Background()
	for _, g := range []string{"ab", "abc"} {
		if _, err := svc.CreateGroup(ctx, createGroupIn("default", g)); err != nil {
			t.Fatal(err)
		}
	}
	err := store.Update(ctx, func(tx qslocal.Tx) error {
		for _, r := range []string{"group/default/ab", "group/default/abc"} {
			if err := tx.SetTags(ctx, acct, r, []qslocal.Tag{{Key: "k", Value: "v"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DeleteGroup(ctx, &api.DeleteGroupRequest{AwsAccountId: s(acct), Namespace: s("default"), GroupName: s("ab")}); err != nil {
		t.Fatal(err)
	}
	err = store.View(ctx, func(tx qslocal.Tx) error {
		ab, err := tx.Tags(ctx, acct, "group/default/ab")
		if err != nil {
			return err
		}
		abc, err := tx.Tags(ctx, acct, "group/default/abc")
		if err != nil {
			return err
		}
		if len(ab) != 0 || len(abc) != 1 {
			t.Errorf("after deleting ab: ab has %v, abc has %v", ab, abc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
