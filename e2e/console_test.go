package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/chromedp/chromedp"
)

// browser is the path of a Chromium or Chrome; the test skips without
// one, or fails when QSLOCAL_REQUIRE_BROWSER=1 (as CI sets it).
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("QSLOCAL_REQUIRE_BROWSER") == "1" {
		t.Fatal("no chromium, chromium-browser or google-chrome on PATH, and QSLOCAL_REQUIRE_BROWSER=1")
	}
	t.Skip("no chromium, chromium-browser or google-chrome on PATH: the console's browser test is skipped (apt-get install chromium)")
	return ""
}

// screenshots is the folder the test writes its screenshots to.
func screenshots(t *testing.T) string {
	dir := os.Getenv("QSLOCAL_SCREENSHOTS")
	if dir == "" {
		dir = "screenshots"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newBrowser starts a headless browser at exe for the test.
func newBrowser(t *testing.T, exe string) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.WindowSize(1280, 800),
		// Containers and CI run as root, where Chromium's sandbox cannot start.
		chromedp.NoSandbox)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	return bctx
}

// show opens a page at 1280x800, runs more steps on it, and saves a
// screenshot of it in dir as console-NAME.png.
func show(t *testing.T, bctx context.Context, dir, name, url string, more ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	steps := append([]chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(1280, 800), chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("main h1"))}, more...)
	if err := chromedp.Do(bctx, steps...); err != nil {
		t.Fatalf("%s (%s): %v", name, url, err)
	}
	png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot of %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "console-"+name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestConsoleBrowserSignIn: with --auth sigv4 the console asks for keys,
// then shows the caller's account only.
func TestConsoleBrowserSignIn(t *testing.T) {
	exe := browser(t)
	dir := screenshots(t)
	s := startSigned(t)
	for _, k := range []aws.Credentials{adminKey, otherKey} { // both accounts exist
		if _, err := s.clientAs(k).ListNamespaces(ctx(t), &quicksight.ListNamespacesInput{AwsAccountId: aws.String(map[string]string{
			adminKey.AccessKeyID: account, otherKey.AccessKeyID: otherAccount}[k.AccessKeyID])}); err != nil {
			t.Fatal(err)
		}
	}
	bctx := newBrowser(t, exe)
	show(t, bctx, dir, "login", s.URL+"/console/")
	var body string
	err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#access_key_id"), adminKey.AccessKeyID),
		chromedp.SendKeys(chromedp.CSS("#secret_access_key"), adminKey.SecretAccessKey),
		chromedp.Submit(chromedp.CSS("#secret_access_key")),
		chromedp.WaitVisible(chromedp.CSS("caption")),
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			var err error
			body, err = chromedp.Text(chromedp.CSS("main"))(ctx, tg)
			return chromedp.Void{}, err
		})
	if err != nil {
		t.Fatalf("signing in: %v", err)
	}
	if !strings.Contains(body, account) || strings.Contains(body, otherAccount) {
		t.Errorf("after signing in, the accounts page shows:\n%s", body)
	}
}

// TestConsoleBrowser registers users through the SDK, files an upgrade
// request, approves it with a click in headless Chromium, and sees the
// new role on the page and through DescribeUser; it screenshots every
// page at 1280x800.
func TestConsoleBrowser(t *testing.T) {
	exe := browser(t)
	dir := screenshots(t)
	s := start(t, "")
	c := s.client("us-east-1")
	shareAnalysis(t, c)
	register(t, c, "alice", types.UserRoleReader)
	register(t, c, "bob", types.UserRoleAuthor)
	register(t, c, "dan", types.UserRoleReader)
	if _, err := c.CreateIAMPolicyAssignment(ctx(t), &quicksight.CreateIAMPolicyAssignmentInput{AwsAccountId: aws.String(account),
		Namespace: aws.String("default"), AssignmentName: aws.String("readers"), AssignmentStatus: types.AssignmentStatusEnabled,
		PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), Identities: map[string][]string{"user": {"bob"}}}); err != nil {
		t.Fatal(err)
	}
	req, _, status := fileUpgrade(t, s, "default", "alice", "AUTHOR", "I build dashboards now")
	if status != 200 {
		t.Fatalf("filing the upgrade request: %d", status)
	}
	id := req.SelfUpgradeRequestDetail.UpgradeRequestId
	// Another, left pending, which the page lists first once alice's is
	// approved.
	if _, _, status := fileUpgrade(t, s, "default", "dan", "AUTHOR", "I need to edit the sales analysis"); status != 200 {
		t.Fatalf("filing dan's upgrade request: %d", status)
	}

	bctx := newBrowser(t, exe)
	base := s.URL + "/console/accounts/" + account
	open := func(name, url string, more ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		show(t, bctx, dir, name, url, more...)
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	analysis := "arn:aws:quicksight:us-east-1:" + account + ":analysis/a1"
	open("accounts", s.URL+"/console/")
	open("namespaces", base+"/")
	open("users", base+"/namespaces/default/users")
	open("groups", base+"/namespaces/default/groups")
	open("assets", base+"/assets")
	open("assignments", base+"/namespaces/default/assignments")
	open("explorer", base+"/namespaces/default/users/carol/access")
	open("asset-access", base+"/access?arn="+analysis)

	// Approve with a click, as an administrator would.
	open("upgrades", base+"/namespaces/default/upgrades",
		chromedp.Click(chromedp.CSS(`button[aria-label="Approve request `+id+`"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	if first := text("tbody tr td:nth-child(8)"); !strings.Contains(first, "Approve") {
		t.Errorf("the first request listed is not the pending one: its buttons are %q", first)
	}
	if notice, row := text(".notice"), text(`tr[id="request-`+id+`"]`); notice != "Request approved." || !strings.Contains(row, "APPROVED") {
		t.Errorf("after the click: notice %q, row %q", notice, row)
	}
	open("users-search", base+"/namespaces/default/users?q=alice")
	if cell := text("tbody tr td:nth-child(2)"); cell != "AUTHOR" {
		t.Errorf("the users page shows alice as %q, want AUTHOR", cell)
	}
	out, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if out.User.Role != types.UserRoleAuthor {
		t.Errorf("DescribeUser: role %s, want AUTHOR", out.User.Role)
	}
	open("requests", s.URL+"/console/requests")
}
