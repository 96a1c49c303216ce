package e2e

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// mkGroup creates a group; an empty description sends none.
func mkGroup(t *testing.T, c *quicksight.Client, ns, name, description string) *types.Group {
	t.Helper()
	in := &quicksight.CreateGroupInput{AwsAccountId: aws.String(account), Namespace: aws.String(ns), GroupName: aws.String(name)}
	if description != "" {
		in.Description = aws.String(description)
	}
	out, err := c.CreateGroup(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateGroup %q in %s: %v", name, ns, err)
	}
	if out.Status != 201 { // as AWS answers (docs/behaviour.md)
		t.Errorf("CreateGroup %q Status %d, want 201", name, out.Status)
	}
	return out.Group
}

func joinGroup(t *testing.T, c *quicksight.Client, ns, group, user string) *types.GroupMember {
	t.Helper()
	out, err := c.CreateGroupMembership(ctx(t), &quicksight.CreateGroupMembershipInput{
		AwsAccountId: aws.String(account), Namespace: aws.String(ns), GroupName: aws.String(group), MemberName: aws.String(user),
	})
	if err != nil {
		t.Fatalf("CreateGroupMembership %q in %q: %v", user, group, err)
	}
	return out.GroupMember
}

// groupMembers reads every page of ListGroupMemberships and checks each
// member's ARN.
func groupMembers(t *testing.T, c *quicksight.Client, ns, group string, pageSize int32) []string {
	t.Helper()
	p := quicksight.NewListGroupMembershipsPaginator(c, &quicksight.ListGroupMembershipsInput{
		AwsAccountId: aws.String(account), Namespace: aws.String(ns), GroupName: aws.String(group), MaxResults: aws.Int32(pageSize),
	})
	names := []string{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("ListGroupMemberships %q: %v", group, err)
		}
		if len(page.GroupMemberList) > int(pageSize) {
			t.Errorf("page of %d members with MaxResults %d", len(page.GroupMemberList), pageSize)
		}
		for _, m := range page.GroupMemberList {
			name := aws.ToString(m.MemberName)
			if want := "arn:aws:quicksight:us-east-1:" + account + ":user/" + ns + "/" + name; aws.ToString(m.Arn) != want {
				t.Errorf("member %q has Arn %q, want %q", name, aws.ToString(m.Arn), want)
			}
			names = append(names, name)
		}
	}
	return names
}

// userGroups reads every page of ListUserGroups.
func userGroups(t *testing.T, c *quicksight.Client, ns, user string, pageSize int32) []string {
	t.Helper()
	p := quicksight.NewListUserGroupsPaginator(c, &quicksight.ListUserGroupsInput{
		AwsAccountId: aws.String(account), Namespace: aws.String(ns), UserName: aws.String(user), MaxResults: aws.Int32(pageSize),
	})
	names := []string{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("ListUserGroups %q: %v", user, err)
		}
		if len(page.GroupList) > int(pageSize) {
			t.Errorf("page of %d groups with MaxResults %d", len(page.GroupList), pageSize)
		}
		for _, g := range page.GroupList {
			names = append(names, aws.ToString(g.GroupName))
		}
	}
	return names
}

// searchGroups reads every page of a StartsWith search and counts them.
func searchGroups(t *testing.T, c *quicksight.Client, prefix string, pageSize int32) (names []string, pages int) {
	t.Helper()
	p := quicksight.NewSearchGroupsPaginator(c, &quicksight.SearchGroupsInput{
		AwsAccountId: aws.String(account), Namespace: aws.String("default"), MaxResults: aws.Int32(pageSize),
		Filters: []types.GroupSearchFilter{{Operator: types.GroupFilterOperatorStartsWith, Name: types.GroupFilterAttributeGroupName, Value: aws.String(prefix)}},
	})
	names = []string{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("SearchGroups %q: %v", prefix, err)
		}
		pages++
		if len(page.GroupList) > int(pageSize) {
			t.Errorf("page of %d groups with MaxResults %d", len(page.GroupList), pageSize)
		}
		for _, g := range page.GroupList {
			names = append(names, aws.ToString(g.GroupName))
		}
	}
	return names, pages
}

func groupString(g *types.Group) string {
	return fmt.Sprintf("{Arn:%s GroupName:%s Description:%v PrincipalId:%s}", aws.ToString(g.Arn), aws.ToString(g.GroupName), aws.ToString(g.Description), aws.ToString(g.PrincipalId))
}

func memberString(m *types.GroupMember) string {
	return fmt.Sprintf("{Arn:%s MemberName:%s}", aws.ToString(m.Arn), aws.ToString(m.MemberName))
}

var groupPrincipal = regexp.MustCompile(`^group/d-[0-9a-f]{10}/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestGroupLifecycle(t *testing.T) {
	t.Parallel()
	srv := start(t, "")
	c := srv.client("us-east-1")
	acct, def := aws.String(account), aws.String("default")
	names := []string{"engineers", "Team A/B+c@d=e f", "ops"}
	created := map[string]*types.Group{}
	for i, name := range names {
		desc := ""
		if i == 0 {
			desc = "People who build"
		}
		g := mkGroup(t, c, "default", name, desc)
		created[name] = g
		if aws.ToString(g.Arn) != "arn:aws:quicksight:us-east-1:"+account+":group/default/"+name || aws.ToString(g.GroupName) != name ||
			aws.ToString(g.Description) != desc || !groupPrincipal.MatchString(aws.ToString(g.PrincipalId)) {
			t.Errorf("CreateGroup %q = %s", name, groupString(g))
		}
		d, err := c.DescribeGroup(ctx(t), &quicksight.DescribeGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String(name)})
		if err != nil {
			t.Fatalf("DescribeGroup %q: %v", name, err)
		}
		if groupString(d.Group) != groupString(g) || d.Status != 200 {
			t.Errorf("DescribeGroup %q = %s, created %s", name, groupString(d.Group), groupString(g))
		}
	}
	up, err := c.UpdateGroup(ctx(t), &quicksight.UpdateGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("ops"), Description: aws.String("On call")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(up.Group.Description) != "On call" || aws.ToString(up.Group.PrincipalId) != aws.ToString(created["ops"].PrincipalId) {
		t.Errorf("UpdateGroup = %s", groupString(up.Group))
	}
	// Without Description, UpdateGroup leaves the group as it is.
	up, err = c.UpdateGroup(ctx(t), &quicksight.UpdateGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("ops")})
	if err != nil || aws.ToString(up.Group.Description) != "On call" {
		t.Errorf("UpdateGroup without Description: %v, %v", up, err)
	}

	list, err := c.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: acct, Namespace: def})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range list.GroupList {
		got = append(got, aws.ToString(g.GroupName))
		if g.GroupName != nil && *g.GroupName == "ops" && aws.ToString(g.Description) != "On call" {
			t.Errorf("ListGroups shows ops as %s", groupString(&g))
		}
	}
	want := append([]string(nil), names...)
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) || list.NextToken != nil {
		t.Errorf("ListGroups = %q (next %v), want %q", got, list.NextToken, want)
	}

	for _, name := range names {
		if _, err := c.DeleteGroup(ctx(t), &quicksight.DeleteGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String(name)}); err != nil {
			t.Fatalf("DeleteGroup %q: %v", name, err)
		}
		_, err := c.DescribeGroup(ctx(t), &quicksight.DescribeGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String(name)})
		if msg := expectNotFound(types.ExceptionResourceTypeGroup, "")(err); msg != "" {
			t.Errorf("DescribeGroup of deleted %q: %v; %s", name, err, msg)
		}
	}
	// A group re-created under a deleted one's name is a new group.
	again := mkGroup(t, c, "default", "ops", "")
	if again.Description != nil || aws.ToString(again.PrincipalId) == aws.ToString(created["ops"].PrincipalId) {
		t.Errorf("re-created ops = %s", groupString(again))
	}
	// Groups live in the account's identity region (the server's --region):
	// called from another, AWS refuses, naming both.
	_, err = srv.client("ap-northeast-1").DescribeGroup(ctx(t), &quicksight.DescribeGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("ops")})
	checkErr(t, "DescribeGroup signed for ap-northeast-1", err,
		expectDenied("Operation is being called from endpoint ap-northeast-1, but your identity region is us-east-1. Please use the us-east-1 endpoint."))
}

func TestListGroupsPages(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	const n = 23
	for i := range n {
		mkGroup(t, c, "default", fmt.Sprintf("group%02d", i), "")
	}
	p := quicksight.NewListGroupsPaginator(c, &quicksight.ListGroupsInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), MaxResults: aws.Int32(5)})
	var names []string
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.GroupList) > 5 {
			t.Errorf("page of %d groups with MaxResults 5", len(page.GroupList))
		}
		for _, g := range page.GroupList {
			names = append(names, aws.ToString(g.GroupName))
		}
	}
	if pages != 5 || len(names) != n || !sort.StringsAreSorted(names) {
		t.Errorf("%d pages, %d groups %q", pages, len(names), names)
	}
}

func TestSearchGroups(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	for _, g := range []string{"data-eng", "data-science", "Data-ops", "design", "ops"} {
		mkGroup(t, c, "default", g, "")
	}
	for i := range 12 {
		mkGroup(t, c, "default", fmt.Sprintf("team-%02d", i), "")
	}
	tests := []struct {
		prefix   string
		pageSize int32
		want     string
		pages    int
	}{
		{"data-", 100, "[data-eng data-science]", 1},
		{"Data", 100, "[Data-ops]", 1}, // case-sensitive
		{"DATA-", 100, "[]", 1},        // a case-mismatched prefix matches nothing
		{"zzz", 100, "[]", 1},          // nothing matches
		{"ops", 100, "[ops]", 1},       // not "Data-ops": a prefix, not a substring
		{"", 100, "", 1},               // every group
		{"team-", 5, "", 3},            // 12 groups in pages of 5
		{"team-0", 3, "", 4},           // 10 groups in pages of 3
		{"data-science", 1, "[data-science]", 1},
	}
	for _, tt := range tests {
		names, pages := searchGroups(t, c, tt.prefix, tt.pageSize)
		if tt.want != "" && fmt.Sprint(names) != tt.want {
			t.Errorf("StartsWith %q = %q, want %s", tt.prefix, names, tt.want)
		}
		if pages != tt.pages {
			t.Errorf("StartsWith %q with MaxResults %d: %d pages, want %d", tt.prefix, tt.pageSize, pages, tt.pages)
		}
		if !sort.StringsAreSorted(names) {
			t.Errorf("StartsWith %q: not sorted: %q", tt.prefix, names)
		}
		switch tt.prefix {
		case "":
			if len(names) != 17 {
				t.Errorf("StartsWith \"\" found %d groups, want 17", len(names))
			}
		case "team-", "team-0":
			for _, n := range names {
				if !strings.HasPrefix(n, tt.prefix) {
					t.Errorf("StartsWith %q found %q", tt.prefix, n)
				}
			}
			if want := map[string]int{"team-": 12, "team-0": 10}[tt.prefix]; len(names) != want {
				t.Errorf("StartsWith %q found %d groups, want %d", tt.prefix, len(names), want)
			}
		}
	}

	// A token continues only the search that issued it.
	search := func(prefix string, token *string) (*quicksight.SearchGroupsOutput, error) {
		return c.SearchGroups(ctx(t), &quicksight.SearchGroupsInput{
			AwsAccountId: aws.String(account), Namespace: aws.String("default"), MaxResults: aws.Int32(5), NextToken: token,
			Filters: []types.GroupSearchFilter{{Operator: types.GroupFilterOperatorStartsWith, Name: types.GroupFilterAttributeGroupName, Value: aws.String(prefix)}},
		})
	}
	first, err := search("team-", nil)
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %v, %v", first, err)
	}
	list, err := c.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), MaxResults: aws.Int32(1)})
	if err != nil || list.NextToken == nil {
		t.Fatalf("ListGroups: %v, %v", list, err)
	}
	runErrCases(t, []errCase{
		{"token replayed with another filter", func() error { _, err := search("team-0", first.NextToken); return err }, expectBadToken},
		{"ListGroups token in SearchGroups", func() error { _, err := search("team-", list.NextToken); return err }, expectBadToken},
		{"SearchGroups token in ListGroups", func() error {
			_, err := c.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), NextToken: first.NextToken})
			return err
		}, expectBadToken},
		{"forged token", func() error { _, err := search("team-", aws.String("e30.AAAA")); return err }, expectBadToken},
		{"unknown namespace", func() error {
			_, err := c.SearchGroups(ctx(t), &quicksight.SearchGroupsInput{
				AwsAccountId: aws.String(account), Namespace: aws.String("nope"),
				Filters: []types.GroupSearchFilter{{Operator: types.GroupFilterOperatorStartsWith, Name: types.GroupFilterAttributeGroupName, Value: aws.String("a")}},
			})
			return err
		}, expectNotFound(types.ExceptionResourceTypeNamespace, "")},
		{"operator other than StartsWith", func() error {
			_, err := c.SearchGroups(ctx(t), &quicksight.SearchGroupsInput{
				AwsAccountId: aws.String(account), Namespace: aws.String("default"),
				Filters: []types.GroupSearchFilter{{Operator: "StringEquals", Name: types.GroupFilterAttributeGroupName, Value: aws.String("a")}},
			})
			return err
		}, expectValidation("Filters[0].Operator")},
		{"two filters", func() error {
			f := types.GroupSearchFilter{Operator: types.GroupFilterOperatorStartsWith, Name: types.GroupFilterAttributeGroupName, Value: aws.String("a")}
			_, err := c.SearchGroups(ctx(t), &quicksight.SearchGroupsInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), Filters: []types.GroupSearchFilter{f, f}})
			return err
		}, expectValidation("Filters")},
	})
}

func TestGroupErrors(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	acct, def, nope := aws.String(account), aws.String("default"), aws.String("nope")
	mkUser(t, c, "default", "alice")
	mkUser(t, c, "default", "bob")
	mkNamespace(t, c, "sales")
	mkUser(t, c, "sales", "zed")
	mkGroup(t, c, "sales", "eng", "")
	mkGroup(t, c, "default", "eng", "")
	mkGroup(t, c, "default", "ops", "")
	joinGroup(t, c, "default", "eng", "alice")
	joinGroup(t, c, "default", "eng", "bob")
	members, err := c.ListGroupMemberships(ctx(t), &quicksight.ListGroupMembershipsInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("eng"), MaxResults: aws.Int32(1)})
	if err != nil || members.NextToken == nil {
		t.Fatalf("ListGroupMemberships: %v, %v", members, err)
	}
	joinGroup(t, c, "default", "ops", "alice")
	alicesGroups, err := c.ListUserGroups(ctx(t), &quicksight.ListUserGroupsInput{AwsAccountId: acct, Namespace: def, UserName: aws.String("alice"), MaxResults: aws.Int32(1)})
	if err != nil || alicesGroups.NextToken == nil {
		t.Fatalf("ListUserGroups: %v, %v", alicesGroups, err)
	}

	createGroup := func(ns *string, name string) func() error {
		return func() error {
			_, err := c.CreateGroup(ctx(t), &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: ns, GroupName: aws.String(name)})
			return err
		}
	}
	member := func(op string, ns *string, group, user string) func() error {
		return func() error {
			var err error
			switch op {
			case "create":
				_, err = c.CreateGroupMembership(ctx(t), &quicksight.CreateGroupMembershipInput{AwsAccountId: acct, Namespace: ns, GroupName: aws.String(group), MemberName: aws.String(user)})
			case "describe":
				_, err = c.DescribeGroupMembership(ctx(t), &quicksight.DescribeGroupMembershipInput{AwsAccountId: acct, Namespace: ns, GroupName: aws.String(group), MemberName: aws.String(user)})
			case "delete":
				_, err = c.DeleteGroupMembership(ctx(t), &quicksight.DeleteGroupMembershipInput{AwsAccountId: acct, Namespace: ns, GroupName: aws.String(group), MemberName: aws.String(user)})
			}
			return err
		}
	}
	listMembers := func(ns *string, group string, token *string) func() error {
		return func() error {
			_, err := c.ListGroupMemberships(ctx(t), &quicksight.ListGroupMembershipsInput{AwsAccountId: acct, Namespace: ns, GroupName: aws.String(group), NextToken: token})
			return err
		}
	}
	listUserGroups := func(ns *string, user string, token *string) func() error {
		return func() error {
			_, err := c.ListUserGroups(ctx(t), &quicksight.ListUserGroupsInput{AwsAccountId: acct, Namespace: ns, UserName: aws.String(user), NextToken: token})
			return err
		}
	}
	var (
		nsNotFound    = expectNotFound(types.ExceptionResourceTypeNamespace, "")
		groupNotFound = expectNotFound(types.ExceptionResourceTypeGroup, "")
		userNotFound  = expectNotFound(types.ExceptionResourceTypeUser, "")
	)
	runErrCases(t, []errCase{
		{"CreateGroup taken name", createGroup(def, "eng"), expectExists(types.ExceptionResourceTypeGroup)},
		{"CreateGroup unknown namespace", createGroup(nope, "x"), nsNotFound},
		{"CreateGroup control character in name", createGroup(def, "a\tb"), expectValidation("GroupName")},
		{"CreateGroup empty description", func() error {
			_, err := c.CreateGroup(ctx(t), &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("x"), Description: aws.String("")})
			return err
		}, expectValidation("Description")},
		{"DescribeGroup unknown", func() error {
			_, err := c.DescribeGroup(ctx(t), &quicksight.DescribeGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("x")})
			return err
		}, groupNotFound},
		{"DescribeGroup unknown namespace", func() error {
			_, err := c.DescribeGroup(ctx(t), &quicksight.DescribeGroupInput{AwsAccountId: acct, Namespace: nope, GroupName: aws.String("eng")})
			return err
		}, nsNotFound},
		{"DescribeGroup wrong case", func() error {
			_, err := c.DescribeGroup(ctx(t), &quicksight.DescribeGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("ENG")})
			return err
		}, groupNotFound},
		{"UpdateGroup unknown", func() error {
			_, err := c.UpdateGroup(ctx(t), &quicksight.UpdateGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("x"), Description: aws.String("d")})
			return err
		}, groupNotFound},
		{"DeleteGroup unknown", func() error {
			_, err := c.DeleteGroup(ctx(t), &quicksight.DeleteGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("x")})
			return err
		}, groupNotFound},
		{"DeleteGroup unknown namespace", func() error {
			_, err := c.DeleteGroup(ctx(t), &quicksight.DeleteGroupInput{AwsAccountId: acct, Namespace: nope, GroupName: aws.String("eng")})
			return err
		}, nsNotFound},
		{"ListGroups unknown namespace", func() error {
			_, err := c.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: acct, Namespace: nope})
			return err
		}, nsNotFound},
		{"ListGroups MaxResults 101", func() error {
			_, err := c.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: acct, Namespace: def, MaxResults: aws.Int32(101)})
			return err
		}, expectValidation("MaxResults")},
		{"ListGroups forged token", func() error {
			_, err := c.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: acct, Namespace: def, NextToken: aws.String("x.y")})
			return err
		}, expectBadToken},
		{"CreateGroupMembership unknown user", member("create", def, "eng", "carol"), userNotFound},
		{"CreateGroupMembership unknown group", member("create", def, "x", "alice"), groupNotFound},
		{"CreateGroupMembership unknown namespace", member("create", nope, "eng", "alice"), nsNotFound},
		{"CreateGroupMembership user of another namespace", member("create", def, "eng", "zed"), userNotFound},
		{"CreateGroupMembership group of another namespace", member("create", aws.String("sales"), "eng", "alice"), userNotFound},
		{"DescribeGroupMembership not a member", member("describe", def, "ops", "bob"), userNotFound},
		{"DescribeGroupMembership unknown user", member("describe", def, "eng", "carol"), userNotFound},
		{"DescribeGroupMembership unknown group", member("describe", def, "x", "alice"), groupNotFound},
		{"DescribeGroupMembership unknown namespace", member("describe", nope, "eng", "alice"), nsNotFound},
		{"DeleteGroupMembership not a member", member("delete", def, "ops", "bob"), userNotFound},
		{"DeleteGroupMembership unknown group", member("delete", def, "x", "alice"), groupNotFound},
		{"DeleteGroupMembership unknown namespace", member("delete", nope, "eng", "alice"), nsNotFound},
		{"ListGroupMemberships unknown group", listMembers(def, "x", nil), groupNotFound},
		{"ListGroupMemberships unknown namespace", listMembers(nope, "eng", nil), nsNotFound},
		{"ListGroupMemberships forged token", listMembers(def, "eng", aws.String("garbage")), expectBadToken},
		{"ListGroupMemberships token of another group", listMembers(def, "ops", members.NextToken), expectBadToken},
		{"ListUserGroups unknown user", listUserGroups(def, "carol", nil), userNotFound},
		{"ListUserGroups unknown namespace", listUserGroups(nope, "alice", nil), nsNotFound},
		// ListUserGroups does not declare InvalidNextTokenException.
		{"ListUserGroups token of another user", listUserGroups(def, "bob", alicesGroups.NextToken), expectInvalid("NextToken")},
		{"ListUserGroups with a ListGroupMemberships token", listUserGroups(def, "alice", members.NextToken), expectInvalid("NextToken")},
		{"ListUserGroups forged token", listUserGroups(def, "alice", aws.String("x.y")), expectInvalid("NextToken")},
	})
	// DescribeGroupMembership says why.
	_, err = c.DescribeGroupMembership(ctx(t), &quicksight.DescribeGroupMembershipInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("ops"), MemberName: aws.String("bob")})
	if msg := userNotFound(err); msg != "" || !regexp.MustCompile(`not a member`).MatchString(err.Error()) {
		t.Errorf("DescribeGroupMembership of a non-member: %v", err)
	}
	// Nothing above changed anything.
	if got := groupMembers(t, c, "default", "eng", 100); fmt.Sprint(got) != "[alice bob]" {
		t.Errorf("members of eng after failed calls: %q", got)
	}
	if got := groupMembers(t, c, "default", "ops", 100); fmt.Sprint(got) != "[alice]" {
		t.Errorf("members of ops after failed calls: %q", got)
	}
}

func TestGroupMemberships(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	acct, def := aws.String(account), aws.String("default")
	users := []string{"alice", "bob", "carol", "dave", "erin"}
	for _, u := range users {
		mkUser(t, c, "default", u)
	}
	for _, g := range []string{"g1", "g2", "g3"} {
		mkGroup(t, c, "default", g, "")
	}
	for _, u := range users {
		m := joinGroup(t, c, "default", "g1", u)
		if aws.ToString(m.MemberName) != u || aws.ToString(m.Arn) != "arn:aws:quicksight:us-east-1:"+account+":user/default/"+u {
			t.Errorf("CreateGroupMembership %q = %s", u, memberString(m))
		}
	}
	// Adding a member again succeeds and changes nothing.
	if m := joinGroup(t, c, "default", "g1", "alice"); aws.ToString(m.MemberName) != "alice" {
		t.Errorf("CreateGroupMembership again = %s", memberString(m))
	}
	joinGroup(t, c, "default", "g2", "alice")
	joinGroup(t, c, "default", "g3", "alice")
	joinGroup(t, c, "default", "g3", "bob")

	if got := groupMembers(t, c, "default", "g1", 2); fmt.Sprint(got) != fmt.Sprint(users) {
		t.Errorf("members of g1 in pages of 2: %q", got)
	}
	if got := userGroups(t, c, "default", "alice", 2); fmt.Sprint(got) != "[g1 g2 g3]" {
		t.Errorf("alice's groups in pages of 2: %q", got)
	}
	if got := userGroups(t, c, "default", "carol", 100); fmt.Sprint(got) != "[g1]" {
		t.Errorf("carol's groups: %q", got)
	}
	// ListUserGroups returns whole groups.
	ug, err := c.ListUserGroups(ctx(t), &quicksight.ListUserGroupsInput{AwsAccountId: acct, Namespace: def, UserName: aws.String("bob")})
	if err != nil || len(ug.GroupList) != 2 || aws.ToString(ug.GroupList[0].Arn) != "arn:aws:quicksight:us-east-1:"+account+":group/default/g1" ||
		!groupPrincipal.MatchString(aws.ToString(ug.GroupList[0].PrincipalId)) {
		t.Errorf("ListUserGroups bob: %+v, %v", ug, err)
	}

	d, err := c.DescribeGroupMembership(ctx(t), &quicksight.DescribeGroupMembershipInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("g3"), MemberName: aws.String("bob")})
	if err != nil || aws.ToString(d.GroupMember.MemberName) != "bob" || aws.ToString(d.GroupMember.Arn) != "arn:aws:quicksight:us-east-1:"+account+":user/default/bob" {
		t.Errorf("DescribeGroupMembership = %+v, %v", d, err)
	}
	if _, err := c.DeleteGroupMembership(ctx(t), &quicksight.DeleteGroupMembershipInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("g3"), MemberName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	runErrCases(t, []errCase{
		{"DescribeGroupMembership after delete", func() error {
			_, err := c.DescribeGroupMembership(ctx(t), &quicksight.DescribeGroupMembershipInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("g3"), MemberName: aws.String("bob")})
			return err
		}, expectNotFound(types.ExceptionResourceTypeUser, "")},
		{"DeleteGroupMembership twice", func() error {
			_, err := c.DeleteGroupMembership(ctx(t), &quicksight.DeleteGroupMembershipInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("g3"), MemberName: aws.String("bob")})
			return err
		}, expectNotFound(types.ExceptionResourceTypeUser, "")},
	})
	if got := groupMembers(t, c, "default", "g3", 100); fmt.Sprint(got) != "[alice]" {
		t.Errorf("members of g3 after removing bob: %q", got)
	}

	// Deleting a user removes its memberships; a new user of the same name
	// has none.
	if _, err := c.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	for g, want := range map[string]string{"g1": "[bob carol dave erin]", "g2": "[]", "g3": "[]"} {
		if got := groupMembers(t, c, "default", g, 100); fmt.Sprint(got) != want {
			t.Errorf("members of %s after deleting alice: %q, want %s", g, got, want)
		}
	}
	mkUser(t, c, "default", "alice")
	if got := userGroups(t, c, "default", "alice", 100); len(got) != 0 {
		t.Errorf("groups of a new alice: %q", got)
	}

	// Deleting a group removes its memberships; a new group of the same name
	// has none.
	if _, err := c.DeleteGroup(ctx(t), &quicksight.DeleteGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("g1")}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"bob", "carol"} {
		if got := userGroups(t, c, "default", u, 100); len(got) != 0 {
			t.Errorf("groups of %s after deleting g1: %q", u, got)
		}
	}
	mkGroup(t, c, "default", "g1", "")
	if got := groupMembers(t, c, "default", "g1", 100); len(got) != 0 {
		t.Errorf("members of a new g1: %q", got)
	}
}

// TestOddMemberName takes a user whose name holds '/', '@', '+', '=' and a
// space through every membership operation.
func TestOddMemberName(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	acct, def := aws.String(account), aws.String("default")
	const name = "a/b@c+d=e f"
	group := "g/1 +="
	u := mkUser(t, c, "default", name)
	if aws.ToString(u.Arn) != "arn:aws:quicksight:us-east-1:"+account+":user/default/"+name {
		t.Errorf("RegisterUser = %+v", *u)
	}
	if _, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	mkGroup(t, c, "default", group, "")
	m := joinGroup(t, c, "default", group, name)
	if aws.ToString(m.MemberName) != name || aws.ToString(m.Arn) != aws.ToString(u.Arn) {
		t.Errorf("CreateGroupMembership = %s", memberString(m))
	}
	d, err := c.DescribeGroupMembership(ctx(t), &quicksight.DescribeGroupMembershipInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String(group), MemberName: aws.String(name)})
	if err != nil || aws.ToString(d.GroupMember.MemberName) != name {
		t.Errorf("DescribeGroupMembership = %+v, %v", d, err)
	}
	if got := groupMembers(t, c, "default", group, 100); fmt.Sprint(got) != fmt.Sprint([]string{name}) {
		t.Errorf("ListGroupMemberships = %q", got)
	}
	if got := userGroups(t, c, "default", name, 100); fmt.Sprint(got) != fmt.Sprint([]string{group}) {
		t.Errorf("ListUserGroups = %q", got)
	}
	// Another user whose name the odd one's starts with is not confused
	// with it.
	mkUser(t, c, "default", "a")
	if got := userGroups(t, c, "default", "a", 100); len(got) != 0 {
		t.Errorf("ListUserGroups of \"a\" = %q", got)
	}
	if _, err := c.DeleteGroupMembership(ctx(t), &quicksight.DeleteGroupMembershipInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String(group), MemberName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	joinGroup(t, c, "default", group, name)
	if _, err := c.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if got := groupMembers(t, c, "default", group, 100); len(got) != 0 {
		t.Errorf("members after deleting the user: %q", got)
	}
	_, err = c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String(name)})
	if msg := expectNotFound(types.ExceptionResourceTypeUser, "")(err); msg != "" {
		t.Errorf("DescribeUser after delete: %v; %s", err, msg)
	}
}
