package e2e

import (
	"cmp"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

var (
	dashboardOwner = []string{
		"quicksight:DeleteDashboard", "quicksight:DescribeDashboard", "quicksight:DescribeDashboardPermissions", "quicksight:ListDashboardVersions",
		"quicksight:QueryDashboard", "quicksight:UpdateDashboard", "quicksight:UpdateDashboardPermissions", "quicksight:UpdateDashboardPublishedVersion",
	}
	dashboardViewer = []string{"quicksight:DescribeDashboard", "quicksight:ListDashboardVersions", "quicksight:QueryDashboard"}
)

func dashboardARN(id string) string {
	return "arn:aws:quicksight:us-east-1:" + account + ":dashboard/" + id
}

func dataSetARN(id string) string {
	return "arn:aws:quicksight:us-east-1:" + account + ":dataset/" + id
}

// dashboardDefinition is a dashboard definition on data set ds with one
// sheet.
func dashboardDefinition(sheet, ds string) *types.DashboardVersionDefinition {
	return &types.DashboardVersionDefinition{
		DataSetIdentifierDeclarations: []types.DataSetIdentifierDeclaration{{Identifier: aws.String("ds"), DataSetArn: aws.String(dataSetARN(ds))}},
		Sheets:                        []types.SheetDefinition{{SheetId: aws.String(sheet), Name: aws.String("Sheet " + sheet)}},
	}
}

func mkDashboard(t *testing.T, c *quicksight.Client, id string, def *types.DashboardVersionDefinition, perms ...types.ResourcePermission) {
	t.Helper()
	in := &quicksight.CreateDashboardInput{AwsAccountId: aws.String(account), DashboardId: aws.String(id), Name: aws.String("Dashboard " + id), Definition: def}
	if len(perms) > 0 {
		in.Permissions = perms
	}
	out, err := c.CreateDashboard(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateDashboard %q: %v", id, err)
	}
	if out.Status != 202 { // an asynchronous creation (docs/behaviour.md)
		t.Errorf("CreateDashboard %q Status %d, want 202", id, out.Status)
	}
}

func describeDashboard(t *testing.T, c *quicksight.Client, in *quicksight.DescribeDashboardInput) *types.Dashboard {
	t.Helper()
	in.AwsAccountId = aws.String(account)
	out, err := c.DescribeDashboard(ctx(t), in)
	if err != nil {
		t.Fatalf("DescribeDashboard %q: %v", aws.ToString(in.DashboardId), err)
	}
	return out.Dashboard
}

func dashboardPerms(t *testing.T, c *quicksight.Client, id string) (perms, links string) {
	t.Helper()
	out, err := c.DescribeDashboardPermissions(ctx(t), &quicksight.DescribeDashboardPermissionsInput{AwsAccountId: aws.String(account), DashboardId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeDashboardPermissions %q: %v", id, err)
	}
	if out.LinkSharingConfiguration != nil {
		links = permString(out.LinkSharingConfiguration.Permissions)
	}
	return permString(out.Permissions), links
}

// dashboardVersions lists a dashboard's versions as N:description:source.
func dashboardVersions(t *testing.T, c *quicksight.Client, id string) string {
	t.Helper()
	p := quicksight.NewListDashboardVersionsPaginator(c, &quicksight.ListDashboardVersionsInput{AwsAccountId: aws.String(account), DashboardId: aws.String(id), MaxResults: aws.Int32(1)})
	var out []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("ListDashboardVersions %q: %v", id, err)
		}
		for _, v := range page.DashboardVersionSummaryList {
			out = append(out, fmt.Sprintf("%d:%s:%s", aws.ToInt64(v.VersionNumber), aws.ToString(v.Description), aws.ToString(v.SourceEntityArn)))
		}
	}
	return strings.Join(out, " ")
}

func TestDashboardLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct, id := aws.String(account), aws.String("sales")
	arn := dashboardARN("sales")
	mkUser(t, c, "default", "alice")
	mkUser(t, c, "default", "bob")
	mkGroup(t, c, "default", "team", "")
	joinGroup(t, c, "default", "team", "bob")
	alice, team, everyone := principal("user", "default/alice"), principal("group", "default/team"), "arn:aws:quicksight:us-east-1:"+account+":namespace/default"
	mkDataSets(t, c, "orders")
	mkDataSets(t, c, "returns")
	mkTemplate(t, c, "tpl", templateDefinition("main"))
	templateArn := "arn:aws:quicksight:us-east-1:" + account + ":template/tpl"

	// Created from a template: its definition, the placeholder bound to
	// the data set; the first version is published.
	created, err := c.CreateDashboard(ctx(t), &quicksight.CreateDashboardInput{AwsAccountId: acct, DashboardId: id, Name: aws.String("Sales"),
		VersionDescription: aws.String("first"),
		SourceEntity: &types.DashboardSourceEntity{SourceTemplate: &types.DashboardSourceTemplate{Arn: aws.String(templateArn),
			DataSetReferences: []types.DataSetReference{{DataSetPlaceholder: aws.String("main"), DataSetArn: aws.String(dataSetARN("orders"))}}}},
		DashboardPublishOptions:  &types.DashboardPublishOptions{ExportToCSVOption: &types.ExportToCSVOption{AvailabilityStatus: types.DashboardBehaviorDisabled}},
		Permissions:              []types.ResourcePermission{perm(alice, dashboardOwner...)},
		LinkSharingConfiguration: &types.LinkSharingConfiguration{Permissions: []types.ResourcePermission{perm(everyone, "quicksight:DescribeDashboard", "quicksight:QueryDashboard")}},
		Tags:                     []types.Tag{tag("team", "bi")}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.Arn) != arn || aws.ToString(created.VersionArn) != arn+"/version/1" ||
		created.CreationStatus != types.ResourceStatusCreationSuccessful || created.Status != 202 {
		t.Errorf("CreateDashboard = %s %s %s %d", aws.ToString(created.Arn), aws.ToString(created.VersionArn), created.CreationStatus, created.Status)
	}
	d := describeDashboard(t, c, &quicksight.DescribeDashboardInput{DashboardId: id})
	if aws.ToString(d.Name) != "Sales" || aws.ToInt64(d.Version.VersionNumber) != 1 || aws.ToString(d.Version.Description) != "first" ||
		aws.ToString(d.Version.Arn) != arn+"/version/1" || aws.ToString(d.Version.SourceEntityArn) != templateArn ||
		d.Version.Status != types.ResourceStatusCreationSuccessful || d.LastPublishedTime == nil ||
		strings.Join(d.Version.DataSetArns, " ") != dataSetARN("orders") || len(d.Version.Sheets) != 1 || aws.ToString(d.Version.Sheets[0].SheetId) != "tsheet" {
		t.Errorf("DescribeDashboard = %+v %+v", d, d.Version)
	}
	def, err := c.DescribeDashboardDefinition(ctx(t), &quicksight.DescribeDashboardDefinitionInput{AwsAccountId: acct, DashboardId: id})
	if err != nil || def.Definition == nil || len(def.Definition.DataSetIdentifierDeclarations) != 1 ||
		aws.ToString(def.Definition.DataSetIdentifierDeclarations[0].Identifier) != "main" ||
		aws.ToString(def.Definition.DataSetIdentifierDeclarations[0].DataSetArn) != dataSetARN("orders") ||
		def.DashboardPublishOptions == nil || def.DashboardPublishOptions.ExportToCSVOption.AvailabilityStatus != types.DashboardBehaviorDisabled {
		t.Errorf("DescribeDashboardDefinition: %+v, %v", def, err)
	}
	if got := tagsOf(t, c, arn); got != "team=bi" {
		t.Errorf("tags = %q", got)
	}
	perms, links := dashboardPerms(t, c, "sales")
	if want := alice + "=" + strings.Join(dashboardOwner, ","); perms != want {
		t.Errorf("permissions after create:\n got %s\nwant %s", perms, want)
	}
	if want := everyone + "=quicksight:DescribeDashboard,quicksight:QueryDashboard"; links != want {
		t.Errorf("link permissions after create:\n got %s\nwant %s", links, want)
	}

	// An update makes a version that readers see only once it is
	// published; $LATEST and a number name it before.
	up, err := c.UpdateDashboard(ctx(t), &quicksight.UpdateDashboardInput{AwsAccountId: acct, DashboardId: id, Name: aws.String("Sales v2"),
		VersionDescription: aws.String("second"), Definition: dashboardDefinition("s2", "returns")})
	if err != nil || aws.ToString(up.VersionArn) != arn+"/version/2" || up.CreationStatus != types.ResourceStatusCreationSuccessful || up.Status != 200 {
		t.Fatalf("UpdateDashboard: %+v, %v", up, err)
	}
	if d := describeDashboard(t, c, &quicksight.DescribeDashboardInput{DashboardId: id}); aws.ToInt64(d.Version.VersionNumber) != 1 {
		t.Errorf("before publishing, DescribeDashboard shows version %d", aws.ToInt64(d.Version.VersionNumber))
	}
	for _, in := range []*quicksight.DescribeDashboardInput{{DashboardId: id, AliasName: aws.String("$LATEST")}, {DashboardId: id, VersionNumber: aws.Int64(2)}} {
		if d := describeDashboard(t, c, in); aws.ToInt64(d.Version.VersionNumber) != 2 || strings.Join(d.Version.DataSetArns, " ") != dataSetARN("returns") {
			t.Errorf("DescribeDashboard %+v = version %d %v", in, aws.ToInt64(d.Version.VersionNumber), d.Version.DataSetArns)
		}
	}
	if _, err := c.UpdateDashboardPublishedVersion(ctx(t), &quicksight.UpdateDashboardPublishedVersionInput{AwsAccountId: acct, DashboardId: id, VersionNumber: aws.Int64(2)}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []*quicksight.DescribeDashboardInput{{DashboardId: id}, {DashboardId: id, AliasName: aws.String("$PUBLISHED")}} {
		if d := describeDashboard(t, c, in); aws.ToInt64(d.Version.VersionNumber) != 2 || aws.ToString(d.Name) != "Sales v2" {
			t.Errorf("published: DescribeDashboard %+v = version %d", in, aws.ToInt64(d.Version.VersionNumber))
		}
	}
	if got := dashboardVersions(t, c, "sales"); got != "1:first:"+templateArn+" 2:second:" {
		t.Errorf("ListDashboardVersions = %s", got)
	}
	_, err = c.DeleteDashboard(ctx(t), &quicksight.DeleteDashboardInput{AwsAccountId: acct, DashboardId: id, VersionNumber: aws.Int64(2)})
	checkErr(t, "deleting the published version", err, expectConflict("published"))
	if _, err := c.DeleteDashboard(ctx(t), &quicksight.DeleteDashboardInput{AwsAccountId: acct, DashboardId: id, VersionNumber: aws.Int64(1)}); err != nil {
		t.Fatal(err)
	}
	if got := dashboardVersions(t, c, "sales"); got != "2:second:" {
		t.Errorf("ListDashboardVersions after deleting version 1 = %s", got)
	}

	// A dashboard takes its template's theme unless it names its own.
	if _, err := c.CreateTemplate(ctx(t), &quicksight.CreateTemplateInput{AwsAccountId: acct, TemplateId: aws.String("themed"), Name: aws.String("Themed"),
		SourceEntity: &types.TemplateSourceEntity{SourceAnalysis: &types.TemplateSourceAnalysis{Arn: aws.String(mkThemedAnalysis(t, c, "themed-src", "MIDNIGHT")),
			DataSetReferences: []types.DataSetReference{{DataSetPlaceholder: aws.String("ds"), DataSetArn: aws.String(dataSetARN("orders"))}}}}}); err != nil {
		t.Fatal(err)
	}
	for _, own := range []string{"", "arn:aws:quicksight::aws:theme/SEASIDE"} {
		in := &quicksight.CreateDashboardInput{AwsAccountId: acct, DashboardId: aws.String("themed" + fmt.Sprint(len(own))), Name: aws.String("Themed"),
			SourceEntity: &types.DashboardSourceEntity{SourceTemplate: &types.DashboardSourceTemplate{Arn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":template/themed"),
				DataSetReferences: []types.DataSetReference{{DataSetPlaceholder: aws.String("ds"), DataSetArn: aws.String(dataSetARN("orders"))}}}}}
		if own != "" {
			in.ThemeArn = aws.String(own)
		}
		if _, err := c.CreateDashboard(ctx(t), in); err != nil {
			t.Fatal(err)
		}
		want := cmp.Or(own, "arn:aws:quicksight::aws:theme/MIDNIGHT")
		if d := describeDashboard(t, c, &quicksight.DescribeDashboardInput{DashboardId: in.DashboardId}); aws.ToString(d.Version.ThemeArn) != want {
			t.Errorf("dashboard %s ThemeArn = %q, want %q", aws.ToString(in.DashboardId), aws.ToString(d.Version.ThemeArn), want)
		}
		if _, err := c.DeleteDashboard(ctx(t), &quicksight.DeleteDashboardInput{AwsAccountId: acct, DashboardId: in.DashboardId}); err != nil {
			t.Fatal(err)
		}
	}

	// Permissions and link permissions change in one call.
	pu, err := c.UpdateDashboardPermissions(ctx(t), &quicksight.UpdateDashboardPermissionsInput{AwsAccountId: acct, DashboardId: id,
		GrantPermissions:      []types.ResourcePermission{perm(team, dashboardViewer...)},
		RevokeLinkPermissions: []types.ResourcePermission{perm(everyone, "quicksight:DescribeDashboard", "quicksight:QueryDashboard")}})
	if err != nil || len(pu.Permissions) != 2 || pu.LinkSharingConfiguration != nil {
		t.Fatalf("UpdateDashboardPermissions: %+v, %v", pu, err)
	}

	// Linked analyses.
	mkAnalysis(t, c, "source")
	analysisArn := "arn:aws:quicksight:us-east-1:" + account + ":analysis/source"
	if out, err := c.UpdateDashboardLinks(ctx(t), &quicksight.UpdateDashboardLinksInput{AwsAccountId: acct, DashboardId: id, LinkEntities: []string{analysisArn}}); err != nil ||
		strings.Join(out.LinkEntities, " ") != analysisArn || aws.ToString(out.DashboardArn) != arn {
		t.Fatalf("UpdateDashboardLinks: %+v, %v", out, err)
	}
	if d := describeDashboard(t, c, &quicksight.DescribeDashboardInput{DashboardId: id}); strings.Join(d.LinkEntities, " ") != analysisArn {
		t.Errorf("LinkEntities = %v", d.LinkEntities)
	}

	// Lists in pages and searches: bob reaches the dashboard through team.
	for _, other := range []string{"a-first", "z-last"} {
		mkDashboard(t, c, other, dashboardDefinition("s", "orders"))
	}
	lp := quicksight.NewListDashboardsPaginator(c, &quicksight.ListDashboardsInput{AwsAccountId: acct, MaxResults: aws.Int32(2)})
	var listed []string
	for lp.HasMorePages() {
		page, err := lp.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.DashboardSummaryList {
			listed = append(listed, fmt.Sprintf("%s:%d", aws.ToString(s.DashboardId), aws.ToInt64(s.PublishedVersionNumber)))
		}
	}
	if got := strings.Join(listed, " "); got != "a-first:1 sales:2 z-last:1" {
		t.Errorf("ListDashboards = %s", got)
	}
	search := func(name types.DashboardFilterAttribute, op types.FilterOperator, value string) string {
		out, err := c.SearchDashboards(ctx(t), &quicksight.SearchDashboardsInput{AwsAccountId: acct,
			Filters: []types.DashboardSearchFilter{{Name: name, Operator: op, Value: aws.String(value)}}})
		if err != nil {
			t.Fatalf("SearchDashboards %s %s: %v", name, value, err)
		}
		var ids []string
		for _, s := range out.DashboardSummaryList {
			ids = append(ids, aws.ToString(s.DashboardId))
		}
		return strings.Join(ids, " ")
	}
	bob := principal("user", "default/bob")
	for _, tc := range []struct {
		name  types.DashboardFilterAttribute
		op    types.FilterOperator
		value string
		want  string
	}{
		{types.DashboardFilterAttributeDashboardName, types.FilterOperatorStringLike, "SALES", "sales"},
		{types.DashboardFilterAttributeQuicksightViewerOrOwner, types.FilterOperatorStringEquals, bob, "sales"},
		{types.DashboardFilterAttributeDirectQuicksightViewerOrOwner, types.FilterOperatorStringEquals, bob, ""},
		{types.DashboardFilterAttributeQuicksightOwner, types.FilterOperatorStringEquals, alice, "sales"},
		{types.DashboardFilterAttributeDirectQuicksightSoleOwner, types.FilterOperatorStringEquals, alice, "sales"},
	} {
		if got := search(tc.name, tc.op, tc.value); got != tc.want {
			t.Errorf("SearchDashboards %s %s = %q, want %q", tc.name, tc.value, got, tc.want)
		}
	}

	// Deleting drops the dashboard with its grants and tags; the id is
	// free again.
	if out, err := c.DeleteDashboard(ctx(t), &quicksight.DeleteDashboardInput{AwsAccountId: acct, DashboardId: id}); err != nil || aws.ToString(out.Arn) != arn {
		t.Fatalf("DeleteDashboard: %+v, %v", out, err)
	}
	_, err = c.DescribeDashboard(ctx(t), &quicksight.DescribeDashboardInput{AwsAccountId: acct, DashboardId: id})
	checkErr(t, "a deleted dashboard", err, expectNotFound("", "sales"))
	mkDashboard(t, c, "sales", dashboardDefinition("s", "orders"))
	if perms, links := dashboardPerms(t, c, "sales"); perms != "" || links != "" {
		t.Errorf("a recreated dashboard has the old one's permissions: %q %q", perms, links)
	}
	if got := tagsOf(t, c, arn); got != "" {
		t.Errorf("a recreated dashboard has the old one's tags: %q", got)
	}
}

// Every error UpdateDashboardPermissions documents that can arise without
// authentication, typed; and what CreateDashboard refuses.
func TestDashboardErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "bob")
	mkDataSets(t, c, "orders")
	mkDashboard(t, c, "taken", dashboardDefinition("s", "orders"))
	bob := principal("user", "default/bob")
	update := func(c *quicksight.Client, id string, in quicksight.UpdateDashboardPermissionsInput) func() error {
		return func() error {
			in.AwsAccountId, in.DashboardId = acct, aws.String(id)
			_, err := c.UpdateDashboardPermissions(ctx(t), &in)
			return err
		}
	}
	grant := func(c *quicksight.Client, id string, perms ...types.ResourcePermission) func() error {
		return update(c, id, quicksight.UpdateDashboardPermissionsInput{GrantPermissions: perms})
	}
	create := func(mod func(*quicksight.CreateDashboardInput)) func() error {
		return func() error {
			in := &quicksight.CreateDashboardInput{AwsAccountId: acct, DashboardId: aws.String("x"), Name: aws.String("x"), Definition: dashboardDefinition("s", "orders")}
			mod(in)
			_, err := c.CreateDashboard(ctx(t), in)
			return err
		}
	}
	everyone := "arn:aws:quicksight:us-east-1:" + account + ":namespace/default"
	unsubscribed := start(t, "", "--accounts", "subscribed").client("us-east-1")
	runErrCases(t, []errCase{
		{"unknown action", grant(c, "taken", perm(bob, "quicksight:DescribeAnalysis")), expectInvalid("GrantPermissions[0].Actions[0]")},
		{"principal in another account", grant(c, "taken", perm("arn:aws:quicksight:us-east-1:999999999999:user/default/bob", "quicksight:DescribeDashboard")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal that is not an ARN", grant(c, "taken", perm("bob", "quicksight:DescribeDashboard")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal that does not exist", grant(c, "taken", perm(principal("user", "default/nobody"), "quicksight:DescribeDashboard")), expectInvalid("user/default/nobody")},
		{"link permissions for a user", update(c, "taken", quicksight.UpdateDashboardPermissionsInput{GrantLinkPermissions: []types.ResourcePermission{perm(bob, "quicksight:DescribeDashboard")}}), expectInvalid("GrantLinkPermissions[0].Principal")},
		{"link permissions beyond viewing", update(c, "taken", quicksight.UpdateDashboardPermissionsInput{GrantLinkPermissions: []types.ResourcePermission{perm(everyone, "quicksight:DeleteDashboard")}}), expectInvalid("GrantLinkPermissions[0].Actions")},
		{"link permissions for a missing namespace", update(c, "taken", quicksight.UpdateDashboardPermissionsInput{GrantLinkPermissions: []types.ResourcePermission{
			perm("arn:aws:quicksight:us-east-1:"+account+":namespace/nope", "quicksight:DescribeDashboard")}}), expectInvalid("namespace/nope")},
		{"a missing dashboard", grant(c, "missing", perm(bob, "quicksight:DescribeDashboard")), expectNotFound("", "missing")},
		{"bad dashboard id", grant(c, "bad id!", perm(bob, "quicksight:DescribeDashboard")), expectValidation("DashboardId")},
		{"an account not subscribed", grant(unsubscribed, "taken", perm(bob, "quicksight:DescribeDashboard")), expectCode("UnsupportedUserEditionException", "not subscribed")},
		{"neither source nor definition", create(func(in *quicksight.CreateDashboardInput) { in.Definition = nil }), expectInvalid("SourceEntity")},
		{"a missing source template", create(func(in *quicksight.CreateDashboardInput) {
			in.Definition = nil
			in.SourceEntity = &types.DashboardSourceEntity{SourceTemplate: &types.DashboardSourceTemplate{Arn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":template/nope"),
				DataSetReferences: []types.DataSetReference{{DataSetPlaceholder: aws.String("p"), DataSetArn: aws.String(dataSetARN("orders"))}}}}
		}), expectNotFound("", "nope")},
		{"a missing data set", create(func(in *quicksight.CreateDashboardInput) { in.Definition = dashboardDefinition("s", "nope") }), expectInvalid("Definition.DataSetIdentifierDeclarations[0].DataSetArn")},
		{"a linked analysis that is missing", create(func(in *quicksight.CreateDashboardInput) {
			in.LinkEntities = []string{"arn:aws:quicksight:us-east-1:" + account + ":analysis/nope"}
		}), expectNotFound("", "LinkEntities[0]")},
		{"a folder that is missing", create(func(in *quicksight.CreateDashboardInput) { in.FolderArns = []string{folderARN("nope")} }), expectNotFound("", "nope")},
		{"the id taken", create(func(in *quicksight.CreateDashboardInput) { in.DashboardId = aws.String("taken") }), expectExists("")},
		{"the id taken, and a data set missing", create(func(in *quicksight.CreateDashboardInput) {
			in.DashboardId, in.Definition = aws.String("taken"), dashboardDefinition("s", "nope")
		}), expectExists("")},
		{"publishing a missing version", func() error {
			_, err := c.UpdateDashboardPublishedVersion(ctx(t), &quicksight.UpdateDashboardPublishedVersionInput{AwsAccountId: acct, DashboardId: aws.String("taken"), VersionNumber: aws.Int64(9)})
			return err
		}, expectNotFound("", "version 9")},
		{"deleting the published version", func() error {
			_, err := c.DeleteDashboard(ctx(t), &quicksight.DeleteDashboardInput{AwsAccountId: acct, DashboardId: aws.String("taken"), VersionNumber: aws.Int64(1)})
			return err
		}, expectConflict("published")},
	})
	if perms, links := dashboardPerms(t, c, "taken"); perms != "" || links != "" {
		t.Errorf("failed grants left %q %q", perms, links)
	}
	_, err := c.DescribeDashboard(ctx(t), &quicksight.DescribeDashboardInput{AwsAccountId: acct, DashboardId: aws.String("x")})
	checkErr(t, "after the failed creates", err, expectNotFound("", "x"))
	// At most 100 principals per dashboard; the request that would pass it
	// changes nothing.
	var groups []types.ResourcePermission
	for i := range 101 {
		name := fmt.Sprintf("g%03d", i)
		mkGroup(t, c, "default", name, "")
		groups = append(groups, perm(principal("group", "default/"+name), "quicksight:DescribeDashboard"))
	}
	if err := grant(c, "taken", groups[:100]...)(); err != nil {
		t.Fatalf("granting to 100 groups: %v", err)
	}
	checkErr(t, "a 101st principal", grant(c, "taken", groups[100:]...)(), expectLimit(""))
	if perms, _ := dashboardPerms(t, c, "taken"); strings.Count(perms, "=") != 100 {
		t.Errorf("after the refused grant: %d principals", strings.Count(perms, "="))
	}
}

// mkThemedAnalysis makes an analysis on data set orders (placeholder ds)
// with a starter theme, and answers its ARN.
func mkThemedAnalysis(t *testing.T, c *quicksight.Client, id, theme string) string {
	t.Helper()
	out, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String(id), Name: aws.String(id),
		ThemeArn:   aws.String("arn:aws:quicksight::aws:theme/" + theme),
		Definition: &types.AnalysisDefinition{DataSetIdentifierDeclarations: []types.DataSetIdentifierDeclaration{{Identifier: aws.String("ds"), DataSetArn: aws.String(dataSetARN("orders"))}}}})
	if err != nil {
		t.Fatalf("CreateAnalysis %q: %v", id, err)
	}
	return aws.ToString(out.Arn)
}

// Link permissions do not outlive their namespace: one made again of the
// same name starts with none.
func TestDashboardLinkPermissionsLeaveWithTheirNamespace(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkDataSets(t, c, "orders")
	mkDashboard(t, c, "d", dashboardDefinition("s", "orders"))
	ns := func() {
		t.Helper()
		if _, err := c.CreateNamespace(ctx(t), &quicksight.CreateNamespaceInput{AwsAccountId: acct, Namespace: aws.String("ns2"), IdentityStore: types.IdentityStoreQuicksight}); err != nil {
			t.Fatal(err)
		}
	}
	ns()
	ns2 := "arn:aws:quicksight:us-east-1:" + account + ":namespace/ns2"
	if _, err := c.UpdateDashboardPermissions(ctx(t), &quicksight.UpdateDashboardPermissionsInput{AwsAccountId: acct, DashboardId: aws.String("d"),
		GrantLinkPermissions: []types.ResourcePermission{perm(ns2, "quicksight:DescribeDashboard")}}); err != nil {
		t.Fatal(err)
	}
	if _, links := dashboardPerms(t, c, "d"); links != ns2+"=quicksight:DescribeDashboard" {
		t.Fatalf("link permissions = %q", links)
	}
	if _, err := c.DeleteNamespace(ctx(t), &quicksight.DeleteNamespaceInput{AwsAccountId: acct, Namespace: aws.String("ns2")}); err != nil {
		t.Fatal(err)
	}
	ns()
	if _, links := dashboardPerms(t, c, "d"); links != "" {
		t.Errorf("link permissions after the namespace went = %q", links)
	}
}
