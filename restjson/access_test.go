package restjson_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/restjson"
)

// explorerHandler is a fakeHandler with an access explorer.
type explorerHandler struct{ fakeHandler }

type accessCall struct {
	Account, Namespace, User string
	Asset, After             string
	Limit                    int
}

func (h *explorerHandler) UserAccess(ctx context.Context, account, namespace, user string) ([]qslocal.AssetReach, error) {
	if err := h.record(ctx, "UserAccess", accessCall{Account: account, Namespace: namespace, User: user}); err != nil {
		return nil, err
	}
	return nil, nil
}

func (h *explorerHandler) AssetAccess(ctx context.Context, account, asset, after string, limit int) ([]qslocal.UserReach, string, error) {
	if err := h.record(ctx, "AssetAccess", accessCall{Account: account, Asset: asset, After: after, Limit: limit}); err != nil {
		return nil, "", err
	}
	return []qslocal.UserReach{{Namespace: "default", UserName: "a", ARN: "arn:u", Routes: []qslocal.AccessRoute{{Via: qslocal.ViaNamespace, Principal: "arn:n"}}}}, "tok2", nil
}

func (h *explorerHandler) UserARN(_ context.Context, account, namespace, user string) string {
	return "arn:aws:quicksight:us-east-1:" + account + ":user/" + namespace + "/" + user
}

const assetARN = "arn:aws:quicksight:us-east-1:" + testAccount + ":analysis/a1"

// The explorer's paths bind their labels and query, and answer empty
// lists as [] and the next token when there is one.
func TestAccessPaths(t *testing.T) {
	t.Parallel()
	h := &explorerHandler{}
	r := send(t, newServer(h), "GET", "/_qslocal/access/accounts/"+testAccount+"/namespaces/default/users/a%2Fb%20%C3%A9", "")
	if r.Status != 200 || h.only(t).Input.(accessCall) != (accessCall{Account: testAccount, Namespace: "default", User: "a/b é"}) {
		t.Fatalf("user access: %s, handler got %+v", r, h.Calls())
	}
	var ua map[string]any
	if err := json.Unmarshal(r.Body, &ua); err != nil || ua["User"] != "arn:aws:quicksight:us-east-1:"+testAccount+":user/default/a/b é" ||
		!strings.Contains(string(r.Body), `"Assets":[]`) || ua["RequestId"] != r.header("x-amzn-RequestId") {
		t.Errorf("user access answer %s", r.Body)
	}

	h = &explorerHandler{}
	q := url.Values{"arn": {assetARN}, "next-token": {"tok1"}, "max-results": {"7"}}
	r = send(t, newServer(h), "GET", "/_qslocal/access/accounts/"+testAccount+"/assets?"+q.Encode(), "")
	if r.Status != 200 || h.only(t).Input.(accessCall) != (accessCall{Account: testAccount, Asset: assetARN, After: "tok1", Limit: 7}) {
		t.Fatalf("asset access: %s, handler got %+v", r, h.Calls())
	}
	var aa struct {
		Asset     string
		Users     []qslocal.UserReach
		NextToken string
	}
	if err := json.Unmarshal(r.Body, &aa); err != nil || aa.Asset != assetARN || aa.NextToken != "tok2" || len(aa.Users) != 1 ||
		aa.Users[0].Routes[0].Via != "namespace" || strings.Contains(string(r.Body), `"Folder"`) {
		t.Errorf("asset access answer %s", r.Body)
	}
}

// A handler without an explorer has no such paths; one with it has them
// as operations, which fault rules may name.
func TestAccessOperations(t *testing.T) {
	t.Parallel()
	path := "/_qslocal/access/accounts/" + testAccount + "/assets?arn=" + url.QueryEscape(assetARN)
	if r := send(t, newServer(&fakeHandler{}), "GET", path, ""); parseError(t, r).Code != "UnknownOperationException" {
		t.Errorf("without an explorer: %s", r)
	}
	fr, err := restjson.DecodeFaults([]byte(`{"rules": [{"operation": "DescribeAssetAccess", "error": "ThrottlingException"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	h := &explorerHandler{}
	srv := newServer(h)
	srv.(*restjson.Server).SetFaults(fr)
	if r := send(t, srv, "GET", path, ""); r.Status != 429 || parseError(t, r).Code != "ThrottlingException" {
		t.Errorf("a fault on DescribeAssetAccess: %s", r)
	}
	if r := send(t, srv, "GET", "/_qslocal/access/accounts/"+testAccount+"/namespaces/default/users/a", ""); r.Status != 200 {
		t.Errorf("user access beside a fault on asset access: %s", r)
	}
}
