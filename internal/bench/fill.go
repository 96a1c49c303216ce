package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/qslocal/qslocal"
)

// upgradesFor is how many of n users have a self-upgrade request.
func upgradesFor(n int) int { return min(n, 1000) }

// groupsFor is how many groups n users fall into: about 100 members each.
func groupsFor(n int) int { return max(1, n/100) }

// fillSnapshot is the account filled with n users, each in one of the
// groups, the first upgradesFor(n) with an approved upgrade request.
// A snapshot loads in one transaction, far faster than n RegisterUser
// calls; the assets are made by setup, through the API.
func fillSnapshot(n int) ([]byte, error) {
	a := qslocal.SnapshotAccount{AwsAccountId: Account, Users: make([]qslocal.SnapshotUser, n)}
	groups := groupsFor(n)
	a.Groups = make([]qslocal.SnapshotGroup, groups)
	for g := range a.Groups {
		a.Groups[g] = qslocal.SnapshotGroup{GroupName: groupName(g), Members: make([]string, 0, n/groups+1)}
	}
	upgrades := upgradesFor(n)
	for i := range n {
		name := userName(i)
		a.Users[i] = qslocal.SnapshotUser{UserName: name, Email: name + "@example.com", Role: roleOf(i, upgrades)}
		a.Groups[i%groups].Members = append(a.Groups[i%groups].Members, name)
		if i < upgrades {
			a.SelfUpgradeRequests = append(a.SelfUpgradeRequests, qslocal.SnapshotUpgradeRequest{
				UpgradeRequestId: upgradeID(i), UserName: name, OriginalRole: "READER", RequestedRole: "AUTHOR", RequestStatus: "APPROVED"})
		}
	}
	return json.Marshal(qslocal.Snapshot{Accounts: []qslocal.SnapshotAccount{a}})
}

// assetsPerKind is how many analyses and flows setup makes.
const assetsPerKind = 16

// setup makes the analyses and flows the permission operations change,
// each granted to a group; run again, it finds them made.
func setup(ctx context.Context, c *conn, w *world) error {
	groups := groupsFor(w.users)
	w.analyses, w.flows = nil, nil
	for k := range assetsPerKind {
		id := fmt.Sprintf("bench-analysis-%02d", k)
		status, body, err := c.do(ctx, call{"POST", "/accounts/" + Account + "/analyses/" + id, mustJSON(map[string]any{
			"Name": id, "Definition": map[string]any{"DataSetIdentifierDeclarations": []any{}},
			"Permissions": []map[string]any{{"Principal": groupARN(k % groups), "Actions": []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"}}},
		})})
		if err != nil {
			return err
		}
		if status != http.StatusOK && status != http.StatusAccepted && status != http.StatusConflict {
			return fmt.Errorf("CreateAnalysis %s: HTTP %d: %s", id, status, body)
		}
		w.analyses = append(w.analyses, id)

		name := fmt.Sprintf("bench-flow-%02d", k)
		status, body, err = c.do(ctx, call{"POST", "/accounts/" + Account + "/flows", mustJSON(map[string]any{
			"Name": name, "FlowDefinition": map[string]any{}, "ClientToken": name,
			"Permissions": []map[string]any{{"Principal": groupARN(k % groups), "Actions": []string{"quicksight:GetFlow", "quicksight:GetFlowStages"}}},
		})})
		if err != nil {
			return err
		}
		var out struct{ FlowId string }
		if status != http.StatusOK || json.Unmarshal(body, &out) != nil || out.FlowId == "" {
			return fmt.Errorf("CreateFlow %s: HTTP %d: %s", name, status, body)
		}
		w.flows = append(w.flows, out.FlowId)
	}
	return nil
}
