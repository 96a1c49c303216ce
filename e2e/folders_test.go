package e2e

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

var folderOwner = []string{
	"quicksight:CreateFolder", "quicksight:CreateFolderMembership", "quicksight:DeleteFolder", "quicksight:DeleteFolderMembership",
	"quicksight:DescribeFolder", "quicksight:DescribeFolderPermissions", "quicksight:UpdateFolder", "quicksight:UpdateFolderPermissions",
}

func folderARN(id string) string { return "arn:aws:quicksight:us-east-1:" + account + ":folder/" + id }

func mkFolder(t *testing.T, c *quicksight.Client, id, parent string, perms ...types.ResourcePermission) *quicksight.CreateFolderOutput {
	t.Helper()
	in := &quicksight.CreateFolderInput{AwsAccountId: aws.String(account), FolderId: aws.String(id), Name: aws.String("Folder " + id), Permissions: perms}
	if parent != "" {
		in.ParentFolderArn = aws.String(folderARN(parent))
	}
	out, err := c.CreateFolder(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateFolder %q: %v", id, err)
	}
	return out
}

func folderPerms(t *testing.T, c *quicksight.Client, id string, resolved bool) string {
	t.Helper()
	if resolved {
		out, err := c.DescribeFolderResolvedPermissions(ctx(t), &quicksight.DescribeFolderResolvedPermissionsInput{AwsAccountId: aws.String(account), FolderId: aws.String(id)})
		if err != nil {
			t.Fatalf("DescribeFolderResolvedPermissions %q: %v", id, err)
		}
		return permString(out.Permissions)
	}
	out, err := c.DescribeFolderPermissions(ctx(t), &quicksight.DescribeFolderPermissionsInput{AwsAccountId: aws.String(account), FolderId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeFolderPermissions %q: %v", id, err)
	}
	return permString(out.Permissions)
}

func folderMembers(t *testing.T, c *quicksight.Client, id string) string {
	t.Helper()
	out, err := c.ListFolderMembers(ctx(t), &quicksight.ListFolderMembersInput{AwsAccountId: aws.String(account), FolderId: aws.String(id)})
	if err != nil {
		t.Fatalf("ListFolderMembers %q: %v", id, err)
	}
	var got []string
	for _, m := range out.FolderMemberList {
		got = append(got, aws.ToString(m.MemberId)+"@"+aws.ToString(m.MemberArn))
	}
	return strings.Join(got, " ")
}

func foldersOf(t *testing.T, c *quicksight.Client, arn string) string {
	t.Helper()
	out, err := c.ListFoldersForResource(ctx(t), &quicksight.ListFoldersForResourceInput{AwsAccountId: aws.String(account), ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("ListFoldersForResource %q: %v", arn, err)
	}
	return strings.Join(out.Folders, " ")
}

func folderStatus(out any) int {
	switch o := out.(type) {
	case *quicksight.CreateFolderOutput:
		return int(o.Status)
	case *quicksight.CreateFolderMembershipOutput:
		return int(o.Status)
	case *quicksight.DeleteFolderMembershipOutput:
		return int(o.Status)
	case *quicksight.UpdateFolderPermissionsOutput:
		return int(o.Status)
	}
	return -1
}

func TestFolderLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	mkUser(t, c, "default", "bob")
	mkGroup(t, c, "default", "readers", "")
	alice, bob, readers := principal("user", "default/alice"), principal("user", "default/bob"), principal("group", "default/readers")

	// Nested folders with permissions and tags.
	created, err := c.CreateFolder(ctx(t), &quicksight.CreateFolderInput{AwsAccountId: acct, FolderId: aws.String("root"), Name: aws.String("Root"),
		Permissions: []types.ResourcePermission{perm(alice, folderOwner...)}, Tags: []types.Tag{tag("team", "bi")}})
	if err != nil || aws.ToString(created.Arn) != folderARN("root") || folderStatus(created) != 200 {
		t.Fatalf("CreateFolder root: %+v, %v", created, err)
	}
	mkFolder(t, c, "child", "root", perm(readers, "quicksight:DescribeFolder"))
	mkFolder(t, c, "grand", "child")
	if got := tagsOf(t, c, folderARN("root")); got != "team=bi" {
		t.Errorf("tags of root: %q", got)
	}
	d, err := c.DescribeFolder(ctx(t), &quicksight.DescribeFolderInput{AwsAccountId: acct, FolderId: aws.String("grand")})
	if err != nil || !slices.Equal(d.Folder.FolderPath, []string{folderARN("root"), folderARN("child")}) ||
		d.Folder.FolderType != types.FolderTypeShared || d.Folder.SharingModel != types.SharingModelAccount || aws.ToString(d.Folder.Name) != "Folder grand" {
		t.Fatalf("DescribeFolder grand: %+v, %v", d, err)
	}
	if _, err := c.UpdateFolder(ctx(t), &quicksight.UpdateFolderInput{AwsAccountId: acct, FolderId: aws.String("grand"), Name: aws.String("Renamed")}); err != nil {
		t.Fatal(err)
	}
	d, _ = c.DescribeFolder(ctx(t), &quicksight.DescribeFolderInput{AwsAccountId: acct, FolderId: aws.String("grand")})
	if aws.ToString(d.Folder.Name) != "Renamed" {
		t.Errorf("name after UpdateFolder: %q", aws.ToString(d.Folder.Name))
	}

	// Listing in pages of two, and searching.
	var ids []string
	pages := quicksight.NewListFoldersPaginator(c, &quicksight.ListFoldersInput{AwsAccountId: acct, MaxResults: aws.Int32(2)})
	for n := 0; pages.HasMorePages(); n++ {
		page, err := pages.NextPage(ctx(t))
		if err != nil || len(page.FolderSummaryList) > 2 {
			t.Fatalf("ListFolders page %d: %+v, %v", n, page, err)
		}
		for _, f := range page.FolderSummaryList {
			ids = append(ids, aws.ToString(f.FolderId))
		}
	}
	if strings.Join(ids, ",") != "child,grand,root" {
		t.Errorf("ListFolders: %v", ids)
	}
	search := func(filters ...types.FolderSearchFilter) string {
		t.Helper()
		out, err := c.SearchFolders(ctx(t), &quicksight.SearchFoldersInput{AwsAccountId: acct, Filters: filters})
		if err != nil {
			t.Fatalf("SearchFolders %+v: %v", filters, err)
		}
		var got []string
		for _, f := range out.FolderSummaryList {
			got = append(got, aws.ToString(f.FolderId))
		}
		return strings.Join(got, ",")
	}
	filter := func(name types.FolderFilterAttribute, op types.FilterOperator, value string) types.FolderSearchFilter {
		return types.FolderSearchFilter{Name: name, Operator: op, Value: aws.String(value)}
	}
	for _, tc := range []struct {
		filters []types.FolderSearchFilter
		want    string
	}{
		{[]types.FolderSearchFilter{filter(types.FolderFilterAttributeParentFolderArn, types.FilterOperatorStringEquals, folderARN("root"))}, "child"},
		{[]types.FolderSearchFilter{filter(types.FolderFilterAttributeParentFolderArn, types.FilterOperatorStringEquals, "")}, "root"},
		{[]types.FolderSearchFilter{filter(types.FolderFilterAttributeFolderName, types.FilterOperatorStringLike, "FOLDER")}, "child"},
		{[]types.FolderSearchFilter{filter(types.FolderFilterAttributeFolderName, types.FilterOperatorStringLike, "o"),
			filter(types.FolderFilterAttributeParentFolderArn, types.FilterOperatorStringEquals, "")}, "root"},
		{[]types.FolderSearchFilter{filter(types.FolderFilterAttributeDirectQuicksightOwner, types.FilterOperatorStringEquals, alice)}, "root"},
		{[]types.FolderSearchFilter{filter(types.FolderFilterAttributeQuicksightViewerOrOwner, types.FilterOperatorStringEquals, readers)}, "child,grand"}, // grand inherits
		{[]types.FolderSearchFilter{filter(types.FolderFilterAttributeDirectQuicksightViewerOrOwner, types.FilterOperatorStringEquals, readers)}, "child"},
	} {
		if got := search(tc.filters...); got != tc.want {
			t.Errorf("SearchFolders %v: %q, want %q", *tc.filters[0].Value, got, tc.want)
		}
	}

	// Memberships: an analysis in two folders.
	mkAnalysis(t, c, "a1")
	analysisARN := "arn:aws:quicksight:us-east-1:" + account + ":analysis/a1"
	for _, f := range []string{"child", "grand"} {
		m, err := c.CreateFolderMembership(ctx(t), &quicksight.CreateFolderMembershipInput{AwsAccountId: acct, FolderId: aws.String(f),
			MemberId: aws.String("a1"), MemberType: types.MemberTypeAnalysis})
		if err != nil || aws.ToString(m.FolderMember.MemberId) != "a1" || m.FolderMember.MemberType != types.MemberTypeAnalysis || folderStatus(m) != 200 {
			t.Fatalf("CreateFolderMembership %s: %+v, %v", f, m, err)
		}
	}
	if got := folderMembers(t, c, "child"); got != "a1@"+analysisARN {
		t.Errorf("ListFolderMembers child: %q", got)
	}
	if got := foldersOf(t, c, analysisARN); got != folderARN("child")+" "+folderARN("grand") {
		t.Errorf("ListFoldersForResource: %q", got)
	}
	del, err := c.DeleteFolderMembership(ctx(t), &quicksight.DeleteFolderMembershipInput{AwsAccountId: acct, FolderId: aws.String("grand"),
		MemberId: aws.String("a1"), MemberType: types.MemberTypeAnalysis})
	if err != nil || folderStatus(del) != 200 {
		t.Fatalf("DeleteFolderMembership: %+v, %v", del, err)
	}
	if got := folderMembers(t, c, "grand"); got != "" {
		t.Errorf("members of grand after removing a1: %q", got)
	}
	if got := foldersOf(t, c, analysisARN); got != folderARN("child") {
		t.Errorf("ListFoldersForResource after removal: %q", got)
	}

	// Resolved permissions: grand holds none itself, and inherits from
	// both ancestors.
	if got := folderPerms(t, c, "grand", false); got != "" {
		t.Errorf("grand's own permissions: %q", got)
	}
	want := readers + "=quicksight:DescribeFolder " + alice + "=" + strings.Join(folderOwner, ",")
	if got := folderPerms(t, c, "grand", true); got != want {
		t.Errorf("grand's resolved permissions:\n got %s\nwant %s", got, want)
	}

	// Grant and revoke, answered with the whole set and Status in the body.
	up, err := c.UpdateFolderPermissions(ctx(t), &quicksight.UpdateFolderPermissionsInput{AwsAccountId: acct, FolderId: aws.String("root"),
		GrantPermissions: []types.ResourcePermission{perm(bob, "quicksight:DescribeFolder")}, RevokePermissions: []types.ResourcePermission{perm(alice, "quicksight:DeleteFolder")}})
	wantRoot := alice + "=" + strings.Join(without(folderOwner, "quicksight:DeleteFolder"), ",") + " " + bob + "=quicksight:DescribeFolder"
	if err != nil || permString(up.Permissions) != wantRoot || folderStatus(up) != 200 || aws.ToString(up.Arn) != folderARN("root") {
		t.Fatalf("UpdateFolderPermissions: %+v, %v", up, err)
	}
	if got := folderPerms(t, c, "root", false); got != wantRoot {
		t.Errorf("root after the update: %q", got)
	}

	// Deleting: folders with members or subfolders stay.
	delFolder := func(id string) error {
		_, err := c.DeleteFolder(ctx(t), &quicksight.DeleteFolderInput{AwsAccountId: acct, FolderId: aws.String(id)})
		return err
	}
	checkErr(t, "DeleteFolder with a member", delFolder("child"), expectCode("PreconditionNotMetException", "a1"))
	checkErr(t, "DeleteFolder with a subfolder", delFolder("root"), expectCode("PreconditionNotMetException", "child"))
	// Deleting the analysis for good takes it out of its folders.
	if _, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1"), ForceDeleteWithoutRecovery: true}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"grand", "child", "root"} {
		if err := delFolder(id); err != nil {
			t.Fatalf("DeleteFolder %s: %v", id, err)
		}
	}
	checkErr(t, "DescribeFolder after delete", func() error {
		_, err := c.DescribeFolder(ctx(t), &quicksight.DescribeFolderInput{AwsAccountId: acct, FolderId: aws.String("root")})
		return err
	}(), expectNotFound("", "root"))
	// The id is free again, without the old grants or tags.
	mkFolder(t, c, "root", "")
	if got := folderPerms(t, c, "root", false); got != "" {
		t.Errorf("grants of a recreated folder: %q", got)
	}
	if got := tagsOf(t, c, folderARN("root")); got != "" {
		t.Errorf("tags of a recreated folder: %q", got)
	}
}

// TestFolderErrors: every error of UpdateFolderPermissions that can arise
// without authentication, and the membership and nesting errors, typed.
func TestFolderErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "bob")
	mkFolder(t, c, "taken", "")
	bob := principal("user", "default/bob")
	grant := func(id string, perms ...types.ResourcePermission) func() error {
		return func() error {
			_, err := c.UpdateFolderPermissions(ctx(t), &quicksight.UpdateFolderPermissionsInput{AwsAccountId: acct, FolderId: aws.String(id), GrantPermissions: perms})
			return err
		}
	}
	membership := func(folder string, typ types.MemberType, id string) func() error {
		return func() error {
			_, err := c.CreateFolderMembership(ctx(t), &quicksight.CreateFolderMembershipInput{AwsAccountId: acct, FolderId: aws.String(folder), MemberType: typ, MemberId: aws.String(id)})
			return err
		}
	}
	create := func(id, parent string) func() error {
		return func() error {
			_, err := c.CreateFolder(ctx(t), &quicksight.CreateFolderInput{AwsAccountId: acct, FolderId: aws.String(id), Name: aws.String(id), ParentFolderArn: aws.String(parent)})
			return err
		}
	}
	runErrCases(t, []errCase{
		{"unknown action", grant("taken", perm(bob, "quicksight:DescribeAnalysis")), expectInvalid("GrantPermissions[0].Actions[0]")},
		{"principal in another account", grant("taken", perm("arn:aws:quicksight:us-east-1:999999999999:user/default/bob", "quicksight:DescribeFolder")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal that is not an ARN", grant("taken", perm("bob", "quicksight:DescribeFolder")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal that does not exist", grant("taken", perm(principal("user", "default/nobody"), "quicksight:DescribeFolder")), expectInvalid("user/default/nobody")},
		{"a missing folder", grant("missing", perm(bob, "quicksight:DescribeFolder")), expectNotFound("", "missing")},
		{"bad folder id", grant("bad id!", perm(bob, "quicksight:DescribeFolder")), expectValidation("FolderId")},
		{"taken folder id", create("taken", ""), expectExists("")},
		{"missing parent", create("x", folderARN("nope")), expectNotFound("", "nope")},
		{"parent that is not a folder", create("x", "arn:aws:quicksight:us-east-1:"+account+":analysis/a1"), expectInvalid("ParentFolderArn")},
		{"missing analysis", membership("taken", types.MemberTypeAnalysis, "nope"), expectNotFound("", "nope")},
		{"missing data source", membership("taken", types.MemberTypeDatasource, "nope"), expectNotFound(types.ExceptionResourceTypeDataSource, "nope")},
		{"dashboard", membership("taken", types.MemberTypeDashboard, "d1"), expectNotFound("", "d1")},
		{"member of a missing folder", membership("missing", types.MemberTypeAnalysis, "a1"), expectNotFound("", "missing")},
		{"removing a member the folder lacks", func() error {
			_, err := c.DeleteFolderMembership(ctx(t), &quicksight.DeleteFolderMembershipInput{AwsAccountId: acct, FolderId: aws.String("taken"), MemberType: types.MemberTypeAnalysis, MemberId: aws.String("a1")})
			return err
		}, expectNotFound("", "a1")},
	})
	if got := folderPerms(t, c, "taken", false); got != "" {
		t.Errorf("failed grants left %q", got)
	}
	// At most 64 principals per folder; the request that would pass it
	// changes nothing.
	var groups []types.ResourcePermission
	for i := range 65 {
		name := fmt.Sprintf("g%03d", i)
		mkGroup(t, c, "default", name, "")
		groups = append(groups, perm(principal("group", "default/"+name), "quicksight:DescribeFolder"))
	}
	if err := grant("taken", groups[:64]...)(); err != nil {
		t.Fatalf("granting to 64 groups: %v", err)
	}
	err := grant("taken", groups[64:]...)()
	checkErr(t, "a 65th principal", err, expectLimit(""))
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 409 {
		t.Errorf("a 65th principal: HTTP status %v, want 409", err)
	}
}

// A member deleted and waiting out its recovery window neither holds its
// folder nor can be added; the answers are ones the operations declare.
func TestFolderWithADeletedMember(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	acct := aws.String(account)
	mkAnalysis(t, c, "a1")
	mkAnalysis(t, c, "a2")
	for _, id := range []string{"f1", "f2"} {
		if _, err := c.CreateFolder(ctx(t), &quicksight.CreateFolderInput{AwsAccountId: acct, FolderId: aws.String(id), Name: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateFolderMembership(ctx(t), &quicksight.CreateFolderMembershipInput{AwsAccountId: acct, FolderId: aws.String("f1"),
		MemberId: aws.String("a1"), MemberType: types.MemberTypeAnalysis}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a1", "a2"} {
		if _, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.CreateFolderMembership(ctx(t), &quicksight.CreateFolderMembershipInput{AwsAccountId: acct, FolderId: aws.String("f2"),
		MemberId: aws.String("a2"), MemberType: types.MemberTypeAnalysis})
	checkErr(t, "CreateFolderMembership of a deleted analysis", err, expectNotFound("", "is deleted"))
	if _, err := c.DeleteFolder(ctx(t), &quicksight.DeleteFolderInput{AwsAccountId: acct, FolderId: aws.String("f1")}); err != nil {
		t.Errorf("DeleteFolder whose only member is deleted: %v", err)
	}
}
