package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// selfSigned writes a certificate for 127.0.0.1 and its key as PEM files,
// and returns a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "qslocal test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})))
	return certFile, keyFile, pool
}

// TestTLS: with --tls-cert and --tls-key, qslocal serves HTTPS, and the
// SDK works over it; plain HTTP gets no answer; one flag alone, or files
// that are no certificate, fail at start.
func TestTLS(t *testing.T) {
	t.Parallel()
	certFile, keyFile, pool := selfSigned(t)
	s := start(t, "", "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(s.URL, "https://") {
		t.Fatalf("ready line names %s, want https://", s.URL)
	}
	c := quicksight.New(quicksight.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.TLSClientConfig = &tls.Config{RootCAs: pool}
		}),
	})
	if _, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
		IdentityType: types.IdentityTypeQuicksight, UserName: aws.String("alice"), Email: aws.String("alice@example.com"), UserRole: types.UserRoleReader}); err != nil {
		t.Fatalf("RegisterUser over HTTPS: %v", err)
	}
	if out, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")}); err != nil || len(out.UserList) != 1 {
		t.Errorf("ListUsers over HTTPS: %+v, %v", out, err)
	}
	plain := &http.Client{Timeout: 30 * time.Second}
	if resp, err := plain.Get(strings.Replace(s.URL, "https://", "http://", 1) + usersPath); err == nil {
		resp.Body.Close()
		t.Errorf("plain HTTP to the HTTPS port answered %d", resp.StatusCode)
	}

	for _, args := range [][]string{{"--tls-cert", certFile}, {"--tls-key", keyFile}, {"--tls-cert", keyFile, "--tls-key", certFile}} {
		cmd := exec.Command(binary, append([]string{"--addr", "127.0.0.1:0", "--db", ":memory:"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "--tls-") {
			t.Errorf("qslocal %v: %v, %s; want it to fail at start naming the flags", args, err, out)
		}
	}
}
