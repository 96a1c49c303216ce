package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestAWSCLIDashboards makes, through the AWS CLI, a dashboard from a
// template made from an analysis, shares it through a folder with a group,
// and finds it for a member of the group.
func TestAWSCLIDashboards(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the CLI run takes seconds of Python start-ups")
	}
	s := start(t, "")
	cli, must := awsCLI(t, s)
	acct := []string{"--aws-account-id", account}
	with := func(args ...string) []string { return append(slices.Clone(acct), args...) }
	// Users, the group and the data through the Go SDK: every CLI call
	// costs a second of Python start-up, and they are not what this run
	// checks.
	c := s.client("us-east-1")
	mkUser(t, c, "default", "alice")
	mkUser(t, c, "default", "bob")
	mkGroup(t, c, "default", "team", "")
	joinGroup(t, c, "default", "team", "bob")
	mkDataSets(t, c, "orders")
	alice, bob, team := principal("user", "default/alice"), principal("user", "default/bob"), principal("group", "default/team")
	if _, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String("sales"), Name: aws.String("Sales"),
		Definition: &types.AnalysisDefinition{
			DataSetIdentifierDeclarations: []types.DataSetIdentifierDeclaration{{Identifier: aws.String("orders"), DataSetArn: aws.String(dataSetARN("orders"))}},
			Sheets:                        []types.SheetDefinition{{SheetId: aws.String("s1"), Name: aws.String("Overview")}}}}); err != nil {
		t.Fatal(err)
	}
	analysisArn := "arn:aws:quicksight:us-east-1:" + account + ":analysis/sales"
	refs := `[{"DataSetPlaceholder":"orders","DataSetArn":"` + dataSetARN("orders") + `"}]`

	var tpl struct{ Arn, VersionArn string }
	must(&tpl, "create-template", with("--template-id", "tpl", "--name", "Sales template",
		"--source-entity", `{"SourceAnalysis":{"Arn":"`+analysisArn+`","DataSetReferences":`+refs+`}}`)...)
	var dash struct {
		Arn, VersionArn, CreationStatus string
		Status                          int
	}
	must(&dash, "create-dashboard", with("--dashboard-id", "dash", "--name", "Sales dashboard",
		"--source-entity", `{"SourceTemplate":{"Arn":"`+tpl.Arn+`","DataSetReferences":`+refs+`}}`,
		"--permissions", `[{"Principal":"`+alice+`","Actions":["quicksight:DescribeDashboard","quicksight:UpdateDashboardPermissions"]}]`)...)
	if dash.Arn != dashboardARN("dash") || dash.VersionArn != dashboardARN("dash")+"/version/1" || dash.Status != 202 || dash.CreationStatus != "CREATION_SUCCESSFUL" {
		t.Errorf("create-dashboard = %+v", dash)
	}
	var def struct {
		Definition struct {
			DataSetIdentifierDeclarations []struct{ Identifier, DataSetArn string }
			Sheets                        []struct{ SheetId string }
		}
	}
	must(&def, "describe-dashboard-definition", with("--dashboard-id", "dash")...)
	if d := def.Definition; len(d.DataSetIdentifierDeclarations) != 1 || d.DataSetIdentifierDeclarations[0].DataSetArn != dataSetARN("orders") ||
		len(d.Sheets) != 1 || d.Sheets[0].SheetId != "s1" {
		t.Errorf("describe-dashboard-definition = %+v", def)
	}

	// The group may view the parent folder; the dashboard is in its
	// subfolder.
	var parent struct{ Arn string }
	must(&parent, "create-folder", with("--folder-id", "bi", "--name", "BI", "--folder-type", "SHARED",
		"--permissions", `[{"Principal":"`+team+`","Actions":["quicksight:DescribeFolder"]}]`)...)
	must(nil, "create-folder", with("--folder-id", "bi-sales", "--name", "Sales", "--parent-folder-arn", parent.Arn)...)
	var member struct{ Status int }
	must(&member, "create-folder-membership", with("--folder-id", "bi-sales", "--member-id", "dash", "--member-type", "DASHBOARD")...)
	if member.Status != 200 {
		t.Errorf("create-folder-membership Status %d", member.Status)
	}
	var resolved struct {
		Permissions []struct {
			Principal string
			Actions   []string
		}
	}
	must(&resolved, "describe-folder-resolved-permissions", with("--folder-id", "bi-sales")...)
	if len(resolved.Permissions) != 1 || resolved.Permissions[0].Principal != team || strings.Join(resolved.Permissions[0].Actions, ",") != "quicksight:DescribeFolder" {
		t.Errorf("describe-folder-resolved-permissions = %+v", resolved)
	}
	var found struct {
		DashboardSummaryList []struct{ DashboardId string }
	}
	must(&found, "search-dashboards", with("--filters", `[{"Name":"QUICKSIGHT_VIEWER_OR_OWNER","Operator":"StringEquals","Value":"`+bob+`"}]`)...)
	if len(found.DashboardSummaryList) != 1 || found.DashboardSummaryList[0].DashboardId != "dash" {
		t.Errorf("search-dashboards for bob = %+v", found)
	}
	if msg := cli(nil, "delete-dashboard", with("--dashboard-id", "dash", "--version-number", "1")...); !strings.Contains(msg, "(ConflictException)") {
		t.Errorf("delete-dashboard of the published version: %q", msg)
	}
}
