package qslocaltest_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/qslocaltest"
	"github.com/qslocal/qslocal/restjson"
	"github.com/qslocal/qslocal/sqlite"
	"github.com/qslocal/qslocal/storetest"
)

const benchAccount = "111122223333"

// benchSeed holds storetest.BenchUsers users in the default namespace.
func benchSeed() *qslocal.Snapshot {
	a := qslocal.SnapshotAccount{AwsAccountId: benchAccount}
	for i := range storetest.BenchUsers {
		name := fmt.Sprintf("user%06d", i)
		a.Users = append(a.Users, qslocal.SnapshotUser{UserName: name, Email: name + "@example.com", Role: "READER"})
	}
	return &qslocal.Snapshot{Accounts: []qslocal.SnapshotAccount{a}}
}

// fileServer is qslocaltest.New on a database file, as the binary runs by
// default: its writes are durable (fsynced), its reads on their own
// connections.
func fileServer(b *testing.B) string {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "qslocal.db"), sqlite.Config{})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := qslocal.NewService(ctx, qslocal.Config{Store: store, Region: qslocaltest.Region})
	if err != nil {
		b.Fatal(err)
	}
	if err := svc.Import(ctx, benchSeed()); err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(restjson.New(restjson.Config{Handler: svc}))
	b.Cleanup(func() {
		hs.Close()
		store.Close()
	})
	return hs.URL
}

// BenchmarkService measures DescribeUser and UpdateUser through HTTP,
// routing, validation, the service and the store, with 1 client and with
// 32 at once, on qslocaltest's in-memory store and on a database file.
// The requests are plain HTTP (unsigned, as qslocal accepts them), so
// that the client costs little of the CPU measured.
func BenchmarkService(b *testing.B) {
	stores := []struct {
		name string
		url  func(b *testing.B) string
	}{
		{"memory", func(b *testing.B) string { return qslocaltest.New(b, benchSeed()).URL }},
		{"file", fileServer},
	}
	ops := []struct {
		name, method, body string
	}{
		{"DescribeUser", http.MethodGet, ""},
		{"UpdateUser", http.MethodPut, `{"Email":"changed@example.com","Role":"AUTHOR"}`},
	}
	for _, st := range stores {
		for _, op := range ops {
			for _, clients := range []int{1, 32} {
				b.Run(fmt.Sprintf("%s/%s/clients=%d", st.name, op.name, clients), func(b *testing.B) {
					url := st.url(b)
					client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
					b.Cleanup(client.CloseIdleConnections)
					storetest.RunClients(b, clients, func(rnd *rand.Rand) error {
						user := fmt.Sprintf("user%06d", rnd.IntN(storetest.BenchUsers))
						return call(client, op.method, url+"/accounts/"+benchAccount+"/namespaces/default/users/"+user, op.body)
					})
				})
			}
		}
	}
}

// call sends one request and wants 200.
func call(client *http.Client, method, url, body string) error {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, b)
	}
	return nil
}
