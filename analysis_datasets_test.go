package qslocal_test

import (
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

// The data sets an analysis names, in its definition or in the template
// reference it is made from, must be data sets of the account; otherwise
// CreateAnalysis and UpdateAnalysis are InvalidParameterValueException
// naming the member, and change nothing.
func TestAnalysisDataSetsMustExist(t *testing.T) {
	w := newFolderWorld(t)
	acct := s(reachAccount)
	w.must("CreateDataSource", w.dataSource("src", nil))
	w.must("CreateDataSet", w.dataSet("d1", "src", nil))
	_, err := w.svc.CreateTemplate(w.ctx, &api.CreateTemplateRequest{AwsAccountId: acct, TemplateId: s("t1"), Name: s("t1"),
		Definition: &api.TemplateVersionDefinition{DataSetConfigurations: []api.DataSetConfiguration{{Placeholder: s("ph")}}}})
	w.must("CreateTemplate", err)
	declaring := func(arns ...string) *api.AnalysisDefinition {
		d := &api.AnalysisDefinition{}
		for _, a := range arns {
			d.DataSetIdentifierDeclarations = append(d.DataSetIdentifierDeclarations, api.DataSetIdentifierDeclaration{Identifier: s(a), DataSetArn: s(a)})
		}
		return d
	}
	fromTemplate := func(arn string) *api.AnalysisSourceEntity {
		return &api.AnalysisSourceEntity{SourceTemplate: &api.AnalysisSourceTemplate{Arn: s(reachARN("template/t1")),
			DataSetReferences: []api.DataSetReference{{DataSetPlaceholder: s("ph"), DataSetArn: s(arn)}}}}
	}
	create := func(id string, def *api.AnalysisDefinition, src *api.AnalysisSourceEntity) error {
		_, err := w.svc.CreateAnalysis(w.ctx, &api.CreateAnalysisRequest{AwsAccountId: acct, AnalysisId: s(id), Name: s(id), Definition: def, SourceEntity: src})
		return err
	}
	update := func(id string, def *api.AnalysisDefinition, src *api.AnalysisSourceEntity) error {
		_, err := w.svc.UpdateAnalysis(w.ctx, &api.UpdateAnalysisRequest{AwsAccountId: acct, AnalysisId: s(id), Name: s("updated"), Definition: def, SourceEntity: src})
		return err
	}
	d1, missing := reachARN("dataset/d1"), reachARN("dataset/nope")
	w.must("CreateAnalysis on d1", create("a1", declaring(d1), nil))
	w.must("CreateAnalysis from a template on d1", create("a2", nil, fromTemplate(d1)))

	for _, tc := range []struct {
		name      string
		def       *api.AnalysisDefinition
		src       *api.AnalysisSourceEntity
		inMessage string
	}{
		{"a missing data set", declaring(d1, missing), nil,
			"Definition.DataSetIdentifierDeclarations[1].DataSetArn: data set nope not found in account " + reachAccount},
		{"a data set of another account", declaring("arn:aws:quicksight:us-east-1:999988887777:dataset/d1"), nil, "Definition.DataSetIdentifierDeclarations[0].DataSetArn"},
		{"a data source", declaring(reachARN("datasource/src")), nil, "Definition.DataSetIdentifierDeclarations[0].DataSetArn"},
		{"not an ARN", declaring("d1"), nil, "Definition.DataSetIdentifierDeclarations[0].DataSetArn"},
		{"a template reference to a missing data set", nil, fromTemplate(missing),
			"SourceEntity.SourceTemplate.DataSetReferences[0].DataSetArn: data set nope not found"},
	} {
		wantErr(t, "CreateAnalysis naming "+tc.name, create("a3", tc.def, tc.src), qslocal.CodeInvalidParameterValue, tc.inMessage)
		wantErr(t, "UpdateAnalysis naming "+tc.name, update("a1", tc.def, tc.src), qslocal.CodeInvalidParameterValue, tc.inMessage)
	}
	_, err = w.svc.DescribeAnalysis(w.ctx, &api.DescribeAnalysisRequest{AwsAccountId: acct, AnalysisId: s("a3")})
	wantErr(t, "DescribeAnalysis after the failed creates", err, qslocal.CodeResourceNotFound, "a3")
	d, err := w.svc.DescribeAnalysis(w.ctx, &api.DescribeAnalysisRequest{AwsAccountId: acct, AnalysisId: s("a1")})
	if err != nil || *d.Analysis.Name != "a1" || len(d.Analysis.DataSetArns) != 1 || d.Analysis.DataSetArns[0] != d1 {
		t.Errorf("a1 after the failed updates: %+v, %v", d, err)
	}

	// Once its data set is deleted, an analysis cannot be updated to name it.
	_, err = w.svc.DeleteDataSet(w.ctx, &api.DeleteDataSetRequest{AwsAccountId: acct, DataSetId: s("d1")})
	w.must("DeleteDataSet", err)
	wantErr(t, "UpdateAnalysis naming a deleted data set", update("a1", declaring(d1), nil), qslocal.CodeInvalidParameterValue, "data set d1 not found")
	w.must("UpdateAnalysis to no data set", update("a1", declaring(), nil))
}
