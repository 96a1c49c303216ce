package qslocal_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

// folderWorld is an account with folders, for the tests of what reaches
// through them.
type folderWorld struct {
	t   *testing.T
	ctx context.Context
	svc *qslocal.Service
	now *time.Time
}

const reachAccount = "111122223333"

func newFolderWorld(t *testing.T) *folderWorld {
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	return &folderWorld{t: t, ctx: context.Background(), svc: dataSourceService(t, &now, 0), now: &now}
}

func reachARN(res string) string { return "arn:aws:quicksight:us-east-1:" + reachAccount + ":" + res }

func (w *folderWorld) must(what string, err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatalf("%s: %v", what, err)
	}
}

func (w *folderWorld) user(name string) string {
	w.t.Helper()
	_, err := w.svc.RegisterUser(w.ctx, &api.RegisterUserRequest{AwsAccountId: s(reachAccount), Namespace: s("default"), UserName: s(name),
		Email: s(name + "@example.com"), IdentityType: (*api.IdentityType)(s("QUICKSIGHT")), UserRole: (*api.UserRole)(s("AUTHOR"))})
	w.must("RegisterUser "+name, err)
	return reachARN("user/default/" + name)
}

func (w *folderWorld) folder(id, parent string, typ api.FolderType, perms ...api.ResourcePermission) {
	w.t.Helper()
	in := &api.CreateFolderRequest{AwsAccountId: s(reachAccount), FolderId: s(id), Name: s(id), Permissions: perms}
	if parent != "" {
		in.ParentFolderArn = s(reachARN("folder/" + parent))
	}
	if typ != "" {
		in.FolderType = &typ
	}
	_, err := w.svc.CreateFolder(w.ctx, in)
	w.must("CreateFolder "+id, err)
}

func (w *folderWorld) analysis(id string, folders []string, perms ...api.ResourcePermission) error {
	_, err := w.svc.CreateAnalysis(w.ctx, &api.CreateAnalysisRequest{AwsAccountId: s(reachAccount), AnalysisId: s(id), Name: s(id),
		Definition: &api.AnalysisDefinition{}, FolderArns: folders, Permissions: perms})
	return err
}

func (w *folderWorld) dataSource(id string, folders []string, perms ...api.ResourcePermission) error {
	_, err := w.svc.CreateDataSource(w.ctx, &api.CreateDataSourceRequest{AwsAccountId: s(reachAccount), DataSourceId: s(id), Name: s(id),
		Type: (*api.DataSourceType)(s("ATHENA")), FolderArns: folders, Permissions: perms})
	return err
}

func (w *folderWorld) dataSet(id, src string, folders []string, perms ...api.ResourcePermission) error {
	_, err := w.svc.CreateDataSet(w.ctx, &api.CreateDataSetRequest{AwsAccountId: s(reachAccount), DataSetId: s(id), Name: s(id),
		ImportMode: (*api.DataSetImportMode)(s("DIRECT_QUERY")), FolderArns: folders, Permissions: perms,
		PhysicalTableMap: map[string]api.PhysicalTable{"t": {RelationalTable: &api.RelationalTable{DataSourceArn: s(reachARN("datasource/" + src)),
			Name: s("t"), InputColumns: []api.InputColumn{{Name: s("c"), Type: (*api.InputColumnDataType)(s("STRING"))}}}}}})
	return err
}

// foldersOf answers ListFoldersForResource as folder ids joined by ",".
func (w *folderWorld) foldersOf(res string) string {
	w.t.Helper()
	out, err := w.svc.ListFoldersForResource(w.ctx, &api.ListFoldersForResourceRequest{AwsAccountId: s(reachAccount), ResourceArn: s(reachARN(res))})
	w.must("ListFoldersForResource "+res, err)
	var ids []string
	for _, f := range out.Folders {
		ids = append(ids, strings.TrimPrefix(f, reachARN("folder/")))
	}
	return strings.Join(ids, ",")
}

// wantErr checks err's code and that its message names what it should.
func wantErr(t *testing.T, what string, err error, code, inMessage string) {
	t.Helper()
	var qe *qslocal.Error
	if !errors.As(err, &qe) || qe.Code != code || !strings.Contains(qe.Message, inMessage) {
		t.Errorf("%s: got %v, want %s naming %q", what, err, code, inMessage)
	}
}

// FolderArns on CreateAnalysis, CreateDataSource and CreateDataSet puts
// the new resource in the folder, in the create's transaction: a folder
// that is missing, of another account or not a folder creates nothing.
func TestCreateInFolders(t *testing.T) {
	w := newFolderWorld(t)
	w.folder("f1", "", "")
	w.folder("f2", "f1", "")
	missing, f1, f2 := reachARN("folder/nope"), reachARN("folder/f1"), reachARN("folder/f2")

	w.must("CreateAnalysis in f1", w.analysis("a1", []string{f1}))
	w.must("CreateDataSource in f2", w.dataSource("ds1", []string{f2}))
	w.must("CreateDataSet in f1", w.dataSet("d1", "ds1", []string{f1}))
	for res, want := range map[string]string{"analysis/a1": "f1", "datasource/ds1": "f2", "dataset/d1": "f1"} {
		if got := w.foldersOf(res); got != want {
			t.Errorf("folders of %s: %q, want %q", res, got, want)
		}
	}
	members, err := w.svc.ListFolderMembers(w.ctx, &api.ListFolderMembersRequest{AwsAccountId: s(reachAccount), FolderId: s("f1")})
	w.must("ListFolderMembers f1", err)
	var got []string
	for _, m := range members.FolderMemberList {
		got = append(got, *m.MemberArn)
	}
	if strings.Join(got, " ") != reachARN("analysis/a1")+" "+reachARN("dataset/d1") {
		t.Errorf("members of f1: %v", got)
	}

	for _, tc := range []struct {
		name, folder, code, inMessage string
	}{
		{"a missing folder", missing, qslocal.CodeResourceNotFound, "FolderArns[0]: folder " + missing},
		{"a folder of another account", "arn:aws:quicksight:us-east-1:999988887777:folder/f1", qslocal.CodeInvalidParameterValue, "FolderArns[0]"},
		{"an analysis ARN", reachARN("analysis/a1"), qslocal.CodeInvalidParameterValue, "FolderArns[0]"},
		{"not an ARN", "f1", qslocal.CodeInvalidParameterValue, "FolderArns[0]"},
	} {
		wantErr(t, "CreateAnalysis in "+tc.name, w.analysis("a2", []string{tc.folder}), tc.code, tc.inMessage)
		wantErr(t, "CreateDataSource in "+tc.name, w.dataSource("ds2", []string{tc.folder}), tc.code, tc.inMessage)
		wantErr(t, "CreateDataSet in "+tc.name, w.dataSet("d2", "ds1", []string{tc.folder}), tc.code, tc.inMessage)
	}
	// Nothing of the failed creates was kept: their ids are free.
	_, err = w.svc.DescribeAnalysis(w.ctx, &api.DescribeAnalysisRequest{AwsAccountId: s(reachAccount), AnalysisId: s("a2")})
	wantErr(t, "DescribeAnalysis after the failed creates", err, qslocal.CodeResourceNotFound, "a2")
	w.must("CreateDataSource ds2 after the failed creates", w.dataSource("ds2", nil))
	w.must("CreateDataSet d2 after the failed creates", w.dataSet("d2", "ds1", nil))
	// A taken id is reported before a missing folder.
	wantErr(t, "CreateAnalysis of a taken id in a missing folder", w.analysis("a1", []string{missing}), qslocal.CodeResourceExists, "a1")
}

// RestoreAnalysis with RestoreToFolders brings an analysis back into the
// folders it was in, answering those deleted meanwhile; without, into
// none, which an analysis of a restricted folder may not.
func TestRestoreToFolders(t *testing.T) {
	w := newFolderWorld(t)
	acct := s(reachAccount)
	for _, f := range []string{"f1", "f2"} {
		w.folder(f, "", "")
	}
	w.folder("r", "", api.FolderTypeRestricted)
	w.must("CreateAnalysis a1", w.analysis("a1", []string{reachARN("folder/f1")}))
	join := func(folder, id string) {
		t.Helper()
		_, err := w.svc.CreateFolderMembership(w.ctx, &api.CreateFolderMembershipRequest{AwsAccountId: acct, FolderId: s(folder),
			MemberType: ptrTo(api.MemberTypeAnalysis), MemberId: s(id)})
		w.must("CreateFolderMembership "+folder, err)
	}
	join("f2", "a1")
	del := func(id string) {
		t.Helper()
		_, err := w.svc.DeleteAnalysis(w.ctx, &api.DeleteAnalysisRequest{AwsAccountId: acct, AnalysisId: s(id)})
		w.must("DeleteAnalysis "+id, err)
	}
	restore := func(id string, toFolders *bool) ([]string, error) {
		out, err := w.svc.RestoreAnalysis(w.ctx, &api.RestoreAnalysisRequest{AwsAccountId: acct, AnalysisId: s(id), RestoreToFolders: toFolders})
		if err != nil {
			return nil, err
		}
		return out.RestorationFailedFolderArns, nil
	}

	// f2 is deleted while a1 waits: a1 goes back to f1 only, and says so.
	del("a1")
	_, err := w.svc.DeleteFolder(w.ctx, &api.DeleteFolderRequest{AwsAccountId: acct, FolderId: s("f2")})
	w.must("DeleteFolder f2, whose only member is deleted", err)
	failed, err := restore("a1", ptrTo(true))
	if err != nil || strings.Join(failed, " ") != reachARN("folder/f2") {
		t.Errorf("RestoreAnalysis to folders: failed %v, %v; want f2", failed, err)
	}
	if got := w.foldersOf("analysis/a1"); got != "f1" {
		t.Errorf("folders of a1 restored to its folders: %q", got)
	}
	// Restoring again, to folders, fails none: the lost folder was reported once.
	del("a1")
	if failed, err := restore("a1", ptrTo(true)); err != nil || len(failed) != 0 {
		t.Errorf("second RestoreAnalysis to folders: failed %v, %v", failed, err)
	}
	// Without RestoreToFolders (false or left out) it leaves its folders.
	for _, to := range []*bool{ptrTo(false), nil} {
		del("a1")
		if failed, err := restore("a1", to); err != nil || len(failed) != 0 {
			t.Errorf("RestoreAnalysis (RestoreToFolders %v): failed %v, %v", to, failed, err)
		}
		if got := w.foldersOf("analysis/a1"); got != "" {
			t.Errorf("folders of a1 restored without RestoreToFolders %v: %q", to, got)
		}
		join("f1", "a1")
	}

	// An analysis of a restricted folder comes back only to its folders.
	w.must("CreateAnalysis in r", w.analysis("a2", []string{reachARN("folder/r")}))
	del("a2")
	_, err = restore("a2", nil)
	wantErr(t, "RestoreAnalysis of a restricted analysis without RestoreToFolders", err, qslocal.CodeInvalidParameterValue, "RestoreToFolders")
	d, err := w.svc.DescribeAnalysis(w.ctx, &api.DescribeAnalysisRequest{AwsAccountId: acct, AnalysisId: s("a2")})
	if err != nil || *d.Analysis.Status != api.ResourceStatusDeleted {
		t.Errorf("a2 after the refused restore: %+v, %v", d, err)
	}
	if failed, err := restore("a2", ptrTo(true)); err != nil || len(failed) != 0 {
		t.Errorf("RestoreAnalysis of a restricted analysis to its folders: failed %v, %v", failed, err)
	}
	if got := w.foldersOf("analysis/a2"); got != "r" {
		t.Errorf("folders of a2: %q", got)
	}
}

// The implicit ownership filters of searches count the grants on the
// folders holding an asset and on their ancestors: a folder owner owns
// what they hold, any other grantee views it. DIRECT_ filters, the sole
// owner among them, count the asset's own grants only.
func TestSearchThroughFolders(t *testing.T) {
	w := newFolderWorld(t)
	acct := s(reachAccount)
	alice, bob, carol, dave := w.user("alice"), w.user("bob"), w.user("carol"), w.user("dave")
	_, err := w.svc.CreateGroup(w.ctx, &api.CreateGroupRequest{AwsAccountId: acct, Namespace: s("default"), GroupName: s("team")})
	w.must("CreateGroup", err)
	_, err = w.svc.CreateGroupMembership(w.ctx, &api.CreateGroupMembershipRequest{AwsAccountId: acct, Namespace: s("default"), GroupName: s("team"), MemberName: s("carol")})
	w.must("CreateGroupMembership", err)
	team := reachARN("group/default/team")
	owner := []string{"quicksight:CreateFolder", "quicksight:CreateFolderMembership", "quicksight:DeleteFolder", "quicksight:DeleteFolderMembership",
		"quicksight:DescribeFolder", "quicksight:DescribeFolderPermissions", "quicksight:UpdateFolder", "quicksight:UpdateFolderPermissions"}
	grant := func(p string, actions ...string) api.ResourcePermission {
		return api.ResourcePermission{Principal: s(p), Actions: actions}
	}
	w.folder("root", "", "", grant(alice, owner...))
	w.folder("child", "root", "", grant(bob, "quicksight:DescribeFolder"), grant(team, owner...))
	w.folder("grand", "child", "")
	w.folder("other", "", "", grant(dave, "quicksight:DescribeFolder"))
	in := func(f string) []string { return []string{reachARN("folder/" + f)} }
	w.must("a1", w.analysis("a1", in("child")))
	w.must("a2", w.analysis("a2", in("root")))
	w.must("a3", w.analysis("a3", in("grand")))
	w.must("a4", w.analysis("a4", nil, grant(alice, "quicksight:DescribeAnalysis", "quicksight:UpdateAnalysisPermissions")))
	w.must("a5", w.analysis("a5", in("child")))
	_, err = w.svc.DeleteAnalysis(w.ctx, &api.DeleteAnalysisRequest{AwsAccountId: acct, AnalysisId: s("a5")})
	w.must("DeleteAnalysis a5", err)
	w.must("ds", w.dataSource("ds", in("child")))
	w.must("d1", w.dataSet("d1", "ds", in("grand")))

	type search func(name, who string, max int32) string
	analyses := func(name, who string, max int32) string {
		var ids []string
		var next *string
		for {
			out, err := w.svc.SearchAnalyses(w.ctx, &api.SearchAnalysesRequest{AwsAccountId: acct, MaxResults: &max, NextToken: next,
				Filters: []api.AnalysisSearchFilter{{Name: ptrTo(api.AnalysisFilterAttribute(name)), Operator: ptrTo(api.FilterOperatorStringEquals), Value: s(who)}}})
			w.must("SearchAnalyses "+name, err)
			for _, a := range out.AnalysisSummaryList {
				ids = append(ids, *a.AnalysisId)
			}
			if next = out.NextToken; next == nil {
				return strings.Join(ids, ",")
			}
		}
	}
	dataSets := func(name, who string, max int32) string {
		out, err := w.svc.SearchDataSets(w.ctx, &api.SearchDataSetsRequest{AwsAccountId: acct, MaxResults: &max,
			Filters: []api.DataSetSearchFilter{{Name: ptrTo(api.DataSetFilterAttribute(name)), Operator: ptrTo(api.FilterOperatorStringEquals), Value: s(who)}}})
		w.must("SearchDataSets "+name, err)
		var ids []string
		for _, d := range out.DataSetSummaries {
			ids = append(ids, *d.DataSetId)
		}
		return strings.Join(ids, ",")
	}
	dataSources := func(name, who string, max int32) string {
		out, err := w.svc.SearchDataSources(w.ctx, &api.SearchDataSourcesRequest{AwsAccountId: acct, MaxResults: &max,
			Filters: []api.DataSourceSearchFilter{{Name: ptrTo(api.DataSourceFilterAttribute(name)), Operator: ptrTo(api.FilterOperatorStringEquals), Value: s(who)}}})
		w.must("SearchDataSources "+name, err)
		var ids []string
		for _, d := range out.DataSourceSummaries {
			ids = append(ids, *d.DataSourceId)
		}
		return strings.Join(ids, ",")
	}
	folders := func(name, who string, max int32) string {
		out, err := w.svc.SearchFolders(w.ctx, &api.SearchFoldersRequest{AwsAccountId: acct, MaxResults: &max,
			Filters: []api.FolderSearchFilter{{Name: ptrTo(api.FolderFilterAttribute(name)), Operator: ptrTo(api.FilterOperatorStringEquals), Value: s(who)}}})
		w.must("SearchFolders "+name, err)
		var ids []string
		for _, f := range out.FolderSummaryList {
			ids = append(ids, *f.FolderId)
		}
		return strings.Join(ids, ",")
	}
	for _, tc := range []struct {
		what   string
		search search
		name   string
		who    string
		max    int32
		want   string
	}{
		{"analyses", analyses, "QUICKSIGHT_OWNER", alice, 100, "a1,a2,a3,a4"},
		{"analyses, a page at a time", analyses, "QUICKSIGHT_OWNER", alice, 1, "a1,a2,a3,a4"},
		{"analyses", analyses, "QUICKSIGHT_VIEWER_OR_OWNER", bob, 100, "a1,a3"},
		{"analyses", analyses, "QUICKSIGHT_USER", bob, 100, "a1,a3"},
		{"analyses", analyses, "QUICKSIGHT_OWNER", bob, 100, ""},
		{"analyses", analyses, "QUICKSIGHT_OWNER", carol, 100, "a1,a3"},
		{"analyses", analyses, "QUICKSIGHT_VIEWER_OR_OWNER", dave, 100, ""},
		{"analyses", analyses, "DIRECT_QUICKSIGHT_OWNER", alice, 100, "a4"},
		{"analyses", analyses, "DIRECT_QUICKSIGHT_VIEWER_OR_OWNER", bob, 100, ""},
		{"analyses", analyses, "DIRECT_QUICKSIGHT_SOLE_OWNER", alice, 100, "a4"},
		{"data sets", dataSets, "QUICKSIGHT_VIEWER_OR_OWNER", bob, 100, "d1"},
		{"data sets", dataSets, "QUICKSIGHT_OWNER", alice, 100, "d1"},
		{"data sets", dataSets, "DIRECT_QUICKSIGHT_VIEWER_OR_OWNER", bob, 100, ""},
		{"data sources", dataSources, "DIRECT_QUICKSIGHT_VIEWER_OR_OWNER", bob, 100, ""},
		{"folders", folders, "QUICKSIGHT_OWNER", alice, 100, "child,grand,root"},
		{"folders", folders, "QUICKSIGHT_VIEWER_OR_OWNER", bob, 100, "child,grand"},
		{"folders", folders, "QUICKSIGHT_OWNER", carol, 100, "child,grand"},
		{"folders", folders, "DIRECT_QUICKSIGHT_VIEWER_OR_OWNER", bob, 100, "child"},
	} {
		if got := tc.search(tc.name, tc.who, tc.max); got != tc.want {
			t.Errorf("%s %s %s: %q, want %q", tc.what, tc.name, strings.TrimPrefix(tc.who, reachARN("user/default/")), got, tc.want)
		}
	}
	// Taken out of the folder, a1 is bob's no more.
	_, err = w.svc.DeleteFolderMembership(w.ctx, &api.DeleteFolderMembershipRequest{AwsAccountId: acct, FolderId: s("child"),
		MemberType: ptrTo(api.MemberTypeAnalysis), MemberId: s("a1")})
	w.must("DeleteFolderMembership", err)
	if got := analyses("QUICKSIGHT_VIEWER_OR_OWNER", bob, 100); got != "a3" {
		t.Errorf("bob's analyses once a1 left child: %q", got)
	}
}
