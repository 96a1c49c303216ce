package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

var (
	dsetOwner = []string{
		"quicksight:CancelIngestion", "quicksight:CreateIngestion", "quicksight:DeleteDataSet", "quicksight:DescribeDataSet",
		"quicksight:DescribeDataSetPermissions", "quicksight:DescribeIngestion", "quicksight:ListIngestions", "quicksight:PassDataSet",
		"quicksight:UpdateDataSet", "quicksight:UpdateDataSetPermissions",
	}
	dsetViewer = []string{"quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:DescribeIngestion",
		"quicksight:ListIngestions", "quicksight:PassDataSet"}
)

func dataSourceARN(id string) string {
	return "arn:aws:quicksight:us-east-1:" + account + ":datasource/" + id
}

// sales is a physical table of data source src with three columns.
func sales(src string) map[string]types.PhysicalTable {
	return map[string]types.PhysicalTable{"t1": &types.PhysicalTableMemberRelationalTable{Value: types.RelationalTable{
		DataSourceArn: aws.String(dataSourceARN(src)), Schema: aws.String("public"), Name: aws.String("sales"),
		InputColumns: []types.InputColumn{
			{Name: aws.String("id"), Type: types.InputColumnDataTypeInteger},
			{Name: aws.String("region"), Type: types.InputColumnDataTypeString},
			{Name: aws.String("amount"), Type: types.InputColumnDataTypeDecimal},
		}}}}
}

func mkDataSet(t *testing.T, c *quicksight.Client, id, src string, perms ...types.ResourcePermission) {
	t.Helper()
	in := &quicksight.CreateDataSetInput{AwsAccountId: aws.String(account), DataSetId: aws.String(id), Name: aws.String("Data set " + id),
		ImportMode: types.DataSetImportModeDirectQuery, PhysicalTableMap: sales(src)}
	if len(perms) > 0 {
		in.Permissions = perms
	}
	if _, err := c.CreateDataSet(ctx(t), in); err != nil {
		t.Fatalf("CreateDataSet %q: %v", id, err)
	}
}

func dataSetPerms(t *testing.T, c *quicksight.Client, id string) string {
	t.Helper()
	out, err := c.DescribeDataSetPermissions(ctx(t), &quicksight.DescribeDataSetPermissionsInput{AwsAccountId: aws.String(account), DataSetId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeDataSetPermissions %q: %v", id, err)
	}
	return permString(out.Permissions)
}

func updateDataSetPerms(c *quicksight.Client, t *testing.T, id string, grant, revoke []types.ResourcePermission) (*quicksight.UpdateDataSetPermissionsOutput, error) {
	return c.UpdateDataSetPermissions(ctx(t), &quicksight.UpdateDataSetPermissionsInput{AwsAccountId: aws.String(account),
		DataSetId: aws.String(id), GrantPermissions: grant, RevokePermissions: revoke})
}

func columnNames(cols []types.OutputColumn) string {
	var s []string
	for _, c := range cols {
		s = append(s, aws.ToString(c.Name)+":"+string(c.Type))
	}
	return strings.Join(s, ",")
}

func TestDataSetLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	mkGroup(t, c, "default", "team", "")
	alice, team := principal("user", "default/alice"), principal("group", "default/team")
	mkDataSource(t, c, "pg")
	arn := "arn:aws:quicksight:us-east-1:" + account + ":dataset/sales"

	// Create (SPICE) with a logical table that renames and projects,
	// permissions and tags.
	logical := map[string]types.LogicalTable{"l1": {Alias: aws.String("Sales"), Source: &types.LogicalTableSource{PhysicalTableId: aws.String("t1")},
		DataTransforms: []types.TransformOperation{
			&types.TransformOperationMemberRenameColumnOperation{Value: types.RenameColumnOperation{ColumnName: aws.String("amount"), NewColumnName: aws.String("total")}},
			&types.TransformOperationMemberProjectOperation{Value: types.ProjectOperation{ProjectedColumns: []string{"region", "total"}}},
		}}}
	created, err := c.CreateDataSet(ctx(t), &quicksight.CreateDataSetInput{AwsAccountId: acct, DataSetId: aws.String("sales"), Name: aws.String("Sales"),
		//lint:ignore SA1019 AWS still takes LogicalTableMap, and infrastructure tools send it.
		ImportMode: types.DataSetImportModeSpice, PhysicalTableMap: sales("pg"), LogicalTableMap: logical,
		Permissions: []types.ResourcePermission{perm(alice, dsetOwner...)}, Tags: []types.Tag{tag("team", "finance")}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.Arn) != arn || aws.ToString(created.DataSetId) != "sales" || created.Status != 201 ||
		!strings.HasPrefix(aws.ToString(created.IngestionArn), arn+"/ingestion/") || aws.ToString(created.IngestionId) == "" ||
		!strings.HasSuffix(aws.ToString(created.IngestionArn), aws.ToString(created.IngestionId)) {
		t.Errorf("CreateDataSet = %s %s %d %s %s", aws.ToString(created.Arn), aws.ToString(created.DataSetId), created.Status,
			aws.ToString(created.IngestionArn), aws.ToString(created.IngestionId))
	}
	describe := func() *types.DataSet {
		t.Helper()
		out, err := c.DescribeDataSet(ctx(t), &quicksight.DescribeDataSetInput{AwsAccountId: acct, DataSetId: aws.String("sales")})
		if err != nil {
			t.Fatal(err)
		}
		return out.DataSet
	}
	d := describe()
	rel, ok := d.PhysicalTableMap["t1"].(*types.PhysicalTableMemberRelationalTable)
	if aws.ToString(d.Name) != "Sales" || aws.ToString(d.Arn) != arn || d.ImportMode != types.DataSetImportModeSpice || d.ConsumedSpiceCapacityInBytes != 0 ||
		!ok || aws.ToString(rel.Value.DataSourceArn) != dataSourceARN("pg") || len(rel.Value.InputColumns) != 3 ||
		aws.ToString(d.LogicalTableMap["l1"].Alias) != "Sales" || len(d.LogicalTableMap["l1"].DataTransforms) != 2 {
		t.Errorf("DescribeDataSet = %+v", d)
	}
	if got := columnNames(d.OutputColumns); got != "region:STRING,total:DECIMAL" {
		t.Errorf("OutputColumns = %s", got)
	}
	for _, path := range []string{"/accounts/" + account + "/data-sets/sales", "/accounts/" + account + "/data-sets"} {
		if body := rawGet(t, s, path); strings.Contains(body, "Permissions") {
			t.Errorf("GET %s answers permissions: %s", path, body)
		}
	}
	if got, want := dataSetPerms(t, c, "sales"), alice+"="+strings.Join(dsetOwner, ","); got != want {
		t.Errorf("permissions after create:\n got %s\nwant %s", got, want)
	}
	if got := tagsOf(t, c, arn); got != "team=finance" {
		t.Errorf("tags = %q", got)
	}

	// Update: direct query, no logical tables; every column is output.
	mkDataSource(t, c, "pg2")
	upd, err := c.UpdateDataSet(ctx(t), &quicksight.UpdateDataSetInput{AwsAccountId: acct, DataSetId: aws.String("sales"), Name: aws.String("Sales 2"),
		ImportMode: types.DataSetImportModeDirectQuery, PhysicalTableMap: sales("pg2")})
	if err != nil || aws.ToString(upd.Arn) != arn || upd.IngestionArn != nil || upd.Status != 200 {
		t.Fatalf("UpdateDataSet: %+v, %v", upd, err)
	}
	d = describe()
	if aws.ToString(d.Name) != "Sales 2" || d.ImportMode != types.DataSetImportModeDirectQuery || d.LogicalTableMap != nil ||
		columnNames(d.OutputColumns) != "id:INTEGER,region:STRING,amount:DECIMAL" {
		t.Errorf("after UpdateDataSet: %+v %s", d, columnNames(d.OutputColumns))
	}

	// Grant and revoke in one request (POST); the answer carries no
	// permissions.
	up, err := updateDataSetPerms(c, t, "sales", []types.ResourcePermission{perm(team, dsetViewer...)},
		[]types.ResourcePermission{perm(alice, "quicksight:DeleteDataSet")})
	if err != nil || aws.ToString(up.DataSetArn) != arn || aws.ToString(up.DataSetId) != "sales" {
		t.Fatalf("UpdateDataSetPermissions: %+v, %v", up, err)
	}
	aliceLeft := slices.DeleteFunc(slices.Clone(dsetOwner), func(a string) bool { return a == "quicksight:DeleteDataSet" })
	if got, want := dataSetPerms(t, c, "sales"), permString([]types.ResourcePermission{perm(alice, aliceLeft...), perm(team, dsetViewer...)}); got != want {
		t.Errorf("after grant and revoke:\n got %s\nwant %s", got, want)
	}

	// Search by name and by ownership.
	mkDataSet(t, c, "other", "pg", perm(team, "quicksight:DescribeDataSet"))
	for _, tc := range []struct {
		name  types.DataSetFilterAttribute
		op    types.FilterOperator
		value string
		want  []string
	}{
		{types.DataSetFilterAttributeDatasetName, types.FilterOperatorStringLike, "sales", []string{"sales"}},
		{types.DataSetFilterAttributeDatasetName, types.FilterOperatorStringEquals, "Data set other", []string{"other"}},
		{types.DataSetFilterAttributeDirectQuicksightOwner, types.FilterOperatorStringEquals, alice, []string{"sales"}},
		{types.DataSetFilterAttributeDirectQuicksightViewerOrOwner, types.FilterOperatorStringEquals, team, []string{"other", "sales"}},
		{types.DataSetFilterAttributeQuicksightViewerOrOwner, types.FilterOperatorStringEquals, team, []string{"other", "sales"}},
		{types.DataSetFilterAttributeDirectQuicksightSoleOwner, types.FilterOperatorStringEquals, alice, []string{"sales"}},
		{types.DataSetFilterAttributeQuicksightOwner, types.FilterOperatorStringEquals, team, nil},
	} {
		out, err := c.SearchDataSets(ctx(t), &quicksight.SearchDataSetsInput{AwsAccountId: acct,
			Filters: []types.DataSetSearchFilter{{Name: tc.name, Operator: tc.op, Value: aws.String(tc.value)}}})
		if err != nil {
			t.Fatalf("SearchDataSets %s %s %s: %v", tc.name, tc.op, tc.value, err)
		}
		var ids []string
		for _, d := range out.DataSetSummaries {
			ids = append(ids, aws.ToString(d.DataSetId))
			if d.ImportMode != types.DataSetImportModeDirectQuery || d.CreatedTime == nil {
				t.Errorf("summary %+v", d)
			}
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("SearchDataSets %s %s %s = %q, want %q", tc.name, tc.op, tc.value, ids, tc.want)
		}
	}

	// Deleting a data source a data set uses is allowed (AWS: it "breaks
	// all the datasets that reference the deleted data source"); the data
	// set still describes as stored.
	if _, err := c.DeleteDataSource(ctx(t), &quicksight.DeleteDataSourceInput{AwsAccountId: acct, DataSourceId: aws.String("pg2")}); err != nil {
		t.Fatalf("DeleteDataSource in use: %v", err)
	}
	describe()

	// Delete: at once, with grants and tags.
	del, err := c.DeleteDataSet(ctx(t), &quicksight.DeleteDataSetInput{AwsAccountId: acct, DataSetId: aws.String("sales")})
	if err != nil || aws.ToString(del.Arn) != arn || aws.ToString(del.DataSetId) != "sales" {
		t.Fatalf("DeleteDataSet: %+v, %v", del, err)
	}
	_, err = c.DescribeDataSet(ctx(t), &quicksight.DescribeDataSetInput{AwsAccountId: acct, DataSetId: aws.String("sales")})
	checkErr(t, "DescribeDataSet after delete", err, expectNotFound(types.ExceptionResourceTypeDataSet, "sales"))
	mkDataSet(t, c, "sales", "pg")
	if got := dataSetPerms(t, c, "sales"); got != "" {
		t.Errorf("a recreated data set has the old one's permissions: %s", got)
	}
	if got := tagsOf(t, c, arn); got != "" {
		t.Errorf("a recreated data set has the old one's tags: %s", got)
	}
}

func TestListDataSets(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	mkDataSource(t, c, "src")
	var want []string
	for i := range 5 {
		id := fmt.Sprintf("d%d", i)
		mkDataSet(t, c, id, "src")
		want = append(want, id)
	}
	var got []string
	pages := 0
	p := quicksight.NewListDataSetsPaginator(c, &quicksight.ListDataSetsInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, d := range page.DataSetSummaries {
			got = append(got, aws.ToString(d.DataSetId))
			if d.ImportMode != types.DataSetImportModeDirectQuery || d.ColumnLevelPermissionRulesApplied {
				t.Errorf("listed %+v", d)
			}
		}
	}
	if !slices.Equal(got, want) || pages != 3 {
		t.Errorf("ListDataSets by 2 = %q in %d pages, want %q in 3", got, pages, want)
	}
	sp := quicksight.NewSearchDataSetsPaginator(c, &quicksight.SearchDataSetsInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(3),
		Filters: []types.DataSetSearchFilter{{Name: types.DataSetFilterAttributeDatasetName, Operator: types.FilterOperatorStringLike, Value: aws.String("set d")}}})
	got, pages = nil, 0
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, d := range page.DataSetSummaries {
			got = append(got, aws.ToString(d.DataSetId))
		}
	}
	if !slices.Equal(got, want) || pages != 2 {
		t.Errorf("SearchDataSets by 3 = %q in %d pages, want %q in 2", got, pages, want)
	}
}

// TestDataSetErrors: every error UpdateDataSetPermissions declares that
// can arise without authentication, typed, and the data set operations'
// own.
func TestDataSetErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "bob")
	bob := principal("user", "default/bob")
	mkDataSource(t, c, "src")
	mkDataSet(t, c, "ds", "src", perm(bob, dsetOwner...))
	grant := func(id string, perms ...types.ResourcePermission) func() error {
		return func() error { _, err := updateDataSetPerms(c, t, id, perms, nil); return err }
	}
	create := func(id string, mod func(*quicksight.CreateDataSetInput)) func() error {
		return func() error {
			in := &quicksight.CreateDataSetInput{AwsAccountId: acct, DataSetId: aws.String(id), Name: aws.String("n"),
				ImportMode: types.DataSetImportModeSpice, PhysicalTableMap: sales("src")}
			if mod != nil {
				mod(in)
			}
			_, err := c.CreateDataSet(ctx(t), in)
			return err
		}
	}
	runErrCases(t, []errCase{
		{"unknown action", grant("ds", perm(bob, "quicksight:DescribeDataSource")), expectInvalid("GrantPermissions[0].Actions[0]")},
		{"principal that does not exist", grant("ds", perm(bob, "quicksight:PassDataSet"), perm(principal("user", "default/nobody"), "quicksight:PassDataSet")), expectInvalid("GrantPermissions[1].Principal: user/default/nobody")},
		{"principal in another account", grant("ds", perm("arn:aws:quicksight:us-east-1:999999999999:user/default/bob", "quicksight:PassDataSet")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal that is not an ARN", grant("ds", perm("bob", "quicksight:PassDataSet")), expectInvalid("GrantPermissions[0].Principal")},
		{"a namespace", grant("ds", perm(principal("namespace", "default"), "quicksight:DescribeDataSet")), expectInvalid("GrantPermissions[0].Principal")},
		{"revoking with an unknown action", func() error {
			_, err := updateDataSetPerms(c, t, "ds", nil, []types.ResourcePermission{perm(bob, "quicksight:Nothing")})
			return err
		}, expectInvalid("RevokePermissions[0].Actions[0]")},
		{"65 grants in one list", grant("ds", slices.Repeat([]types.ResourcePermission{perm(bob, "quicksight:PassDataSet")}, 65)...), expectValidation("GrantPermissions")},
		{"a data set that does not exist", grant("missing", perm(bob, "quicksight:PassDataSet")), expectNotFound(types.ExceptionResourceTypeDataSet, "missing")},
		{"a data source that does not exist", create("x", func(in *quicksight.CreateDataSetInput) { in.PhysicalTableMap = sales("nosuch") }),
			expectInvalid("PhysicalTableMap.t1.RelationalTable.DataSourceArn")},
		{"a custom SQL data source that does not exist", create("x", func(in *quicksight.CreateDataSetInput) {
			in.PhysicalTableMap = map[string]types.PhysicalTable{"q": &types.PhysicalTableMemberCustomSql{Value: types.CustomSql{
				DataSourceArn: aws.String(dataSourceARN("gone")), Name: aws.String("q"), SqlQuery: aws.String("select 1"),
				Columns: []types.InputColumn{{Name: aws.String("one"), Type: types.InputColumnDataTypeInteger}}}}}
		}), expectInvalid("PhysicalTableMap.q.CustomSql.DataSourceArn")},
		{"a data source ARN of another type", create("x", func(in *quicksight.CreateDataSetInput) {
			in.PhysicalTableMap = map[string]types.PhysicalTable{"s3": &types.PhysicalTableMemberS3Source{Value: types.S3Source{
				DataSourceArn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":dataset/ds"),
				InputColumns:  []types.InputColumn{{Name: aws.String("c"), Type: types.InputColumnDataTypeString}}}}}
		}), expectInvalid("PhysicalTableMap.s3.S3Source.DataSourceArn")},
		{"a logical table over a missing physical table", create("x", func(in *quicksight.CreateDataSetInput) {
			//lint:ignore SA1019 AWS still takes LogicalTableMap, and infrastructure tools send it.
			in.LogicalTableMap = map[string]types.LogicalTable{"l": {Alias: aws.String("l"), Source: &types.LogicalTableSource{PhysicalTableId: aws.String("t9")}}}
		}), expectInvalid("LogicalTableMap.l.Source.PhysicalTableId")},
		{"update to a missing data source", func() error {
			_, err := c.UpdateDataSet(ctx(t), &quicksight.UpdateDataSetInput{AwsAccountId: acct, DataSetId: aws.String("ds"), Name: aws.String("n"),
				ImportMode: types.DataSetImportModeSpice, PhysicalTableMap: sales("nosuch")})
			return err
		}, expectInvalid("PhysicalTableMap.t1.RelationalTable.DataSourceArn")},
		{"duplicate id", create("ds", nil), expectExists(types.ExceptionResourceTypeDataSet)},
		{"create in a missing folder", create("f", func(in *quicksight.CreateDataSetInput) {
			in.FolderArns = []string{"arn:aws:quicksight:us-east-1:" + account + ":folder/f"}
		}), expectNotFound("", "folder/f")},
		{"create with an import mode the model lacks", create("m", func(in *quicksight.CreateDataSetInput) { in.ImportMode = "LIVE" }), expectValidation("ImportMode")},
		{"update a missing data set", func() error {
			_, err := c.UpdateDataSet(ctx(t), &quicksight.UpdateDataSetInput{AwsAccountId: acct, DataSetId: aws.String("missing"), Name: aws.String("n"),
				ImportMode: types.DataSetImportModeSpice, PhysicalTableMap: sales("src")})
			return err
		}, expectNotFound(types.ExceptionResourceTypeDataSet, "missing")},
		{"search with StringLike on an owner", func() error {
			_, err := c.SearchDataSets(ctx(t), &quicksight.SearchDataSetsInput{AwsAccountId: acct, Filters: []types.DataSetSearchFilter{{
				Name: types.DataSetFilterAttributeDirectQuicksightOwner, Operator: types.FilterOperatorStringLike, Value: aws.String(bob)}}})
			return err
		}, expectInvalid("Filters[0].Operator")},
	})

	// At most 64 principals: the 65th is InvalidParameterValue, as
	// UpdateDataSetPermissions declares no LimitExceededException.
	var groups []types.ResourcePermission
	for i := range 64 {
		name := fmt.Sprintf("g%02d", i)
		mkGroup(t, c, "default", name, "")
		groups = append(groups, perm(principal("group", "default/"+name), "quicksight:PassDataSet"))
	}
	if _, err := updateDataSetPerms(c, t, "ds", groups[:63], nil); err != nil {
		t.Fatalf("granting to 63 groups besides bob: %v", err)
	}
	_, err := updateDataSetPerms(c, t, "ds", groups[63:], nil)
	checkErr(t, "a 65th principal", err, expectInvalid("64"))
	if got := dataSetPerms(t, c, "ds"); strings.Count(got, "=") != 64 {
		t.Errorf("after the refused grant: %d principals", strings.Count(got, "="))
	}
}
