package qslocal_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

// A data set's members come back as sent, and OutputColumns follow its
// tables and transforms.
func TestDataSetOutputColumns(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	svc := dataSourceService(t, &now, 0)
	acct := s("111122223333")
	typ := api.DataSourceType("ATHENA")
	if _, err := svc.CreateDataSource(ctx, &api.CreateDataSourceRequest{AwsAccountId: acct, DataSourceId: s("src"), Name: s("src"), Type: &typ,
		DataSourceParameters: &api.DataSourceParameters{AthenaParameters: &api.AthenaParameters{WorkGroup: s("primary")}}}); err != nil {
		t.Fatal(err)
	}
	src := s("arn:aws:quicksight:us-east-1:111122223333:datasource/src")
	col := func(name, typ string) api.InputColumn {
		ct := api.InputColumnDataType(typ)
		return api.InputColumn{Name: s(name), Type: &ct}
	}
	rel := func(cols ...api.InputColumn) api.PhysicalTable {
		return api.PhysicalTable{RelationalTable: &api.RelationalTable{DataSourceArn: src, Name: s("t"), InputColumns: cols}}
	}
	left, right := api.JoinType("INNER"), "a = b"
	cases := []struct {
		name     string
		physical map[string]api.PhysicalTable
		logical  map[string]api.LogicalTable
		want     string // name:type,...
		err      string // a member the error names
	}{
		{name: "physical only", physical: map[string]api.PhysicalTable{"b": rel(col("x", "STRING")), "a": rel(col("y", "BOOLEAN"), col("z", "JSON"))},
			want: "y:INTEGER,z:STRING,x:STRING"},
		{name: "custom SQL", physical: map[string]api.PhysicalTable{"q": {CustomSql: &api.CustomSql{DataSourceArn: src, Name: s("q"), SqlQuery: s("select 1"),
			Columns: []api.InputColumn{col("one", "INTEGER")}}}}, want: "one:INTEGER"},
		{name: "projected", physical: map[string]api.PhysicalTable{"p": rel(col("a", "STRING"), col("b", "DECIMAL"), col("c", "DATETIME"))},
			logical: map[string]api.LogicalTable{"l": {Alias: s("l"), Source: &api.LogicalTableSource{PhysicalTableId: s("p")},
				DataTransforms: []api.TransformOperation{{ProjectOperation: &api.ProjectOperation{ProjectedColumns: []string{"c", "a"}}}}}},
			want: "c:DATETIME,a:STRING"},
		{name: "cast, rename and a calculated column", physical: map[string]api.PhysicalTable{"p": rel(col("a", "STRING"))},
			logical: map[string]api.LogicalTable{"l": {Alias: s("l"), Source: &api.LogicalTableSource{PhysicalTableId: s("p")},
				DataTransforms: []api.TransformOperation{
					{CastColumnTypeOperation: &api.CastColumnTypeOperation{ColumnName: s("a"), NewColumnType: ptrTo(api.ColumnDataType("INTEGER"))}},
					{RenameColumnOperation: &api.RenameColumnOperation{ColumnName: s("a"), NewColumnName: s("n")}},
					{CreateColumnsOperation: &api.CreateColumnsOperation{Columns: []api.CalculatedColumn{{ColumnName: s("twice"), ColumnId: s("c1"), Expression: s("n*2")}}}},
				}}},
			want: "n:INTEGER,twice:"},
		{name: "a join", physical: map[string]api.PhysicalTable{"p": rel(col("a", "STRING")), "q": rel(col("b", "STRING"))},
			logical: map[string]api.LogicalTable{
				"l": {Alias: s("l"), Source: &api.LogicalTableSource{PhysicalTableId: s("p")}},
				"r": {Alias: s("r"), Source: &api.LogicalTableSource{PhysicalTableId: s("q")}},
				"j": {Alias: s("j"), Source: &api.LogicalTableSource{JoinInstruction: &api.JoinInstruction{LeftOperand: s("l"), RightOperand: s("r"), Type: &left, OnClause: &right}}},
			},
			want: "a:STRING,b:STRING"},
		{name: "a missing data source", physical: map[string]api.PhysicalTable{"p": {S3Source: &api.S3Source{
			DataSourceArn: s("arn:aws:quicksight:us-east-1:111122223333:datasource/nope"), InputColumns: []api.InputColumn{col("a", "STRING")}}}},
			err: "PhysicalTableMap.p.S3Source.DataSourceArn"},
		{name: "a data source of another account", physical: map[string]api.PhysicalTable{"p": {RelationalTable: &api.RelationalTable{
			DataSourceArn: s("arn:aws:quicksight:us-east-1:999999999999:datasource/src"), Name: s("t"), InputColumns: []api.InputColumn{col("a", "STRING")}}}},
			err: "PhysicalTableMap.p.RelationalTable.DataSourceArn"},
		{name: "a source data set that does not exist", physical: map[string]api.PhysicalTable{"p": rel(col("a", "STRING"))},
			logical: map[string]api.LogicalTable{"l": {Alias: s("l"), Source: &api.LogicalTableSource{DataSetArn: s("arn:aws:quicksight:us-east-1:111122223333:dataset/none")}}},
			err:     "LogicalTableMap.l.Source.DataSetArn"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := s(strings.ReplaceAll(tc.name, " ", "-"))
			mode := api.DataSetImportMode("DIRECT_QUERY")
			folders := map[string]api.FieldFolder{"f": {Columns: []string{"a"}}}
			_, err := svc.CreateDataSet(ctx, &api.CreateDataSetRequest{AwsAccountId: acct, DataSetId: id, Name: s(tc.name), ImportMode: &mode,
				PhysicalTableMap: tc.physical, LogicalTableMap: tc.logical, FieldFolders: folders})
			if tc.err != "" {
				var e *qslocal.Error
				if !errors.As(err, &e) || e.Code != qslocal.CodeInvalidParameterValue || !strings.Contains(e.Message, tc.err) {
					t.Fatalf("case %d: %v; want InvalidParameterValue naming %s", i, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := svc.DescribeDataSet(ctx, &api.DescribeDataSetRequest{AwsAccountId: acct, DataSetId: id})
			if err != nil {
				t.Fatal(err)
			}
			d := out.DataSet
			if !reflect.DeepEqual(d.PhysicalTableMap, tc.physical) || !reflect.DeepEqual(d.LogicalTableMap, tc.logical) ||
				!reflect.DeepEqual(d.FieldFolders, folders) || *d.ConsumedSpiceCapacityInBytes != 0 || *d.ImportMode != mode {
				t.Errorf("not as sent: %+v", d)
			}
			var got []string
			for _, c := range d.OutputColumns {
				typ := ""
				if c.Type != nil {
					typ = string(*c.Type)
				}
				got = append(got, *c.Name+":"+typ)
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("OutputColumns = %s, want %s", strings.Join(got, ","), tc.want)
			}
		})
	}
}
