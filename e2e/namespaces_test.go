package e2e

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

func mkNamespace(t *testing.T, c *quicksight.Client, name string, tags ...types.Tag) *quicksight.CreateNamespaceOutput {
	t.Helper()
	in := &quicksight.CreateNamespaceInput{AwsAccountId: aws.String(account), Namespace: aws.String(name), IdentityStore: types.IdentityStoreQuicksight}
	if len(tags) > 0 {
		in.Tags = tags
	}
	out, err := c.CreateNamespace(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateNamespace %q: %v", name, err)
	}
	return out
}

// mkUser registers a QUICKSIGHT reader in namespace ns.
func mkUser(t *testing.T, c *quicksight.Client, ns, name string) *types.User {
	t.Helper()
	out, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{
		AwsAccountId: aws.String(account), Namespace: aws.String(ns),
		IdentityType: types.IdentityTypeQuicksight, Email: aws.String("u@example.com"),
		UserRole: types.UserRoleReader, UserName: aws.String(name),
	})
	if err != nil {
		t.Fatalf("RegisterUser %q in %s: %v", name, ns, err)
	}
	return out.User
}

func listNamespaces(t *testing.T, c *quicksight.Client, pageSize int32) (names []string, pages int) {
	t.Helper()
	p := quicksight.NewListNamespacesPaginator(c, &quicksight.ListNamespacesInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.Namespaces) > int(pageSize) {
			t.Errorf("page of %d namespaces with MaxResults %d", len(page.Namespaces), pageSize)
		}
		for _, ns := range page.Namespaces {
			names = append(names, aws.ToString(ns.Name))
		}
	}
	return names, pages
}

func TestNamespaceLifecycle(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("eu-central-1")
	tags := []types.Tag{{Key: aws.String("team"), Value: aws.String("sales")}, {Key: aws.String("cost-centre"), Value: aws.String("42")}}
	out := mkNamespace(t, c, "sales", tags...)
	arn := "arn:aws:quicksight:eu-central-1:" + account + ":namespace/sales"
	if aws.ToString(out.Arn) != arn || aws.ToString(out.Name) != "sales" || aws.ToString(out.CapacityRegion) != "eu-central-1" ||
		out.CreationStatus != types.NamespaceStatusCreated || out.IdentityStore != types.IdentityStoreQuicksight || out.Status != 200 {
		t.Errorf("CreateNamespace = %+v", *out)
	}

	for _, name := range []string{"sales", "default"} {
		d, err := c.DescribeNamespace(ctx(t), &quicksight.DescribeNamespaceInput{AwsAccountId: aws.String(account), Namespace: aws.String(name)})
		if err != nil {
			t.Fatalf("DescribeNamespace %s: %v", name, err)
		}
		ns := d.Namespace
		// The default namespace lives in the identity region (that of the
		// account's first request); a created one in the region it was
		// created in.
		region := map[string]string{"sales": "eu-central-1", "default": "eu-central-1"}[name]
		if aws.ToString(ns.Name) != name || aws.ToString(ns.Arn) != "arn:aws:quicksight:eu-central-1:"+account+":namespace/"+name ||
			aws.ToString(ns.CapacityRegion) != region || ns.CreationStatus != types.NamespaceStatusCreated ||
			ns.IdentityStore != types.IdentityStoreQuicksight || ns.NamespaceError != nil {
			t.Errorf("DescribeNamespace %s = %+v", name, *ns)
		}
	}

	// The tags sent with CreateNamespace are the namespace's.
	lt, err := c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tag := range lt.Tags {
		got = append(got, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
	}
	if fmt.Sprint(got) != "[cost-centre=42 team=sales]" {
		t.Errorf("tags of the new namespace = %q", got)
	}

	// Names are case-sensitive: "Sales" is another namespace.
	mkNamespace(t, c, "Sales")
	if names, _ := listNamespaces(t, c, 100); fmt.Sprint(names) != "[Sales default sales]" {
		t.Errorf("ListNamespaces = %q", names)
	}

	for _, name := range []string{"Sales", "sales"} {
		if _, err := c.DeleteNamespace(ctx(t), &quicksight.DeleteNamespaceInput{AwsAccountId: aws.String(account), Namespace: aws.String(name)}); err != nil {
			t.Fatalf("DeleteNamespace %s: %v", name, err)
		}
	}
	_, err = c.DescribeNamespace(ctx(t), &quicksight.DescribeNamespaceInput{AwsAccountId: aws.String(account), Namespace: aws.String("sales")})
	if msg := expectNotFound(types.ExceptionResourceTypeNamespace, "")(err); msg != "" {
		t.Errorf("DescribeNamespace of a deleted namespace: %v; %s", err, msg)
	}
	if names, _ := listNamespaces(t, c, 100); fmt.Sprint(names) != "[default]" {
		t.Errorf("ListNamespaces after deleting = %q", names)
	}
	// A namespace re-created under a deleted one's name starts without its
	// tags.
	mkNamespace(t, c, "sales")
	lt, err = c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || len(lt.Tags) != 0 {
		t.Errorf("tags of the re-created namespace = %v, %v", lt, err)
	}
}

func TestNamespaceErrors(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	mkNamespace(t, c, "sales")
	acct := aws.String(account)
	create := func(name string, store types.IdentityStore, tags ...types.Tag) func() error {
		return func() error {
			in := &quicksight.CreateNamespaceInput{AwsAccountId: acct, Namespace: aws.String(name), IdentityStore: store}
			if len(tags) > 0 {
				in.Tags = tags
			}
			_, err := c.CreateNamespace(ctx(t), in)
			return err
		}
	}
	tag := func(k string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String("v")} }
	tooMany := make([]types.Tag, 51)
	for i := range tooMany {
		tooMany[i] = tag(fmt.Sprintf("key%02d", i))
	}
	listToken := func(tok string) func() error {
		return func() error {
			_, err := c.ListNamespaces(ctx(t), &quicksight.ListNamespacesInput{AwsAccountId: acct, NextToken: aws.String(tok)})
			return err
		}
	}
	// A token of another listing: ListUsers' with a page of one.
	mkUser(t, c, "default", "u1")
	mkUser(t, c, "default", "u2")
	users, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: aws.String("default"), MaxResults: aws.Int32(1)})
	if err != nil || users.NextToken == nil {
		t.Fatalf("ListUsers: %v, %v", users, err)
	}
	runErrCases(t, []errCase{
		{"CreateNamespace taken name", create("sales", types.IdentityStoreQuicksight), expectExists(types.ExceptionResourceTypeNamespace)},
		{"CreateNamespace default", create("default", types.IdentityStoreQuicksight), expectExists(types.ExceptionResourceTypeNamespace)},
		{"CreateNamespace empty name", create("", types.IdentityStoreQuicksight), expectInvalid("Namespace")},
		{"CreateNamespace name with a space", create("a b", types.IdentityStoreQuicksight), expectValidation("Namespace")},
		{"CreateNamespace name of 65 characters", create(strings.Repeat("n", 65), types.IdentityStoreQuicksight), expectValidation("Namespace")},
		{"CreateNamespace IdentityStore IAM", create("x", "IAM"), expectValidation("IdentityStore")},
		{"CreateNamespace duplicate tag key", create("x", types.IdentityStoreQuicksight, tag("a"), tag("a")), expectInvalid("Tags")},
		{"CreateNamespace reserved tag key", create("x", types.IdentityStoreQuicksight, tag("aws:owner")), expectInvalid("Tags")},
		{"CreateNamespace 51 tags", create("x", types.IdentityStoreQuicksight, tooMany...), expectLimit(types.ExceptionResourceTypeNamespace)},
		{"DescribeNamespace unknown", func() error {
			_, err := c.DescribeNamespace(ctx(t), &quicksight.DescribeNamespaceInput{AwsAccountId: acct, Namespace: aws.String("x")})
			return err
		}, expectNotFound(types.ExceptionResourceTypeNamespace, "")},
		{"DeleteNamespace default", func() error {
			_, err := c.DeleteNamespace(ctx(t), &quicksight.DeleteNamespaceInput{AwsAccountId: acct, Namespace: aws.String("default")})
			return err
		}, expectInvalid("default")},
		{"DeleteNamespace unknown", func() error {
			_, err := c.DeleteNamespace(ctx(t), &quicksight.DeleteNamespaceInput{AwsAccountId: acct, Namespace: aws.String("x")})
			return err
		}, expectNotFound(types.ExceptionResourceTypeNamespace, "")},
		{"ListNamespaces MaxResults 0", func() error {
			_, err := c.ListNamespaces(ctx(t), &quicksight.ListNamespacesInput{AwsAccountId: acct, MaxResults: aws.Int32(0)})
			return err
		}, expectValidation("MaxResults")},
		{"ListNamespaces forged token", listToken("x.y"), expectBadToken},
		{"ListNamespaces with a ListUsers token", listToken(*users.NextToken), expectBadToken},
	})
	// Nothing above changed anything.
	if names, _ := listNamespaces(t, c, 100); fmt.Sprint(names) != "[default sales]" {
		t.Errorf("ListNamespaces after failed calls = %q", names)
	}
}

// TestNamespacePagesAndLimit fills an account to AWS's default limit of 100
// namespaces (default and 99 more), reads them back in pages, and checks
// the limit.
func TestNamespacePagesAndLimit(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	want := []string{"default"}
	for i := range 99 {
		name := fmt.Sprintf("ns%02d", i)
		mkNamespace(t, c, name)
		want = append(want, name)
	}
	sort.Strings(want)
	names, pages := listNamespaces(t, c, 7)
	if fmt.Sprint(names) != fmt.Sprint(want) || pages != 15 {
		t.Errorf("%d pages of %d namespaces %q", pages, len(names), names)
	}
	// MaxResults defaults to 100: one page.
	all, err := c.ListNamespaces(ctx(t), &quicksight.ListNamespacesInput{AwsAccountId: aws.String(account)})
	if err != nil || len(all.Namespaces) != 100 || all.NextToken != nil {
		t.Errorf("ListNamespaces without MaxResults: %d namespaces, next %v, %v", len(all.Namespaces), all.NextToken, err)
	}

	_, err = c.CreateNamespace(ctx(t), &quicksight.CreateNamespaceInput{AwsAccountId: aws.String(account), Namespace: aws.String("one-too-many"), IdentityStore: types.IdentityStoreQuicksight})
	if msg := expectLimit(types.ExceptionResourceTypeNamespace)(err); msg != "" {
		t.Errorf("the 101st namespace: %v; %s", err, msg)
	}
	if _, err := c.DeleteNamespace(ctx(t), &quicksight.DeleteNamespaceInput{AwsAccountId: aws.String(account), Namespace: aws.String("ns00")}); err != nil {
		t.Fatal(err)
	}
	mkNamespace(t, c, "one-too-many") // room again
}

// TestDeleteNamespaceCascade deletes a namespace holding users, groups and
// memberships: all of it goes, and the default namespace is untouched.
func TestDeleteNamespaceCascade(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	acct := aws.String(account)
	mkNamespace(t, c, "sales")
	for _, ns := range []string{"sales", "default"} {
		for _, u := range []string{"alice", "bob"} {
			mkUser(t, c, ns, u)
		}
		for _, g := range []string{"east", "west"} {
			mkGroup(t, c, ns, g, "")
			for _, u := range []string{"alice", "bob"} {
				joinGroup(t, c, ns, g, u)
			}
		}
	}
	_, err := c.TagResource(ctx(t), &quicksight.TagResourceInput{
		ResourceArn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":group/sales/east"),
		Tags:        []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
	})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := c.DeleteNamespace(ctx(t), &quicksight.DeleteNamespaceInput{AwsAccountId: acct, Namespace: aws.String("sales")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: aws.String("sales")})
	if msg := expectNotFound(types.ExceptionResourceTypeNamespace, "")(err); msg != "" {
		t.Errorf("ListUsers in the deleted namespace: %v; %s", err, msg)
	}

	// Re-created, the namespace is empty.
	mkNamespace(t, c, "sales")
	users, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: aws.String("sales")})
	if err != nil || len(users.UserList) != 0 {
		t.Errorf("users of the re-created namespace: %v, %v", users, err)
	}
	groups, err := c.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: acct, Namespace: aws.String("sales")})
	if err != nil || len(groups.GroupList) != 0 {
		t.Errorf("groups of the re-created namespace: %v, %v", groups, err)
	}
	// New users and groups of the same names start afresh: no memberships,
	// no tags.
	mkUser(t, c, "sales", "alice")
	mkGroup(t, c, "sales", "east", "")
	if got := userGroups(t, c, "sales", "alice", 100); len(got) != 0 {
		t.Errorf("groups of a new alice in the re-created namespace: %q", got)
	}
	if got := groupMembers(t, c, "sales", "east", 100); len(got) != 0 {
		t.Errorf("members of a new east in the re-created namespace: %q", got)
	}
	lt, err := c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:quicksight:us-east-1:" + account + ":group/sales/east")})
	if err != nil || len(lt.Tags) != 0 {
		t.Errorf("tags of a new east in the re-created namespace: %v, %v", lt, err)
	}

	// The default namespace kept everything.
	users, err = c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: aws.String("default")})
	if err != nil || len(users.UserList) != 2 {
		t.Errorf("users of default: %v, %v", users, err)
	}
	for _, g := range []string{"east", "west"} {
		if got := groupMembers(t, c, "default", g, 100); fmt.Sprint(got) != "[alice bob]" {
			t.Errorf("members of default's %s: %q", g, got)
		}
	}
}
