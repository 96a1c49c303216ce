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
	templateOwner = []string{
		"quicksight:CreateTemplateAlias", "quicksight:DeleteTemplate", "quicksight:DeleteTemplateAlias", "quicksight:DescribeTemplate",
		"quicksight:DescribeTemplateAlias", "quicksight:DescribeTemplatePermissions", "quicksight:ListTemplateAliases",
		"quicksight:ListTemplateVersions", "quicksight:UpdateTemplate", "quicksight:UpdateTemplateAlias", "quicksight:UpdateTemplatePermissions",
	}
	templateViewer = []string{"quicksight:DescribeTemplate", "quicksight:DescribeTemplateAlias", "quicksight:ListTemplateAliases", "quicksight:ListTemplateVersions"}
)

// templateDefinition is a template definition with a data set placeholder
// per name and one sheet.
func templateDefinition(placeholders ...string) *types.TemplateVersionDefinition {
	d := &types.TemplateVersionDefinition{Sheets: []types.SheetDefinition{{SheetId: aws.String("tsheet"), Name: aws.String("Template sheet")}}}
	for _, p := range placeholders {
		d.DataSetConfigurations = append(d.DataSetConfigurations, types.DataSetConfiguration{Placeholder: aws.String(p)})
	}
	return d
}

// declarations shows an analysis definition's data set declarations as
// identifier=ARN pairs.
func declarations(d *types.AnalysisDefinition) string {
	var out []string
	for _, ds := range d.DataSetIdentifierDeclarations {
		out = append(out, aws.ToString(ds.Identifier)+"="+aws.ToString(ds.DataSetArn))
	}
	return strings.Join(out, " ")
}

func mkTemplate(t *testing.T, c *quicksight.Client, id string, def *types.TemplateVersionDefinition, perms ...types.ResourcePermission) {
	t.Helper()
	in := &quicksight.CreateTemplateInput{AwsAccountId: aws.String(account), TemplateId: aws.String(id), Name: aws.String("Template " + id),
		Definition: def, VersionDescription: aws.String("v1")}
	if len(perms) > 0 {
		in.Permissions = perms
	}
	out, err := c.CreateTemplate(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateTemplate %q: %v", id, err)
	}
	if out.Status != 202 { // an asynchronous creation (docs/behaviour.md)
		t.Errorf("CreateTemplate %q Status %d, want 202", id, out.Status)
	}
}

func describeTemplate(t *testing.T, c *quicksight.Client, in *quicksight.DescribeTemplateInput) *types.Template {
	t.Helper()
	in.AwsAccountId = aws.String(account)
	out, err := c.DescribeTemplate(ctx(t), in)
	if err != nil {
		t.Fatalf("DescribeTemplate %q: %v", aws.ToString(in.TemplateId), err)
	}
	return out.Template
}

func templatePerms(t *testing.T, c *quicksight.Client, id string) string {
	t.Helper()
	out, err := c.DescribeTemplatePermissions(ctx(t), &quicksight.DescribeTemplatePermissionsInput{AwsAccountId: aws.String(account), TemplateId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeTemplatePermissions %q: %v", id, err)
	}
	return permString(out.Permissions)
}

func TestTemplateLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct, id := aws.String(account), aws.String("report")
	mkUser(t, c, "default", "alice")
	mkGroup(t, c, "default", "team", "")
	alice, team := principal("user", "default/alice"), principal("group", "default/team")
	arn := "arn:aws:quicksight:us-east-1:" + account + ":template/report"
	analysisArn := "arn:aws:quicksight:us-east-1:" + account + ":analysis/sales"
	theme := "arn:aws:quicksight:us-east-1:" + account + ":theme/dark"
	mkDataSets(t, c, "sales")
	if _, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("sales"), Name: aws.String("Sales"),
		Definition: salesDefinition("s1"), ThemeArn: aws.String(theme)}); err != nil {
		t.Fatal(err)
	}

	// Created from an analysis, the template takes its definition, its data
	// sets as placeholders.
	created, err := c.CreateTemplate(ctx(t), &quicksight.CreateTemplateInput{AwsAccountId: acct, TemplateId: id, Name: aws.String("Report"),
		VersionDescription: aws.String("first"),
		SourceEntity: &types.TemplateSourceEntity{SourceAnalysis: &types.TemplateSourceAnalysis{Arn: aws.String(analysisArn),
			DataSetReferences: []types.DataSetReference{{DataSetPlaceholder: aws.String("sales"), DataSetArn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":dataset/sales")}}}},
		Permissions: []types.ResourcePermission{perm(alice, templateOwner...)}, Tags: []types.Tag{tag("team", "bi")}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.Arn) != arn || aws.ToString(created.VersionArn) != arn+"/version/1" ||
		created.CreationStatus != types.ResourceStatusCreationSuccessful || created.Status != 202 {
		t.Errorf("CreateTemplate = %s %s %s %d", aws.ToString(created.Arn), aws.ToString(created.VersionArn), created.CreationStatus, created.Status)
	}
	tm := describeTemplate(t, c, &quicksight.DescribeTemplateInput{TemplateId: id})
	if aws.ToString(tm.Name) != "Report" || aws.ToInt64(tm.Version.VersionNumber) != 1 || aws.ToString(tm.Version.Description) != "first" ||
		aws.ToString(tm.Version.SourceEntityArn) != analysisArn || aws.ToString(tm.Version.ThemeArn) != theme ||
		len(tm.Version.Sheets) != 1 || aws.ToString(tm.Version.Sheets[0].SheetId) != "s1" ||
		len(tm.Version.DataSetConfigurations) != 1 || aws.ToString(tm.Version.DataSetConfigurations[0].Placeholder) != "sales" {
		t.Errorf("DescribeTemplate = %+v %+v", tm, tm.Version)
	}
	def, err := c.DescribeTemplateDefinition(ctx(t), &quicksight.DescribeTemplateDefinitionInput{AwsAccountId: acct, TemplateId: id})
	if err != nil || def.Definition == nil || len(def.Definition.Sheets) != 1 || aws.ToString(def.Definition.Sheets[0].SheetId) != "s1" ||
		aws.ToString(def.ThemeArn) != theme || def.ResourceStatus != types.ResourceStatusCreationSuccessful {
		t.Errorf("DescribeTemplateDefinition: %+v, %v", def, err)
	}
	if got := tagsOf(t, c, arn); got != "team=bi" {
		t.Errorf("tags = %q", got)
	}
	if got, want := templatePerms(t, c, "report"), alice+"="+strings.Join(templateOwner, ","); got != want {
		t.Errorf("permissions after create:\n got %s\nwant %s", got, want)
	}

	// Every update makes a version: from a definition, then from another
	// template; the old ones stay readable.
	mkTemplate(t, c, "other", templateDefinition("ph0"))
	for i, src := range []*quicksight.UpdateTemplateInput{
		{Definition: templateDefinition("a", "b")},
		{SourceEntity: &types.TemplateSourceEntity{SourceTemplate: &types.TemplateSourceTemplate{Arn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":template/other/version/1")}}},
	} {
		src.AwsAccountId, src.TemplateId = acct, id
		src.Name, src.VersionDescription = aws.String(fmt.Sprintf("Report %d", i+2)), aws.String(fmt.Sprintf("v%d", i+2))
		up, err := c.UpdateTemplate(ctx(t), src)
		if err != nil || aws.ToString(up.VersionArn) != fmt.Sprintf("%s/version/%d", arn, i+2) {
			t.Fatalf("UpdateTemplate %d: %+v, %v", i, up, err)
		}
	}
	if tm := describeTemplate(t, c, &quicksight.DescribeTemplateInput{TemplateId: id, VersionNumber: aws.Int64(2)}); len(tm.Version.DataSetConfigurations) != 2 {
		t.Errorf("version 2 = %+v", tm.Version)
	}
	if tm := describeTemplate(t, c, &quicksight.DescribeTemplateInput{TemplateId: id, AliasName: aws.String("$LATEST")}); aws.ToInt64(tm.Version.VersionNumber) != 3 ||
		aws.ToString(tm.Name) != "Report 3" || len(tm.Version.DataSetConfigurations) != 1 || aws.ToString(tm.Version.DataSetConfigurations[0].Placeholder) != "ph0" {
		t.Errorf("$LATEST = %+v", tm.Version)
	}
	_, err = c.DescribeTemplate(ctx(t), &quicksight.DescribeTemplateInput{AwsAccountId: acct, TemplateId: id, AliasName: aws.String("$PUBLISHED")})
	checkErr(t, "$PUBLISHED", err, expectInvalid("$PUBLISHED"))
	vp := quicksight.NewListTemplateVersionsPaginator(c, &quicksight.ListTemplateVersionsInput{AwsAccountId: acct, TemplateId: id, MaxResults: aws.Int32(2)})
	var versions []string
	for vp.HasMorePages() {
		page, err := vp.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page.TemplateVersionSummaryList {
			versions = append(versions, fmt.Sprintf("%d:%s", aws.ToInt64(v.VersionNumber), aws.ToString(v.Description)))
		}
	}
	if got := strings.Join(versions, " "); got != "1:first 2:v2 3:v3" {
		t.Errorf("ListTemplateVersions = %s", got)
	}

	// Aliases.
	if out, err := c.CreateTemplateAlias(ctx(t), &quicksight.CreateTemplateAliasInput{AwsAccountId: acct, TemplateId: id, AliasName: aws.String("prod"),
		TemplateVersionNumber: aws.Int64(2)}); err != nil || aws.ToInt64(out.TemplateAlias.TemplateVersionNumber) != 2 {
		t.Fatalf("CreateTemplateAlias: %+v, %v", out, err)
	}
	if tm := describeTemplate(t, c, &quicksight.DescribeTemplateInput{TemplateId: id, AliasName: aws.String("prod")}); aws.ToInt64(tm.Version.VersionNumber) != 2 {
		t.Errorf("prod = %d", aws.ToInt64(tm.Version.VersionNumber))
	}
	if d, err := c.DescribeTemplateDefinition(ctx(t), &quicksight.DescribeTemplateDefinitionInput{AwsAccountId: acct, TemplateId: id, AliasName: aws.String("prod")}); err != nil ||
		len(d.Definition.DataSetConfigurations) != 2 {
		t.Errorf("DescribeTemplateDefinition by alias: %+v, %v", d, err)
	}
	if _, err := c.UpdateTemplateAlias(ctx(t), &quicksight.UpdateTemplateAliasInput{AwsAccountId: acct, TemplateId: id, AliasName: aws.String("prod"),
		TemplateVersionNumber: aws.Int64(3)}); err != nil {
		t.Fatal(err)
	}
	if out, err := c.DescribeTemplateAlias(ctx(t), &quicksight.DescribeTemplateAliasInput{AwsAccountId: acct, TemplateId: id, AliasName: aws.String("prod")}); err != nil ||
		aws.ToInt64(out.TemplateAlias.TemplateVersionNumber) != 3 || aws.ToString(out.TemplateAlias.Arn) != arn+"/alias/prod" {
		t.Errorf("DescribeTemplateAlias: %+v, %v", out, err)
	}
	if _, err := c.CreateTemplateAlias(ctx(t), &quicksight.CreateTemplateAliasInput{AwsAccountId: acct, TemplateId: id, AliasName: aws.String("qa"),
		TemplateVersionNumber: aws.Int64(1)}); err != nil {
		t.Fatal(err)
	}
	al, err := c.ListTemplateAliases(ctx(t), &quicksight.ListTemplateAliasesInput{AwsAccountId: acct, TemplateId: id, MaxResults: aws.Int32(1)})
	if err != nil || len(al.TemplateAliasList) != 1 || aws.ToString(al.TemplateAliasList[0].AliasName) != "prod" || al.NextToken == nil {
		t.Fatalf("ListTemplateAliases page 1: %+v, %v", al, err)
	}
	al, err = c.ListTemplateAliases(ctx(t), &quicksight.ListTemplateAliasesInput{AwsAccountId: acct, TemplateId: id, MaxResults: aws.Int32(1), NextToken: al.NextToken})
	if err != nil || len(al.TemplateAliasList) != 1 || aws.ToString(al.TemplateAliasList[0].AliasName) != "qa" {
		t.Fatalf("ListTemplateAliases page 2: %+v, %v", al, err)
	}
	_, err = c.DeleteTemplate(ctx(t), &quicksight.DeleteTemplateInput{AwsAccountId: acct, TemplateId: id, VersionNumber: aws.Int64(1)})
	checkErr(t, "deleting an aliased version", err, expectConflict("qa"))
	if _, err := c.DeleteTemplateAlias(ctx(t), &quicksight.DeleteTemplateAliasInput{AwsAccountId: acct, TemplateId: id, AliasName: aws.String("qa")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteTemplate(ctx(t), &quicksight.DeleteTemplateInput{AwsAccountId: acct, TemplateId: id, VersionNumber: aws.Int64(1)}); err != nil {
		t.Fatalf("DeleteTemplate version 1: %v", err)
	}
	_, err = c.DescribeTemplate(ctx(t), &quicksight.DescribeTemplateInput{AwsAccountId: acct, TemplateId: id, VersionNumber: aws.Int64(1)})
	checkErr(t, "a deleted version", err, expectNotFound("", "version 1"))

	// Listed in pages.
	mkTemplate(t, c, "third", templateDefinition("ph0"))
	var ids []string
	lp := quicksight.NewListTemplatesPaginator(c, &quicksight.ListTemplatesInput{AwsAccountId: acct, MaxResults: aws.Int32(2)})
	for lp.HasMorePages() {
		page, err := lp.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.TemplateSummaryList {
			ids = append(ids, fmt.Sprintf("%s:%d", aws.ToString(s.TemplateId), aws.ToInt64(s.LatestVersionNumber)))
		}
	}
	if got := strings.Join(ids, " "); got != "other:1 report:3 third:1" {
		t.Errorf("ListTemplates = %s", got)
	}

	// Permissions: grant and revoke in one request.
	up, err := c.UpdateTemplatePermissions(ctx(t), &quicksight.UpdateTemplatePermissionsInput{AwsAccountId: acct, TemplateId: id,
		GrantPermissions:  []types.ResourcePermission{perm(team, templateViewer...)},
		RevokePermissions: []types.ResourcePermission{perm(alice, "quicksight:DeleteTemplate")}})
	if err != nil {
		t.Fatal(err)
	}
	aliceLeft := slices.DeleteFunc(slices.Clone(templateOwner), func(a string) bool { return a == "quicksight:DeleteTemplate" })
	want := permString([]types.ResourcePermission{perm(alice, aliceLeft...), perm(team, templateViewer...)})
	if got := permString(up.Permissions); got != want || aws.ToString(up.TemplateArn) != arn || aws.ToString(up.TemplateId) != "report" {
		t.Errorf("UpdateTemplatePermissions:\n got %s\nwant %s", got, want)
	}

	// Deleting drops versions, aliases, grants and tags.
	if _, err := c.DeleteTemplate(ctx(t), &quicksight.DeleteTemplateInput{AwsAccountId: acct, TemplateId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeTemplate(ctx(t), &quicksight.DescribeTemplateInput{AwsAccountId: acct, TemplateId: id})
	checkErr(t, "DescribeTemplate after delete", err, expectNotFound("", "report"))
	mkTemplate(t, c, "report", templateDefinition("ph0"))
	if got := tagsOf(t, c, arn); got != "" {
		t.Errorf("a recreated template has the old one's tags: %q", got)
	}
	if got := templatePerms(t, c, "report"); got != "" {
		t.Errorf("a recreated template has the old one's grants: %q", got)
	}
	if al, err := c.ListTemplateAliases(ctx(t), &quicksight.ListTemplateAliasesInput{AwsAccountId: acct, TemplateId: id}); err != nil || len(al.TemplateAliasList) != 0 {
		t.Errorf("a recreated template has the old one's aliases: %+v, %v", al, err)
	}
}

// Every error UpdateTemplatePermissions documents that can arise without
// authentication, typed; and the sources CreateTemplate refuses.
func TestTemplatePermissionErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "bob")
	mkTemplate(t, c, "taken", templateDefinition("ph0"))
	bob := principal("user", "default/bob")
	grant := func(c *quicksight.Client, id string, perms ...types.ResourcePermission) func() error {
		return func() error {
			_, err := c.UpdateTemplatePermissions(ctx(t), &quicksight.UpdateTemplatePermissionsInput{AwsAccountId: acct, TemplateId: aws.String(id), GrantPermissions: perms})
			return err
		}
	}
	create := func(src *types.TemplateSourceEntity, def *types.TemplateVersionDefinition) func() error {
		return func() error {
			_, err := c.CreateTemplate(ctx(t), &quicksight.CreateTemplateInput{AwsAccountId: acct, TemplateId: aws.String("x"), Name: aws.String("x"), SourceEntity: src, Definition: def})
			return err
		}
	}
	unsubscribed := start(t, "", "--accounts", "subscribed").client("us-east-1")
	runErrCases(t, []errCase{
		{"unknown action", grant(c, "taken", perm(bob, "quicksight:DescribeTheme")), expectInvalid("GrantPermissions[0].Actions[0]")},
		{"principal in another account", grant(c, "taken", perm("arn:aws:quicksight:us-east-1:999999999999:user/default/bob", "quicksight:DescribeTemplate")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal that is not an ARN", grant(c, "taken", perm("bob", "quicksight:DescribeTemplate")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal that does not exist", grant(c, "taken", perm(principal("user", "default/nobody"), "quicksight:DescribeTemplate")), expectInvalid("user/default/nobody")},
		{"a missing template", grant(c, "missing", perm(bob, "quicksight:DescribeTemplate")), expectNotFound("", "missing")},
		{"bad template id", grant(c, "bad id!", perm(bob, "quicksight:DescribeTemplate")), expectValidation("TemplateId")},
		{"an account not subscribed", grant(unsubscribed, "taken", perm(bob, "quicksight:DescribeTemplate")), expectCode("UnsupportedUserEditionException", "not subscribed")},
		{"neither source nor definition", create(nil, nil), expectInvalid("SourceEntity")},
		{"a missing source analysis", create(&types.TemplateSourceEntity{SourceAnalysis: &types.TemplateSourceAnalysis{
			Arn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":analysis/nope"), DataSetReferences: []types.DataSetReference{}}}, nil), expectNotFound("", "nope")},
		{"a source that is not an analysis", create(&types.TemplateSourceEntity{SourceAnalysis: &types.TemplateSourceAnalysis{
			Arn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":template/taken"), DataSetReferences: []types.DataSetReference{}}}, nil), expectInvalid("SourceAnalysis")},
		{"a missing source version", create(&types.TemplateSourceEntity{SourceTemplate: &types.TemplateSourceTemplate{
			Arn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":template/taken/version/9")}}, nil), expectNotFound("", "version 9")},
		{"a reserved alias name", func() error {
			_, err := c.CreateTemplateAlias(ctx(t), &quicksight.CreateTemplateAliasInput{AwsAccountId: acct, TemplateId: aws.String("taken"), AliasName: aws.String("$PUBLISHED"), TemplateVersionNumber: aws.Int64(1)})
			return err
		}, expectConflict("AliasName")}, // typed: every template alias operation declares ConflictException
		{"describe $PUBLISHED", func() error {
			_, err := c.DescribeTemplateAlias(ctx(t), &quicksight.DescribeTemplateAliasInput{AwsAccountId: acct, TemplateId: aws.String("taken"), AliasName: aws.String("$PUBLISHED")})
			return err
		}, expectNotFound("", "$PUBLISHED")},
	})
	if got := templatePerms(t, c, "taken"); got != "" {
		t.Errorf("failed grants left %q", got)
	}
	// At most 100 principals per template; the request that would pass it
	// changes nothing.
	var groups []types.ResourcePermission
	for i := range 101 {
		name := fmt.Sprintf("g%03d", i)
		mkGroup(t, c, "default", name, "")
		groups = append(groups, perm(principal("group", "default/"+name), "quicksight:DescribeTemplate"))
	}
	if err := grant(c, "taken", groups[:100]...)(); err != nil {
		t.Fatalf("granting to 100 groups: %v", err)
	}
	checkErr(t, "a 101st principal", grant(c, "taken", groups[100:]...)(), expectLimit(""))
	if got := templatePerms(t, c, "taken"); strings.Count(got, "=") != 100 {
		t.Errorf("after the refused grant: %d principals", strings.Count(got, "="))
	}
}

// A template shared with another account's root can be used there; one
// not shared cannot, and looks missing.
func TestTemplateSharedAcrossAccounts(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	const other = "444455556666"
	root := "arn:aws:iam::" + other + ":root"
	mkTemplate(t, c, "shared", templateDefinition("main"))
	mkTemplate(t, c, "private", templateDefinition("main"))
	up, err := c.UpdateTemplatePermissions(ctx(t), &quicksight.UpdateTemplatePermissionsInput{AwsAccountId: aws.String(account), TemplateId: aws.String("shared"),
		GrantPermissions: []types.ResourcePermission{perm(root, "quicksight:DescribeTemplate")}})
	if err != nil || permString(up.Permissions) != root+"=quicksight:DescribeTemplate" {
		t.Fatalf("sharing with %s: %+v, %v", root, up, err)
	}
	if got := templatePerms(t, c, "shared"); got != root+"=quicksight:DescribeTemplate" {
		t.Errorf("DescribeTemplatePermissions = %s", got)
	}
	// The other account makes a dashboard of the shared template, on its own
	// data set.
	oc := s.client("us-east-1")
	src, err := oc.CreateDataSource(ctx(t), &quicksight.CreateDataSourceInput{AwsAccountId: aws.String(other), DataSourceId: aws.String("src"), Name: aws.String("src"),
		Type: types.DataSourceTypeAthena, DataSourceParameters: athena("primary")})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := oc.CreateDataSet(ctx(t), &quicksight.CreateDataSetInput{AwsAccountId: aws.String(other), DataSetId: aws.String("ds"), Name: aws.String("ds"),
		ImportMode: types.DataSetImportModeDirectQuery, PhysicalTableMap: map[string]types.PhysicalTable{"t": &types.PhysicalTableMemberRelationalTable{Value: types.RelationalTable{
			DataSourceArn: src.Arn, Name: aws.String("t"), InputColumns: []types.InputColumn{{Name: aws.String("id"), Type: types.InputColumnDataTypeInteger}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	create := func(id, template string) error {
		_, err := oc.CreateDashboard(ctx(t), &quicksight.CreateDashboardInput{AwsAccountId: aws.String(other), DashboardId: aws.String(id), Name: aws.String(id),
			SourceEntity: &types.DashboardSourceEntity{SourceTemplate: &types.DashboardSourceTemplate{
				Arn:               aws.String("arn:aws:quicksight:us-east-1:" + account + ":template/" + template),
				DataSetReferences: []types.DataSetReference{{DataSetPlaceholder: aws.String("main"), DataSetArn: ds.Arn}}}}})
		return err
	}
	if err := create("d1", "shared"); err != nil {
		t.Fatalf("a dashboard of the shared template: %v", err)
	}
	def, err := oc.DescribeDashboardDefinition(ctx(t), &quicksight.DescribeDashboardDefinitionInput{AwsAccountId: aws.String(other), DashboardId: aws.String("d1")})
	if err != nil || len(def.Definition.Sheets) != 1 || aws.ToString(def.Definition.DataSetIdentifierDeclarations[0].DataSetArn) != aws.ToString(ds.Arn) {
		t.Errorf("the shared template's definition: %+v, %v", def, err)
	}
	checkErr(t, "a template not shared", create("d2", "private"), expectNotFound("", "not shared"))
	// Revoked, it is no longer usable.
	if _, err := c.UpdateTemplatePermissions(ctx(t), &quicksight.UpdateTemplatePermissionsInput{AwsAccountId: aws.String(account), TemplateId: aws.String("shared"),
		RevokePermissions: []types.ResourcePermission{perm(root, "quicksight:DescribeTemplate")}}); err != nil {
		t.Fatal(err)
	}
	checkErr(t, "a template no longer shared", create("d3", "shared"), expectNotFound("", "not shared"))
	// Only templates take account principals.
	_, err = c.UpdateDashboardPermissions(ctx(t), &quicksight.UpdateDashboardPermissionsInput{AwsAccountId: aws.String(account), DashboardId: aws.String("nope"),
		GrantPermissions: []types.ResourcePermission{perm(root, "quicksight:DescribeDashboard")}})
	checkErr(t, "an account root on a dashboard", err, expectInvalid("GrantPermissions[0].Principal"))
}
