package qslocal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

// Template rules, one call each, in order over one account: sources,
// versions, aliases, analyses made from a template and the errors each
// operation answers.
func TestTemplateRules(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	svc := clockedService(t, qslocal.Config{Region: qslocal.DefaultRegion, AsyncDelay: time.Minute}, &now)
	acct := s("111122223333")
	arn := func(kind, id string) *string {
		return s("arn:aws:quicksight:us-east-1:111122223333:" + kind + "/" + id)
	}
	def := func(placeholders ...string) *api.TemplateVersionDefinition {
		d := &api.TemplateVersionDefinition{Sheets: []api.SheetDefinition{{SheetId: s("sh"), Name: s("Sheet")}}}
		for _, p := range placeholders {
			d.DataSetConfigurations = append(d.DataSetConfigurations, api.DataSetConfiguration{Placeholder: s(p)})
		}
		return d
	}
	fromAnalysis := func(id string) *api.TemplateSourceEntity {
		return &api.TemplateSourceEntity{SourceAnalysis: &api.TemplateSourceAnalysis{Arn: arn("analysis", id)}}
	}
	fromTemplate := func(a *string) *api.TemplateSourceEntity {
		return &api.TemplateSourceEntity{SourceTemplate: &api.TemplateSourceTemplate{Arn: a}}
	}
	create := func(id string, src *api.TemplateSourceEntity, d *api.TemplateVersionDefinition) func() (any, error) {
		return func() (any, error) {
			return svc.CreateTemplate(ctx, &api.CreateTemplateRequest{AwsAccountId: acct, TemplateId: s(id), Name: s("n " + id),
				VersionDescription: s("first"), SourceEntity: src, Definition: d})
		}
	}
	update := func(id string, src *api.TemplateSourceEntity, d *api.TemplateVersionDefinition) func() (any, error) {
		return func() (any, error) {
			return svc.UpdateTemplate(ctx, &api.UpdateTemplateRequest{AwsAccountId: acct, TemplateId: s(id), VersionDescription: s("next"), SourceEntity: src, Definition: d})
		}
	}
	describe := func(id string, n *int64, alias *string) func() (any, error) {
		return func() (any, error) {
			return svc.DescribeTemplate(ctx, &api.DescribeTemplateRequest{AwsAccountId: acct, TemplateId: s(id), VersionNumber: n, AliasName: alias})
		}
	}
	definition := func(id string) func() (any, error) {
		return func() (any, error) {
			return svc.DescribeTemplateDefinition(ctx, &api.DescribeTemplateDefinitionRequest{AwsAccountId: acct, TemplateId: s(id)})
		}
	}
	alias := func(id, name string, n int64, create bool) func() (any, error) {
		return func() (any, error) {
			if create {
				return svc.CreateTemplateAlias(ctx, &api.CreateTemplateAliasRequest{AwsAccountId: acct, TemplateId: s(id), AliasName: s(name), TemplateVersionNumber: &n})
			}
			return svc.UpdateTemplateAlias(ctx, &api.UpdateTemplateAliasRequest{AwsAccountId: acct, TemplateId: s(id), AliasName: s(name), TemplateVersionNumber: &n})
		}
	}
	deleteVersion := func(id string, n int64) func() (any, error) {
		return func() (any, error) {
			return svc.DeleteTemplate(ctx, &api.DeleteTemplateRequest{AwsAccountId: acct, TemplateId: s(id), VersionNumber: &n})
		}
	}
	analysis := func(id string, refs ...string) func() (any, error) {
		return func() (any, error) {
			src := &api.AnalysisSourceTemplate{Arn: arn("template", "t1")}
			for i := 0; i+1 < len(refs); i += 2 {
				src.DataSetReferences = append(src.DataSetReferences, api.DataSetReference{DataSetPlaceholder: s(refs[i]), DataSetArn: arn("dataset", refs[i+1])})
			}
			return svc.CreateAnalysis(ctx, &api.CreateAnalysisRequest{AwsAccountId: acct, AnalysisId: s(id), Name: s(id),
				SourceEntity: &api.AnalysisSourceEntity{SourceTemplate: src}})
		}
	}
	version := func(want int64, desc string, placeholders int) func(any) bool {
		return func(out any) bool {
			v := out.(*api.DescribeTemplateResponse).Template.Version
			return *v.VersionNumber == want && (desc == "" || *v.Description == desc) && len(v.DataSetConfigurations) == placeholders
		}
	}
	n := func(v int64) *int64 { return &v }
	// The data sets the analyses name must exist.
	if _, err := svc.CreateDataSource(ctx, &api.CreateDataSourceRequest{AwsAccountId: acct, DataSourceId: s("src"), Name: s("src"),
		Type: (*api.DataSourceType)(s("ATHENA"))}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"sales", "orders", "customers"} {
		if _, err := svc.CreateDataSet(ctx, &api.CreateDataSetRequest{AwsAccountId: acct, DataSetId: s(id), Name: s(id),
			ImportMode: (*api.DataSetImportMode)(s("SPICE")), PhysicalTableMap: map[string]api.PhysicalTable{"t": {RelationalTable: &api.RelationalTable{
				DataSourceArn: arn("datasource", "src"), Name: s("t"), InputColumns: []api.InputColumn{{Name: s("c"), Type: (*api.InputColumnDataType)(s("STRING"))}}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreateAnalysis(ctx, &api.CreateAnalysisRequest{AwsAccountId: acct, AnalysisId: s("a1"), Name: s("a1"), ThemeArn: arn("theme", "dark"),
		Definition: &api.AnalysisDefinition{DataSetIdentifierDeclarations: []api.DataSetIdentifierDeclaration{{Identifier: s("sales"), DataSetArn: arn("dataset", "sales")}},
			Sheets: []api.SheetDefinition{{SheetId: s("s1")}}}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		call func() (any, error)
		code string // "" for success
		ok   func(any) bool
	}{
		{"create from a definition", create("t1", nil, def("ph0", "ph1")), "", func(o any) bool {
			r := o.(*api.CreateTemplateResponse)
			return *r.CreationStatus == api.ResourceStatusCreationInProgress && *r.VersionArn == "arn:aws:quicksight:us-east-1:111122223333:template/t1/version/1"
		}},
		{"create from an analysis", create("t2", fromAnalysis("a1"), nil), "", nil},
		{"the analysis's definition", definition("t2"), "", func(o any) bool {
			r := o.(*api.DescribeTemplateDefinitionResponse)
			return *r.ThemeArn == *arn("theme", "dark") && len(r.Definition.DataSetConfigurations) == 1 &&
				*r.Definition.DataSetConfigurations[0].Placeholder == "sales" && *r.Definition.Sheets[0].SheetId == "s1"
		}},
		{"create from a template", create("t3", fromTemplate(arn("template", "t2")), nil), "", nil},
		{"the template's definition", describe("t3", nil, nil), "", version(1, "first", 1)},
		{"create from both", create("t4", fromAnalysis("a1"), def("x")), qslocal.CodeInvalidParameterValue, nil},
		{"create from neither", create("t4", nil, nil), qslocal.CodeInvalidParameterValue, nil},
		{"create from a missing analysis", create("t4", fromAnalysis("none"), nil), qslocal.CodeResourceNotFound, nil},
		{"create from a missing template", create("t4", fromTemplate(arn("template", "none")), nil), qslocal.CodeResourceNotFound, nil},
		{"create from a bad version ARN", create("t4", fromTemplate(s(*arn("template", "t1")+"/version/x")), nil), qslocal.CodeInvalidParameterValue, nil},
		{"create from an analysis of another account", create("t4", &api.TemplateSourceEntity{SourceAnalysis: &api.TemplateSourceAnalysis{
			Arn: s("arn:aws:quicksight:us-east-1:999999999999:analysis/a1")}}, nil), qslocal.CodeInvalidParameterValue, nil},
		{"create a taken id", create("t1", nil, def()), qslocal.CodeResourceExists, nil},
		{"update makes version 2", update("t1", nil, def("only")), "", nil},
		{"update from version 1 of itself", update("t1", fromTemplate(s(*arn("template", "t1")+"/version/1")), nil), "", nil},
		{"update a missing template", update("none", nil, def()), qslocal.CodeResourceNotFound, nil},
		{"describe latest", describe("t1", nil, nil), "", version(3, "next", 2)},
		{"describe version 2", describe("t1", n(2), nil), "", version(2, "next", 1)},
		{"describe $LATEST", describe("t1", nil, s("$LATEST")), "", version(3, "", 2)},
		{"describe $PUBLISHED", describe("t1", nil, s("$PUBLISHED")), qslocal.CodeInvalidParameterValue, nil},
		{"describe both", describe("t1", n(1), s("$LATEST")), qslocal.CodeInvalidParameterValue, nil},
		{"describe a missing version", describe("t1", n(9), nil), qslocal.CodeResourceNotFound, nil},
		{"create alias", alias("t1", "prod", 2, true), "", nil},
		{"describe by alias", describe("t1", nil, s("prod")), "", version(2, "next", 1)},
		{"create a taken alias", alias("t1", "prod", 1, true), qslocal.CodeResourceExists, nil},
		{"alias a missing version", alias("t1", "qa", 7, true), qslocal.CodeResourceNotFound, nil},
		// ConflictException: every template alias operation declares it,
		// and none declares InvalidParameterValueException.
		{"alias a reserved name", alias("t1", "$LATEST", 1, true), qslocal.CodeConflict, nil},
		{"update a missing alias", alias("t1", "qa", 1, false), qslocal.CodeResourceNotFound, nil},
		{"delete an aliased version", deleteVersion("t1", 2), qslocal.CodeConflict, nil},
		{"move alias", alias("t1", "prod", 3, false), "", nil},
		{"delete version 2", deleteVersion("t1", 2), "", nil},
		{"version 2 is gone", describe("t1", n(2), nil), qslocal.CodeResourceNotFound, nil},
		{"delete the only version", deleteVersion("t2", 1), qslocal.CodeConflict, nil},
		{"an analysis from a template", analysis("an1", "ph0", "orders", "ph1", "customers"), "", nil},
		{"its definition is the template's", func() (any, error) {
			return svc.DescribeAnalysisDefinition(ctx, &api.DescribeAnalysisDefinitionRequest{AwsAccountId: acct, AnalysisId: s("an1")})
		}, "", func(o any) bool {
			d := o.(*api.DescribeAnalysisDefinitionResponse).Definition
			return d != nil && len(d.DataSetIdentifierDeclarations) == 2 && *d.DataSetIdentifierDeclarations[1].Identifier == "ph1" &&
				*d.DataSetIdentifierDeclarations[1].DataSetArn == *arn("dataset", "customers") && *d.Sheets[0].SheetId == "sh"
		}},
		{"an analysis missing a placeholder", analysis("an2", "ph0", "orders"), qslocal.CodeInvalidParameterValue, nil},
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
	d, err := svc.DescribeTemplate(ctx, &api.DescribeTemplateRequest{AwsAccountId: acct, TemplateId: s("t1")})
	if err != nil || *d.Template.Version.Status != api.ResourceStatusCreationSuccessful {
		t.Errorf("after the delay: %+v, %v", d, err)
	}
	l, err := svc.ListTemplates(ctx, &api.ListTemplatesRequest{AwsAccountId: acct})
	if err != nil || len(l.TemplateSummaryList) != 3 || *l.TemplateSummaryList[0].LatestVersionNumber != 3 {
		t.Errorf("ListTemplates: %+v, %v", l, err)
	}
}
