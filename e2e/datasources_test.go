package e2e

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

var (
	dsOwner = []string{
		"quicksight:DeleteDataSource", "quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions",
		"quicksight:PassDataSource", "quicksight:UpdateDataSource", "quicksight:UpdateDataSourcePermissions",
	}
	dsViewer = []string{"quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource"}
)

func athena(workgroup string) *types.DataSourceParametersMemberAthenaParameters {
	return &types.DataSourceParametersMemberAthenaParameters{Value: types.AthenaParameters{WorkGroup: aws.String(workgroup)}}
}

func mkDataSource(t *testing.T, c *quicksight.Client, id string, perms ...types.ResourcePermission) {
	t.Helper()
	in := &quicksight.CreateDataSourceInput{AwsAccountId: aws.String(account), DataSourceId: aws.String(id), Name: aws.String("Data source " + id),
		Type: types.DataSourceTypeAthena, DataSourceParameters: athena("primary")}
	if len(perms) > 0 {
		in.Permissions = perms
	}
	if _, err := c.CreateDataSource(ctx(t), in); err != nil {
		t.Fatalf("CreateDataSource %q: %v", id, err)
	}
}

func dataSourcePerms(t *testing.T, c *quicksight.Client, id string) string {
	t.Helper()
	out, err := c.DescribeDataSourcePermissions(ctx(t), &quicksight.DescribeDataSourcePermissionsInput{AwsAccountId: aws.String(account), DataSourceId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeDataSourcePermissions %q: %v", id, err)
	}
	return permString(out.Permissions)
}

func updateDataSourcePerms(c *quicksight.Client, t *testing.T, id string, grant, revoke []types.ResourcePermission) (*quicksight.UpdateDataSourcePermissionsOutput, error) {
	return c.UpdateDataSourcePermissions(ctx(t), &quicksight.UpdateDataSourcePermissionsInput{AwsAccountId: aws.String(account),
		DataSourceId: aws.String(id), GrantPermissions: grant, RevokePermissions: revoke})
}

func describeDataSource(t *testing.T, c *quicksight.Client, id string) *types.DataSource {
	t.Helper()
	out, err := c.DescribeDataSource(ctx(t), &quicksight.DescribeDataSourceInput{AwsAccountId: aws.String(account), DataSourceId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeDataSource %q: %v", id, err)
	}
	return out.DataSource
}

func TestDataSourceLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	mkGroup(t, c, "default", "team", "")
	alice, team := principal("user", "default/alice"), principal("group", "default/team")
	arn := "arn:aws:quicksight:us-east-1:" + account + ":datasource/pg"
	port := int32(5432)
	pg := &types.DataSourceParametersMemberPostgreSqlParameters{Value: types.PostgreSqlParameters{
		Host: aws.String("db.example.com"), Port: &port, Database: aws.String("sales")}}

	// Create with permissions, tags, credentials, VPC and SSL properties.
	created, err := c.CreateDataSource(ctx(t), &quicksight.CreateDataSourceInput{AwsAccountId: acct, DataSourceId: aws.String("pg"),
		Name: aws.String("Sales DB"), Type: types.DataSourceTypePostgresql, DataSourceParameters: pg,
		Credentials: &types.DataSourceCredentials{CredentialPair: &types.CredentialPair{Username: aws.String("reporter"), Password: aws.String("s3cret-pw"),
			AlternateDataSourceParameters: []types.DataSourceParameters{pg}}},
		VpcConnectionProperties: &types.VpcConnectionProperties{VpcConnectionArn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":vpcConnection/v1")},
		SslProperties:           &types.SslProperties{DisableSsl: true},
		Permissions:             []types.ResourcePermission{perm(alice, dsOwner...)},
		Tags:                    []types.Tag{tag("team", "finance")}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.Arn) != arn || aws.ToString(created.DataSourceId) != "pg" || created.CreationStatus != types.ResourceStatusCreationSuccessful ||
		created.Status != 202 {
		t.Errorf("CreateDataSource = %s %s %s %d", aws.ToString(created.Arn), aws.ToString(created.DataSourceId), created.CreationStatus, created.Status)
	}
	ds := describeDataSource(t, c, "pg")
	got, ok := ds.DataSourceParameters.(*types.DataSourceParametersMemberPostgreSqlParameters)
	if aws.ToString(ds.Name) != "Sales DB" || ds.Type != types.DataSourceTypePostgresql || ds.Status != types.ResourceStatusCreationSuccessful ||
		aws.ToString(ds.Arn) != arn || !ok || aws.ToString(got.Value.Host) != "db.example.com" || aws.ToInt32(got.Value.Port) != 5432 ||
		len(ds.AlternateDataSourceParameters) != 1 || ds.SslProperties == nil || !ds.SslProperties.DisableSsl ||
		ds.VpcConnectionProperties == nil || !strings.HasSuffix(aws.ToString(ds.VpcConnectionProperties.VpcConnectionArn), "vpcConnection/v1") {
		t.Errorf("DescribeDataSource = %+v", ds)
	}
	for _, path := range []string{"/accounts/" + account + "/data-sources/pg", "/accounts/" + account + "/data-sources"} {
		if body := rawGet(t, s, path); strings.Contains(body, "s3cret-pw") || strings.Contains(body, "reporter") || strings.Contains(body, "Permissions") {
			t.Errorf("GET %s answers credentials or permissions: %s", path, body)
		}
	}
	if got, want := dataSourcePerms(t, c, "pg"), alice+"="+strings.Join(dsOwner, ","); got != want {
		t.Errorf("permissions after create:\n got %s\nwant %s", got, want)
	}
	if got := tagsOf(t, c, arn); got != "team=finance" {
		t.Errorf("tags = %q", got)
	}
	if err := tagResource(c, t, arn, tag("env", "prod")); err != nil {
		t.Fatal(err)
	}
	if err := untagResource(c, t, arn, "team"); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, arn); got != "env=prod" {
		t.Errorf("tags after TagResource and UntagResource = %q", got)
	}

	// Update: a new name and parameters; the type stays.
	upd, err := c.UpdateDataSource(ctx(t), &quicksight.UpdateDataSourceInput{AwsAccountId: acct, DataSourceId: aws.String("pg"),
		Name: aws.String("Sales DB 2"), DataSourceParameters: athena("analysts")})
	if err != nil || upd.UpdateStatus != types.ResourceStatusUpdateSuccessful || aws.ToString(upd.Arn) != arn {
		t.Fatalf("UpdateDataSource: %+v, %v", upd, err)
	}
	ds = describeDataSource(t, c, "pg")
	if a, ok := ds.DataSourceParameters.(*types.DataSourceParametersMemberAthenaParameters); !ok || aws.ToString(a.Value.WorkGroup) != "analysts" ||
		aws.ToString(ds.Name) != "Sales DB 2" || ds.Status != types.ResourceStatusUpdateSuccessful || ds.Type != types.DataSourceTypePostgresql ||
		ds.SslProperties != nil || len(ds.AlternateDataSourceParameters) != 1 {
		t.Errorf("after UpdateDataSource: %+v", ds)
	}

	// Grant and revoke in one request; the answer carries no permissions.
	up, err := updateDataSourcePerms(c, t, "pg",
		[]types.ResourcePermission{perm(team, "quicksight:describedatasource", "quicksight:PassDataSource")},
		[]types.ResourcePermission{perm(alice, "quicksight:DeleteDataSource")})
	if err != nil || aws.ToString(up.DataSourceArn) != arn || aws.ToString(up.DataSourceId) != "pg" {
		t.Fatalf("UpdateDataSourcePermissions: %+v, %v", up, err)
	}
	aliceLeft := slices.DeleteFunc(slices.Clone(dsOwner), func(a string) bool { return a == "quicksight:DeleteDataSource" })
	want := permString([]types.ResourcePermission{perm(alice, aliceLeft...), perm(team, "quicksight:DescribeDataSource", "quicksight:PassDataSource")})
	if got := dataSourcePerms(t, c, "pg"); got != want {
		t.Errorf("after grant and revoke:\n got %s\nwant %s", got, want)
	}
	if _, err := updateDataSourcePerms(c, t, "pg", nil, []types.ResourcePermission{perm(team, "quicksight:DescribeDataSource", "quicksight:PassDataSource")}); err != nil {
		t.Fatal(err)
	}
	if got := dataSourcePerms(t, c, "pg"); got != permString([]types.ResourcePermission{perm(alice, aliceLeft...)}) {
		t.Errorf("after revoking all of team's actions: %s", got)
	}

	// Search by name and by direct ownership.
	mkDataSource(t, c, "other", perm(team, dsViewer...))
	search := func(name types.DataSourceFilterAttribute, op types.FilterOperator, value string) []string {
		t.Helper()
		out, err := c.SearchDataSources(ctx(t), &quicksight.SearchDataSourcesInput{AwsAccountId: acct,
			Filters: []types.DataSourceSearchFilter{{Name: name, Operator: op, Value: aws.String(value)}}})
		if err != nil {
			t.Fatalf("SearchDataSources %s %s %s: %v", name, op, value, err)
		}
		var ids []string
		for _, d := range out.DataSourceSummaries {
			ids = append(ids, aws.ToString(d.DataSourceId))
			if d.Type == "" || d.CreatedTime == nil {
				t.Errorf("summary %+v", d)
			}
		}
		return ids
	}
	for _, tc := range []struct {
		name  types.DataSourceFilterAttribute
		op    types.FilterOperator
		value string
		want  []string
	}{
		{types.DataSourceFilterAttributeDatasourceName, types.FilterOperatorStringLike, "sales db", []string{"pg"}},
		{types.DataSourceFilterAttributeDatasourceName, types.FilterOperatorStringEquals, "Data source other", []string{"other"}},
		{types.DataSourceFilterAttributeDirectQuicksightOwner, types.FilterOperatorStringEquals, alice, []string{"pg"}},
		{types.DataSourceFilterAttributeDirectQuicksightSoleOwner, types.FilterOperatorStringEquals, alice, []string{"pg"}},
		{types.DataSourceFilterAttributeDirectQuicksightViewerOrOwner, types.FilterOperatorStringEquals, team, []string{"other"}},
		{types.DataSourceFilterAttributeDirectQuicksightOwner, types.FilterOperatorStringEquals, team, nil},
	} {
		if got := search(tc.name, tc.op, tc.value); !slices.Equal(got, tc.want) {
			t.Errorf("SearchDataSources %s %s %s = %q, want %q", tc.name, tc.op, tc.value, got, tc.want)
		}
	}

	// Delete: at once, with grants and tags.
	del, err := c.DeleteDataSource(ctx(t), &quicksight.DeleteDataSourceInput{AwsAccountId: acct, DataSourceId: aws.String("pg")})
	if err != nil || aws.ToString(del.Arn) != arn || aws.ToString(del.DataSourceId) != "pg" {
		t.Fatalf("DeleteDataSource: %+v, %v", del, err)
	}
	_, err = c.DescribeDataSource(ctx(t), &quicksight.DescribeDataSourceInput{AwsAccountId: acct, DataSourceId: aws.String("pg")})
	checkErr(t, "DescribeDataSource after delete", err, expectNotFound(types.ExceptionResourceTypeDataSource, "pg"))
	_, err = c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	checkErr(t, "tags of a deleted data source", err, expectNotFound(types.ExceptionResourceTypeDataSource, "pg"))
	mkDataSource(t, c, "pg")
	if got := dataSourcePerms(t, c, "pg"); got != "" {
		t.Errorf("a recreated data source has the old one's permissions: %s", got)
	}
	if got := tagsOf(t, c, arn); got != "" {
		t.Errorf("a recreated data source has the old one's tags: %s", got)
	}
}

func TestListDataSources(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	var want []string
	for i := range 7 {
		id := fmt.Sprintf("ds%d", i)
		mkDataSource(t, c, id)
		want = append(want, id)
	}
	if _, err := c.DeleteDataSource(ctx(t), &quicksight.DeleteDataSourceInput{AwsAccountId: aws.String(account), DataSourceId: aws.String("ds5")}); err != nil {
		t.Fatal(err)
	}
	want = slices.DeleteFunc(want, func(id string) bool { return id == "ds5" })
	var got []string
	pages := 0
	p := quicksight.NewListDataSourcesPaginator(c, &quicksight.ListDataSourcesInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, d := range page.DataSources {
			got = append(got, aws.ToString(d.DataSourceId))
			if d.Status != types.ResourceStatusCreationSuccessful || d.DataSourceParameters == nil {
				t.Errorf("listed %+v", d)
			}
		}
	}
	if !slices.Equal(got, want) || pages != 3 {
		t.Errorf("ListDataSources by 2 = %q in %d pages, want %q in 3", got, pages, want)
	}
	sp := quicksight.NewSearchDataSourcesPaginator(c, &quicksight.SearchDataSourcesInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(4),
		Filters: []types.DataSourceSearchFilter{{Name: types.DataSourceFilterAttributeDatasourceName, Operator: types.FilterOperatorStringLike, Value: aws.String("source ds")}}})
	got, pages = nil, 0
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, d := range page.DataSourceSummaries {
			got = append(got, aws.ToString(d.DataSourceId))
		}
	}
	if !slices.Equal(got, want) || pages != 2 {
		t.Errorf("SearchDataSources by 4 = %q in %d pages, want %q in 2", got, pages, want)
	}
}

// TestDataSourcePermissionErrors: every error UpdateDataSourcePermissions
// declares that can arise without authentication, typed.
func TestDataSourcePermissionErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "bob")
	bob := principal("user", "default/bob")
	mkDataSource(t, c, "ds", perm(bob, dsOwner...))
	grant := func(id string, perms ...types.ResourcePermission) func() error {
		return func() error { _, err := updateDataSourcePerms(c, t, id, perms, nil); return err }
	}
	create := func(id string, mod func(*quicksight.CreateDataSourceInput)) func() error {
		return func() error {
			in := &quicksight.CreateDataSourceInput{AwsAccountId: acct, DataSourceId: aws.String(id), Name: aws.String("n"),
				Type: types.DataSourceTypeAthena, DataSourceParameters: athena("primary")}
			if mod != nil {
				mod(in)
			}
			_, err := c.CreateDataSource(ctx(t), in)
			return err
		}
	}
	runErrCases(t, []errCase{
		{"unknown action", grant("ds", perm(bob, "quicksight:DescribeAnalysis")), expectInvalid("GrantPermissions[0].Actions[0]")},
		{"principal that does not exist", grant("ds", perm(bob, "quicksight:PassDataSource"), perm(principal("user", "default/nobody"), "quicksight:PassDataSource")), expectInvalid("GrantPermissions[1].Principal: user/default/nobody")},
		{"principal in another account", grant("ds", perm("arn:aws:quicksight:us-east-1:999999999999:user/default/bob", "quicksight:PassDataSource")), expectInvalid("GrantPermissions[0].Principal")},
		{"principal that is not an ARN", grant("ds", perm("bob", "quicksight:PassDataSource")), expectInvalid("GrantPermissions[0].Principal")},
		{"a namespace", grant("ds", perm(principal("namespace", "default"), "quicksight:DescribeDataSource")), expectInvalid("GrantPermissions[0].Principal")},
		{"revoking with an unknown action", func() error {
			_, err := updateDataSourcePerms(c, t, "ds", nil, []types.ResourcePermission{perm(bob, "quicksight:Nothing")})
			return err
		}, expectInvalid("RevokePermissions[0].Actions[0]")},
		{"a data source that does not exist", grant("missing", perm(bob, "quicksight:PassDataSource")), expectNotFound(types.ExceptionResourceTypeDataSource, "missing")},
		{"duplicate id", create("ds", nil), expectExists(types.ExceptionResourceTypeDataSource)},
		{"create in a missing folder", create("f", func(in *quicksight.CreateDataSourceInput) {
			in.FolderArns = []string{"arn:aws:quicksight:us-east-1:" + account + ":folder/f"}
		}), expectNotFound("", "folder/f")},
		{"create naming a group that does not exist", create("g", func(in *quicksight.CreateDataSourceInput) {
			in.Permissions = []types.ResourcePermission{perm(principal("group", "default/ghosts"), "quicksight:PassDataSource")}
		}), expectInvalid("Permissions[0].Principal: group/default/ghosts")},
		{"create with a type the model lacks", create("t", func(in *quicksight.CreateDataSourceInput) { in.Type = "CSV" }), expectValidation("Type")},
		{"update a missing data source", func() error {
			_, err := c.UpdateDataSource(ctx(t), &quicksight.UpdateDataSourceInput{AwsAccountId: acct, DataSourceId: aws.String("missing"), Name: aws.String("n")})
			return err
		}, expectNotFound(types.ExceptionResourceTypeDataSource, "missing")},
		{"search with StringLike on an owner", func() error {
			_, err := c.SearchDataSources(ctx(t), &quicksight.SearchDataSourcesInput{AwsAccountId: acct, Filters: []types.DataSourceSearchFilter{{
				Name: types.DataSourceFilterAttributeDirectQuicksightOwner, Operator: types.FilterOperatorStringLike, Value: aws.String(bob)}}})
			return err
		}, expectInvalid("Filters[0].Operator")},
		{"search for an unknown group", func() error {
			_, err := c.SearchDataSources(ctx(t), &quicksight.SearchDataSourcesInput{AwsAccountId: acct, Filters: []types.DataSourceSearchFilter{{
				Name: types.DataSourceFilterAttributeDirectQuicksightOwner, Operator: types.FilterOperatorStringEquals, Value: aws.String(principal("group", "default/nogroup"))}}})
			return err
		}, expectNotFound(types.ExceptionResourceTypeGroup, "nogroup")},
	})

	// At most 64 principals: UpdateDataSourcePermissions declares no
	// LimitExceededException, so it answers InvalidParameterValue;
	// CreateDataSource declares it.
	var groups []types.ResourcePermission
	for i := range 64 {
		name := fmt.Sprintf("g%02d", i)
		mkGroup(t, c, "default", name, "")
		groups = append(groups, perm(principal("group", "default/"+name), "quicksight:PassDataSource"))
	}
	if _, err := updateDataSourcePerms(c, t, "ds", groups[:63], nil); err != nil {
		t.Fatalf("granting to 63 groups besides bob: %v", err)
	}
	_, err := updateDataSourcePerms(c, t, "ds", groups[63:], nil)
	checkErr(t, "a 65th principal", err, expectInvalid("64"))
	if got := dataSourcePerms(t, c, "ds"); strings.Count(got, "=") != 64 || strings.Contains(got, "g63") {
		t.Errorf("after the refused grant: %d principals", strings.Count(got, "="))
	}
	checkErr(t, "a create with 65 principals", create("big", func(in *quicksight.CreateDataSourceInput) {
		in.Permissions = append(slices.Clone(groups), perm(bob, "quicksight:PassDataSource"))
	})(), expectValidation("Permissions"))
	checkErr(t, "a create with 51 tags", create("tags", func(in *quicksight.CreateDataSourceInput) { in.Tags = nTags(51, "k") })(), expectLimit(""))

	// Throttling and an internal failure are typed too.
	throttled := start(t, "", "--rate-limit", "1").client("us-east-1")
	var te *types.ThrottlingException
	for i := 0; ; i++ {
		_, err := throttled.UpdateDataSourcePermissions(ctx(t), &quicksight.UpdateDataSourcePermissionsInput{AwsAccountId: acct, DataSourceId: aws.String("ds")})
		if errors.As(err, &te) {
			break
		}
		if i == 5 {
			t.Fatalf("five immediate calls with --rate-limit 1 were never throttled: %v", err)
		}
	}
	damage(t, s, "DROP TABLE grants")
	_, err = updateDataSourcePerms(c, t, "ds", []types.ResourcePermission{perm(bob, "quicksight:PassDataSource")}, nil)
	var ie *types.InternalFailureException
	if !errors.As(err, &ie) || strings.Contains(aws.ToString(ie.Message), "grants") {
		t.Errorf("with the grants table gone: %v; want InternalFailureException that leaks nothing", err)
	}
}
