package qslocal_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/sqlite"
)

func dataSourceService(t *testing.T, now *time.Time, delay time.Duration) *qslocal.Service {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := qslocal.NewService(ctx, qslocal.Config{Store: store, Clock: func() time.Time { return *now }, AsyncDelay: delay})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// Every parameter variant, and the VPC, SSL and alternate parameters, come
// back as sent; credentials never do, but a secret's ARN does.
func TestDataSourceKeptAsSent(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	svc := dataSourceService(t, &now, 0)
	acct := s("111122223333")
	port := int32(5439)
	yes := true
	cases := []struct {
		name   string
		typ    api.DataSourceType
		params api.DataSourceParameters
		creds  *api.DataSourceCredentials
		vpc    *api.VpcConnectionProperties
		ssl    *api.SslProperties
	}{
		{name: "athena", typ: "ATHENA", params: api.DataSourceParameters{AthenaParameters: &api.AthenaParameters{WorkGroup: s("primary")}}},
		{name: "s3", typ: "S3", params: api.DataSourceParameters{S3Parameters: &api.S3Parameters{
			ManifestFileLocation: &api.ManifestFileLocation{Bucket: s("b"), Key: s("k/manifest.json")}, RoleArn: s("arn:aws:iam::111122223333:role/r")}}},
		{name: "redshift with IAM", typ: "REDSHIFT", params: api.DataSourceParameters{RedshiftParameters: &api.RedshiftParameters{
			Host: s("h"), Port: &port, Database: s("dev"), ClusterId: s("c1"),
			IAMParameters: &api.RedshiftIAMParameters{RoleArn: s("arn:aws:iam::111122223333:role/rs"), DatabaseUser: s("u"), AutoCreateDatabaseUser: &yes}}},
			vpc: &api.VpcConnectionProperties{VpcConnectionArn: s("arn:aws:quicksight:us-east-1:111122223333:vpcConnection/v")},
			ssl: &api.SslProperties{DisableSsl: &yes}},
		{name: "postgres with a password", typ: "POSTGRESQL", params: api.DataSourceParameters{PostgreSqlParameters: &api.PostgreSqlParameters{
			Host: s("db"), Port: &port, Database: s("app")}},
			creds: &api.DataSourceCredentials{CredentialPair: &api.CredentialPair{Username: s("admin"), Password: s("hunter2-secret"),
				AlternateDataSourceParameters: []api.DataSourceParameters{{PostgreSqlParameters: &api.PostgreSqlParameters{Host: s("db2"), Port: &port, Database: s("app")}}}}}},
		{name: "snowflake with a secret", typ: "SNOWFLAKE", params: api.DataSourceParameters{SnowflakeParameters: &api.SnowflakeParameters{
			Host: s("x.snowflakecomputing.com"), Database: s("d"), Warehouse: s("w")}},
			creds: &api.DataSourceCredentials{SecretArn: s("arn:aws:secretsmanager:us-east-1:111122223333:secret:sf")}},
		{name: "databricks", typ: "DATABRICKS", params: api.DataSourceParameters{DatabricksParameters: &api.DatabricksParameters{
			Host: s("h"), Port: &port, SqlEndpointPath: s("/sql/1.0/endpoints/e")}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := s(strings.ReplaceAll(tc.name, " ", "-"))
			params := tc.params
			out, err := svc.CreateDataSource(ctx, &api.CreateDataSourceRequest{AwsAccountId: acct, DataSourceId: id, Name: s(tc.name), Type: &tc.typ,
				DataSourceParameters: &params, Credentials: tc.creds, VpcConnectionProperties: tc.vpc, SslProperties: tc.ssl})
			if err != nil || *out.CreationStatus != api.ResourceStatusCreationSuccessful {
				t.Fatalf("CreateDataSource: %v, %v", out, err)
			}
			d, err := svc.DescribeDataSource(ctx, &api.DescribeDataSourceRequest{AwsAccountId: acct, DataSourceId: id})
			if err != nil {
				t.Fatal(err)
			}
			ds := d.DataSource
			if *ds.Type != tc.typ || *ds.Name != tc.name || !reflect.DeepEqual(*ds.DataSourceParameters, tc.params) ||
				!reflect.DeepEqual(ds.VpcConnectionProperties, tc.vpc) || !reflect.DeepEqual(ds.SslProperties, tc.ssl) {
				t.Errorf("DescribeDataSource = %+v", ds)
			}
			var alt []api.DataSourceParameters
			var secret *string
			if tc.creds != nil {
				secret = tc.creds.SecretArn
				if tc.creds.CredentialPair != nil {
					alt = tc.creds.CredentialPair.AlternateDataSourceParameters
				}
			}
			if !reflect.DeepEqual(ds.AlternateDataSourceParameters, alt) || !reflect.DeepEqual(ds.SecretArn, secret) {
				t.Errorf("alternate parameters %+v, secret %v", ds.AlternateDataSourceParameters, ds.SecretArn)
			}
			// A listing answers the same, though it reads no documents.
			l, err := svc.ListDataSources(ctx, &api.ListDataSourcesRequest{AwsAccountId: acct})
			if err != nil {
				t.Fatal(err)
			}
			for _, listed := range l.DataSources {
				if *listed.DataSourceId == *id && !reflect.DeepEqual(listed, *ds) {
					t.Errorf("ListDataSources answers %+v, DescribeDataSource %+v", listed, *ds)
				}
			}
			b, _ := json.Marshal(d)
			if strings.Contains(string(b), "hunter2") || strings.Contains(string(b), "admin") {
				t.Errorf("DescribeDataSource answers credentials: %s", b)
			}
		})
	}
}

// The rules of the kind: statuses while the async delay runs, the actions
// and principals a grant may name, and what UpdateDataSource keeps.
func TestDataSourceRules(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	svc := dataSourceService(t, &now, time.Second)
	acct := s("111122223333")
	if _, err := svc.RegisterUser(ctx, &api.RegisterUserRequest{AwsAccountId: acct, Namespace: s("default"), UserName: s("alice"),
		Email: s("a@example.com"), IdentityType: (*api.IdentityType)(s("QUICKSIGHT")), UserRole: (*api.UserRole)(s("AUTHOR"))}); err != nil {
		t.Fatal(err)
	}
	alice := "arn:aws:quicksight:us-east-1:111122223333:user/default/alice"
	athena := api.DataSourceType("ATHENA")
	out, err := svc.CreateDataSource(ctx, &api.CreateDataSourceRequest{AwsAccountId: acct, DataSourceId: s("ds"), Name: s("n"), Type: &athena,
		Credentials: &api.DataSourceCredentials{SecretArn: s("arn:aws:secretsmanager:us-east-1:111122223333:secret:x")}})
	if err != nil || *out.CreationStatus != api.ResourceStatusCreationInProgress {
		t.Fatalf("CreateDataSource: %v, %v", out, err)
	}
	status := func() api.ResourceStatus {
		d, err := svc.DescribeDataSource(ctx, &api.DescribeDataSourceRequest{AwsAccountId: acct, DataSourceId: s("ds")})
		if err != nil {
			t.Fatal(err)
		}
		return *d.DataSource.Status
	}
	if got := status(); got != api.ResourceStatusCreationInProgress {
		t.Errorf("status at once = %s", got)
	}
	now = now.Add(time.Second)
	if got := status(); got != api.ResourceStatusCreationSuccessful {
		t.Errorf("status after the delay = %s", got)
	}
	up, err := svc.UpdateDataSource(ctx, &api.UpdateDataSourceRequest{AwsAccountId: acct, DataSourceId: s("ds"), Name: s("m")})
	if err != nil || *up.UpdateStatus != api.ResourceStatusUpdateInProgress {
		t.Fatalf("UpdateDataSource: %v, %v", up, err)
	}
	now = now.Add(time.Second)
	d, err := svc.DescribeDataSource(ctx, &api.DescribeDataSourceRequest{AwsAccountId: acct, DataSourceId: s("ds")})
	if err != nil || *d.DataSource.Status != api.ResourceStatusUpdateSuccessful || *d.DataSource.Name != "m" || *d.DataSource.Type != athena ||
		d.DataSource.SecretArn == nil {
		t.Errorf("after UpdateDataSource without credentials: %+v, %v", d.DataSource, err)
	}

	grant := func(principal string, actions ...string) error {
		_, err := svc.UpdateDataSourcePermissions(ctx, &api.UpdateDataSourcePermissionsRequest{AwsAccountId: acct, DataSourceId: s("ds"),
			GrantPermissions: []api.ResourcePermission{{Principal: &principal, Actions: actions}}})
		return err
	}
	for _, tc := range []struct {
		name      string
		principal string
		actions   []string
		code      string // "" for success
	}{
		{"owner set", alice, []string{"quicksight:DeleteDataSource", "quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions",
			"quicksight:PassDataSource", "quicksight:UpdateDataSource", "quicksight:UpdateDataSourcePermissions"}, ""},
		{"viewer set, any case", alice, []string{"quicksight:describedatasource", "quicksight:PassDataSource"}, ""},
		{"an analysis action", alice, []string{"quicksight:DescribeAnalysis"}, qslocal.CodeInvalidParameterValue},
		{"a namespace", "arn:aws:quicksight:us-east-1:111122223333:namespace/default", []string{"quicksight:DescribeDataSource"}, qslocal.CodeInvalidParameterValue},
		{"a user that does not exist", "arn:aws:quicksight:us-east-1:111122223333:user/default/bob", []string{"quicksight:DescribeDataSource"}, qslocal.CodeInvalidParameterValue},
	} {
		err := grant(tc.principal, tc.actions...)
		var qe *qslocal.Error
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.code != "" && (!errors.As(err, &qe) || qe.Code != tc.code):
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	// Deleting is immediate and takes grants and tags with it.
	if _, err := svc.DeleteDataSource(ctx, &api.DeleteDataSourceRequest{AwsAccountId: acct, DataSourceId: s("ds")}); err != nil {
		t.Fatal(err)
	}
	var qe *qslocal.Error
	if _, err := svc.DescribeDataSourcePermissions(ctx, &api.DescribeDataSourcePermissionsRequest{AwsAccountId: acct, DataSourceId: s("ds")}); !errors.As(err, &qe) ||
		qe.Code != qslocal.CodeResourceNotFound || qe.ResourceType != qslocal.ResourceDataSource {
		t.Errorf("DescribeDataSourcePermissions after delete: %v", err)
	}
	if _, err := svc.CreateDataSource(ctx, &api.CreateDataSourceRequest{AwsAccountId: acct, DataSourceId: s("ds"), Name: s("n"), Type: &athena}); err != nil {
		t.Fatal(err)
	}
	p, err := svc.DescribeDataSourcePermissions(ctx, &api.DescribeDataSourcePermissionsRequest{AwsAccountId: acct, DataSourceId: s("ds")})
	if err != nil || len(p.Permissions) != 0 {
		t.Errorf("permissions of a recreated data source: %v, %v", p, err)
	}
}

// A snapshot carries data sources, with what they were created with, into
// another store.
func TestDataSourceSnapshot(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	from, to := dataSourceService(t, &now, 0), dataSourceService(t, &now, 0)
	acct := s("111122223333")
	typ := api.DataSourceType("ATHENA")
	params := &api.DataSourceParameters{AthenaParameters: &api.AthenaParameters{WorkGroup: s("wg")}}
	if _, err := from.CreateDataSource(ctx, &api.CreateDataSourceRequest{AwsAccountId: acct, DataSourceId: s("ds"), Name: s("n"), Type: &typ,
		DataSourceParameters: params, Tags: []api.Tag{{Key: s("k"), Value: s("v")}}}); err != nil {
		t.Fatal(err)
	}
	snap, err := from.Export(ctx, "111122223333")
	if err != nil {
		t.Fatal(err)
	}
	if err := to.Import(ctx, snap); err != nil {
		t.Fatal(err)
	}
	d, err := to.DescribeDataSource(ctx, &api.DescribeDataSourceRequest{AwsAccountId: acct, DataSourceId: s("ds")})
	if err != nil || *d.DataSource.Type != typ || !reflect.DeepEqual(d.DataSource.DataSourceParameters, params) {
		t.Fatalf("after import: %+v, %v", d, err)
	}
	tags, err := to.ListTagsForResource(ctx, &api.ListTagsForResourceRequest{ResourceArn: s("arn:aws:quicksight:us-east-1:111122223333:datasource/ds")})
	if err != nil || len(tags.Tags) != 1 {
		t.Errorf("tags after import: %v, %v", tags, err)
	}
}
