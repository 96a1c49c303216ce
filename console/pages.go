package console

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// usersPerPage is the users page's size: each user's groups are read too.
const usersPerPage = 50

// upgradesPerPage is the upgrade requests page's size.
const upgradesPerPage = 100

func ptr[T any](v T) *T { return &v }

// token is a query parameter as a NextToken: nil when absent.
func token(r *http.Request, name string) *string {
	if v := r.URL.Query().Get(name); v != "" {
		return &v
	}
	return nil
}

// accountsPerPage is the accounts page's size.
const accountsPerPage = 100

type accountsData struct {
	Accounts []string
	More     string // the id to continue after
}

func (c *Console) accounts(w http.ResponseWriter, r *http.Request) {
	if cr := callerOf(r); cr != nil {
		c.render(w, r, http.StatusOK, "accounts", "Accounts", accountsData{Accounts: []string{cr.Account}})
		return
	}
	ids, err := c.cfg.Service.Accounts(r.Context(), r.URL.Query().Get("after"), accountsPerPage)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	d := accountsData{Accounts: ids}
	if len(ids) == accountsPerPage {
		d.More = ids[len(ids)-1]
	}
	c.render(w, r, http.StatusOK, "accounts", "Accounts", d)
}

func (c *Console) namespaces(w http.ResponseWriter, r *http.Request) {
	account := r.PathValue("account")
	if !c.may(w, r, "quicksight:ListNamespaces", c.arn(account, "namespace/*")) {
		return
	}
	out, err := c.cfg.Service.ListNamespaces(call(r, "ListNamespaces", ""), &api.ListNamespacesRequest{
		AwsAccountId: &account, NextToken: token(r, "next")})
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "namespaces", "Namespaces of "+account, out)
}

// userRow is a user with its groups.
type userRow struct {
	api.User
	Groups []string
}

type usersData struct {
	Query string
	Users []userRow
	Next  string
}

func (c *Console) users(w http.ResponseWriter, r *http.Request) {
	account, ns, q := r.PathValue("account"), r.PathValue("namespace"), r.URL.Query().Get("q")
	if !c.may(w, r, "quicksight:ListUsers", c.arn(account, "user/"+ns+"/*")) {
		return
	}
	var users []api.User
	var next *string
	var err error
	if q == "" {
		var out *api.ListUsersResponse
		out, err = c.cfg.Service.ListUsers(call(r, "ListUsers", ns), &api.ListUsersRequest{AwsAccountId: &account, Namespace: &ns,
			NextToken: token(r, "next"), MaxResults: ptr(int32(usersPerPage))})
		if out != nil {
			users, next = out.UserList, out.NextToken
		}
	} else {
		users, next, err = c.cfg.Service.SearchUsers(call(r, "ListUsers", ns), account, ns, q, token(r, "next"), ptr(int32(usersPerPage)))
	}
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	d := usersData{Query: q, Users: make([]userRow, len(users))}
	if next != nil {
		d.Next = *next
	}
	for i, u := range users {
		d.Users[i].User = u
		gs, err := c.cfg.Service.ListUserGroups(call(r, "ListUserGroups", ns), &api.ListUserGroupsRequest{
			AwsAccountId: &account, Namespace: &ns, UserName: u.UserName})
		if err != nil {
			c.failErr(w, r, err)
			return
		}
		for _, g := range gs.GroupList {
			d.Users[i].Groups = append(d.Users[i].Groups, *g.GroupName)
		}
	}
	c.render(w, r, http.StatusOK, "users", "Users of "+ns, d)
}

type groupRow struct {
	api.Group
	Members []string
	More    bool // the group has more members than shown
}

type groupsData struct {
	Groups []groupRow
	Next   string
}

func (c *Console) groups(w http.ResponseWriter, r *http.Request) {
	account, ns := r.PathValue("account"), r.PathValue("namespace")
	if !c.may(w, r, "quicksight:ListGroups", c.arn(account, "group/"+ns+"/*")) {
		return
	}
	out, err := c.cfg.Service.ListGroups(call(r, "ListGroups", ns), &api.ListGroupsRequest{AwsAccountId: &account, Namespace: &ns,
		NextToken: token(r, "next"), MaxResults: ptr(int32(usersPerPage))})
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	d := groupsData{Groups: make([]groupRow, len(out.GroupList))}
	if out.NextToken != nil {
		d.Next = *out.NextToken
	}
	for i, g := range out.GroupList {
		d.Groups[i].Group = g
		ms, err := c.cfg.Service.ListGroupMemberships(call(r, "ListGroupMemberships", ns), &api.ListGroupMembershipsRequest{
			AwsAccountId: &account, Namespace: &ns, GroupName: g.GroupName})
		if err != nil {
			c.failErr(w, r, err)
			return
		}
		for _, m := range ms.GroupMemberList {
			d.Groups[i].Members = append(d.Groups[i].Members, *m.MemberName)
		}
		d.Groups[i].More = ms.NextToken != nil
	}
	c.render(w, r, http.StatusOK, "groups", "Groups of "+ns, d)
}

type upgradesData struct {
	Requests  []api.SelfUpgradeRequestDetail
	MayDecide bool
	Done      string // the outcome of the decision just made
	Next      string // the next page's token
}

func (c *Console) upgrades(w http.ResponseWriter, r *http.Request) {
	if !c.may(w, r, "quicksight:ListSelfUpgrades", c.namespaceARN(r.PathValue("account"), r.PathValue("namespace"))) {
		return
	}
	c.showUpgrades(w, r, http.StatusOK, doneMessages[r.URL.Query().Get("done")])
}

// doneMessages are what the page says after each decision: fixed texts,
// so that a link cannot make the console say what it likes.
var doneMessages = map[string]string{
	string(api.SelfUpgradeAdminActionApprove): "Request approved.",
	string(api.SelfUpgradeAdminActionDeny):    "Request denied.",
	string(api.SelfUpgradeAdminActionVerify):  "Request verified.",
}

// showUpgrades shows a page of upgrade requests: the pending ones first,
// then the others, each in filing order. The page token ?next= is "P" or
// "D" (pending or decided) and the id to continue after.
func (c *Console) showUpgrades(w http.ResponseWriter, r *http.Request, status int, done string) {
	account, ns := r.PathValue("account"), r.PathValue("namespace")
	next := r.URL.Query().Get("next")
	pending, after := !strings.HasPrefix(next, "D"), ""
	if next != "" {
		after = next[1:]
	}
	var d upgradesData
	for {
		reqs, more, err := c.cfg.Service.UpgradeRequests(call(r, "ListSelfUpgrades", ns), account, ns, pending, after,
			upgradesPerPage-len(d.Requests))
		if err != nil {
			c.failErr(w, r, err)
			return
		}
		d.Requests = append(d.Requests, reqs...)
		if more != "" {
			d.Next = map[bool]string{true: "P", false: "D"}[pending] + more
			break
		}
		if !pending || len(d.Requests) == upgradesPerPage {
			if pending {
				d.Next = "D"
			}
			break
		}
		pending, after = false, ""
	}
	d.MayDecide = c.mayUpgrade(callerOf(r), c.namespaceARN(account, ns))
	d.Done = done
	c.render(w, r, status, "upgrades", "Self-upgrade requests in "+ns, d)
}

func (c *Console) namespaceARN(account, ns string) string { return c.arn(account, "namespace/"+ns) }

// arn is the ARN of a resource of account, as the API authorizes against.
func (c *Console) arn(account, resource string) string {
	return qslocal.ARN{Partition: "aws", Service: "quicksight", Region: c.cfg.Region, Account: account, Resource: resource}.String()
}

// may reports whether the caller may read what a page shows: with IAM
// enforced, whether its policies allow the action an API client would
// need, on the ARN the API authorizes. When not, it answers 403.
func (c *Console) may(w http.ResponseWriter, r *http.Request, action, resource string) bool {
	if c.allowed(callerOf(r), action, resource) {
		return true
	}
	c.fail(w, r, http.StatusForbidden, "Your IAM policies do not allow "+action+" on "+resource+
		", which this page needs (--enforce-iam).")
	return false
}

// describePermissions is, by asset kind, the action that reads an
// asset's permissions through the API.
var describePermissions = map[string]string{
	"analysis": "quicksight:DescribeAnalysisPermissions", "flow": "quicksight:DescribeFlowPermissions",
	"theme": "quicksight:DescribeThemePermissions", "datasource": "quicksight:DescribeDataSourcePermissions",
	"folder": "quicksight:DescribeFolderPermissions", "template": "quicksight:DescribeTemplatePermissions",
	"dataset": "quicksight:DescribeDataSetPermissions", "dashboard": "quicksight:DescribeDashboardPermissions",
}

// decide approves, denies or verifies a request with the API's own call.
func (c *Console) decide(w http.ResponseWriter, r *http.Request) {
	account, ns := r.PathValue("account"), r.PathValue("namespace")
	id, action := r.PostFormValue("request"), api.SelfUpgradeAdminAction(r.PostFormValue("action"))
	in := &api.UpdateSelfUpgradeRequest{AwsAccountId: &account, Namespace: &ns, UpgradeRequestId: &id, Action: &action}
	// The API's own checks, before the service would create an account
	// for an id the API refuses.
	var v shape.Validator
	in.Validate(&v)
	if err := v.Err(); err != nil {
		c.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	if !c.mayUpgrade(callerOf(r), c.namespaceARN(account, ns)) {
		c.fail(w, r, http.StatusForbidden, "You may not decide self-upgrade requests: that takes an admin key, "+
			"or IAM policies that allow quicksight:UpdateSelfUpgrade with --enforce-iam.")
		return
	}
	_, err := c.cfg.Service.UpdateSelfUpgrade(call(r, "UpdateSelfUpgrade", ns), in)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	// Post/redirect/get: reloading the page does not send the form again.
	http.Redirect(w, r, r.URL.EscapedPath()+"?"+url.Values{"done": {string(action)}}.Encode(), http.StatusSeeOther)
}

type kindAssets struct {
	Kind   string
	Assets []qslocal.AssetGrants
	More   string // the id to continue after
}

func (c *Console) assets(w http.ResponseWriter, r *http.Request) {
	account := r.PathValue("account")
	only, after := r.URL.Query().Get("kind"), r.URL.Query().Get("after")
	var d []kindAssets
	for _, k := range qslocal.AssetKinds() {
		if only != "" && k != only {
			continue
		}
		from := ""
		if k == only {
			from = after
		}
		as, more, err := c.cfg.Service.AssetPermissions(r.Context(), account, k, from, 0)
		if err != nil {
			c.failErr(w, r, err)
			return
		}
		// Assets whose permissions the caller may not describe are left out.
		as = slices.DeleteFunc(as, func(a qslocal.AssetGrants) bool {
			return !c.allowed(callerOf(r), describePermissions[k], a.ARN)
		})
		d = append(d, kindAssets{Kind: k, Assets: as, More: more})
	}
	c.render(w, r, http.StatusOK, "assets", "Assets of "+account, d)
}

type assignmentsData struct {
	Assignments []api.IAMPolicyAssignment
	Next        string
}

func (c *Console) assignments(w http.ResponseWriter, r *http.Request) {
	account, ns := r.PathValue("account"), r.PathValue("namespace")
	if !c.may(w, r, "quicksight:ListIAMPolicyAssignments", c.arn(account, "assignment/"+ns+"/*")) {
		return
	}
	out, err := c.cfg.Service.ListIAMPolicyAssignments(call(r, "ListIAMPolicyAssignments", ns), &api.ListIAMPolicyAssignmentsRequest{
		AwsAccountId: &account, Namespace: &ns, NextToken: token(r, "next")})
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	var d assignmentsData
	if out.NextToken != nil {
		d.Next = *out.NextToken
	}
	for _, s := range out.IAMPolicyAssignments {
		a, err := c.cfg.Service.DescribeIAMPolicyAssignment(call(r, "DescribeIAMPolicyAssignment", ns), &api.DescribeIAMPolicyAssignmentRequest{
			AwsAccountId: &account, Namespace: &ns, AssignmentName: s.AssignmentName})
		if err != nil {
			c.failErr(w, r, err)
			return
		}
		d.Assignments = append(d.Assignments, *a.IAMPolicyAssignment)
	}
	c.render(w, r, http.StatusOK, "assignments", "IAM policy assignments in "+ns, d)
}

type userAccessData struct {
	User, ARN string
	Assets    []qslocal.AssetReach
}

func (c *Console) userAccess(w http.ResponseWriter, r *http.Request) {
	account, ns, user := r.PathValue("account"), r.PathValue("namespace"), r.PathValue("user")
	if !c.may(w, r, "quicksight:DescribeUserAccess", c.arn(account, "user/"+ns+"/"+user)) {
		return
	}
	as, err := c.cfg.Service.UserAccess(r.Context(), account, ns, user)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "useraccess", "What "+user+" can reach",
		userAccessData{User: user, ARN: c.cfg.Service.UserARN(r.Context(), account, ns, user), Assets: as})
}

type assetAccessData struct {
	ARN   string
	Users []qslocal.UserReach
	Next  string
}

func (c *Console) assetAccess(w http.ResponseWriter, r *http.Request) {
	account, arn := r.PathValue("account"), r.URL.Query().Get("arn")
	d := assetAccessData{ARN: arn}
	if arn != "" {
		if !c.may(w, r, "quicksight:DescribeAssetAccess", arn) {
			return
		}
		var err error
		d.Users, d.Next, err = c.cfg.Service.AssetAccess(r.Context(), account, arn, r.URL.Query().Get("next"), 0)
		if err != nil {
			c.failErr(w, r, err)
			return
		}
	}
	c.render(w, r, http.StatusOK, "assetaccess", "Who can reach an asset", d)
}

func (c *Console) requests(w http.ResponseWriter, r *http.Request) {
	// The log has no API action of its own: with IAM enforced, admins only.
	if cr := callerOf(r); cr != nil && c.cfg.EnforceIAM && !cr.Admin {
		c.fail(w, r, http.StatusForbidden, "The request log is for admin keys only when IAM is enforced (--enforce-iam).")
		return
	}
	var reqs []Request
	if c.cfg.Log != nil {
		account := ""
		if cr := callerOf(r); cr != nil {
			account = cr.Account
		}
		reqs = c.cfg.Log.Recent(account)
	}
	c.render(w, r, http.StatusOK, "requests", "Recent requests", reqs)
}
