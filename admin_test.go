package qslocal_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/api"
)

// SearchUsers keeps the users whose names start with the prefix, the one
// named by the prefix included, page after page, and stops at the first
// name past them.
func TestSearchUsers(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	for _, u := range []string{"al", "ala", "alb", "alc", "ald", "alz", "am", "a", "b"} {
		if _, err := svc.RegisterUser(ctx, registerUserIn("default", u)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"al", []string{"al", "ala", "alb", "alc", "ald", "alz"}},
		{"a", []string{"a", "al", "ala", "alb", "alc", "ald", "alz", "am"}},
		{"alz", []string{"alz"}},
		{"ale", nil},
		{"c", nil},
	} {
		var got []string
		var next *string
		two := int32(2)
		for pages := 0; ; pages++ {
			users, token, err := svc.SearchUsers(ctx, acct, "default", tc.prefix, next, &two)
			if err != nil {
				t.Fatalf("%q: %v", tc.prefix, err)
			}
			for _, u := range users {
				got = append(got, *u.UserName)
			}
			if token == nil || pages > 10 {
				break
			}
			next = token
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("SearchUsers(%q) = %v, want %v", tc.prefix, got, tc.want)
		}
	}
	// A token goes on only with the search that issued it.
	two := int32(2)
	_, token, err := svc.SearchUsers(ctx, acct, "default", "al", nil, &two)
	if err != nil || token == nil {
		t.Fatalf("first page: %v, token %v", err, token)
	}
	if _, _, err := svc.SearchUsers(ctx, acct, "default", "a", token, &two); err == nil || !strings.Contains(err.Error(), "InvalidNextToken") {
		t.Errorf("another search's token: %v, want InvalidNextTokenException", err)
	}
}

// AssetPermissions lists live assets of a kind with their grants, a page
// at a time, leaving deleted ones out.
func TestAssetPermissions(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	if _, err := svc.RegisterUser(ctx, registerUserIn("default", "alice")); err != nil {
		t.Fatal(err)
	}
	alice := "arn:aws:quicksight:ap-south-1:" + acct + ":user/default/alice"
	for _, id := range []string{"a1", "a2", "a3", "a4"} {
		if _, err := svc.CreateAnalysis(ctx, &api.CreateAnalysisRequest{AwsAccountId: s(acct), AnalysisId: s(id), Name: s("Analysis " + id),
			Definition: &api.AnalysisDefinition{}, Permissions: []api.ResourcePermission{{Principal: &alice, Actions: []string{"quicksight:DescribeAnalysis"}}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.DeleteAnalysis(ctx, &api.DeleteAnalysisRequest{AwsAccountId: s(acct), AnalysisId: s("a2")}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for after, pages := "", 0; pages < 5; pages++ {
		page, more, err := svc.AssetPermissions(ctx, acct, "analysis", after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page {
			ids = append(ids, a.ID)
			if len(a.Grants) != 1 || a.Grants[0].Principal != alice || !slices.Equal(a.Grants[0].Actions, []string{"quicksight:DescribeAnalysis"}) ||
				!slices.Contains(a.Actions, "quicksight:UpdateAnalysisPermissions") {
				t.Errorf("%s: grants %+v, columns %v", a.ID, a.Grants, a.Actions)
			}
		}
		if after = more; more == "" {
			break
		}
	}
	if !slices.Equal(ids, []string{"a1", "a3", "a4"}) {
		t.Errorf("analyses over the pages: %v, want a1 a3 a4", ids)
	}
	if _, _, err := svc.AssetPermissions(ctx, acct, "user", "", 0); err == nil {
		t.Error("users listed as assets")
	}
}
