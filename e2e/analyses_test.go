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

func definition(sheet string) *types.AnalysisDefinition {
	return &types.AnalysisDefinition{
		DataSetIdentifierDeclarations: []types.DataSetIdentifierDeclaration{{
			Identifier: aws.String("sales"), DataSetArn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":dataset/sales"),
		}},
		Sheets: []types.SheetDefinition{{SheetId: aws.String(sheet), Name: aws.String("Overview")}},
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

	created, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("sales-1"),
		Name: aws.String("Sales"), Definition: definition("s1"), Permissions: []types.ResourcePermission{perm(alice, ownerActions...)},
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
		{"bad id", create("bad id!", nil), expectInvalid("AnalysisId")},
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
		}, expectInvalid("RecoveryWindowInDays")},
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
