package qslocal_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/sqlite"
)

var errRetry = errors.New("serialization failure")

// retryingStore runs every write transaction twice, the first rolled back,
// as PostgreSQL's store does after a serialization failure and the service
// after an account reset: a transaction's function must start from the
// request each time, whatever it changed the first time.
type retryingStore struct{ *sqlite.Store }

func (r retryingStore) Update(ctx context.Context, fn func(tx qslocal.Tx) error) error {
	err := r.Store.Update(ctx, func(tx qslocal.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errRetry
	})
	if !errors.Is(err, errRetry) {
		return err
	}
	return r.Store.Update(ctx, fn)
}

// assetScript makes and changes one asset of each versioned and
// definition-holding kind, and answers what readers then see.
func assetScript(t *testing.T, svc *qslocal.Service) map[string]any {
	t.Helper()
	ctx := context.Background()
	acct := ptrTo("111122223333")
	arn := func(kind, id string) *string {
		return ptrTo("arn:aws:quicksight:ap-south-1:111122223333:" + kind + "/" + id)
	}
	decl := []api.DataSetIdentifierDeclaration{{Identifier: ptrTo("d"), DataSetArn: arn("dataset", "ds")}}
	must := func(what string, _ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	out, err := svc.CreateDataSource(ctx, &api.CreateDataSourceRequest{AwsAccountId: acct, DataSourceId: ptrTo("src"), Name: ptrTo("src"), Type: ptrTo(api.DataSourceTypeAthena)})
	must("CreateDataSource", out, err)
	ds, err := svc.CreateDataSet(ctx, &api.CreateDataSetRequest{AwsAccountId: acct, DataSetId: ptrTo("ds"), Name: ptrTo("ds"), ImportMode: ptrTo(api.DataSetImportModeDirectQuery),
		PhysicalTableMap: map[string]api.PhysicalTable{"t": {RelationalTable: &api.RelationalTable{DataSourceArn: arn("datasource", "src"), Name: ptrTo("t"),
			InputColumns: []api.InputColumn{{Name: ptrTo("c"), Type: ptrTo(api.InputColumnDataTypeString)}}}}}})
	must("CreateDataSet", ds, err)
	th, err := svc.CreateTheme(ctx, &api.CreateThemeRequest{AwsAccountId: acct, ThemeId: ptrTo("th"), Name: ptrTo("th"), BaseThemeId: ptrTo("CLASSIC"), Configuration: &api.ThemeConfiguration{}})
	must("CreateTheme", th, err)
	ut, err := svc.UpdateTheme(ctx, &api.UpdateThemeRequest{AwsAccountId: acct, ThemeId: ptrTo("th"), BaseThemeId: ptrTo("MIDNIGHT")})
	must("UpdateTheme", ut, err)
	an, err := svc.CreateAnalysis(ctx, &api.CreateAnalysisRequest{AwsAccountId: acct, AnalysisId: ptrTo("an"), Name: ptrTo("an"),
		Definition: &api.AnalysisDefinition{DataSetIdentifierDeclarations: decl}})
	must("CreateAnalysis", an, err)
	tp, err := svc.CreateTemplate(ctx, &api.CreateTemplateRequest{AwsAccountId: acct, TemplateId: ptrTo("tp"), Name: ptrTo("tp"),
		SourceEntity: &api.TemplateSourceEntity{SourceAnalysis: &api.TemplateSourceAnalysis{Arn: arn("analysis", "an"),
			DataSetReferences: []api.DataSetReference{{DataSetPlaceholder: ptrTo("d"), DataSetArn: arn("dataset", "ds")}}}}})
	must("CreateTemplate", tp, err)
	ref := []api.DataSetReference{{DataSetPlaceholder: ptrTo("d"), DataSetArn: arn("dataset", "ds")}}
	an2, err := svc.CreateAnalysis(ctx, &api.CreateAnalysisRequest{AwsAccountId: acct, AnalysisId: ptrTo("an2"), Name: ptrTo("an2"),
		SourceEntity: &api.AnalysisSourceEntity{SourceTemplate: &api.AnalysisSourceTemplate{Arn: arn("template", "tp"), DataSetReferences: ref}}})
	must("CreateAnalysis from a template", an2, err)
	db, err := svc.CreateDashboard(ctx, &api.CreateDashboardRequest{AwsAccountId: acct, DashboardId: ptrTo("db"), Name: ptrTo("db"),
		SourceEntity:             &api.DashboardSourceEntity{SourceTemplate: &api.DashboardSourceTemplate{Arn: arn("template", "tp"), DataSetReferences: ref}},
		LinkSharingConfiguration: &api.LinkSharingConfiguration{Permissions: []api.ResourcePermission{{Principal: arn("namespace", "default"), Actions: []string{"quicksight:DescribeDashboard"}}}}})
	must("CreateDashboard", db, err)
	ud, err := svc.UpdateDashboard(ctx, &api.UpdateDashboardRequest{AwsAccountId: acct, DashboardId: ptrTo("db"), Name: ptrTo("db2"),
		Definition: &api.DashboardVersionDefinition{DataSetIdentifierDeclarations: decl}})
	must("UpdateDashboard", ud, err)
	fo, err := svc.CreateFolder(ctx, &api.CreateFolderRequest{AwsAccountId: acct, FolderId: ptrTo("fo"), Name: ptrTo("fo")})
	must("CreateFolder", fo, err)
	fm, err := svc.CreateFolderMembership(ctx, &api.CreateFolderMembershipRequest{AwsAccountId: acct, FolderId: ptrTo("fo"), MemberId: ptrTo("db"), MemberType: ptrTo(api.MemberTypeDashboard)})
	must("CreateFolderMembership", fm, err)

	seen := map[string]any{"create outputs": []any{th, ut, an, tp, an2, db, ud}}
	ask := func(q string, out any, err error) {
		t.Helper()
		must(q, out, err)
		seen[q] = out
	}
	r1, err := svc.DescribeTheme(ctx, &api.DescribeThemeRequest{AwsAccountId: acct, ThemeId: ptrTo("th")})
	ask("DescribeTheme", r1, err)
	r2, err := svc.DescribeTemplateDefinition(ctx, &api.DescribeTemplateDefinitionRequest{AwsAccountId: acct, TemplateId: ptrTo("tp")})
	ask("DescribeTemplateDefinition", r2, err)
	r3, err := svc.DescribeAnalysisDefinition(ctx, &api.DescribeAnalysisDefinitionRequest{AwsAccountId: acct, AnalysisId: ptrTo("an2")})
	ask("DescribeAnalysisDefinition", r3, err)
	r4, err := svc.DescribeDashboard(ctx, &api.DescribeDashboardRequest{AwsAccountId: acct, DashboardId: ptrTo("db")})
	ask("DescribeDashboard", r4, err)
	r5, err := svc.ListDashboardVersions(ctx, &api.ListDashboardVersionsRequest{AwsAccountId: acct, DashboardId: ptrTo("db")})
	ask("ListDashboardVersions", r5, err)
	r6, err := svc.DescribeDashboardPermissions(ctx, &api.DescribeDashboardPermissionsRequest{AwsAccountId: acct, DashboardId: ptrTo("db")})
	ask("DescribeDashboardPermissions", r6, err)
	r7, err := svc.ListFolderMembers(ctx, &api.ListFolderMembersRequest{AwsAccountId: acct, FolderId: ptrTo("fo")})
	ask("ListFolderMembers", r7, err)
	return seen
}

// A write retried after a rolled-back attempt ends as if it ran once.
func TestRetriedWritesEndAsOne(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	services := make([]*qslocal.Service, 2)
	for i := range services {
		store, err := sqlite.Open(context.Background(), ":memory:", sqlite.Config{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		var s qslocal.Store = store
		if i == 1 {
			s = retryingStore{store}
		}
		if services[i], err = qslocal.NewService(context.Background(), qslocal.Config{Store: s, Region: "ap-south-1", Clock: func() time.Time { return now }}); err != nil {
			t.Fatal(err)
		}
	}
	once, _ := json.Marshal(assetScript(t, services[0]))
	twice, _ := json.Marshal(assetScript(t, services[1]))
	if string(once) != string(twice) {
		t.Errorf("retried writes differ from writes run once:\n once %s\ntwice %s", once, twice)
	}
}
