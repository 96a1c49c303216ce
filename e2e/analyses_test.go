package e2e

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

var ownerActions = []string{
	"quicksight:DeleteAnalysis", "quicksight:DescribeAnalysis", "quicksight:DescribeAnalysisPermissions",
	"quicksight:QueryAnalysis", "quicksight:RestoreAnalysis", "quicksight:UpdateAnalysis",
	"quicksight:UpdateAnalysisPermissions",
}

func principal(kind, name string) string {
	return "arn:aws:quicksight:us-east-1:" + account + ":" + kind + "/" + name
}

func perm(principal string, actions ...string) types.ResourcePermission {
	return types.ResourcePermission{Principal: aws.String(principal), Actions: actions}
}

// permString shows a permission set in a stable form: principal=actions
// sorted by principal, actions as given.
func permString(perms []types.ResourcePermission) string {
	var out []string
	for _, p := range perms {
		out = append(out, aws.ToString(p.Principal)+"="+strings.Join(p.Actions, ","))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// definition is an analysis definition of one sheet that reads no data
// set.
func definition(sheet string) *types.AnalysisDefinition {
	return &types.AnalysisDefinition{
		DataSetIdentifierDeclarations: []types.DataSetIdentifierDeclaration{},
		Sheets:                        []types.SheetDefinition{{SheetId: aws.String(sheet), Name: aws.String("Overview")}},
	}
}

// salesDefinition reads the data set "sales", which mkSales makes: the
// data sets an analysis names must exist.
func salesDefinition(sheet string) *types.AnalysisDefinition {
	d := definition(sheet)
	d.DataSetIdentifierDeclarations = []types.DataSetIdentifierDeclaration{{
		Identifier: aws.String("sales"), DataSetArn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":dataset/sales"),
	}}
	return d
}

// mkDataSets makes data sets of the given ids over one data source.
func mkDataSets(t *testing.T, c *quicksight.Client, ids ...string) {
	t.Helper()
	mkDataSource(t, c, "src-"+strings.Join(ids, "-"))
	for _, id := range ids {
		mkDataSet(t, c, id, "src-"+strings.Join(ids, "-"))
	}
}

func mkAnalysis(t *testing.T, c *quicksight.Client, id string, perms ...types.ResourcePermission) *quicksight.CreateAnalysisOutput {
	t.Helper()
	in := &quicksight.CreateAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String(id),
		Name: aws.String("Analysis " + id), Definition: definition("sheet-1")}
	if len(perms) > 0 {
		in.Permissions = perms
	}
	out, err := c.CreateAnalysis(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateAnalysis %q: %v", id, err)
	}
	if out.Status != 202 { // as AWS answers (docs/behaviour.md)
		t.Errorf("CreateAnalysis %q Status %d, want 202", id, out.Status)
	}
	return out
}

func analysisPerms(t *testing.T, c *quicksight.Client, id string) string {
	t.Helper()
	out, err := c.DescribeAnalysisPermissions(ctx(t), &quicksight.DescribeAnalysisPermissionsInput{AwsAccountId: aws.String(account), AnalysisId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeAnalysisPermissions %q: %v", id, err)
	}
	return permString(out.Permissions)
}

func updatePerms(c *quicksight.Client, t *testing.T, id string, grant, revoke []types.ResourcePermission) (*quicksight.UpdateAnalysisPermissionsOutput, error) {
	return c.UpdateAnalysisPermissions(ctx(t), &quicksight.UpdateAnalysisPermissionsInput{AwsAccountId: aws.String(account),
		AnalysisId: aws.String(id), GrantPermissions: grant, RevokePermissions: revoke})
}

func describeAnalysis(t *testing.T, c *quicksight.Client, id string) *types.Analysis {
	t.Helper()
	out, err := c.DescribeAnalysis(ctx(t), &quicksight.DescribeAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeAnalysis %q: %v", id, err)
	}
	return out.Analysis
}

func TestAnalysisLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	mkGroup(t, c, "default", "team", "")
	alice, team := principal("user", "default/alice"), principal("group", "default/team")
	mkDataSets(t, c, "sales")

	created, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("sales-1"),
		Name: aws.String("Sales"), Definition: salesDefinition("s1"), Permissions: []types.ResourcePermission{perm(alice, ownerActions...)},
		Tags: []types.Tag{tag("team", "finance")}})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:quicksight:us-east-1:" + account + ":analysis/sales-1"
	if aws.ToString(created.Arn) != arn || created.CreationStatus != types.ResourceStatusCreationSuccessful || aws.ToString(created.AnalysisId) != "sales-1" {
		t.Errorf("CreateAnalysis = %s %s %s", aws.ToString(created.Arn), created.CreationStatus, aws.ToString(created.AnalysisId))
	}

	a := describeAnalysis(t, c, "sales-1")
	if aws.ToString(a.Name) != "Sales" || a.Status != types.ResourceStatusCreationSuccessful || aws.ToString(a.Arn) != arn ||
		len(a.DataSetArns) != 1 || !strings.HasSuffix(a.DataSetArns[0], ":dataset/sales") ||
		len(a.Sheets) != 1 || aws.ToString(a.Sheets[0].SheetId) != "s1" || aws.ToString(a.Sheets[0].Name) != "Overview" ||
		a.CreatedTime == nil || time.Since(*a.CreatedTime) > time.Minute {
		t.Errorf("DescribeAnalysis = %+v", a)
	}
	def, err := c.DescribeAnalysisDefinition(ctx(t), &quicksight.DescribeAnalysisDefinitionInput{AwsAccountId: acct, AnalysisId: aws.String("sales-1")})
	if err != nil || def.Definition == nil || len(def.Definition.Sheets) != 1 || aws.ToString(def.Definition.Sheets[0].SheetId) != "s1" ||
		def.ResourceStatus != types.ResourceStatusCreationSuccessful {
		t.Errorf("DescribeAnalysisDefinition = %+v, %v", def, err)
	}
	if got, want := analysisPerms(t, c, "sales-1"), alice+"="+strings.Join(ownerActions, ","); got != want {
		t.Errorf("permissions after create:\n got %s\nwant %s", got, want)
	}
	if got := tagsOf(t, c, arn); got != "team=finance" {
		t.Errorf("tags = %q", got)
	}

	// Grant and revoke in one request; actions are matched without regard
	// to case and answered in canonical case.
	up, err := updatePerms(c, t, "sales-1",
		[]types.ResourcePermission{perm(team, "quicksight:describeanalysis", "quicksight:QueryAnalysis")},
		[]types.ResourcePermission{perm(alice, "quicksight:DeleteAnalysis", "quicksight:RestoreAnalysis")})
	if err != nil {
		t.Fatal(err)
	}
	aliceLeft := slices.DeleteFunc(slices.Clone(ownerActions), func(a string) bool {
		return a == "quicksight:DeleteAnalysis" || a == "quicksight:RestoreAnalysis"
	})
	want := permString([]types.ResourcePermission{perm(alice, aliceLeft...), perm(team, "quicksight:DescribeAnalysis", "quicksight:QueryAnalysis")})
	if got := permString(up.Permissions); got != want || aws.ToString(up.AnalysisArn) != arn {
		t.Errorf("UpdateAnalysisPermissions:\n got %s\nwant %s", got, want)
	}
	if got := analysisPerms(t, c, "sales-1"); got != want {
		t.Errorf("DescribeAnalysisPermissions after update:\n got %s\nwant %s", got, want)
	}
	// Revoking every action removes the principal.
	up, err = updatePerms(c, t, "sales-1", nil, []types.ResourcePermission{perm(team, "quicksight:DescribeAnalysis", "quicksight:QueryAnalysis")})
	if err != nil || permString(up.Permissions) != permString([]types.ResourcePermission{perm(alice, aliceLeft...)}) {
		t.Errorf("revoking all of team's actions: %v, %v", permString(up.Permissions), err)
	}

	upd, err := c.UpdateAnalysis(ctx(t), &quicksight.UpdateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("sales-1"),
		Name: aws.String("Sales 2026"), Definition: definition("s2")})
	if err != nil || upd.UpdateStatus != types.ResourceStatusUpdateSuccessful {
		t.Fatalf("UpdateAnalysis: %v, %v", upd, err)
	}
	a = describeAnalysis(t, c, "sales-1")
	if aws.ToString(a.Name) != "Sales 2026" || a.Status != types.ResourceStatusUpdateSuccessful || aws.ToString(a.Sheets[0].SheetId) != "s2" {
		t.Errorf("after UpdateAnalysis: %+v", a)
	}

	// Delete with a recovery window: still described, as DELETED, and
	// frozen until restored.
	del, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("sales-1"), RecoveryWindowInDays: aws.Int64(7)})
	if err != nil || del.DeletionTime == nil || time.Until(*del.DeletionTime) < 7*24*time.Hour-time.Minute || time.Until(*del.DeletionTime) > 7*24*time.Hour {
		t.Fatalf("DeleteAnalysis: %+v, %v", del, err)
	}
	if a := describeAnalysis(t, c, "sales-1"); a.Status != types.ResourceStatusDeleted {
		t.Errorf("status after delete = %s", a.Status)
	}
	_, err = updatePerms(c, t, "sales-1", []types.ResourcePermission{perm(team, "quicksight:DescribeAnalysis")}, nil)
	checkErr(t, "UpdateAnalysisPermissions on a deleted analysis", err, expectConflict("sales-1"))
	_, err = c.UpdateAnalysis(ctx(t), &quicksight.UpdateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("sales-1"), Name: aws.String("x"), Definition: definition("s3")})
	checkErr(t, "UpdateAnalysis on a deleted analysis", err, expectConflict("sales-1"))
	_, err = c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("sales-1"), Name: aws.String("x"), Definition: definition("s3")})
	checkErr(t, "CreateAnalysis over a deleted analysis", err, expectExists(""))
	if _, err := c.RestoreAnalysis(ctx(t), &quicksight.RestoreAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("sales-1")}); err != nil {
		t.Fatal(err)
	}
	if a := describeAnalysis(t, c, "sales-1"); a.Status != types.ResourceStatusUpdateSuccessful {
		t.Errorf("status after restore = %s", a.Status)
	}
	_, err = c.RestoreAnalysis(ctx(t), &quicksight.RestoreAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("sales-1")})
	checkErr(t, "RestoreAnalysis of a live analysis", err, expectConflict("not deleted"))

	// Deleting a user drops what was granted to it.
	if _, err := c.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: acct, Namespace: aws.String("default"), UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if got := analysisPerms(t, c, "sales-1"); got != "" {
		t.Errorf("permissions after deleting alice = %q, want none", got)
	}
	if body := rawGet(t, s, "/accounts/"+account+"/analyses/sales-1/permissions"); !strings.Contains(body, `"Permissions":[]`) {
		t.Errorf("an empty permission set is not written as []: %s", body)
	}

	// Forced deletion is immediate, and frees the id: a new analysis of
	// that id starts with nothing of the old one's.
	if _, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("sales-1"), ForceDeleteWithoutRecovery: true}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeAnalysis(ctx(t), &quicksight.DescribeAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("sales-1")})
	checkErr(t, "DescribeAnalysis after a forced delete", err, expectNotFound("", "sales-1"))
	mkAnalysis(t, c, "sales-1")
	if got := tagsOf(t, c, arn); got != "" {
		t.Errorf("a recreated analysis has the old one's tags: %q", got)
	}
}

func TestListAnalyses(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	var want []string
	for i := range 7 {
		id := fmt.Sprintf("a%d", i)
		mkAnalysis(t, c, id)
		want = append(want, id)
	}
	if _, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String("a3")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String("a5"), ForceDeleteWithoutRecovery: true}); err != nil {
		t.Fatal(err)
	}
	want = slices.DeleteFunc(want, func(id string) bool { return id == "a5" })
	var got []string
	pages := 0
	p := quicksight.NewListAnalysesPaginator(c, &quicksight.ListAnalysesInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, a := range page.AnalysisSummaryList {
			got = append(got, aws.ToString(a.AnalysisId))
			deleted := a.Status == types.ResourceStatusDeleted
			if deleted != (aws.ToString(a.AnalysisId) == "a3") {
				t.Errorf("%s has status %s", aws.ToString(a.AnalysisId), a.Status)
			}
		}
	}
	if !slices.Equal(got, want) || pages != 3 {
		t.Errorf("ListAnalyses by 2 = %q in %d pages, want %q in 3", got, pages, want)
	}
}

func TestAnalysisErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "bob")
	mkAnalysis(t, c, "taken")
	bob := principal("user", "default/bob")
	create := func(id string, mod func(*quicksight.CreateAnalysisInput)) func() error {
		return func() error {
			in := &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String(id), Name: aws.String("n"), Definition: definition("s")}
			if mod != nil {
				mod(in)
			}
			_, err := c.CreateAnalysis(ctx(t), in)
			return err
		}
	}
	grant := func(id string, perms ...types.ResourcePermission) func() error {
		return func() error { _, err := updatePerms(c, t, id, perms, nil); return err }
	}
	cases := []struct {
		name string
		call func() error
		want expect
	}{
		{"duplicate id", create("taken", nil), expectExists("")},
		{"neither definition nor source", create("x1", func(in *quicksight.CreateAnalysisInput) { in.Definition = nil }), expectInvalid("SourceEntity")},
		{"both definition and source", create("x2", func(in *quicksight.CreateAnalysisInput) {
			in.SourceEntity = &types.AnalysisSourceEntity{SourceTemplate: &types.AnalysisSourceTemplate{
				Arn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":template/t"), DataSetReferences: []types.DataSetReference{}}}
		}), expectInvalid("Definition")},
		{"bad id", create("bad id!", nil), expectValidation("AnalysisId")},
		{"grant to a user that does not exist", create("x3", func(in *quicksight.CreateAnalysisInput) {
			in.Permissions = []types.ResourcePermission{perm(principal("user", "default/nobody"), "quicksight:DescribeAnalysis")}
		}), expectInvalid("user/default/nobody")},
		{"unknown action", grant("taken", perm(bob, "quicksight:DescribeDashboard")), expectInvalid("GrantPermissions[0].Actions[0]")},
		{"principal in another account", grant("taken", perm("arn:aws:quicksight:us-east-1:999999999999:user/default/bob", "quicksight:DescribeAnalysis")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal that is not an ARN", grant("taken", perm("bob", "quicksight:DescribeAnalysis")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal of another type", grant("taken", perm("arn:aws:quicksight:us-east-1:"+account+":dashboard/d", "quicksight:DescribeAnalysis")), expectInvalid("GrantPermissions[0].Principal")},
		{"permissions on a missing analysis", grant("missing", perm(bob, "quicksight:DescribeAnalysis")), expectNotFound("", "missing")},
		{"describe a missing analysis", func() error {
			_, err := c.DescribeAnalysis(ctx(t), &quicksight.DescribeAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("missing")})
			return err
		}, expectNotFound("", "missing")},
		{"force and window together", func() error {
			_, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("taken"),
				ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: aws.Int64(7)})
			return err
		}, expectInvalid("RecoveryWindowInDays")},
		{"window too short", func() error {
			_, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("taken"), RecoveryWindowInDays: aws.Int64(3)})
			return err
		}, expectValidation("RecoveryWindowInDays")},
		{"restore a missing analysis", func() error {
			_, err := c.RestoreAnalysis(ctx(t), &quicksight.RestoreAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("missing")})
			return err
		}, expectNotFound("", "missing")},
	}
	for _, tc := range cases {
		checkErr(t, tc.name, tc.call(), tc.want)
	}
	// Nothing of the failed creates was kept.
	for _, id := range []string{"x1", "x2", "x3"} {
		_, err := c.DescribeAnalysis(ctx(t), &quicksight.DescribeAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String(id)})
		checkErr(t, "after a failed create of "+id, err, expectNotFound("", id))
	}
	if got := analysisPerms(t, c, "taken"); got != "" {
		t.Errorf("failed grants left %q", got)
	}

	// At most 100 principals per analysis; the request that would pass
	// it changes nothing.
	var groups []types.ResourcePermission
	for i := range 101 {
		name := fmt.Sprintf("g%03d", i)
		mkGroup(t, c, "default", name, "")
		groups = append(groups, perm(principal("group", "default/"+name), "quicksight:DescribeAnalysis"))
	}
	if _, err := updatePerms(c, t, "taken", groups[:100], nil); err != nil {
		t.Fatalf("granting to 100 groups: %v", err)
	}
	_, err := updatePerms(c, t, "taken", groups[100:], []types.ResourcePermission{perm(principal("group", "default/g000"), "quicksight:QueryAnalysis")})
	checkErr(t, "a 101st principal", err, expectLimit(""))
	if got := analysisPerms(t, c, "taken"); strings.Count(got, "=") != 100 || strings.Contains(got, "g100") {
		t.Errorf("after the refused grant: %d principals", strings.Count(got, "="))
	}
}

func TestSearchAnalyses(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	mkUser(t, c, "default", "bob")
	mkGroup(t, c, "default", "team", "")
	joinGroup(t, c, "default", "team", "alice")
	alice, bob, team := principal("user", "default/alice"), principal("user", "default/bob"), principal("group", "default/team")
	everyone := principal("namespace", "default")
	viewer := []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"}
	mkAnalysis(t, c, "a1", perm(alice, ownerActions...))
	mkAnalysis(t, c, "a2", perm(team, viewer...))
	mkAnalysis(t, c, "a3", perm(alice, ownerActions...), perm(bob, ownerActions...))
	mkAnalysis(t, c, "a4", perm(everyone, viewer...))
	mkAnalysis(t, c, "a5", perm(bob, viewer...))
	mkAnalysis(t, c, "a6", perm(alice, ownerActions...))
	if _, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a6")}); err != nil {
		t.Fatal(err)
	}
	search := func(name types.AnalysisFilterAttribute, op types.FilterOperator, value string, pageSize int32) ([]string, error) {
		var ids []string
		p := quicksight.NewSearchAnalysesPaginator(c, &quicksight.SearchAnalysesInput{AwsAccountId: acct, MaxResults: aws.Int32(pageSize),
			Filters: []types.AnalysisSearchFilter{{Name: name, Operator: op, Value: aws.String(value)}}})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				return nil, err
			}
			if len(page.AnalysisSummaryList) > int(pageSize) {
				t.Errorf("page of %d with MaxResults %d", len(page.AnalysisSummaryList), pageSize)
			}
			for _, a := range page.AnalysisSummaryList {
				ids = append(ids, aws.ToString(a.AnalysisId))
			}
		}
		return ids, nil
	}
	eq, like := types.FilterOperatorStringEquals, types.FilterOperatorStringLike
	for _, tc := range []struct {
		name  types.AnalysisFilterAttribute
		op    types.FilterOperator
		value string
		want  []string
	}{
		{types.AnalysisFilterAttributeDirectQuicksightOwner, eq, alice, []string{"a1", "a3"}},
		{types.AnalysisFilterAttributeDirectQuicksightSoleOwner, eq, alice, []string{"a1"}},
		{types.AnalysisFilterAttributeQuicksightOwner, eq, alice, []string{"a1", "a3"}},
		{types.AnalysisFilterAttributeDirectQuicksightViewerOrOwner, eq, alice, []string{"a1", "a3"}},
		{types.AnalysisFilterAttributeQuicksightViewerOrOwner, eq, alice, []string{"a1", "a2", "a3", "a4"}},
		{types.AnalysisFilterAttributeQuicksightUser, eq, alice, []string{"a1", "a2", "a3", "a4"}},
		{types.AnalysisFilterAttributeQuicksightViewerOrOwner, eq, bob, []string{"a3", "a4", "a5"}},
		{types.AnalysisFilterAttributeDirectQuicksightViewerOrOwner, eq, team, []string{"a2"}},
		{types.AnalysisFilterAttributeQuicksightViewerOrOwner, eq, team, []string{"a2", "a4"}},
		{types.AnalysisFilterAttributeAnalysisName, eq, "Analysis a2", []string{"a2"}},
		{types.AnalysisFilterAttributeAnalysisName, like, "ANALYSIS A", []string{"a1", "a2", "a3", "a4", "a5"}},
		{types.AnalysisFilterAttributeAnalysisName, like, "nothing", nil},
	} {
		for _, size := range []int32{1, 100} {
			got, err := search(tc.name, tc.op, tc.value, size)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("%s %s %s by %d: %q, %v; want %q", tc.name, tc.op, tc.value, size, got, err, tc.want)
			}
		}
	}
	_, err := search(types.AnalysisFilterAttributeDirectQuicksightOwner, like, alice, 10)
	checkErr(t, "StringLike on an ownership filter", err, expectInvalid("StringLike"))
	_, err = search(types.AnalysisFilterAttributeQuicksightOwner, eq, "alice", 10)
	checkErr(t, "a value that is not an ARN", err, expectInvalid("Filters[0].Value"))
	_, err = search(types.AnalysisFilterAttributeQuicksightOwner, eq, everyone, 10)
	checkErr(t, "a namespace", err, expectInvalid("Filters[0].Value"))
	_, err = search(types.AnalysisFilterAttributeQuicksightOwner, eq, principal("user", "default/nobody"), 10)
	checkErr(t, "an unknown user", err, expectNotFound(types.ExceptionResourceTypeUser, "nobody"))

	// A token continues only the search that issued it.
	first, err := c.SearchAnalyses(ctx(t), &quicksight.SearchAnalysesInput{AwsAccountId: acct, MaxResults: aws.Int32(1),
		Filters: []types.AnalysisSearchFilter{{Name: types.AnalysisFilterAttributeQuicksightOwner, Operator: eq, Value: aws.String(alice)}}})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %v, %v", first, err)
	}
	_, err = c.SearchAnalyses(ctx(t), &quicksight.SearchAnalysesInput{AwsAccountId: acct, NextToken: first.NextToken,
		Filters: []types.AnalysisSearchFilter{{Name: types.AnalysisFilterAttributeQuicksightOwner, Operator: eq, Value: aws.String(bob)}}})
	checkErr(t, "a token from another search", err, expectBadToken)
}

// TestAnalysisGrantsGoWithTheirPrincipals deletes a group, then a
// namespace, holding grants on an analysis: their grants go, those of the
// default namespace's principals stay.
func TestAnalysisGrantsGoWithTheirPrincipals(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	mkGroup(t, c, "default", "team", "")
	mkGroup(t, c, "default", "doomed", "")
	alice, team, doomed := principal("user", "default/alice"), principal("group", "default/team"), principal("group", "default/doomed")
	everyone := principal("namespace", "default")
	viewer := []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"}
	mkAnalysis(t, c, "a1", perm(alice, viewer...), perm(team, viewer...), perm(doomed, viewer...), perm(everyone, viewer...))

	if _, err := c.DeleteGroup(ctx(t), &quicksight.DeleteGroupInput{AwsAccountId: acct, Namespace: aws.String("default"), GroupName: aws.String("doomed")}); err != nil {
		t.Fatal(err)
	}
	defaults := permString([]types.ResourcePermission{perm(alice, viewer...), perm(team, viewer...), perm(everyone, viewer...)})
	if got := analysisPerms(t, c, "a1"); got != defaults {
		t.Errorf("after deleting group doomed:\n got %s\nwant %s", got, defaults)
	}
	// A group of the same name starts with no grants.
	mkGroup(t, c, "default", "doomed", "")
	if got := analysisPerms(t, c, "a1"); got != defaults {
		t.Errorf("a re-created group doomed has grants:\n got %s\nwant %s", got, defaults)
	}

	// A namespace's user, group and the namespace itself, next to a
	// namespace whose name extends it.
	mkNamespace(t, c, "sales")
	mkNamespace(t, c, "sales2")
	mkUser(t, c, "sales", "bob")
	mkGroup(t, c, "sales", "east", "")
	mkUser(t, c, "sales2", "bob")
	bob, east, sales := principal("user", "sales/bob"), principal("group", "sales/east"), principal("namespace", "sales")
	bob2 := principal("user", "sales2/bob")
	if _, err := updatePerms(c, t, "a1", []types.ResourcePermission{perm(bob, viewer...), perm(east, ownerActions...),
		perm(sales, "quicksight:DescribeAnalysis"), perm(bob2, viewer...)}, nil); err != nil {
		t.Fatal(err)
	}
	if got := analysisPerms(t, c, "a1"); strings.Count(got, "=") != 7 {
		t.Fatalf("before deleting sales: %s", got)
	}
	if _, err := c.DeleteNamespace(ctx(t), &quicksight.DeleteNamespaceInput{AwsAccountId: acct, Namespace: aws.String("sales")}); err != nil {
		t.Fatal(err)
	}
	want := permString([]types.ResourcePermission{perm(alice, viewer...), perm(team, viewer...), perm(everyone, viewer...), perm(bob2, viewer...)})
	if got := analysisPerms(t, c, "a1"); got != want {
		t.Errorf("after deleting namespace sales:\n got %s\nwant %s", got, want)
	}
	// Re-created, the namespace and its principals start with no grants.
	mkNamespace(t, c, "sales")
	mkUser(t, c, "sales", "bob")
	mkGroup(t, c, "sales", "east", "")
	if got := analysisPerms(t, c, "a1"); got != want {
		t.Errorf("after re-creating sales:\n got %s\nwant %s", got, want)
	}
}

// TestAnalysisPermissionEdges covers UpdateAnalysisPermissions requests at
// the edges: the same action granted and revoked, revokes from principals
// that do not exist, an empty request, grants to missing principals.
// answered shows the permission set of an UpdateAnalysisPermissions answer,
// which is nil when the call failed.
func answered(up *quicksight.UpdateAnalysisPermissionsOutput) string {
	if up == nil {
		return "(no answer)"
	}
	return permString(up.Permissions)
}

func TestAnalysisPermissionEdges(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	mkUser(t, c, "default", "alice")
	mkUser(t, c, "default", "bob")
	alice, bob := principal("user", "default/alice"), principal("user", "default/bob")
	mkAnalysis(t, c, "a1", perm(alice, ownerActions...))
	initial := permString([]types.ResourcePermission{perm(alice, ownerActions...)})

	// Grants apply before revokes: granted and revoked in one request is revoked.
	up, err := updatePerms(c, t, "a1",
		[]types.ResourcePermission{perm(bob, "quicksight:DescribeAnalysis", "quicksight:QueryAnalysis")},
		[]types.ResourcePermission{perm(bob, "quicksight:queryanalysis")})
	want := permString([]types.ResourcePermission{perm(alice, ownerActions...), perm(bob, "quicksight:DescribeAnalysis")})
	if err != nil || answered(up) != want {
		t.Fatalf("grant and revoke QueryAnalysis to bob in one request: %v\n got %s\nwant %s", err, answered(up), want)
	}
	if got := analysisPerms(t, c, "a1"); got != want {
		t.Errorf("described after grant and revoke:\n got %s\nwant %s", got, want)
	}
	// Revoking every action granted in the same request leaves no principal;
	// a revoke of an action held before the request goes too.
	up, err = updatePerms(c, t, "a1",
		[]types.ResourcePermission{perm(bob, "quicksight:UpdateAnalysis")},
		[]types.ResourcePermission{perm(bob, "quicksight:UpdateAnalysis", "quicksight:DescribeAnalysis")})
	if err != nil || answered(up) != initial {
		t.Errorf("grant and revoke all of bob's actions: %v\n got %s\nwant %s", err, answered(up), initial)
	}

	// Revoking from principals that do not exist is allowed and changes nothing.
	up, err = updatePerms(c, t, "a1", nil, []types.ResourcePermission{
		perm(principal("user", "default/nobody"), "quicksight:DescribeAnalysis"),
		perm(principal("group", "default/nogroup"), "quicksight:DescribeAnalysis"),
		perm(principal("namespace", "nowhere"), "quicksight:DescribeAnalysis"),
		perm(principal("user", "nowhere/nobody"), "quicksight:DescribeAnalysis"),
	})
	if err != nil || answered(up) != initial {
		t.Errorf("revoking from missing principals: %v\n got %s\nwant %s", err, answered(up), initial)
	}

	// Neither grants nor revokes: the current set, unchanged.
	up, err = updatePerms(c, t, "a1", nil, nil)
	if err != nil {
		t.Errorf("an empty UpdateAnalysisPermissions: %v", err)
	} else if answered(up) != initial || aws.ToString(up.AnalysisId) != "a1" ||
		aws.ToString(up.AnalysisArn) != "arn:aws:quicksight:us-east-1:"+account+":analysis/a1" {
		t.Errorf("an empty UpdateAnalysisPermissions: id %q, arn %q\n got %s\nwant %s",
			aws.ToString(up.AnalysisId), aws.ToString(up.AnalysisArn), answered(up), initial)
	}
	if got := analysisPerms(t, c, "a1"); got != initial {
		t.Errorf("after an empty update:\n got %s\nwant %s", got, initial)
	}

	// Granting to a group or namespace that does not exist names it, and
	// the request changes nothing (bob's grant in it included).
	for _, tc := range []struct{ what, principal, named string }{
		{"a missing group", principal("group", "default/nogroup"), "group/default/nogroup"},
		{"a missing namespace", principal("namespace", "nowhere"), "namespace/nowhere"},
		{"a group of a missing namespace", principal("group", "nowhere/team"), "group/nowhere/team"},
	} {
		_, err := updatePerms(c, t, "a1", []types.ResourcePermission{perm(bob, "quicksight:DescribeAnalysis"), perm(tc.principal, "quicksight:DescribeAnalysis")}, nil)
		checkErr(t, "granting to "+tc.what, err, expectInvalid(tc.named))
	}
	if got := analysisPerms(t, c, "a1"); got != initial {
		t.Errorf("after refused grants:\n got %s\nwant %s", got, initial)
	}
}

// deletionTime shows a DeleteAnalysis answer's DeletionTime.
func deletionTime(out *quicksight.DeleteAnalysisOutput) string {
	if out == nil || out.DeletionTime == nil {
		return "no DeletionTime"
	}
	return "DeletionTime " + out.DeletionTime.String()
}

// TestDeletedAndMissingAnalyses: deleting twice keeps the first
// DeletionTime; a deleted analysis's permissions can be read; every
// operation on a missing id is ResourceNotFoundException naming it.
func TestDeletedAndMissingAnalyses(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	alice := principal("user", "default/alice")
	mkAnalysis(t, c, "a1", perm(alice, ownerActions...))

	first, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1"), RecoveryWindowInDays: aws.Int64(7)})
	if err != nil || first.DeletionTime == nil {
		t.Fatalf("DeleteAnalysis: %s, %v", deletionTime(first), err)
	}
	if d := time.Until(*first.DeletionTime); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour {
		t.Errorf("DeletionTime %v is not 7 days away", *first.DeletionTime)
	}
	time.Sleep(10 * time.Millisecond) // so a recomputed DeletionTime would differ
	for _, window := range []*int64{aws.Int64(30), aws.Int64(10), nil} {
		again, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1"), RecoveryWindowInDays: window})
		if err != nil || again.DeletionTime == nil || !again.DeletionTime.Equal(*first.DeletionTime) || aws.ToString(again.AnalysisId) != "a1" {
			t.Errorf("deleting again with RecoveryWindowInDays %v: %s, %v; want DeletionTime %v", aws.ToInt64(window), deletionTime(again), err, *first.DeletionTime)
		}
	}
	if a := describeAnalysis(t, c, "a1"); a.Status != types.ResourceStatusDeleted {
		t.Errorf("status after deleting twice = %s", a.Status)
	}
	// Its permissions can still be read.
	if got, want := analysisPerms(t, c, "a1"), permString([]types.ResourcePermission{perm(alice, ownerActions...)}); got != want {
		t.Errorf("permissions of a deleted analysis:\n got %s\nwant %s", got, want)
	}
	// Restored and deleted again, it gets a new window.
	if _, err := c.RestoreAnalysis(ctx(t), &quicksight.RestoreAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1")}); err != nil {
		t.Fatal(err)
	}
	later, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1"), RecoveryWindowInDays: aws.Int64(30)})
	if err != nil || later.DeletionTime == nil || time.Until(*later.DeletionTime) < 30*24*time.Hour-time.Minute {
		t.Errorf("deleting after a restore: %s, %v; want a new 30-day window", deletionTime(later), err)
	}

	missing := aws.String("missing")
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"UpdateAnalysis", func() error {
			_, err := c.UpdateAnalysis(ctx(t), &quicksight.UpdateAnalysisInput{AwsAccountId: acct, AnalysisId: missing, Name: aws.String("n"), Definition: definition("s")})
			return err
		}},
		{"DeleteAnalysis", func() error {
			_, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: missing})
			return err
		}},
		{"DeleteAnalysis forced", func() error {
			_, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: missing, ForceDeleteWithoutRecovery: true})
			return err
		}},
		{"DescribeAnalysisDefinition", func() error {
			_, err := c.DescribeAnalysisDefinition(ctx(t), &quicksight.DescribeAnalysisDefinitionInput{AwsAccountId: acct, AnalysisId: missing})
			return err
		}},
		{"DescribeAnalysisPermissions", func() error {
			_, err := c.DescribeAnalysisPermissions(ctx(t), &quicksight.DescribeAnalysisPermissionsInput{AwsAccountId: acct, AnalysisId: missing})
			return err
		}},
	} {
		checkErr(t, tc.name+" of a missing analysis", tc.call(), expectNotFound("", "missing"))
	}
	// None of them created it.
	_, err = c.DescribeAnalysis(ctx(t), &quicksight.DescribeAnalysisInput{AwsAccountId: acct, AnalysisId: missing})
	checkErr(t, "DescribeAnalysis after the failed calls", err, expectNotFound("", "missing"))
}

// TestAnalysisTags tags analyses through their ARNs, deleted ones too.
func TestAnalysisTags(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	prefix := "arn:aws:quicksight:us-east-1:" + account + ":analysis/"
	mkAnalysis(t, c, "a1")
	mkAnalysis(t, c, "a10")
	arn := prefix + "a1"

	if got := tagsOf(t, c, arn); got != "" {
		t.Errorf("a new analysis has tags %s", got)
	}
	if body := rawGet(t, s, resourcePath(arn)); !strings.Contains(body, `"Tags":[]`) {
		t.Errorf("ListTagsForResource of an untagged analysis: %s", body)
	}
	if err := tagResource(c, t, arn, tag("team", "finance"), tag("Env", "dev")); err != nil {
		t.Fatal(err)
	}
	if err := tagResource(c, t, prefix+"a10", tag("who", "a10")); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, arn); got != "Env=dev team=finance" {
		t.Errorf("tags after TagResource = %s", got)
	}
	if err := tagResource(c, t, arn, tag("team", "sales"), tag("cost", "42")); err != nil {
		t.Fatal(err)
	}
	if err := untagResource(c, t, arn, "Env", "absent"); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, arn); got != "cost=42 team=sales" {
		t.Errorf("tags after overwrite and untag = %s", got)
	}
	// Another region's ARN names the same analysis.
	other := "arn:aws:quicksight:eu-west-1:" + account + ":analysis/a1"
	if err := tagResource(c, t, other, tag("via", "eu-west-1")); err != nil {
		t.Fatal(err)
	}
	if err := untagResource(c, t, other, "cost"); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, other); got != "team=sales via=eu-west-1" {
		t.Errorf("tags through eu-west-1's ARN = %s", got)
	}
	if got := tagsOf(t, c, arn); got != "team=sales via=eu-west-1" {
		t.Errorf("tags after tagging through eu-west-1's ARN = %s", got)
	}
	if got := tagsOf(t, c, prefix+"a10"); got != "who=a10" {
		t.Errorf("a10's tags = %s", got)
	}

	// At most 50; the request that would pass it changes nothing.
	before := tagsOf(t, c, arn)
	checkErr(t, "50 more tags", tagResource(c, t, arn, nTags(49, "k")...), expectLimit(""))
	if got := tagsOf(t, c, arn); got != before {
		t.Errorf("tags after a refused request = %s, want %s", got, before)
	}
	if err := tagResource(c, t, arn, nTags(48, "k")...); err != nil {
		t.Errorf("the 50th tag: %v", err)
	}
	checkErr(t, "a 51st tag", tagResource(c, t, arn, tag("one-more", "v")), expectLimit(""))
	checkErr(t, "51 tags on another analysis", tagResource(c, t, prefix+"a10", nTags(51, "k")...), expectLimit(""))
	_, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a2"), Name: aws.String("n"),
		Definition: definition("s"), Tags: nTags(51, "k")})
	checkErr(t, "CreateAnalysis with 51 tags", err, expectLimit(""))

	// A deleted analysis waiting out its window keeps its tags, which can
	// still be read and changed.
	if _, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a10"), RecoveryWindowInDays: aws.Int64(7)}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, prefix+"a10"); got != "who=a10" {
		t.Errorf("tags of a deleted analysis = %s", got)
	}
	if err := tagResource(c, t, prefix+"a10", tag("state", "deleted")); err != nil {
		t.Errorf("TagResource on a deleted analysis: %v", err)
	}
	if err := untagResource(c, t, prefix+"a10", "who"); err != nil {
		t.Errorf("UntagResource on a deleted analysis: %v", err)
	}
	if got := tagsOf(t, c, prefix+"a10"); got != "state=deleted" {
		t.Errorf("tags of a deleted analysis after changes = %s", got)
	}
	if _, err := c.RestoreAnalysis(ctx(t), &quicksight.RestoreAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a10")}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, prefix+"a10"); got != "state=deleted" {
		t.Errorf("tags after restore = %s", got)
	}

	// Missing and malformed.
	for _, tc := range []struct {
		arn  string
		want expect
	}{
		{prefix + "missing", expectNotFound("", "missing")},
		{prefix + "a", expectNotFound("", "a")}, // a prefix of a1 and a10
		{prefix + "a/b", expectInvalid("ResourceArn")},
		{prefix, expectInvalid("ResourceArn")},
	} {
		_, err := c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(tc.arn)})
		checkErr(t, "ListTagsForResource "+tc.arn, err, tc.want)
		checkErr(t, "TagResource "+tc.arn, tagResource(c, t, tc.arn, tag("k", "v")), tc.want)
		checkErr(t, "UntagResource "+tc.arn, untagResource(c, t, tc.arn, "k"), tc.want)
	}
	// A forced delete takes the tags: the id reused starts without them.
	if _, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a10"), ForceDeleteWithoutRecovery: true}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(prefix + "a10")})
	checkErr(t, "tags of a force-deleted analysis", err, expectNotFound("", "a10"))
	mkAnalysis(t, c, "a10")
	if got := tagsOf(t, c, prefix+"a10"); got != "" {
		t.Errorf("a recreated a10 has tags %s", got)
	}
	if got := tagsOf(t, c, arn); !strings.Contains(got, "team=sales") || strings.Count(got, "=") != 50 {
		t.Errorf("a1's tags after a10 went: %s", got)
	}
}

// TestAnalysisFromTemplate creates an analysis from a template reference.
func TestAnalysisFromTemplate(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	ds := func(name string) string { return "arn:aws:quicksight:us-east-1:" + account + ":dataset/" + name }
	source := func(datasets ...string) *types.AnalysisSourceEntity {
		var refs []types.DataSetReference
		for i, d := range datasets {
			refs = append(refs, types.DataSetReference{DataSetPlaceholder: aws.String(fmt.Sprintf("ph%d", i)), DataSetArn: aws.String(ds(d))})
		}
		return &types.AnalysisSourceEntity{SourceTemplate: &types.AnalysisSourceTemplate{
			Arn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":template/t1"), DataSetReferences: refs}}
	}
	mkDataSets(t, c, "orders", "customers", "sales", "returns", "stock")
	// Before the template exists, it is not found.
	_, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("from-template"),
		Name: aws.String("From a template"), SourceEntity: source("orders", "customers")})
	checkErr(t, "CreateAnalysis from a missing template", err, expectNotFound("", "t1"))
	mkTemplate(t, c, "t1", templateDefinition("ph0", "ph1"))

	out, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("from-template"),
		Name: aws.String("From a template"), SourceEntity: source("orders", "customers")})
	if err != nil || out.CreationStatus != types.ResourceStatusCreationSuccessful {
		t.Fatalf("CreateAnalysis from a template: %+v, %v", out, err)
	}
	a := describeAnalysis(t, c, "from-template")
	if !slices.Equal(a.DataSetArns, []string{ds("orders"), ds("customers")}) || len(a.Sheets) != 1 || aws.ToString(a.Name) != "From a template" {
		t.Errorf("DescribeAnalysis of an analysis from a template: DataSetArns %q, Sheets %+v, Name %q", a.DataSetArns, a.Sheets, aws.ToString(a.Name))
	}
	// The analysis takes the template's definition, its placeholders
	// bound to the data sets the references name.
	def, err := c.DescribeAnalysisDefinition(ctx(t), &quicksight.DescribeAnalysisDefinitionInput{AwsAccountId: acct, AnalysisId: aws.String("from-template")})
	if err != nil || def.Definition == nil || aws.ToString(def.AnalysisId) != "from-template" || def.ResourceStatus != types.ResourceStatusCreationSuccessful {
		t.Fatalf("DescribeAnalysisDefinition of an analysis from a template: %+v, %v", def, err)
	}
	if got := declarations(def.Definition); got != "ph0="+ds("orders")+" ph1="+ds("customers") ||
		len(def.Definition.Sheets) != 1 || aws.ToString(def.Definition.Sheets[0].SheetId) != "tsheet" {
		t.Errorf("definition from a template: declarations %s, sheets %+v", got, def.Definition.Sheets)
	}

	// Updated to a definition, the template's datasets are gone; updated
	// back to a template, the definition is the template's again.
	if _, err := c.UpdateAnalysis(ctx(t), &quicksight.UpdateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("from-template"),
		Name: aws.String("n"), Definition: salesDefinition("s1")}); err != nil {
		t.Fatal(err)
	}
	if a := describeAnalysis(t, c, "from-template"); !slices.Equal(a.DataSetArns, []string{ds("sales")}) || len(a.Sheets) != 1 {
		t.Errorf("after updating to a definition: DataSetArns %q, Sheets %+v", a.DataSetArns, a.Sheets)
	}
	_, err = c.UpdateAnalysis(ctx(t), &quicksight.UpdateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("from-template"),
		Name: aws.String("n"), SourceEntity: source("returns")})
	checkErr(t, "a placeholder left unbound", err, expectInvalid("ph1"))
	if _, err := c.UpdateAnalysis(ctx(t), &quicksight.UpdateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("from-template"),
		Name: aws.String("n"), SourceEntity: source("returns", "stock")}); err != nil {
		t.Fatal(err)
	}
	if a := describeAnalysis(t, c, "from-template"); !slices.Equal(a.DataSetArns, []string{ds("returns"), ds("stock")}) || len(a.Sheets) != 1 {
		t.Errorf("after updating to a template: DataSetArns %q, Sheets %+v", a.DataSetArns, a.Sheets)
	}
	def, err = c.DescribeAnalysisDefinition(ctx(t), &quicksight.DescribeAnalysisDefinitionInput{AwsAccountId: acct, AnalysisId: aws.String("from-template")})
	if err != nil || def.Definition == nil || declarations(def.Definition) != "ph0="+ds("returns")+" ph1="+ds("stock") {
		t.Errorf("DescribeAnalysisDefinition after updating to a template: %+v, %v", def, err)
	}
}

// TestUpdateAnalysisReplaces: what UpdateAnalysis leaves out is cleared.
func TestUpdateAnalysisReplaces(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	alice := principal("user", "default/alice")
	theme := "arn:aws:quicksight:us-east-1:" + account + ":theme/dark"
	_, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1"), Name: aws.String("Themed"),
		Definition: definition("s1"), ThemeArn: aws.String(theme),
		Parameters:  &types.Parameters{StringParameters: []types.StringParameter{{Name: aws.String("region"), Values: []string{"EMEA", "APAC"}}}},
		Permissions: []types.ResourcePermission{perm(alice, ownerActions...)}, Tags: []types.Tag{tag("team", "bi")}})
	if err != nil {
		t.Fatal(err)
	}
	if a := describeAnalysis(t, c, "a1"); aws.ToString(a.ThemeArn) != theme {
		t.Errorf("DescribeAnalysis ThemeArn = %q, want %q", aws.ToString(a.ThemeArn), theme)
	}
	def, err := c.DescribeAnalysisDefinition(ctx(t), &quicksight.DescribeAnalysisDefinitionInput{AwsAccountId: acct, AnalysisId: aws.String("a1")})
	if err != nil || aws.ToString(def.ThemeArn) != theme {
		t.Errorf("DescribeAnalysisDefinition before the update: %+v, %v", def, err)
	}

	if _, err := c.UpdateAnalysis(ctx(t), &quicksight.UpdateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1"),
		Name: aws.String("Plain"), Definition: definition("s2")}); err != nil {
		t.Fatal(err)
	}
	a := describeAnalysis(t, c, "a1")
	if a.ThemeArn != nil || aws.ToString(a.Name) != "Plain" || len(a.Sheets) != 1 || aws.ToString(a.Sheets[0].SheetId) != "s2" {
		t.Errorf("DescribeAnalysis after an update without a theme: ThemeArn %q, Name %q, Sheets %+v", aws.ToString(a.ThemeArn), aws.ToString(a.Name), a.Sheets)
	}
	def, err = c.DescribeAnalysisDefinition(ctx(t), &quicksight.DescribeAnalysisDefinitionInput{AwsAccountId: acct, AnalysisId: aws.String("a1")})
	if err != nil || def.ThemeArn != nil || aws.ToString(def.Name) != "Plain" || def.Definition == nil || aws.ToString(def.Definition.Sheets[0].SheetId) != "s2" {
		t.Errorf("DescribeAnalysisDefinition after an update without a theme: %+v, %v", def, err)
	}
	for _, path := range []string{"/accounts/" + account + "/analyses/a1", "/accounts/" + account + "/analyses/a1/definition"} {
		if body := rawGet(t, s, path); strings.Contains(body, "theme/dark") || strings.Contains(body, "EMEA") {
			t.Errorf("GET %s still carries the theme or the parameters: %s", path, body)
		}
	}
	// Permissions and tags are untouched.
	if got, want := analysisPerms(t, c, "a1"), permString([]types.ResourcePermission{perm(alice, ownerActions...)}); got != want {
		t.Errorf("permissions after the update:\n got %s\nwant %s", got, want)
	}
	if got := tagsOf(t, c, "arn:aws:quicksight:us-east-1:"+account+":analysis/a1"); got != "team=bi" {
		t.Errorf("tags after the update = %s", got)
	}
}

// TestCreateAnalysisInFolder: FolderArns naming a missing folder is
// ResourceNotFoundException and nothing is created.
func TestCreateAnalysisInFolder(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	folder := "arn:aws:quicksight:us-east-1:" + account + ":folder/f1"
	_, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1"), Name: aws.String("n"),
		Definition: definition("s"), FolderArns: []string{folder},
		Permissions: []types.ResourcePermission{perm(principal("user", "default/alice"), ownerActions...)}, Tags: []types.Tag{tag("k", "v")}})
	checkErr(t, "CreateAnalysis with FolderArns", err, expectNotFound("", folder))
	_, err = c.DescribeAnalysis(ctx(t), &quicksight.DescribeAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1")})
	checkErr(t, "DescribeAnalysis after CreateAnalysis with FolderArns", err, expectNotFound("", "a1"))
	_, err = c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":analysis/a1")})
	checkErr(t, "tags after CreateAnalysis with FolderArns", err, expectNotFound("", "a1"))
	list, err := c.ListAnalyses(ctx(t), &quicksight.ListAnalysesInput{AwsAccountId: acct})
	if err != nil || len(list.AnalysisSummaryList) != 0 {
		t.Errorf("ListAnalyses after CreateAnalysis with FolderArns: %+v, %v", list, err)
	}
	// The id is free: the same create without folders succeeds, with only
	// what it was given.
	mkAnalysis(t, c, "a1")
	if got := analysisPerms(t, c, "a1"); got != "" {
		t.Errorf("permissions left by the failed create: %s", got)
	}
	if got := tagsOf(t, c, "arn:aws:quicksight:us-east-1:"+account+":analysis/a1"); got != "" {
		t.Errorf("tags left by the failed create: %s", got)
	}
}

// TestSearchAnalysesFilters: incomplete filters, unknown groups, and a
// group as the sole owner.
func TestSearchAnalysesFilters(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	mkGroup(t, c, "default", "team", "")
	mkGroup(t, c, "default", "other", "")
	alice, team, other := principal("user", "default/alice"), principal("group", "default/team"), principal("group", "default/other")
	viewer := []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"}
	mkAnalysis(t, c, "a1", perm(team, ownerActions...))                               // team alone owns
	mkAnalysis(t, c, "a2", perm(team, ownerActions...), perm(alice, viewer...))       // team owns, alice views
	mkAnalysis(t, c, "a3", perm(team, ownerActions...), perm(other, ownerActions...)) // two owners
	mkAnalysis(t, c, "a4", perm(team, viewer...), perm(alice, ownerActions...))       // alice owns
	mkAnalysis(t, c, "a5", perm(team, ownerActions...))                               // deleted
	if _, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a5")}); err != nil {
		t.Fatal(err)
	}
	search := func(f types.AnalysisSearchFilter) ([]string, error) {
		out, err := c.SearchAnalyses(ctx(t), &quicksight.SearchAnalysesInput{AwsAccountId: acct, Filters: []types.AnalysisSearchFilter{f}})
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, a := range out.AnalysisSummaryList {
			ids = append(ids, aws.ToString(a.AnalysisId))
		}
		return ids, nil
	}
	sole, eq := types.AnalysisFilterAttributeDirectQuicksightSoleOwner, types.FilterOperatorStringEquals
	for _, tc := range []struct {
		who  string
		want []string
	}{
		{team, []string{"a1", "a2"}},
		{other, nil},
		{alice, []string{"a4"}},
	} {
		got, err := search(types.AnalysisSearchFilter{Name: sole, Operator: eq, Value: aws.String(tc.who)})
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("DIRECT_QUICKSIGHT_SOLE_OWNER %s: %q, %v; want %q", tc.who, got, err, tc.want)
		}
	}

	// A filter missing a member; the SDK leaves empty enums and nil values off the wire.
	for _, tc := range []struct {
		what string
		f    types.AnalysisSearchFilter
	}{
		{"no Name", types.AnalysisSearchFilter{Operator: eq, Value: aws.String(team)}},
		{"no Operator", types.AnalysisSearchFilter{Name: sole, Value: aws.String(team)}},
		{"no Value", types.AnalysisSearchFilter{Name: sole, Operator: eq}},
		{"no Value for a name", types.AnalysisSearchFilter{Name: types.AnalysisFilterAttributeAnalysisName, Operator: eq}},
		{"nothing", types.AnalysisSearchFilter{}},
	} {
		_, err := search(tc.f)
		checkErr(t, "a filter with "+tc.what, err, expectInvalid("Filters[0]"))
	}

	// An unknown group, in its own namespace or a missing one.
	for _, f := range []types.AnalysisFilterAttribute{sole, types.AnalysisFilterAttributeQuicksightOwner, types.AnalysisFilterAttributeDirectQuicksightViewerOrOwner} {
		_, err := search(types.AnalysisSearchFilter{Name: f, Operator: eq, Value: aws.String(principal("group", "default/nogroup"))})
		checkErr(t, string(f)+" with an unknown group", err, expectNotFound(types.ExceptionResourceTypeGroup, "nogroup"))
	}
}
