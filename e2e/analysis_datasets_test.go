package e2e

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestAnalysisDataSetsMustExist: an analysis's data sets, declared in its
// definition or bound in its template reference, must exist; otherwise
// InvalidParameterValueException names the member, and nothing changes.
func TestAnalysisDataSetsMustExist(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	acct := aws.String(account)
	create := func(id string, def *types.AnalysisDefinition, src *types.AnalysisSourceEntity) error {
		_, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String(id), Name: aws.String(id),
			Definition: def, SourceEntity: src})
		return err
	}
	checkErr(t, "CreateAnalysis before its data set exists", create("a1", salesDefinition("s"), nil),
		expectInvalid("Definition.DataSetIdentifierDeclarations[0].DataSetArn: data set sales not found in account "+account))
	_, err := c.DescribeAnalysis(ctx(t), &quicksight.DescribeAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1")})
	checkErr(t, "DescribeAnalysis after the refused create", err, expectNotFound("", "a1"))
	mkDataSets(t, c, "sales")
	if err := create("a1", salesDefinition("s"), nil); err != nil {
		t.Fatalf("CreateAnalysis once its data set exists: %v", err)
	}

	mkTemplate(t, c, "t1", templateDefinition("ph"))
	ref := &types.AnalysisSourceEntity{SourceTemplate: &types.AnalysisSourceTemplate{Arn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":template/t1"),
		DataSetReferences: []types.DataSetReference{{DataSetPlaceholder: aws.String("ph"), DataSetArn: aws.String(principal("dataset", "orders"))}}}}
	_, err = c.UpdateAnalysis(ctx(t), &quicksight.UpdateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1"), Name: aws.String("n"), SourceEntity: ref})
	checkErr(t, "UpdateAnalysis from a template, bound to a missing data set", err,
		expectInvalid("SourceEntity.SourceTemplate.DataSetReferences[0].DataSetArn: data set orders not found"))
	if a := describeAnalysis(t, c, "a1"); aws.ToString(a.Name) != "a1" || len(a.DataSetArns) != 1 || a.DataSetArns[0] != principal("dataset", "sales") {
		t.Errorf("a1 after the refused update: name %q, data sets %v", aws.ToString(a.Name), a.DataSetArns)
	}
}
