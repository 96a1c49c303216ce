package qslocal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

// Theme rules, one call each, in order over one account: versions,
// aliases, starter themes and the errors each operation answers.
func TestThemeRules(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	svc := clockedService(t, qslocal.Config{Region: qslocal.DefaultRegion, AsyncDelay: time.Minute}, &now)
	acct := s("111122223333")
	create := func(id, base string) func() (any, error) {
		return func() (any, error) {
			return svc.CreateTheme(ctx, &api.CreateThemeRequest{AwsAccountId: acct, ThemeId: s(id), Name: s("n " + id), BaseThemeId: s(base),
				VersionDescription: s("first"), Configuration: &api.ThemeConfiguration{DataColorPalette: &api.DataColorPalette{Colors: []string{"#FFFFFF"}}}})
		}
	}
	update := func(id, base string) func() (any, error) {
		return func() (any, error) {
			return svc.UpdateTheme(ctx, &api.UpdateThemeRequest{AwsAccountId: acct, ThemeId: s(id), BaseThemeId: s(base), VersionDescription: s("next")})
		}
	}
	describe := func(id string, n *int64, alias *string) func() (any, error) {
		return func() (any, error) {
			return svc.DescribeTheme(ctx, &api.DescribeThemeRequest{AwsAccountId: acct, ThemeId: s(id), VersionNumber: n, AliasName: alias})
		}
	}
	alias := func(id, name string, n int64, create bool) func() (any, error) {
		return func() (any, error) {
			if create {
				return svc.CreateThemeAlias(ctx, &api.CreateThemeAliasRequest{AwsAccountId: acct, ThemeId: s(id), AliasName: s(name), ThemeVersionNumber: &n})
			}
			return svc.UpdateThemeAlias(ctx, &api.UpdateThemeAliasRequest{AwsAccountId: acct, ThemeId: s(id), AliasName: s(name), ThemeVersionNumber: &n})
		}
	}
	deleteVersion := func(id string, n int64) func() (any, error) {
		return func() (any, error) {
			return svc.DeleteTheme(ctx, &api.DeleteThemeRequest{AwsAccountId: acct, ThemeId: s(id), VersionNumber: &n})
		}
	}
	version := func(want int64, desc string) func(any) bool {
		return func(out any) bool {
			v := out.(*api.DescribeThemeResponse).Theme.Version
			return *v.VersionNumber == want && (desc == "" || *v.Description == desc)
		}
	}
	n := func(v int64) *int64 { return &v }
	cases := []struct {
		name string
		call func() (any, error)
		code string // "" for success
		ok   func(any) bool
	}{
		{"create on a starter theme", create("t1", "MIDNIGHT"), "", func(o any) bool {
			r := o.(*api.CreateThemeResponse)
			return *r.CreationStatus == api.ResourceStatusCreationInProgress && *r.VersionArn == "arn:aws:quicksight:us-east-1:111122223333:theme/t1/version/1"
		}},
		{"create on a missing base", create("t2", "nope"), qslocal.CodeInvalidParameterValue, nil},
		{"create on a custom base", create("t2", "t1"), "", nil},
		{"create a taken id", create("t1", "CLASSIC"), qslocal.CodeResourceExists, nil},
		{"create over a starter id", create("SEASIDE", "CLASSIC"), qslocal.CodeResourceExists, nil},
		{"update makes version 2", update("t1", "RAINIER"), "", nil},
		{"update a missing theme", update("none", "RAINIER"), qslocal.CodeResourceNotFound, nil},
		{"update a starter theme", update("CLASSIC", "RAINIER"), qslocal.CodeInvalidParameterValue, nil},
		{"describe latest", describe("t1", nil, nil), "", version(2, "next")},
		{"describe version 1", describe("t1", n(1), nil), "", version(1, "first")},
		{"describe $LATEST", describe("t1", nil, s("$LATEST")), "", version(2, "")},
		{"describe $PUBLISHED", describe("t1", nil, s("$PUBLISHED")), qslocal.CodeInvalidParameterValue, nil},
		{"describe both", describe("t1", n(1), s("$LATEST")), qslocal.CodeInvalidParameterValue, nil},
		{"describe a missing version", describe("t1", n(9), nil), qslocal.CodeResourceNotFound, nil},
		{"create alias", alias("t1", "prod", 1, true), "", nil},
		{"describe by alias", describe("t1", nil, s("prod")), "", version(1, "first")},
		{"create a taken alias", alias("t1", "prod", 2, true), qslocal.CodeResourceExists, nil},
		{"alias a missing version", alias("t1", "qa", 7, true), qslocal.CodeResourceNotFound, nil},
		{"alias a reserved name", alias("t1", "$LATEST", 1, true), qslocal.CodeInvalidParameterValue, nil},
		{"update a missing alias", alias("t1", "qa", 1, false), qslocal.CodeResourceNotFound, nil},
		{"delete an aliased version", deleteVersion("t1", 1), qslocal.CodeConflict, nil},
		{"move alias", alias("t1", "prod", 2, false), "", nil},
		{"delete version 1", deleteVersion("t1", 1), "", nil},
		{"version 1 is gone", describe("t1", n(1), nil), qslocal.CodeResourceNotFound, nil},
		{"delete the only version", deleteVersion("t2", 1), qslocal.CodeConflict, nil},
		{"describe a starter theme", describe("MIDNIGHT", nil, nil), "", func(o any) bool {
			th := o.(*api.DescribeThemeResponse).Theme
			return *th.Arn == "arn:aws:quicksight::aws:theme/MIDNIGHT" && *th.Type == api.ThemeTypeQuicksight && *th.Version.VersionNumber == 1
		}},
		{"delete a starter theme", func() (any, error) {
			return svc.DeleteTheme(ctx, &api.DeleteThemeRequest{AwsAccountId: acct, ThemeId: s("CLASSIC")})
		}, qslocal.CodeInvalidParameterValue, nil},
		{"permissions of a starter theme", func() (any, error) {
			return svc.UpdateThemePermissions(ctx, &api.UpdateThemePermissionsRequest{AwsAccountId: acct, ThemeId: s("CLASSIC")})
		}, qslocal.CodeInvalidParameterValue, nil},
	}
	for _, tc := range cases {
		out, err := tc.call()
		var qe *qslocal.Error
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.code != "" && (!errors.As(err, &qe) || qe.Code != tc.code):
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		case tc.code == "" && tc.ok != nil && !tc.ok(out):
			t.Errorf("%s: unexpected answer %+v", tc.name, out)
		}
	}
	// Once the async delay has passed, the latest version is done.
	now = now.Add(time.Minute)
	d, err := svc.DescribeTheme(ctx, &api.DescribeThemeRequest{AwsAccountId: acct, ThemeId: s("t1")})
	if err != nil || *d.Theme.Version.Status != api.ResourceStatusCreationSuccessful {
		t.Errorf("after the delay: %+v, %v", d, err)
	}
	for _, tc := range []struct {
		typ  api.ThemeType
		want int
	}{{api.ThemeTypeAll, 6}, {api.ThemeTypeQuicksight, 4}, {api.ThemeTypeCustom, 2}} {
		l, err := svc.ListThemes(ctx, &api.ListThemesRequest{AwsAccountId: acct, Type: &tc.typ})
		if err != nil || len(l.ThemeSummaryList) != tc.want {
			t.Errorf("ListThemes %s: %d themes, %v; want %d", tc.typ, len(l.ThemeSummaryList), err, tc.want)
		}
	}
}
