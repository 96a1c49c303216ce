#!/usr/bin/env python3
"""Writes a qslocal database through its API, then records the answers that
the same server gives to a fixed list of requests. Run once, against the
qslocal of commit 83c4e26 (the last before the asset engine), to make the
upgrade fixtures in this folder:

  gen.py populate URL            writes the data
  gen.py record URL OUT.json     records the answers to CHECKS, then WRITES
"""
import json, sys, urllib.request, urllib.error

A, B = "111122223333", "444455556666"

def call(base, method, path, body=None):
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if v is not None}
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()

def must(base, method, path, body=None):
    st, out = call(base, method, path, body)
    if st >= 300:
        raise SystemExit(f"{method} {path}: {st} {out}")
    return json.loads(out) if out else {}

def user(ns, name):
    return f"arn:aws:quicksight:us-east-1:{A}:user/{ns}/{name}"

OWNER = ["quicksight:RestoreAnalysis", "quicksight:UpdateAnalysisPermissions", "quicksight:DeleteAnalysis",
         "quicksight:DescribeAnalysisPermissions", "quicksight:QueryAnalysis", "quicksight:DescribeAnalysis",
         "quicksight:UpdateAnalysis"]
VIEW = ["quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"]

def definition(sheet, ds):
    return {"DataSetIdentifierDeclarations": [{"Identifier": "ds", "DataSetArn": f"arn:aws:quicksight:us-east-1:{A}:dataset/{ds}"}],
            "Sheets": [{"SheetId": sheet, "Name": "Sheet " + sheet, "Visuals": []}],
            "CalculatedFields": [{"DataSetIdentifier": "ds", "Name": "profit", "Expression": "sales - cost"}]}

def populate(base):
    P = lambda m, p, b=None: must(base, m, p, b)
    P("POST", f"/accounts/{A}", {"Namespace": "sales", "IdentityStore": "QUICKSIGHT",
      "Tags": [{"Key": "team", "Value": "sales"}]})
    for ns, name, role in [("default", "alice", "AUTHOR"), ("default", "bob", "READER"), ("default", "carol", "ADMIN"),
                           ("default", "erin", "READER"), ("sales", "dave", "READER")]:
        P("POST", f"/accounts/{A}/namespaces/{ns}/users", {"IdentityType": "QUICKSIGHT", "Email": name + "@example.com",
          "UserRole": role, "UserName": name, "Tags": [{"Key": "who", "Value": name}] if name == "alice" else None})
    P("POST", f"/accounts/{A}/namespaces/default/users", {"IdentityType": "IAM", "Email": "iam@example.com",
      "UserRole": "AUTHOR", "IamArn": f"arn:aws:iam::{A}:role/Analyst", "SessionName": "jo"})
    P("POST", f"/accounts/{A}/namespaces/default/groups", {"GroupName": "analysts", "Description": "The analysts"})
    P("POST", f"/accounts/{A}/namespaces/sales/groups", {"GroupName": "admins"})
    for g, ns, u in [("analysts", "default", "alice"), ("analysts", "default", "bob"), ("admins", "sales", "dave")]:
        P("PUT", f"/accounts/{A}/namespaces/{ns}/groups/{g}/members/{u}")
    P("POST", f"/accounts/{A}/custom-permissions", {"CustomPermissionsName": "limited",
      "Capabilities": {"CreateAndUpdateDatasets": "DENY", "ExportToCsv": "DENY"}, "Tags": [{"Key": "k", "Value": "v"}]})
    P("PUT", f"/accounts/{A}/namespaces/default/users/bob", {"Email": "bob@example.com", "Role": "READER",
      "CustomPermissionsName": "limited"})
    P("PUT", f"/accounts/{A}/custom-permission", {"CustomPermissionsName": "limited"})
    P("PUT", f"/accounts/{A}/namespaces/default/roles/READER/custom-permission", {"CustomPermissionsName": "limited"})
    P("POST", f"/accounts/{A}/namespaces/default/roles/AUTHOR/members/analysts")
    # Analyses: with a definition and grants to a user, a group and the namespace.
    P("POST", f"/accounts/{A}/analyses/sales-2024", {"Name": "Sales 2024", "Definition": definition("s1", "orders"),
      "ThemeArn": "arn:aws:quicksight::aws:theme/MIDNIGHT",
      "Permissions": [{"Principal": user("default", "alice"), "Actions": OWNER},
                      {"Principal": f"arn:aws:quicksight:us-east-1:{A}:group/default/analysts", "Actions": VIEW},
                      {"Principal": f"arn:aws:quicksight:us-east-1:{A}:namespace/default", "Actions": ["quicksight:DescribeAnalysis"]}],
      "Tags": [{"Key": "env", "Value": "prod"}, {"Key": "cost", "Value": "42"}]})
    P("POST", f"/accounts/{A}/analyses/from-template", {"Name": "From a template", "SourceEntity": {"SourceTemplate": {
      "Arn": f"arn:aws:quicksight:us-east-1:{A}:template/t1",
      "DataSetReferences": [{"DataSetPlaceholder": "p", "DataSetArn": f"arn:aws:quicksight:us-east-1:{A}:dataset/d1"}]}},
      "Permissions": [{"Principal": user("default", "carol"), "Actions": OWNER}]})
    P("POST", f"/accounts/{A}/analyses/with-params", {"Name": "Parameters é ✓", "Definition": definition("p1", "d2"),
      "Parameters": {"StringParameters": [{"Name": "region", "Values": ["eu", "us"]}],
                     "IntegerParameters": [{"Name": "n", "Values": [1, 2]}]},
      "Permissions": [{"Principal": user("default", "bob"), "Actions": OWNER}]})
    P("POST", f"/accounts/{A}/analyses/old", {"Name": "Old", "Definition": definition("o1", "d3"),
      "Permissions": [{"Principal": user("default", "alice"), "Actions": VIEW}], "Tags": [{"Key": "gone", "Value": "soon"}]})
    P("DELETE", f"/accounts/{A}/analyses/old?recovery-window-in-days=7")
    P("PUT", f"/accounts/{A}/analyses/with-params", {"Name": "Parameters, updated", "Definition": definition("p2", "d2")})
    for i in range(5):
        P("POST", f"/accounts/{A}/analyses/page-{i}", {"Name": f"Page {i}", "Definition": definition(f"x{i}", "d"),
          "Permissions": [{"Principal": f"arn:aws:quicksight:us-east-1:{A}:group/default/analysts", "Actions": OWNER}]})
    P("POST", f"/accounts/{B}/analyses/elsewhere", {"Name": "Another account", "Definition": definition("e", "d")})
    # Self-upgrade requests, and a configuration.
    P("POST", f"/_qslocal/accounts/{A}/namespaces/default/self-upgrade-requests", {"UserName": "bob", "RequestedRole": "AUTHOR", "RequestNote": "please"})
    erin = P("POST", f"/_qslocal/accounts/{A}/namespaces/default/self-upgrade-requests", {"UserName": "erin", "RequestedRole": "READER_PRO"})
    P("POST", f"/accounts/{A}/namespaces/default/update-self-upgrade-request",
      {"UpgradeRequestId": erin["SelfUpgradeRequestDetail"]["UpgradeRequestId"], "Action": "DENY"})
    P("PUT", f"/accounts/{A}/namespaces/sales/self-upgrade-configuration", {"SelfUpgradeStatus": "AUTO_APPROVAL"})
    P("POST", f"/_qslocal/accounts/{A}/namespaces/sales/self-upgrade-requests", {"UserName": "dave", "RequestedRole": "AUTHOR"})

CHECKS = [
    ("GET", f"/accounts/{A}/namespaces/default/users/alice", None),
    ("GET", f"/accounts/{A}/namespaces/default/users/bob", None),
    ("GET", f"/accounts/{A}/namespaces/default/users?max-results=3", None),
    ("GET", f"/accounts/{A}/namespaces/sales/users", None),
    ("GET", f"/accounts/{A}/namespaces/default/users/alice/groups", None),
    ("GET", f"/accounts/{A}/namespaces/default/groups/analysts", None),
    ("GET", f"/accounts/{A}/namespaces/default/groups/analysts/members", None),
    ("GET", f"/accounts/{A}/namespaces/sales/groups", None),
    ("GET", f"/accounts/{A}/namespaces/sales", None),
    ("GET", f"/accounts/{A}/namespaces", None),
    ("GET", f"/accounts/{A}/custom-permissions/limited", None),
    ("GET", f"/accounts/{A}/custom-permission", None),
    ("GET", f"/accounts/{A}/namespaces/default/roles/READER/custom-permission", None),
    ("GET", f"/accounts/{A}/namespaces/default/roles/AUTHOR/members", None),
    ("GET", f"/resources/arn%3Aaws%3Aquicksight%3Aus-east-1%3A{A}%3Auser%2Fdefault%2Falice/tags", None),
    ("GET", f"/resources/arn%3Aaws%3Aquicksight%3Aus-east-1%3A{A}%3Anamespace%2Fsales/tags", None),
    ("GET", f"/resources/arn%3Aaws%3Aquicksight%3Aus-east-1%3A{A}%3Aanalysis%2Fsales-2024/tags", None),
    ("GET", f"/resources/arn%3Aaws%3Aquicksight%3Aus-east-1%3A{A}%3Aanalysis%2Fold/tags", None),
    ("GET", f"/accounts/{A}/analyses/sales-2024", None),
    ("GET", f"/accounts/{A}/analyses/sales-2024/definition", None),
    ("GET", f"/accounts/{A}/analyses/sales-2024/permissions", None),
    ("GET", f"/accounts/{A}/analyses/from-template", None),
    ("GET", f"/accounts/{A}/analyses/from-template/definition", None),
    ("GET", f"/accounts/{A}/analyses/with-params", None),
    ("GET", f"/accounts/{A}/analyses/with-params/definition", None),
    ("GET", f"/accounts/{A}/analyses/old", None),
    ("GET", f"/accounts/{A}/analyses/old/permissions", None),
    ("GET", f"/accounts/{A}/analyses/nope", None),
    ("GET", f"/accounts/{A}/analyses", None),
    ("GET", f"/accounts/{A}/analyses?max-results=3", None),
    ("GET", f"/accounts/{B}/analyses", None),
    ("POST", f"/accounts/{A}/search/analyses", {"Filters": [{"Name": "QUICKSIGHT_OWNER", "Operator": "StringEquals", "Value": user("default", "bob")}]}),
    ("POST", f"/accounts/{A}/search/analyses", {"Filters": [{"Name": "QUICKSIGHT_VIEWER_OR_OWNER", "Operator": "StringEquals", "Value": user("default", "erin")}], "MaxResults": 2}),
    ("POST", f"/accounts/{A}/search/analyses", {"Filters": [{"Name": "DIRECT_QUICKSIGHT_SOLE_OWNER", "Operator": "StringEquals", "Value": user("default", "alice")}]}),
    ("POST", f"/accounts/{A}/search/analyses", {"Filters": [{"Name": "ANALYSIS_NAME", "Operator": "StringLike", "Value": "page"}]}),
    ("GET", f"/accounts/{A}/namespaces/default/self-upgrade-requests", None),
    ("GET", f"/accounts/{A}/namespaces/sales/self-upgrade-requests", None),
    ("GET", f"/accounts/{A}/namespaces/sales/self-upgrade-configuration", None),
    ("GET", f"/accounts/{A}/namespaces/default/self-upgrade-configuration", None),
]

# Writes whose answers carry no clock reading, then reads of what they did.
WRITES = [
    ("PUT", f"/accounts/{A}/analyses/sales-2024/permissions", {"GrantPermissions": [{"Principal": user("default", "erin"), "Actions": VIEW}],
      "RevokePermissions": [{"Principal": f"arn:aws:quicksight:us-east-1:{A}:namespace/default", "Actions": ["quicksight:DescribeAnalysis"]}]}),
    ("POST", f"/accounts/{A}/restore/analyses/old", None),
    ("GET", f"/accounts/{A}/analyses/old/permissions", None),
    ("DELETE", f"/accounts/{A}/analyses/with-params?force-delete-without-recovery=true", None),
    ("GET", f"/accounts/{A}/analyses/with-params", None),
    ("POST", f"/accounts/{A}/analyses/sales-2024", {"Name": "again", "Definition": definition("z", "d")}),
    ("POST", f"/resources/arn%3Aaws%3Aquicksight%3Aus-east-1%3A{A}%3Aanalysis%2Fpage-1/tags", {"Tags": [{"Key": "added", "Value": "later"}]}),
    ("GET", f"/resources/arn%3Aaws%3Aquicksight%3Aus-east-1%3A{A}%3Aanalysis%2Fpage-1/tags", None),
    ("DELETE", f"/accounts/{A}/namespaces/default/users/bob", None),
    ("GET", f"/accounts/{A}/analyses/with-params/permissions", None),
    ("POST", f"/accounts/{A}/search/analyses", {"Filters": [{"Name": "QUICKSIGHT_VIEWER_OR_OWNER", "Operator": "StringEquals", "Value": user("default", "erin")}]}),
    ("GET", f"/accounts/{A}/analyses", None),
]

def record(base, out):
    answers = []
    for m, p, b in CHECKS + WRITES:
        st, body = call(base, m, p, b)
        answers.append({"Method": m, "Path": p, "Body": b, "Status": st, "Answer": json.loads(body) if body else None})
        # Follow a listing's pages too.
        while st == 200 and body and json.loads(body).get("NextToken"):
            tok = json.loads(body)["NextToken"]
            if m == "GET":
                sep = "&" if "?" in p else "?"
                p2, b2 = p + sep + "next-token=" + urllib.request.quote(tok, safe=""), None
            else:
                p2, b2 = p, dict(b, NextToken=tok)
            st, body = call(base, m, p2, b2)
            answers.append({"Method": m, "Path": p2, "Body": b2, "Status": st, "Answer": json.loads(body) if body else None})
    for a in answers:
        if isinstance(a["Answer"], dict):
            a["Answer"].pop("RequestId", None)
        if a["Method"] == "DELETE" and "force-delete" in a["Path"]:
            a["Clock"] = ["DeletionTime"]  # the time of the request: checked present, not compared
    json.dump(answers, open(out, "w"), indent=1, ensure_ascii=False)
    print(len(answers), "answers")

if __name__ == "__main__":
    if sys.argv[1] == "populate":
        populate(sys.argv[2])
    else:
        record(sys.argv[2], sys.argv[3])
