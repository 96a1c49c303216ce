package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

var (
	themeOwner = []string{
		"quicksight:CreateThemeAlias", "quicksight:DeleteTheme", "quicksight:DeleteThemeAlias", "quicksight:DescribeTheme",
		"quicksight:DescribeThemeAlias", "quicksight:DescribeThemePermissions", "quicksight:ListThemeAliases",
		"quicksight:ListThemeVersions", "quicksight:UpdateTheme", "quicksight:UpdateThemeAlias", "quicksight:UpdateThemePermissions",
	}
	themeViewer = []string{"quicksight:DescribeTheme", "quicksight:DescribeThemeAlias", "quicksight:ListThemeAliases", "quicksight:ListThemeVersions"}
)

func mkTheme(t *testing.T, c *quicksight.Client, id, base string, perms ...types.ResourcePermission) {
	t.Helper()
	in := &quicksight.CreateThemeInput{AwsAccountId: aws.String(account), ThemeId: aws.String(id), Name: aws.String("Theme " + id),
		BaseThemeId: aws.String(base), VersionDescription: aws.String("v1"),
		Configuration: &types.ThemeConfiguration{UIColorPalette: &types.UIColorPalette{PrimaryBackground: aws.String("#101010")}}}
	if len(perms) > 0 {
		in.Permissions = perms
	}
	out, err := c.CreateTheme(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateTheme %q: %v", id, err)
	}
	if out.Status != 202 { // an asynchronous creation (docs/behaviour.md)
		t.Errorf("CreateTheme %q Status %d, want 202", id, out.Status)
	}
}

func describeTheme(t *testing.T, c *quicksight.Client, in *quicksight.DescribeThemeInput) *types.Theme {
	t.Helper()
	in.AwsAccountId = aws.String(account)
	out, err := c.DescribeTheme(ctx(t), in)
	if err != nil {
		t.Fatalf("DescribeTheme %q: %v", aws.ToString(in.ThemeId), err)
	}
	return out.Theme
}

func themePerms(t *testing.T, c *quicksight.Client, id string) string {
	t.Helper()
	out, err := c.DescribeThemePermissions(ctx(t), &quicksight.DescribeThemePermissionsInput{AwsAccountId: aws.String(account), ThemeId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeThemePermissions %q: %v", id, err)
	}
	return permString(out.Permissions)
}

func TestThemeLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct, id := aws.String(account), aws.String("brand")
	mkUser(t, c, "default", "alice")
	mkGroup(t, c, "default", "team", "")
	alice, team := principal("user", "default/alice"), principal("group", "default/team")
	arn := "arn:aws:quicksight:us-east-1:" + account + ":theme/brand"

	created, err := c.CreateTheme(ctx(t), &quicksight.CreateThemeInput{AwsAccountId: acct, ThemeId: id, Name: aws.String("Brand"),
		BaseThemeId: aws.String("MIDNIGHT"), VersionDescription: aws.String("first"),
		Configuration: &types.ThemeConfiguration{DataColorPalette: &types.DataColorPalette{Colors: []string{"#FF0000", "#00FF00"}}},
		Permissions:   []types.ResourcePermission{perm(alice, themeOwner...)}, Tags: []types.Tag{tag("team", "design")}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.Arn) != arn || aws.ToString(created.VersionArn) != arn+"/version/1" ||
		created.CreationStatus != types.ResourceStatusCreationSuccessful {
		t.Errorf("CreateTheme = %s %s %s", aws.ToString(created.Arn), aws.ToString(created.VersionArn), created.CreationStatus)
	}
	th := describeTheme(t, c, &quicksight.DescribeThemeInput{ThemeId: id})
	if aws.ToString(th.Name) != "Brand" || th.Type != types.ThemeTypeCustom || aws.ToInt64(th.Version.VersionNumber) != 1 ||
		aws.ToString(th.Version.BaseThemeId) != "MIDNIGHT" || aws.ToString(th.Version.Description) != "first" ||
		th.Version.Configuration == nil || !slices.Equal(th.Version.Configuration.DataColorPalette.Colors, []string{"#FF0000", "#00FF00"}) {
		t.Errorf("DescribeTheme = %+v %+v", th, th.Version)
	}
	if got := tagsOf(t, c, arn); got != "team=design" {
		t.Errorf("tags = %q", got)
	}
	if got, want := themePerms(t, c, "brand"), alice+"="+strings.Join(themeOwner, ","); got != want {
		t.Errorf("permissions after create:\n got %s\nwant %s", got, want)
	}

	// Every update makes a version; the old ones stay readable.
	for i, base := range []string{"CLASSIC", "brand"} {
		up, err := c.UpdateTheme(ctx(t), &quicksight.UpdateThemeInput{AwsAccountId: acct, ThemeId: id, BaseThemeId: aws.String(base),
			Name: aws.String(fmt.Sprintf("Brand %d", i+2)), VersionDescription: aws.String(fmt.Sprintf("v%d", i+2))})
		if err != nil || aws.ToString(up.VersionArn) != fmt.Sprintf("%s/version/%d", arn, i+2) {
			t.Fatalf("UpdateTheme %d: %+v, %v", i, up, err)
		}
	}
	if th := describeTheme(t, c, &quicksight.DescribeThemeInput{ThemeId: id, VersionNumber: aws.Int64(1)}); aws.ToString(th.Version.Description) != "first" {
		t.Errorf("version 1 = %+v", th.Version)
	}
	if th := describeTheme(t, c, &quicksight.DescribeThemeInput{ThemeId: id, AliasName: aws.String("$LATEST")}); aws.ToInt64(th.Version.VersionNumber) != 3 ||
		aws.ToString(th.Version.BaseThemeId) != "brand" || aws.ToString(th.Name) != "Brand 3" {
		t.Errorf("$LATEST = %+v", th.Version)
	}
	vp := quicksight.NewListThemeVersionsPaginator(c, &quicksight.ListThemeVersionsInput{AwsAccountId: acct, ThemeId: id, MaxResults: aws.Int32(2)})
	var versions []string
	for vp.HasMorePages() {
		page, err := vp.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page.ThemeVersionSummaryList {
			versions = append(versions, fmt.Sprintf("%d:%s", aws.ToInt64(v.VersionNumber), aws.ToString(v.Description)))
		}
	}
	if got := strings.Join(versions, " "); got != "1:first 2:v2 3:v3" {
		t.Errorf("ListThemeVersions = %s", got)
	}

	// Aliases.
	if out, err := c.CreateThemeAlias(ctx(t), &quicksight.CreateThemeAliasInput{AwsAccountId: acct, ThemeId: id, AliasName: aws.String("prod"),
		ThemeVersionNumber: aws.Int64(2)}); err != nil || aws.ToInt64(out.ThemeAlias.ThemeVersionNumber) != 2 {
		t.Fatalf("CreateThemeAlias: %+v, %v", out, err)
	}
	if th := describeTheme(t, c, &quicksight.DescribeThemeInput{ThemeId: id, AliasName: aws.String("prod")}); aws.ToInt64(th.Version.VersionNumber) != 2 {
		t.Errorf("prod = %d", aws.ToInt64(th.Version.VersionNumber))
	}
	if _, err := c.UpdateThemeAlias(ctx(t), &quicksight.UpdateThemeAliasInput{AwsAccountId: acct, ThemeId: id, AliasName: aws.String("prod"),
		ThemeVersionNumber: aws.Int64(3)}); err != nil {
		t.Fatal(err)
	}
	if out, err := c.DescribeThemeAlias(ctx(t), &quicksight.DescribeThemeAliasInput{AwsAccountId: acct, ThemeId: id, AliasName: aws.String("prod")}); err != nil ||
		aws.ToInt64(out.ThemeAlias.ThemeVersionNumber) != 3 || aws.ToString(out.ThemeAlias.Arn) != arn+"/alias/prod" {
		t.Errorf("DescribeThemeAlias: %+v, %v", out, err)
	}
	if _, err := c.CreateThemeAlias(ctx(t), &quicksight.CreateThemeAliasInput{AwsAccountId: acct, ThemeId: id, AliasName: aws.String("qa"),
		ThemeVersionNumber: aws.Int64(1)}); err != nil {
		t.Fatal(err)
	}
	al, err := c.ListThemeAliases(ctx(t), &quicksight.ListThemeAliasesInput{AwsAccountId: acct, ThemeId: id, MaxResults: aws.Int32(1)})
	if err != nil || len(al.ThemeAliasList) != 1 || aws.ToString(al.ThemeAliasList[0].AliasName) != "prod" || al.NextToken == nil {
		t.Fatalf("ListThemeAliases page 1: %+v, %v", al, err)
	}
	al, err = c.ListThemeAliases(ctx(t), &quicksight.ListThemeAliasesInput{AwsAccountId: acct, ThemeId: id, MaxResults: aws.Int32(1), NextToken: al.NextToken})
	if err != nil || len(al.ThemeAliasList) != 1 || aws.ToString(al.ThemeAliasList[0].AliasName) != "qa" {
		t.Fatalf("ListThemeAliases page 2: %+v, %v", al, err)
	}
	_, err = c.DeleteTheme(ctx(t), &quicksight.DeleteThemeInput{AwsAccountId: acct, ThemeId: id, VersionNumber: aws.Int64(1)})
	checkErr(t, "deleting an aliased version", err, expectConflict("qa"))
	if _, err := c.DeleteThemeAlias(ctx(t), &quicksight.DeleteThemeAliasInput{AwsAccountId: acct, ThemeId: id, AliasName: aws.String("qa")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteTheme(ctx(t), &quicksight.DeleteThemeInput{AwsAccountId: acct, ThemeId: id, VersionNumber: aws.Int64(1)}); err != nil {
		t.Fatalf("DeleteTheme version 1: %v", err)
	}
	_, err = c.DescribeTheme(ctx(t), &quicksight.DescribeThemeInput{AwsAccountId: acct, ThemeId: id, VersionNumber: aws.Int64(1)})
	checkErr(t, "a deleted version", err, expectNotFound("", "version 1"))

	// Starter themes are in every account, listed by type.
	mkTheme(t, c, "other", "SEASIDE")
	list := func(typ types.ThemeType) []string {
		var ids []string
		p := quicksight.NewListThemesPaginator(c, &quicksight.ListThemesInput{AwsAccountId: acct, Type: typ, MaxResults: aws.Int32(2)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range page.ThemeSummaryList {
				ids = append(ids, aws.ToString(s.ThemeId))
			}
		}
		return ids
	}
	for typ, want := range map[types.ThemeType]string{
		types.ThemeTypeAll:        "CLASSIC MIDNIGHT RAINIER SEASIDE brand other",
		types.ThemeTypeQuicksight: "CLASSIC MIDNIGHT RAINIER SEASIDE",
		types.ThemeTypeCustom:     "brand other",
	} {
		if got := strings.Join(list(typ), " "); got != want {
			t.Errorf("ListThemes %s = %s, want %s", typ, got, want)
		}
	}
	if th := describeTheme(t, c, &quicksight.DescribeThemeInput{ThemeId: aws.String("RAINIER")}); aws.ToString(th.Arn) != "arn:aws:quicksight::aws:theme/RAINIER" ||
		th.Type != types.ThemeTypeQuicksight {
		t.Errorf("DescribeTheme RAINIER = %+v", th)
	}

	// Permissions: grant and revoke in one request.
	up, err := c.UpdateThemePermissions(ctx(t), &quicksight.UpdateThemePermissionsInput{AwsAccountId: acct, ThemeId: id,
		GrantPermissions:  []types.ResourcePermission{perm(team, themeViewer...)},
		RevokePermissions: []types.ResourcePermission{perm(alice, "quicksight:DeleteTheme")}})
	if err != nil {
		t.Fatal(err)
	}
	aliceLeft := slices.DeleteFunc(slices.Clone(themeOwner), func(a string) bool { return a == "quicksight:DeleteTheme" })
	want := permString([]types.ResourcePermission{perm(alice, aliceLeft...), perm(team, themeViewer...)})
	if got := permString(up.Permissions); got != want || aws.ToString(up.ThemeArn) != arn || aws.ToString(up.ThemeId) != "brand" {
		t.Errorf("UpdateThemePermissions:\n got %s\nwant %s", got, want)
	}

	// Deleting drops versions, aliases, grants and tags.
	if _, err := c.DeleteTheme(ctx(t), &quicksight.DeleteThemeInput{AwsAccountId: acct, ThemeId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeTheme(ctx(t), &quicksight.DescribeThemeInput{AwsAccountId: acct, ThemeId: id})
	checkErr(t, "DescribeTheme after delete", err, expectNotFound("", "brand"))
	mkTheme(t, c, "brand", "CLASSIC")
	if got := tagsOf(t, c, arn); got != "" {
		t.Errorf("a recreated theme has the old one's tags: %q", got)
	}
	if got := themePerms(t, c, "brand"); got != "" {
		t.Errorf("a recreated theme has the old one's grants: %q", got)
	}
}

// Every error UpdateThemePermissions documents that can arise without
// authentication, typed.
func TestThemePermissionErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "bob")
	mkTheme(t, c, "taken", "CLASSIC")
	bob := principal("user", "default/bob")
	grant := func(id string, perms ...types.ResourcePermission) func() error {
		return func() error {
			_, err := c.UpdateThemePermissions(ctx(t), &quicksight.UpdateThemePermissionsInput{AwsAccountId: acct, ThemeId: aws.String(id), GrantPermissions: perms})
			return err
		}
	}
	runErrCases(t, []errCase{
		{"unknown action", grant("taken", perm(bob, "quicksight:DescribeAnalysis")), expectInvalid("GrantPermissions[0].Actions[0]")},
		{"principal in another account", grant("taken", perm("arn:aws:quicksight:us-east-1:999999999999:user/default/bob", "quicksight:DescribeTheme")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal that is not an ARN", grant("taken", perm("bob", "quicksight:DescribeTheme")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal that does not exist", grant("taken", perm(principal("user", "default/nobody"), "quicksight:DescribeTheme")), expectInvalid("user/default/nobody")},
		{"a starter theme", grant("CLASSIC", perm(bob, "quicksight:DescribeTheme")), expectInvalid("CLASSIC")},
		{"a missing theme", grant("missing", perm(bob, "quicksight:DescribeTheme")), expectNotFound("", "missing")},
		{"bad theme id", grant("bad id!", perm(bob, "quicksight:DescribeTheme")), expectValidation("ThemeId")},
		{"create on a missing base", func() error {
			_, err := c.CreateTheme(ctx(t), &quicksight.CreateThemeInput{AwsAccountId: acct, ThemeId: aws.String("x"), Name: aws.String("x"), BaseThemeId: aws.String("nope"), Configuration: &types.ThemeConfiguration{}})
			return err
		}, expectInvalid("BaseThemeId")},
		{"a reserved alias name", func() error {
			_, err := c.CreateThemeAlias(ctx(t), &quicksight.CreateThemeAliasInput{AwsAccountId: acct, ThemeId: aws.String("taken"), AliasName: aws.String("$PUBLISHED"), ThemeVersionNumber: aws.Int64(1)})
			return err
		}, expectInvalid("AliasName")},
	})
	if got := themePerms(t, c, "taken"); got != "" {
		t.Errorf("failed grants left %q", got)
	}
	// At most 100 principals per theme; the request that would pass it
	// changes nothing.
	var groups []types.ResourcePermission
	for i := range 101 {
		name := fmt.Sprintf("g%03d", i)
		mkGroup(t, c, "default", name, "")
		groups = append(groups, perm(principal("group", "default/"+name), "quicksight:DescribeTheme"))
	}
	if err := grant("taken", groups[:100]...)(); err != nil {
		t.Fatalf("granting to 100 groups: %v", err)
	}
	checkErr(t, "a 101st principal", grant("taken", groups[100:]...)(), expectLimit(""))
	if got := themePerms(t, c, "taken"); strings.Count(got, "=") != 100 {
		t.Errorf("after the refused grant: %d principals", strings.Count(got, "="))
	}
}
