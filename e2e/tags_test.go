package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// tagsOf lists a resource's tags as "k=v k=v", in the order returned.
func tagsOf(t *testing.T, c *quicksight.Client, arn string) string {
	t.Helper()
	out, err := c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("ListTagsForResource %s: %v", arn, err)
	}
	if out.Tags == nil {
		t.Errorf("ListTagsForResource %s: no Tags member", arn)
	}
	if out.Status != 200 {
		t.Errorf("ListTagsForResource status %d", out.Status)
	}
	return tagString(out.Tags)
}

func tagResource(c *quicksight.Client, t *testing.T, arn string, tags ...types.Tag) error {
	out, err := c.TagResource(ctx(t), &quicksight.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags})
	if err == nil && out.Status != 202 { // as AWS: docs/behaviour.md
		t.Errorf("TagResource status %d", out.Status)
	}
	return err
}

func untagResource(c *quicksight.Client, t *testing.T, arn string, keys ...string) error {
	out, err := c.UntagResource(ctx(t), &quicksight.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: keys})
	if err == nil && out.Status != 204 {
		t.Errorf("UntagResource status %d", out.Status)
	}
	return err
}

func userARN(region, ns, name string) string {
	return "arn:aws:quicksight:" + region + ":" + account + ":user/" + ns + "/" + name
}

func TestUserTags(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--region", "ap-southeast-2") // the accounts' identity region
	c := s.client("ap-southeast-2")
	const odd = "a/b@c d+e=f" // the ARN travels as one %2F/%3A-escaped segment
	u, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{
		AwsAccountId: aws.String(account), Namespace: aws.String("default"), IdentityType: types.IdentityTypeQuicksight,
		UserName: aws.String(odd), Email: aws.String("x@example.com"), UserRole: types.UserRoleReader,
		Tags: []types.Tag{tag("team", "blue"), tag("Env", "dev")},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(u.User.Arn)
	if arn != userARN("ap-southeast-2", "default", odd) {
		t.Fatalf("ARN %s", arn)
	}
	// Tags given to RegisterUser are the user's, sorted by key (byte order).
	if got := tagsOf(t, c, arn); got != "Env=dev team=blue" {
		t.Errorf("tags after RegisterUser = %s", got)
	}
	// A new key is added, an existing key gets the new value.
	if err := tagResource(c, t, arn, tag("team", "red"), tag("cost-center", "42"), tag("a key", "a value: with/odd=chars+")); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, arn); got != "Env=dev a key=a value: with/odd=chars+ cost-center=42 team=red" {
		t.Errorf("tags after TagResource = %s", got)
	}
	// Untagging removes keys; absent keys (and case variants) are ignored.
	if err := untagResource(c, t, arn, "team", "absent", "env", "a key"); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, arn); got != "Env=dev cost-center=42" {
		t.Errorf("tags after UntagResource = %s", got)
	}
	// The region in the ARN does not matter: the resource is the account's.
	other := userARN("us-west-2", "default", odd)
	if err := tagResource(c, t, other, tag("via", "us-west-2")); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, arn); got != "Env=dev cost-center=42 via=us-west-2" {
		t.Errorf("tags via another region's ARN = %s", got)
	}

	// A user whose name starts like another's keeps its own tags.
	alice := register(t, c, "alice", types.UserRoleReader)
	alice2 := register(t, c, "alice2", types.UserRoleReader)
	if err := tagResource(c, t, aws.ToString(alice.Arn), tag("who", "alice")); err != nil {
		t.Fatal(err)
	}
	if err := tagResource(c, t, aws.ToString(alice2.Arn), tag("who", "alice2")); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, aws.ToString(alice2.Arn)); got != "who=alice2" {
		t.Errorf("alice2's tags = %s", got)
	}

	// Deleting a user deletes its tags: the same name registered again has none.
	if _, err := c.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String(odd)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	checkErr(t, "tags of a deleted user", err, expectNotFound(types.ExceptionResourceTypeUser, odd))
	register(t, c, odd, types.UserRoleReader)
	if got := tagsOf(t, c, arn); got != "" {
		t.Errorf("a re-registered user has tags %s", got)
	}
	if _, err := c.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, aws.ToString(alice2.Arn)); got != "who=alice2" {
		t.Errorf("alice2's tags after deleting alice = %s", got)
	}
	// Deleting by principal id too.
	if _, err := c.DeleteUserByPrincipalId(ctx(t), &quicksight.DeleteUserByPrincipalIdInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), PrincipalId: alice2.PrincipalId}); err != nil {
		t.Fatal(err)
	}
	register(t, c, "alice2", types.UserRoleReader)
	if got := tagsOf(t, c, aws.ToString(alice2.Arn)); got != "" {
		t.Errorf("alice2 re-registered has tags %s", got)
	}

	// No tags is an empty list on the wire, not an absent member.
	if body := rawGet(t, s, resourcePath(arn)); !strings.Contains(body, `"Tags":[]`) {
		t.Errorf("ListTagsForResource without tags: %s", body)
	}
}

func TestTagLimitsAndRules(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	arn := aws.ToString(register(t, c, "alice", types.UserRoleReader).Arn)

	if err := tagResource(c, t, arn, nTags(50, "k")...); err != nil {
		t.Fatalf("50 tags: %v", err)
	}
	before := tagsOf(t, c, arn)
	checkErr(t, "a 51st tag", tagResource(c, t, arn, tag("one-more", "v")), expectLimit(types.ExceptionResourceTypeUser))
	checkErr(t, "a 51st tag with overwrites", tagResource(c, t, arn, tag("k00", "new"), tag("one-more", "v")), expectLimit(types.ExceptionResourceTypeUser))
	checkErr(t, "a duplicate key", tagResource(c, t, arn, tag("k01", "x"), tag("k01", "y")), expectInvalid("Tags[1].Key"))
	checkErr(t, "a reserved key", tagResource(c, t, arn, tag("k02", "x"), tag("aws:cloudformation:stack-name", "y")), expectInvalid("Tags[1].Key"))
	checkErr(t, "a reserved key in upper case", tagResource(c, t, arn, tag("AWS:x", "y")), expectInvalid("aws:"))
	checkErr(t, "untag a reserved key", untagResource(c, t, arn, "aws:x"), expectInvalid("TagKeys[0]"))
	// Failed requests changed nothing.
	if got := tagsOf(t, c, arn); got != before {
		t.Errorf("tags changed by failed requests:\n%s\nwant\n%s", got, before)
	}
	// At the limit, existing keys can still be overwritten.
	if err := tagResource(c, t, arn, tag("k00", "new"), tag("k49", "new")); err != nil {
		t.Errorf("overwriting at the limit: %v", err)
	}
	if err := untagResource(c, t, arn, "k00"); err != nil {
		t.Fatal(err)
	}
	if err := tagResource(c, t, arn, tag("one-more", "v")); err != nil {
		t.Errorf("the 50th tag after untagging one: %v", err)
	}
	// Model limits, checked before anything else.
	checkErr(t, "an empty value", tagResource(c, t, arn, tag("k", "")), expectValidation("Tags[0].Value"))
	checkErr(t, "a long key", tagResource(c, t, arn, tag(strings.Repeat("k", 129), "v")), expectValidation("Tags[0].Key"))
	checkErr(t, "201 tags", tagResource(c, t, arn, nTags(201, "n")...), expectValidation("Tags"))

	// RegisterUser applies the same rules.
	for _, tc := range []struct {
		what string
		tags []types.Tag
		want expect
	}{
		{"51 tags", nTags(51, "k"), expectLimit(types.ExceptionResourceTypeUser)},
		{"a duplicate key", []types.Tag{tag("a", "1"), tag("a", "2")}, expectInvalid("Tags[1].Key")},
		{"a reserved key", []types.Tag{tag("aws:x", "1")}, expectInvalid("Tags[0].Key")},
	} {
		_, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{
			AwsAccountId: aws.String(account), Namespace: aws.String("default"), IdentityType: types.IdentityTypeQuicksight,
			UserName: aws.String("bob"), Email: aws.String("bob@example.com"), UserRole: types.UserRoleReader, Tags: tc.tags,
		})
		checkErr(t, "RegisterUser with "+tc.what, err, tc.want)
	}
	_, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("bob")})
	checkErr(t, "bob after failed registrations", err, expectNotFound(types.ExceptionResourceTypeUser, "bob"))
}

func TestTaggableResources(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	prefix := "arn:aws:quicksight:us-east-1:" + account + ":"
	mkNamespace(t, c, "sales")
	mkGroup(t, c, "sales", "analysts", "")
	mkGroup(t, c, "sales", "analysts2", "")
	mkProfile(t, c, "restricted", nil)

	for _, res := range []string{"group/sales/analysts", "namespace/sales", "namespace/default", "custompermission/restricted"} {
		arn := prefix + res
		if got := tagsOf(t, c, arn); got != "" {
			t.Errorf("%s starts with tags %s", res, got)
		}
		if err := tagResource(c, t, arn, tag("res", res), tag("b", "2")); err != nil {
			t.Fatalf("TagResource %s: %v", res, err)
		}
		if got := tagsOf(t, c, arn); got != "b=2 res="+res {
			t.Errorf("tags of %s = %s", res, got)
		}
		if err := untagResource(c, t, arn, "b"); err != nil {
			t.Fatal(err)
		}
		if got := tagsOf(t, c, arn); got != "res="+res {
			t.Errorf("tags of %s after untag = %s", res, got)
		}
	}
	// The limit names the resource's type where the enum has one.
	for res, rt := range map[string]types.ExceptionResourceType{
		"group/sales/analysts": types.ExceptionResourceTypeGroup, "namespace/sales": types.ExceptionResourceTypeNamespace,
		"custompermission/restricted": "", "user/sales/nobody": types.ExceptionResourceTypeUser,
	} {
		checkErr(t, "51 tags on "+res, tagResource(c, t, prefix+res, nTags(51, "k")...), expectLimit(rt))
	}
	// Tags are the account's: the same resource elsewhere is another one.
	if got := tagsOf(t, c, "arn:aws:quicksight:us-east-1:444455556666:namespace/default"); got != "" {
		t.Errorf("another account's default namespace has tags %s", got)
	}
	// Deleting a group takes its tags, not those of a group whose name extends it.
	if err := tagResource(c, t, prefix+"group/sales/analysts2", tag("who", "analysts2")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteGroup(ctx(t), &quicksight.DeleteGroupInput{AwsAccountId: aws.String(account), Namespace: aws.String("sales"), GroupName: aws.String("analysts")}); err != nil {
		t.Fatal(err)
	}
	mkGroup(t, c, "sales", "analysts", "")
	if got := tagsOf(t, c, prefix+"group/sales/analysts"); got != "" {
		t.Errorf("a re-created group has tags %s", got)
	}
	if got := tagsOf(t, c, prefix+"group/sales/analysts2"); got != "who=analysts2" {
		t.Errorf("analysts2's tags = %s", got)
	}

	// Missing resources, each with its type.
	for _, tc := range []struct {
		arn  string
		want expect
	}{
		{prefix + "user/default/nobody", expectNotFound(types.ExceptionResourceTypeUser, "nobody")},
		{prefix + "user/nowhere/alice", expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere")},
		{prefix + "group/sales/nobody", expectNotFound(types.ExceptionResourceTypeGroup, "nobody")},
		{prefix + "group/nowhere/analysts", expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere")},
		{prefix + "namespace/nowhere", expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere")},
		{prefix + "custompermission/nope", expectNotFound("", "nope")},
		{prefix + "dashboard/d-1", expectNotFound("", "Dashboard d-1")},
		// Resource types qslocal does not have yet.
		{prefix + "topic/t-1", expectNotFound("", "topic")},
		{prefix + "topic/1234", expectNotFound("", "topic")},
		// Malformed ARNs.
		{"not-an-arn", expectInvalid("ResourceArn")},
		{"arn:aws:s3:::bucket/key", expectInvalid("ResourceArn")},
		{"arn:aws:iam::" + account + ":user/alice", expectInvalid("ResourceArn")},
		{"arn:aws:quicksight:us-east-1:1234:user/default/alice", expectInvalid("ResourceArn")},
		{prefix + "user/default", expectInvalid("ResourceArn")},
		{prefix + "user", expectInvalid("ResourceArn")},
		{prefix + "namespace/a/b", expectInvalid("ResourceArn")},
	} {
		_, err := c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(tc.arn)})
		checkErr(t, "ListTagsForResource "+tc.arn, err, tc.want)
		checkErr(t, "TagResource "+tc.arn, tagResource(c, t, tc.arn, tag("k", "v")), tc.want)
		checkErr(t, "UntagResource "+tc.arn, untagResource(c, t, tc.arn, "k"), tc.want)
	}
}
