package e2e

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// cluster is several qslocal processes sharing one PostgreSQL database.
type cluster struct {
	servers []*server
	clients []*quicksight.Client
}

func startCluster(t *testing.T, n int) *cluster {
	t.Helper()
	dsn := migratedPostgres(t)
	c := &cluster{}
	for range n {
		s := start(t, dsn, "--db-max-conns", "4")
		c.servers = append(c.servers, s)
		c.clients = append(c.clients, s.client("us-east-1"))
	}
	return c
}

// race runs calls concurrently, each on the process i%n, and returns
// which ones succeeded; any error other than the allowed ones fails.
func (c *cluster) race(t *testing.T, calls int, call func(qs *quicksight.Client, i int) error, allowed func(error) bool) []bool {
	t.Helper()
	ok := make([]bool, calls)
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := call(c.clients[i%len(c.clients)], i)
			switch {
			case err == nil:
				ok[i] = true
			case !allowed(err):
				errs <- fmt.Errorf("call %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	return ok
}

func count(ok []bool) int {
	n := 0
	for _, b := range ok {
		if b {
			n++
		}
	}
	return n
}

// TestThreeProcessesOneDatabase sends conflicting requests to three
// processes at once; afterwards the state must be exactly what some serial
// order of the acknowledged requests gives.
func TestThreeProcessesOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: races between three processes")
	}
	t.Parallel()
	c := startCluster(t, 3)
	qs := c.clients[0]
	acct, def := aws.String(account), aws.String("default")
	exists := func(err error) bool { var e *types.ResourceExistsException; return errors.As(err, &e) }
	limited := func(err error) bool { var e *types.LimitExceededException; return errors.As(err, &e) }

	t.Run("duplicate RegisterUser: one winner per name", func(t *testing.T) {
		const names, tries = 10, 6
		ok := c.race(t, names*tries, func(q *quicksight.Client, i int) error {
			_, err := q.RegisterUser(ctx(t), &quicksight.RegisterUserInput{
				AwsAccountId: acct, Namespace: def, IdentityType: types.IdentityTypeQuicksight,
				Email: aws.String(fmt.Sprintf("try%d@example.com", i)), UserRole: types.UserRoleReader,
				UserName: aws.String(fmt.Sprintf("dup%02d", i%names)),
			})
			return err
		}, exists)
		winners := map[int]int{}
		for i, won := range ok {
			if won {
				winners[i%names]++
			}
		}
		for n := range names {
			if winners[n] != 1 {
				t.Errorf("dup%02d: %d registrations acknowledged, want exactly 1", n, winners[n])
			}
		}
		// The stored email is the winner's: the acknowledged write is the one kept.
		for i, won := range ok {
			if !won {
				continue
			}
			u, err := c.clients[(i+1)%3].DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String(fmt.Sprintf("dup%02d", i%names))})
			if err != nil || aws.ToString(u.User.Email) != fmt.Sprintf("try%d@example.com", i) {
				t.Errorf("dup%02d after the race: %v, %v", i%names, u, err)
			}
		}
	})

	t.Run("tag limit holds across processes", func(t *testing.T) {
		register(t, qs, "tagged", types.UserRoleReader)
		arn := "arn:aws:quicksight:us-east-1:" + account + ":user/default/tagged"
		const tries = 80 // distinct keys; only 50 fit
		ok := c.race(t, tries, func(q *quicksight.Client, i int) error {
			_, err := q.TagResource(ctx(t), &quicksight.TagResourceInput{ResourceArn: aws.String(arn),
				Tags: []types.Tag{{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")}}})
			return err
		}, limited)
		out, err := c.clients[2].ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for i, won := range ok {
			if won {
				want = append(want, fmt.Sprintf("k%02d", i))
			}
		}
		for _, tag := range out.Tags {
			got = append(got, aws.ToString(tag.Key))
		}
		sort.Strings(want)
		if count(ok) != 50 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%d TagResource calls acknowledged, tags now %q; want exactly the 50 acknowledged keys %q", count(ok), got, want)
		}
	})

	t.Run("group memberships: no lost write", func(t *testing.T) {
		if _, err := qs.CreateGroup(ctx(t), &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("team")}); err != nil {
			t.Fatal(err)
		}
		const users = 30
		for i := range users {
			register(t, c.clients[i%3], fmt.Sprintf("member%02d", i), types.UserRoleReader)
		}
		ok := c.race(t, users*2, func(q *quicksight.Client, i int) error {
			_, err := q.CreateGroupMembership(ctx(t), &quicksight.CreateGroupMembershipInput{AwsAccountId: acct, Namespace: def,
				GroupName: aws.String("team"), MemberName: aws.String(fmt.Sprintf("member%02d", i%users))})
			return err
		}, func(error) bool { return false })
		members := map[string]bool{}
		p := quicksight.NewListGroupMembershipsPaginator(c.clients[1], &quicksight.ListGroupMembershipsInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("team"), MaxResults: aws.Int32(7)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range page.GroupMemberList {
				members[aws.ToString(m.MemberName)] = true
			}
		}
		if count(ok) != users*2 || len(members) != users {
			t.Errorf("%d adds acknowledged, %d members; want %d and %d", count(ok), len(members), users*2, users)
		}
	})

	t.Run("namespace limit holds across processes", func(t *testing.T) {
		create := func(q *quicksight.Client, name string) error {
			_, err := q.CreateNamespace(ctx(t), &quicksight.CreateNamespaceInput{AwsAccountId: acct,
				Namespace: aws.String(name), IdentityStore: types.IdentityStoreQuicksight})
			return err
		}
		// 90 beside default, one at a time; then 30 race for the last 9.
		for i := range 90 {
			if err := create(c.clients[i%3], fmt.Sprintf("pre%03d", i)); err != nil {
				t.Fatal(err)
			}
		}
		const tries = 30
		ok := c.race(t, tries, func(q *quicksight.Client, i int) error {
			return create(q, fmt.Sprintf("ns%03d", i))
		}, limited)
		n := 0
		p := quicksight.NewListNamespacesPaginator(c.clients[2], &quicksight.ListNamespacesInput{AwsAccountId: acct})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			n += len(page.Namespaces)
		}
		if count(ok) != 9 || n != 100 {
			t.Errorf("%d racing CreateNamespace acknowledged, %d namespaces; want 9 and 100", count(ok), n)
		}
	})

	register(t, qs, "shared", types.UserRoleReader)
	if _, err := qs.CreateGroup(ctx(t), &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("viewers")}); err != nil {
		t.Fatal(err)
	}
	t.Run("overlapping UpdateAnalysisPermissions: a serial order explains every answer", func(t *testing.T) {
		overlappingPermissions(t, c, analysisTarget(t, qs))
	})

	t.Run("overlapping UpdateFlowPermissions: a serial order explains every answer", func(t *testing.T) {
		overlappingPermissions(t, c, flowTarget(t, qs))
	})

	t.Run("competing UpdateIAMPolicyAssignment: a serial order explains every answer", func(t *testing.T) {
		competingAssignmentUpdates(t, c)
	})

	t.Run("competing UpdateSelfUpgrade: one decision per request, role changed with it", func(t *testing.T) {
		competingUpgrades(t, c)
	})

	t.Run("a token from one process pages on another", func(t *testing.T) {
		first, err := c.clients[0].ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: def, MaxResults: aws.Int32(5)})
		if err != nil || first.NextToken == nil {
			t.Fatalf("first page: %v, %v", first, err)
		}
		second, err := c.clients[1].ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: def, MaxResults: aws.Int32(5), NextToken: first.NextToken})
		if err != nil {
			t.Fatalf("second page on another process: %v", err)
		}
		if len(second.UserList) == 0 || aws.ToString(second.UserList[0].UserName) <= aws.ToString(first.UserList[4].UserName) {
			t.Errorf("second page does not continue the first: %v after %v", second.UserList, first.UserList)
		}
	})

	t.Run("concurrent filings: one pending request per user", func(t *testing.T) {
		racingFilings(t, c)
	})

	t.Run("duplicate CreateAnalysis: one winner", func(t *testing.T) {
		duplicateAnalyses(t, c)
	})

	t.Run("retried CreateFlow on every process: one flow per ClientToken", func(t *testing.T) {
		retriedFlowCreates(t, c)
	})
}

// grantSet is one principal's actions in a permission request.
type grantSet struct {
	principal string
	actions   []string
}

// permTarget is one asset's permission operations, whatever the API's
// shapes for them: answers come back as principal -> sorted actions.
type permTarget struct {
	markers string   // the prefix of the marker users' names
	marker  string   // the action each marker is granted
	actions []string // four actions flipped between the shared principals
	update  func(q *quicksight.Client, grant, revoke []grantSet) (map[string][]string, error)
	read    func(q *quicksight.Client) (map[string][]string, error)
}

// overlappingPermissions races grants and revokes on one asset. Request
// i grants marker principal i (never revoked) and flips actions of two
// principals every request touches. Each answer carries the whole set
// after that request, so the markers in it name exactly the requests
// serialized before it: the answers must order the requests 1..n, and
// replaying them in that order must give every answer and the final state.
func overlappingPermissions(t *testing.T, c *cluster, target permTarget) {
	const n = 60
	for i := range n {
		register(t, c.clients[i%3], fmt.Sprintf("%s%02d", target.markers, i), types.UserRoleReader)
	}
	shared, viewers := principal("user", "default/shared"), principal("group", "default/viewers")
	actions := target.actions
	type request struct{ grant, revoke []grantSet }
	reqs := make([]request, n)
	for i := range reqs {
		// A fixed pattern that makes neighbours disagree: request i grants
		// two of the actions to one shared principal and revokes the
		// others, and the reverse for the other principal.
		g := []string{actions[i%4], actions[(i+1)%4]}
		r := []string{actions[(i+2)%4], actions[(i+3)%4]}
		reqs[i] = request{
			grant:  []grantSet{{principal("user", fmt.Sprintf("default/%s%02d", target.markers, i)), []string{target.marker}}, {shared, g}, {viewers, r}},
			revoke: []grantSet{{shared, r}, {viewers, g}},
		}
	}
	answers := make([]map[string][]string, n)
	ok := c.race(t, n, func(q *quicksight.Client, i int) error {
		out, err := target.update(q, reqs[i].grant, reqs[i].revoke)
		answers[i] = out
		return err
	}, func(error) bool { return false })
	if count(ok) != n {
		t.Fatalf("%d of %d permission updates acknowledged", count(ok), n)
	}
	// Order the requests by how many markers their answers show.
	order := make([]int, n)
	seen := map[int]bool{}
	for i, a := range answers {
		k := 0
		for p := range a {
			if strings.Contains(p, ":user/default/"+target.markers) {
				k++
			}
		}
		if k < 1 || k > n || seen[k] {
			t.Fatalf("request %d's answer shows %d markers, which no serial order gives (or another answer shows as many)", i, k)
		}
		seen[k] = true
		order[k-1] = i
	}
	state := map[string][]string{}
	apply := func(sets []grantSet, add bool) {
		for _, p := range sets {
			for _, a := range p.actions {
				has := slices.Contains(state[p.principal], a)
				switch {
				case add && !has:
					state[p.principal] = append(state[p.principal], a)
				case !add && has:
					state[p.principal] = slices.DeleteFunc(state[p.principal], func(x string) bool { return x == a })
				}
			}
			if len(state[p.principal]) == 0 {
				delete(state, p.principal)
			}
		}
	}
	for k, i := range order {
		apply(reqs[i].grant, true)
		apply(reqs[i].revoke, false)
		if got, want := fmt.Sprint(answers[i]), fmt.Sprint(sortedMap(state)); got != want {
			t.Fatalf("request %d (serialized %dth): answer\n %s\nbut the serial replay gives\n %s", i, k+1, got, want)
		}
	}
	final, err := target.read(c.clients[2])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(final), fmt.Sprint(sortedMap(state)); got != want {
		t.Errorf("final permissions\n %s\nbut the serial replay gives\n %s", got, want)
	}
}

// analysisTarget and flowTarget race on one analysis and one flow.
func analysisTarget(t *testing.T, qs *quicksight.Client) permTarget {
	mkAnalysis(t, qs, "contended")
	toRP := func(sets []grantSet) []types.ResourcePermission {
		var out []types.ResourcePermission
		for _, s := range sets {
			out = append(out, perm(s.principal, s.actions...))
		}
		return out
	}
	return permTarget{markers: "marker", marker: "quicksight:DescribeAnalysis",
		actions: []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis", "quicksight:UpdateAnalysis", "quicksight:DeleteAnalysis"},
		update: func(q *quicksight.Client, grant, revoke []grantSet) (map[string][]string, error) {
			out, err := updatePerms(q, t, "contended", toRP(grant), toRP(revoke))
			if err != nil {
				return nil, err
			}
			return permMap(out.Permissions), nil
		},
		read: func(q *quicksight.Client) (map[string][]string, error) {
			out, err := q.DescribeAnalysisPermissions(ctx(t), &quicksight.DescribeAnalysisPermissionsInput{AwsAccountId: aws.String(account), AnalysisId: aws.String("contended")})
			if err != nil {
				return nil, err
			}
			return permMap(out.Permissions), nil
		},
	}
}

func flowTarget(t *testing.T, qs *quicksight.Client) permTarget {
	id := mkFlow(t, qs, "contended", "")
	toP := func(sets []grantSet) []types.Permission {
		var out []types.Permission
		for _, s := range sets {
			out = append(out, flowPerm(s.principal, s.actions...))
		}
		return out
	}
	asMap := func(perms []types.Permission) map[string][]string { return permMap(asResourcePermissions(perms)) }
	return permTarget{markers: "fmarker", marker: "quicksight:GetFlow",
		actions: []string{"quicksight:GetFlow", "quicksight:UpdateFlow", "quicksight:DeleteFlow", "quicksight:StartFlowSession"},
		update: func(q *quicksight.Client, grant, revoke []grantSet) (map[string][]string, error) {
			out, err := updateFlowPerms(q, t, id, toP(grant), toP(revoke))
			if err != nil {
				return nil, err
			}
			return asMap(out.Permissions), nil
		},
		read: func(q *quicksight.Client) (map[string][]string, error) {
			out, err := q.GetFlowPermissions(ctx(t), &quicksight.GetFlowPermissionsInput{AwsAccountId: aws.String(account), FlowId: aws.String(id)})
			if err != nil {
				return nil, err
			}
			return asMap(out.Permissions), nil
		},
	}
}

// competingAssignmentUpdates races UpdateIAMPolicyAssignment on one
// assignment. Even requests replace everything (identities: their own
// marker user; their own policy; a status), odd ones change the status
// alone. Each answer shows the whole assignment after it. Some serial
// order explains them all exactly when: every answer shows the identities
// and policy of one full request (or of the create) together, never torn;
// a full request's answer is its own values; a status-only answer has its
// own status; and the final state is a full request's identities and
// policy with the status of the last request serialized after it, which
// must be that request's own status when no status-only answer follows it,
// or one of those that do.
func competingAssignmentUpdates(t *testing.T, c *cluster) {
	qs := c.clients[0]
	const n = 40
	register(t, qs, "am-init", types.UserRoleReader)
	for i := 0; i < n; i += 2 {
		register(t, c.clients[i%3], fmt.Sprintf("am%02d", i), types.UserRoleReader)
	}
	if _, err := qs.CreateIAMPolicyAssignment(ctx(t), &quicksight.CreateIAMPolicyAssignmentInput{AwsAccountId: aws.String(account),
		Namespace: aws.String("default"), AssignmentName: aws.String("contended"), AssignmentStatus: types.AssignmentStatusEnabled,
		PolicyArn: aws.String(policyFor("init")), Identities: map[string][]string{"user": {"am-init"}}}); err != nil {
		t.Fatal(err)
	}
	statuses := []types.AssignmentStatus{types.AssignmentStatusEnabled, types.AssignmentStatusDraft, types.AssignmentStatusDisabled}
	type view struct {
		full   string // the full request whose identities and policy show: "init" or "%02d"
		status types.AssignmentStatus
	}
	answers := make([]view, n)
	read := func(identities map[string][]string, policy *string, status types.AssignmentStatus) (view, error) {
		users := identities["user"]
		if len(users) != 1 || len(identities) != 1 {
			return view{}, fmt.Errorf("identities %v", identities)
		}
		full := strings.TrimPrefix(users[0], "am")
		full = strings.TrimPrefix(full, "-")
		if aws.ToString(policy) != policyFor(full) {
			return view{}, fmt.Errorf("torn: identities of %s with policy %s", full, aws.ToString(policy))
		}
		return view{full, status}, nil
	}
	ok := c.race(t, n, func(q *quicksight.Client, i int) error {
		in := &quicksight.UpdateIAMPolicyAssignmentInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
			AssignmentName: aws.String("contended"), AssignmentStatus: statuses[i%3]}
		if i%2 == 0 {
			in.Identities = map[string][]string{"user": {fmt.Sprintf("am%02d", i)}}
			in.PolicyArn = aws.String(policyFor(fmt.Sprintf("%02d", i)))
		}
		out, err := q.UpdateIAMPolicyAssignment(ctx(t), in)
		if err != nil {
			return err
		}
		answers[i], err = read(out.Identities, out.PolicyArn, out.AssignmentStatus)
		return err
	}, func(error) bool { return false })
	if count(ok) != n {
		t.Fatalf("%d of %d UpdateIAMPolicyAssignment acknowledged", count(ok), n)
	}
	after := map[string][]types.AssignmentStatus{} // full request -> statuses of status-only answers showing it
	for i, a := range answers {
		if a.status != statuses[i%3] {
			t.Errorf("request %d answered status %s, not its own %s", i, a.status, statuses[i%3])
		}
		if i%2 == 0 && a.full != fmt.Sprintf("%02d", i) {
			t.Errorf("full request %d answered the identities and policy of %s", i, a.full)
		}
		if i%2 == 1 {
			after[a.full] = append(after[a.full], a.status)
		}
	}
	d := describeAssignment(t, c.clients[1], "default", "contended")
	final, err := read(d.Identities, d.PolicyArn, d.AssignmentStatus)
	if err != nil {
		t.Fatalf("final state: %v", err)
	}
	last := after[final.full]
	switch {
	case final.full == "init":
		t.Errorf("final state is the create's, though %d full updates were acknowledged", n/2)
	case len(last) == 0 && final.status != statuses[atoi(t, final.full)%3]:
		t.Errorf("final status %s: no status-only request follows full request %s, whose status was %s", final.status, final.full, statuses[atoi(t, final.full)%3])
	case len(last) > 0 && !slices.Contains(last, final.status):
		t.Errorf("final status %s is none of those serialized after full request %s: %v", final.status, final.full, last)
	}
}

func policyFor(name string) string { return "arn:aws:iam::" + account + ":policy/p-" + name }

func atoi(t *testing.T, s string) int {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// permMap is a permission set as principal -> sorted actions.
func permMap(perms []types.ResourcePermission) map[string][]string {
	m := map[string][]string{}
	for _, p := range perms {
		m[aws.ToString(p.Principal)] = slices.Sorted(slices.Values(p.Actions))
	}
	return m
}

func sortedMap(m map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range m {
		out[k] = slices.Sorted(slices.Values(v))
	}
	return out
}

// competingUpgrades sends APPROVE, DENY and VERIFY for each pending request
// at once, each to another process. Exactly one of APPROVE and DENY wins;
// VERIFY can only succeed after an APPROVE. The user's role must agree
// with the outcome: changed exactly when the request was approved.
func competingUpgrades(t *testing.T, c *cluster) {
	const n = 20
	ids := make([]string, n)
	for i := range n {
		user := fmt.Sprintf("upgrader%02d", i)
		register(t, c.clients[i%3], user, types.UserRoleReader)
		ids[i] = mustFile(t, c.servers[i%3], user, "AUTHOR")
	}
	actions := []types.SelfUpgradeAdminAction{types.SelfUpgradeAdminActionApprove, types.SelfUpgradeAdminActionDeny, types.SelfUpgradeAdminActionVerify}
	ok := c.race(t, 3*n, func(q *quicksight.Client, i int) error {
		_, err := decide(q, t, ids[i/3], actions[i%3])
		return err
	}, preconditionNotMet)
	for r := range n {
		approved, denied, verified := ok[3*r], ok[3*r+1], ok[3*r+2]
		if approved == denied {
			t.Errorf("request %d: APPROVE acknowledged %v, DENY acknowledged %v; want exactly one", r, approved, denied)
		}
		if verified && !approved {
			t.Errorf("request %d: VERIFY acknowledged though the request was denied", r)
		}
		user := fmt.Sprintf("upgrader%02d", r)
		role := roleOf(t, c.clients[(r+1)%3], user)
		out, err := c.clients[(r+2)%3].ListSelfUpgrades(ctx(t), &quicksight.ListSelfUpgradesInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
		if err != nil {
			t.Fatal(err)
		}
		var status types.SelfUpgradeRequestStatus
		for _, d := range out.SelfUpgradeRequestDetails {
			if aws.ToString(d.UpgradeRequestId) == ids[r] {
				status = d.RequestStatus
			}
		}
		wantStatus, wantRole := types.SelfUpgradeRequestStatusDenied, types.UserRoleReader
		if approved {
			wantStatus, wantRole = types.SelfUpgradeRequestStatusApproved, types.UserRoleAuthor
		}
		if status != wantStatus || role != wantRole {
			t.Errorf("request %d: status %s and %s's role %s; the acknowledged decision gives %s and %s", r, status, user, role, wantStatus, wantRole)
		}
	}
}

// racingFilings files five requests for each of ten users at once, each
// user's spread over the processes, for the two roles a reader may ask
// for. A user has at most one PENDING request, so exactly one filing per
// user is accepted and the others are ConflictException; the listing then
// holds exactly the accepted request for each user, still PENDING.
func racingFilings(t *testing.T, c *cluster) {
	const users, tries = 10, 5
	roles := [tries]string{"AUTHOR", "READER_PRO", "AUTHOR", "READER_PRO", "AUTHOR"} // the paths up from READER
	name := func(u int) string { return fmt.Sprintf("filer%02d", u) }
	for u := range users {
		register(t, c.clients[u%3], name(u), types.UserRoleReader)
	}
	type answer struct {
		f       filed
		errType string
		status  int
		err     error
	}
	answers := make([]answer, users*tries)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			a := &answers[i]
			a.f, a.errType, a.status, a.err = postFiling(c.servers[i%len(c.servers)], "default", name(i%users), roles[i/users])
		}()
	}
	close(gate)
	wg.Wait()
	accepted := map[string][]int{}
	for i, a := range answers {
		switch {
		case a.err != nil:
			t.Errorf("filing %d: %v", i, a.err)
		case a.status == 200:
			accepted[name(i%users)] = append(accepted[name(i%users)], i)
		case a.status != 409 || a.errType != "ConflictException":
			t.Errorf("filing %d (%s for %s): %d %s, want 200 or 409 ConflictException", i, roles[i/users], name(i%users), a.status, a.errType)
		}
	}
	// Every request of these users, read on another process.
	listed := map[string][]types.SelfUpgradeRequestDetail{}
	var next *string
	for {
		page, err := c.clients[1].ListSelfUpgrades(ctx(t), &quicksight.ListSelfUpgradesInput{AwsAccountId: aws.String(account),
			Namespace: aws.String("default"), MaxResults: aws.Int32(7), NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.SelfUpgradeRequestDetails {
			if u := aws.ToString(d.UserName); strings.HasPrefix(u, "filer") {
				listed[u] = append(listed[u], d)
			}
		}
		if next = page.NextToken; next == nil {
			break
		}
	}
	for u := range users {
		won := accepted[name(u)]
		if len(won) != 1 {
			t.Errorf("%s: %d filings accepted (%v), want exactly 1", name(u), len(won), won)
			continue
		}
		w := answers[won[0]].f.SelfUpgradeRequestDetail
		got := listed[name(u)]
		if len(got) != 1 || aws.ToString(got[0].UpgradeRequestId) != w.UpgradeRequestId ||
			got[0].RequestStatus != types.SelfUpgradeRequestStatusPending || string(got[0].RequestedRole) != w.RequestedRole {
			t.Errorf("%s: listed %+v; want exactly the accepted request %s for %s, PENDING", name(u), got, w.UpgradeRequestId, w.RequestedRole)
		}
	}
}

// duplicateAnalyses races six CreateAnalysis calls for each of ten ids,
// each with a name of its own, spread over the processes: exactly one per
// id is acknowledged, the others are ResourceExistsException, and the
// analysis has the winner's name.
func duplicateAnalyses(t *testing.T, c *cluster) {
	const ids, tries = 10, 6
	id := func(n int) string { return fmt.Sprintf("dupanalysis%02d", n) }
	ok := c.race(t, ids*tries, func(q *quicksight.Client, i int) error {
		_, err := q.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String(id(i % ids)),
			Name: aws.String(fmt.Sprintf("try %d", i)), Definition: definition("s")})
		return err
	}, func(err error) bool { return expectExists("")(err) == "" })
	winners := map[int][]int{}
	for i, won := range ok {
		if won {
			winners[i%ids] = append(winners[i%ids], i)
		}
	}
	for n := range ids {
		if len(winners[n]) != 1 {
			t.Errorf("%s: %d creations acknowledged (%v), want exactly 1", id(n), len(winners[n]), winners[n])
			continue
		}
		out, err := c.clients[(n+1)%3].DescribeAnalysis(ctx(t), &quicksight.DescribeAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String(id(n))})
		if want := fmt.Sprintf("try %d", winners[n][0]); err != nil || aws.ToString(out.Analysis.Name) != want {
			t.Errorf("%s after the race: %+v, %v; want the winner's name %q", id(n), out, err, want)
		}
	}
}

// retriedFlowCreates sends each of ten CreateFlow requests six times at
// once, with one ClientToken, across the processes: every one is
// acknowledged with the same flow, and each token made exactly one flow.
func retriedFlowCreates(t *testing.T, c *cluster) {
	const tokens, tries = 10, 6
	ids := make([]string, tokens*tries)
	c.race(t, tokens*tries, func(q *quicksight.Client, i int) error {
		out, err := q.CreateFlow(ctx(t), &quicksight.CreateFlowInput{AwsAccountId: aws.String(account),
			Name: aws.String(fmt.Sprintf("retried %d", i%tokens)), FlowDefinition: flowDefinition("x"),
			ClientToken: aws.String(fmt.Sprintf("retried-token-%d", i%tokens))})
		if err == nil {
			ids[i] = aws.ToString(out.FlowId)
		}
		return err
	}, func(error) bool { return false })
	made := map[string]bool{}
	for i, id := range ids {
		if id != ids[i%tokens] {
			t.Errorf("try %d of token %d answered flow %s, the first %s", i/tokens, i%tokens, id, ids[i%tokens])
		}
		made[id] = true
	}
	n := 0
	for p := quicksight.NewListFlowsPaginator(c.clients[1], &quicksight.ListFlowsInput{AwsAccountId: aws.String(account)}); p.HasMorePages(); {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range out.FlowSummaryList {
			if strings.HasPrefix(aws.ToString(f.Name), "retried ") {
				n++
			}
		}
	}
	if len(made) != tokens || n != tokens {
		t.Errorf("%d tokens made %d distinct answers and %d flows, want %d", tokens, len(made), n, tokens)
	}
}

// TestResetAcrossProcesses resets through one process what another has
// served (and so knows as existing): the other sees the accounts new.
func TestResetAcrossProcesses(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 2)
	a, b := c.clients[0], c.clients[1]
	for round, path := range []string{"/_qslocal/reset?account=" + account, "/moto-api/reset"} {
		register(t, a, fmt.Sprintf("user%d", round), types.UserRoleReader)
		if _, err := a.CreateNamespace(ctx(t), &quicksight.CreateNamespaceInput{AwsAccountId: aws.String(account),
			Namespace: aws.String("sales"), IdentityStore: types.IdentityStoreQuicksight}); err != nil {
			t.Fatal(err)
		}
		mustControl(t, c.servers[1], "POST", path, nil)
		users, err := a.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
		if err != nil || len(users.UserList) != 0 {
			t.Fatalf("after %s, the other process lists users %+v, %v", path, users, err)
		}
		nss, err := a.ListNamespaces(ctx(t), &quicksight.ListNamespacesInput{AwsAccountId: aws.String(account)})
		if err != nil || len(nss.Namespaces) != 1 || aws.ToString(nss.Namespaces[0].Name) != "default" {
			t.Fatalf("after %s, the other process lists namespaces %+v, %v", path, nss, err)
		}
		// Both processes go on with the account as new.
		register(t, a, "again", types.UserRoleReader)
		if _, err := b.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("again")}); err != nil {
			t.Fatal(err)
		}
		mustControl(t, c.servers[0], "POST", "/_qslocal/reset", nil)
	}
}
