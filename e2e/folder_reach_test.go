package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestCreateInFolder: FolderArns on CreateAnalysis, CreateDataSource and
// CreateDataSet makes the new resource a member of the folder; a folder of
// another account is InvalidParameterValueException and creates nothing.
func TestCreateInFolder(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	acct := aws.String(account)
	mkFolder(t, c, "f1", "")
	in := []string{folderARN("f1")}
	if _, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1"), Name: aws.String("n"),
		Definition: definition("s"), FolderArns: in}); err != nil {
		t.Fatalf("CreateAnalysis in f1: %v", err)
	}
	if _, err := c.CreateDataSource(ctx(t), &quicksight.CreateDataSourceInput{AwsAccountId: acct, DataSourceId: aws.String("src"), Name: aws.String("n"),
		Type: types.DataSourceTypeAthena, DataSourceParameters: athena("primary"), FolderArns: in}); err != nil {
		t.Fatalf("CreateDataSource in f1: %v", err)
	}
	if _, err := c.CreateDataSet(ctx(t), &quicksight.CreateDataSetInput{AwsAccountId: acct, DataSetId: aws.String("d1"), Name: aws.String("n"),
		ImportMode: types.DataSetImportModeDirectQuery, PhysicalTableMap: sales("src"), FolderArns: in}); err != nil {
		t.Fatalf("CreateDataSet in f1: %v", err)
	}
	want := "a1@" + principal("analysis", "a1") + " d1@" + principal("dataset", "d1") + " src@" + principal("datasource", "src")
	if got := folderMembers(t, c, "f1"); got != want {
		t.Errorf("members of f1:\n got %s\nwant %s", got, want)
	}
	if got := foldersOf(t, c, principal("dataset", "d1")); got != folderARN("f1") {
		t.Errorf("folders of d1: %q", got)
	}

	elsewhere := []string{"arn:aws:quicksight:us-east-1:999988887777:folder/f1"}
	_, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a2"), Name: aws.String("n"),
		Definition: definition("s"), FolderArns: elsewhere})
	checkErr(t, "CreateAnalysis in another account's folder", err, expectInvalid("FolderArns[0]"))
	_, err = c.CreateDataSource(ctx(t), &quicksight.CreateDataSourceInput{AwsAccountId: acct, DataSourceId: aws.String("src2"), Name: aws.String("n"),
		Type: types.DataSourceTypeAthena, DataSourceParameters: athena("primary"), FolderArns: elsewhere})
	checkErr(t, "CreateDataSource in another account's folder", err, expectInvalid("FolderArns[0]"))
	_, err = c.CreateDataSet(ctx(t), &quicksight.CreateDataSetInput{AwsAccountId: acct, DataSetId: aws.String("d2"), Name: aws.String("n"),
		ImportMode: types.DataSetImportModeDirectQuery, PhysicalTableMap: sales("src"), FolderArns: elsewhere})
	checkErr(t, "CreateDataSet in another account's folder", err, expectInvalid("FolderArns[0]"))
	if got := folderMembers(t, c, "f1"); got != want {
		t.Errorf("members of f1 after the failed creates: %s", got)
	}
	_, err = c.DescribeDataSet(ctx(t), &quicksight.DescribeDataSetInput{AwsAccountId: acct, DataSetId: aws.String("d2")})
	checkErr(t, "DescribeDataSet after the failed create", err, expectNotFound(types.ExceptionResourceTypeDataSet, "d2"))
}

// TestRestoreAnalysisToFolders: restore-to-folders=true brings a deleted
// analysis back into its folders and answers RestorationFailedFolderArns
// for those deleted meanwhile; without it the analysis leaves its folders.
func TestRestoreAnalysisToFolders(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	acct := aws.String(account)
	mkFolder(t, c, "keep", "")
	mkFolder(t, c, "gone", "")
	for _, id := range []string{"a1", "a2"} {
		if _, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String(id), Name: aws.String("n"),
			Definition: definition("s"), FolderArns: []string{folderARN("keep")}}); err != nil {
			t.Fatalf("CreateAnalysis %s: %v", id, err)
		}
		if _, err := c.CreateFolderMembership(ctx(t), &quicksight.CreateFolderMembershipInput{AwsAccountId: acct, FolderId: aws.String("gone"),
			MemberId: aws.String(id), MemberType: types.MemberTypeAnalysis}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteFolder(ctx(t), &quicksight.DeleteFolderInput{AwsAccountId: acct, FolderId: aws.String("gone")}); err != nil {
		t.Fatalf("DeleteFolder whose members are deleted: %v", err)
	}
	out, err := c.RestoreAnalysis(ctx(t), &quicksight.RestoreAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1"), RestoreToFolders: true})
	if err != nil || len(out.RestorationFailedFolderArns) != 1 || out.RestorationFailedFolderArns[0] != folderARN("gone") {
		t.Fatalf("RestoreAnalysis a1 to its folders: %+v, %v", out, err)
	}
	out, err = c.RestoreAnalysis(ctx(t), &quicksight.RestoreAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a2")})
	if err != nil || out.RestorationFailedFolderArns != nil {
		t.Fatalf("RestoreAnalysis a2: %+v, %v", out, err)
	}
	if got := folderMembers(t, c, "keep"); got != "a1@"+principal("analysis", "a1") {
		t.Errorf("members of keep after the restores: %q", got)
	}
}

// TestSearchThroughFolders: the implicit ownership filters count grants
// on the folders holding an asset and on their ancestors; the DIRECT_
// ones do not.
func TestSearchThroughFolders(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	mkUser(t, c, "default", "bob")
	alice, bob := principal("user", "default/alice"), principal("user", "default/bob")
	mkFolder(t, c, "root", "", perm(alice, folderOwner...))
	mkFolder(t, c, "child", "root", perm(bob, "quicksight:DescribeFolder"))
	for _, id := range []string{"a1", "a2", "a3"} {
		in := &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String(id), Name: aws.String("n"), Definition: definition("s")}
		if id != "a2" {
			in.FolderArns = []string{folderARN("child")}
		}
		if _, err := c.CreateAnalysis(ctx(t), in); err != nil {
			t.Fatalf("CreateAnalysis %s: %v", id, err)
		}
	}
	mkDataSource(t, c, "src")
	if _, err := c.CreateDataSet(ctx(t), &quicksight.CreateDataSetInput{AwsAccountId: acct, DataSetId: aws.String("d1"), Name: aws.String("n"),
		ImportMode: types.DataSetImportModeDirectQuery, PhysicalTableMap: sales("src"), FolderArns: []string{folderARN("root")}}); err != nil {
		t.Fatal(err)
	}
	analyses := func(name types.AnalysisFilterAttribute, who string) string {
		t.Helper()
		var ids []string
		pages := quicksight.NewSearchAnalysesPaginator(c, &quicksight.SearchAnalysesInput{AwsAccountId: acct, MaxResults: aws.Int32(1),
			Filters: []types.AnalysisSearchFilter{{Name: name, Operator: types.FilterOperatorStringEquals, Value: aws.String(who)}}})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx(t))
			if err != nil {
				t.Fatalf("SearchAnalyses %s: %v", name, err)
			}
			for _, a := range page.AnalysisSummaryList {
				ids = append(ids, aws.ToString(a.AnalysisId))
			}
		}
		return strings.Join(ids, ",")
	}
	for _, tc := range []struct {
		name      types.AnalysisFilterAttribute
		who, want string
	}{
		{types.AnalysisFilterAttributeQuicksightOwner, alice, "a1,a3"},
		{types.AnalysisFilterAttributeQuicksightViewerOrOwner, bob, "a1,a3"},
		{types.AnalysisFilterAttributeQuicksightOwner, bob, ""},
		{types.AnalysisFilterAttributeDirectQuicksightViewerOrOwner, bob, ""},
	} {
		if got := analyses(tc.name, tc.who); got != tc.want {
			t.Errorf("SearchAnalyses %s %s: %q, want %q", tc.name, strings.TrimPrefix(tc.who, principal("user", "default/")), got, tc.want)
		}
	}
	sets, err := c.SearchDataSets(ctx(t), &quicksight.SearchDataSetsInput{AwsAccountId: acct, Filters: []types.DataSetSearchFilter{{
		Name: types.DataSetFilterAttributeQuicksightOwner, Operator: types.FilterOperatorStringEquals, Value: aws.String(alice)}}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range sets.DataSetSummaries {
		ids = append(ids, aws.ToString(d.DataSetId))
	}
	if strings.Join(ids, ",") != "d1" {
		t.Errorf("SearchDataSets QUICKSIGHT_OWNER alice: %v, want d1", ids)
	}
	folders, err := c.SearchFolders(ctx(t), &quicksight.SearchFoldersInput{AwsAccountId: acct, Filters: []types.FolderSearchFilter{{
		Name: types.FolderFilterAttributeQuicksightOwner, Operator: types.FilterOperatorStringEquals, Value: aws.String(alice)}}})
	if err != nil {
		t.Fatal(err)
	}
	ids = nil
	for _, f := range folders.FolderSummaryList {
		ids = append(ids, aws.ToString(f.FolderId))
	}
	if strings.Join(ids, ",") != "child,root" {
		t.Errorf("SearchFolders QUICKSIGHT_OWNER alice: %v, want child,root", ids)
	}
}
