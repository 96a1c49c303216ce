package bench

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"sync/atomic"
)

// Account and namespace the load tool fills and drives.
const (
	Account   = "111122223333"
	Namespace = "default"
	region    = "us-east-1"
)

// call is one HTTP request of an operation.
type call struct {
	method, path string
	body         []byte
}

// world is what the operations draw on: the filled account's size and
// the assets set up in it.
type world struct {
	users    int
	upgrades int      // users 0..upgrades-1 each have an approved upgrade request
	analyses []string // ids
	flows    []string // ids
	runID    string   // tells this run's new users from earlier runs'
	newUsers atomic.Int64
}

// worker is one connection's state between calls.
type worker struct {
	id        int
	rng       *rand.Rand
	nextToken string // ListUsers: the page to read next, "" for the first
	granted   map[string]string
}

// operations builds each operation's next call.
var operations = map[string]func(w *world, k *worker) call{
	"DescribeUser": func(w *world, k *worker) call {
		return call{"GET", userPath(k.rng.IntN(w.users)), nil}
	},
	"ListUsers": func(w *world, k *worker) call {
		p := usersPath + "?max-results=100"
		if k.nextToken != "" {
			p += "&next-token=" + url.QueryEscape(k.nextToken)
		}
		return call{"GET", p, nil}
	},
	"UpdateUser": func(w *world, k *worker) call {
		i := k.rng.IntN(w.users)
		return call{"PUT", userPath(i), mustJSON(map[string]string{"Email": userName(i) + "@example.com", "Role": roleOf(i, w.upgrades)})}
	},
	"RegisterUser": func(w *world, k *worker) call {
		name := fmt.Sprintf("new-%s-%d", w.runID, w.newUsers.Add(1))
		return call{"POST", usersPath, mustJSON(map[string]string{
			"IdentityType": "QUICKSIGHT", "UserName": name, "Email": name + "@example.com", "UserRole": "READER"})}
	},
	"UpdateAnalysisPermissions": func(w *world, k *worker) call {
		id := w.analyses[k.rng.IntN(len(w.analyses))]
		return call{"PUT", "/accounts/" + Account + "/analyses/" + id + "/permissions",
			k.grantOrRevoke(w, "a/"+id, []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"})}
	},
	"UpdateFlowPermissions": func(w *world, k *worker) call {
		id := w.flows[k.rng.IntN(len(w.flows))]
		return call{"PUT", "/accounts/" + Account + "/flows/" + id + "/permissions",
			k.grantOrRevoke(w, "f/"+id, []string{"quicksight:GetFlow", "quicksight:GetFlowStages"})}
	},
	// VERIFY of an approved request whose user has the role asked for is
	// a write (the attempt's time) that can be repeated, unlike APPROVE.
	"UpdateSelfUpgrade": func(w *world, k *worker) call {
		return call{"POST", "/accounts/" + Account + "/namespaces/" + Namespace + "/update-self-upgrade-request",
			mustJSON(map[string]string{"UpgradeRequestId": upgradeID(k.rng.IntN(w.upgrades)), "Action": "VERIFY"})}
	},
}

// OperationNames lists the operations --ops accepts.
func OperationNames() []string {
	var names []string
	for n := range operations {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// grantOrRevoke grants a random user actions on the asset key, or
// revokes what this worker granted there last, so that each worker
// leaves at most one grant per asset behind.
func (k *worker) grantOrRevoke(w *world, key string, actions []string) []byte {
	if user, ok := k.granted[key]; ok {
		delete(k.granted, key)
		return mustJSON(map[string]any{"RevokePermissions": []map[string]any{{"Principal": user, "Actions": actions}}})
	}
	user := userARN(k.rng.IntN(w.users))
	k.granted[key] = user
	return mustJSON(map[string]any{"GrantPermissions": []map[string]any{{"Principal": user, "Actions": actions}}})
}

// answered lets an operation read its answer: ListUsers follows the
// pages, and starts again after the last.
func (k *worker) answered(op string, body []byte) {
	if op != "ListUsers" {
		return
	}
	var page struct{ NextToken string }
	_ = json.Unmarshal(body, &page)
	k.nextToken = page.NextToken
}

const usersPath = "/accounts/" + Account + "/namespaces/" + Namespace + "/users"

func userName(i int) string  { return fmt.Sprintf("user%07d", i) }
func userPath(i int) string  { return usersPath + "/" + userName(i) }
func groupName(i int) string { return fmt.Sprintf("group%05d", i) }
func upgradeID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
func userARN(i int) string {
	return "arn:aws:quicksight:" + region + ":" + Account + ":user/" + Namespace + "/" + userName(i)
}
func groupARN(i int) string {
	return "arn:aws:quicksight:" + region + ":" + Account + ":group/" + Namespace + "/" + groupName(i)
}

// roleOf is user i's role: those with an upgrade request already have
// the role they asked for.
func roleOf(i, upgrades int) string {
	if i < upgrades {
		return "AUTHOR"
	}
	return "READER"
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of strings reach here
	}
	return b
}
