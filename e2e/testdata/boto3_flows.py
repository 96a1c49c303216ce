"""Drives flows and IAM policy assignments through boto3.

Usage: boto3_flows.py ENDPOINT. Exits non-zero with a message on the first
deviation. Run with AWS_DATA_PATH naming the repository's model folder
(internal/apigen/model) when the installed botocore predates the flow
operations.
"""
import sys

import boto3
import botocore

endpoint = sys.argv[1]
qs = boto3.client("quicksight", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test",
                  config=botocore.config.Config(retries={"max_attempts": 1}))
ACCT = "111122223333"
A = dict(AwsAccountId=ACCT, Namespace="default")
ARN = "arn:aws:quicksight:us-east-1:" + ACCT + ":"
OWNER = sorted(["quicksight:PublishFlow", "quicksight:GetFlow", "quicksight:UpdateFlowPermissions",
                "quicksight:GetFlowSession", "quicksight:StartFlowSession", "quicksight:StopFlowSession",
                "quicksight:UpdateFlowSession", "quicksight:UnpublishFlow", "quicksight:GetFlowStages",
                "quicksight:DeleteFlow", "quicksight:DescribeFlowPermissions", "quicksight:UpdateFlow",
                "quicksight:CreatePresignedUrl"])
VIEWER = sorted(["quicksight:GetFlow", "quicksight:UpdateFlowSession", "quicksight:StartFlowSession",
                 "quicksight:StopFlowSession", "quicksight:GetFlowSession", "quicksight:CreatePresignedUrl",
                 "quicksight:GetFlowStages"])


def expect_error(code, call, **kw):
    try:
        call(**kw)
    except botocore.exceptions.ClientError as e:
        got = e.response["Error"]["Code"]
        assert got == code, "%s: got %s, want %s" % (call.__name__, got, code)
        return e.response
    raise AssertionError("%s succeeded, want %s" % (call.__name__, code))


def perms(answer):
    return {p["Principal"]: sorted(p["Actions"]) for p in answer["Permissions"]}


for u in ["alice", "bob", "carol"]:
    qs.register_user(IdentityType="QUICKSIGHT", Email=u + "@example.com", UserRole="READER", UserName=u, **A)
qs.create_group(GroupName="team", **A)
qs.create_group_membership(GroupName="team", MemberName="carol", **A)
alice, bob, ns = ARN + "user/default/alice", ARN + "user/default/bob", ARN + "namespace/default"

# A flow with permissions; the owner actions to bob, the viewer actions to
# the namespace; one action revoked.
flow = qs.create_flow(AwsAccountId=ACCT, Name="Onboarding", Description="d",
                      FlowDefinition={"Steps": [{"Name": "one"}]},
                      Permissions=[{"Principal": alice, "Actions": OWNER}])
fid = flow["FlowId"]
assert flow["Arn"] == ARN + "flow/" + fid and flow["Status"] == 200, flow
f = qs.describe_flow(AwsAccountId=ACCT, FlowId=fid, PublishState="PUBLISHED")["Flow"]
assert f["Name"] == "Onboarding" and f["FlowDefinition"] == {"Steps": [{"Name": "one"}]} and f["PublishState"] == "PUBLISHED", f
up = qs.update_flow_permissions(AwsAccountId=ACCT, FlowId=fid, GrantPermissions=[
    {"Principal": bob, "Actions": OWNER}, {"Principal": ns, "Actions": VIEWER}])
assert perms(up) == {alice: OWNER, bob: OWNER, ns: VIEWER}, perms(up)
qs.update_flow_permissions(AwsAccountId=ACCT, FlowId=fid, RevokePermissions=[{"Principal": bob, "Actions": ["quicksight:DeleteFlow"]}])
got = perms(qs.get_flow_permissions(AwsAccountId=ACCT, FlowId=fid))
want = {alice: OWNER, bob: [a for a in OWNER if a != "quicksight:DeleteFlow"], ns: VIEWER}
assert got == want, got
r = expect_error("InvalidParameterValueException", qs.update_flow_permissions, AwsAccountId=ACCT, FlowId=fid,
                 GrantPermissions=[{"Principal": ns, "Actions": ["quicksight:UpdateFlow"]}])
assert "GrantPermissions[0].Actions[0]" in r["Error"]["Message"], r
assert perms(qs.get_flow_permissions(AwsAccountId=ACCT, FlowId=fid)) == want
r = expect_error("ResourceNotFoundException", qs.get_flow_permissions, AwsAccountId=ACCT, FlowId="00000000-0000-4000-8000-000000000000")
assert r["ResponseMetadata"]["HTTPStatusCode"] == 404, r
meta = qs.get_flow_metadata(AwsAccountId=ACCT, FlowId=fid)
assert meta["UserCount"] == 3 and meta["RunCount"] == 0, meta
found = qs.search_flows(AwsAccountId=ACCT, Filters=[{"Name": "assetName", "Operator": "StringLike", "Value": "board"}])
assert [x["FlowId"] for x in found["FlowSummaryList"]] == [fid], found
qs.delete_flow(AwsAccountId=ACCT, FlowId=fid)
assert qs.list_flows(AwsAccountId=ACCT)["FlowSummaryList"] == []

# An IAM policy assignment.
policy = "arn:aws:iam::" + ACCT + ":policy/QuickSightData"
c = qs.create_iam_policy_assignment(AssignmentName="rule-1", AssignmentStatus="ENABLED", PolicyArn=policy,
                                    Identities={"user": ["alice"], "group": ["team"]}, **A)
assert c["AssignmentName"] == "rule-1" and c["Identities"] == {"user": ["alice"], "group": ["team"]}, c
d = qs.describe_iam_policy_assignment(AssignmentName="rule-1", **A)["IAMPolicyAssignment"]
assert d["AssignmentId"] == c["AssignmentId"] and d["AwsAccountId"] == ACCT and d["PolicyArn"] == policy, d
u = qs.update_iam_policy_assignment(AssignmentName="rule-1", AssignmentStatus="DISABLED", **A)
assert u["AssignmentStatus"] == "DISABLED" and u["Identities"] == {"user": ["alice"], "group": ["team"]}, u
assert qs.list_iam_policy_assignments_for_user(UserName="carol", **A)["ActiveAssignments"] == []
u = qs.update_iam_policy_assignment(AssignmentName="rule-1", AssignmentStatus="ENABLED", Identities={"group": ["team"]}, **A)
assert u["Identities"] == {"group": ["team"]}, u
active = qs.list_iam_policy_assignments_for_user(UserName="carol", **A)["ActiveAssignments"]
assert active == [{"AssignmentName": "rule-1", "PolicyArn": policy}], active
qs.create_iam_policy_assignment(AssignmentName="rule-2", AssignmentStatus="DRAFT", **A)
all_ = [(x["AssignmentName"], x["AssignmentStatus"]) for x in qs.list_iam_policy_assignments(**A)["IAMPolicyAssignments"]]
assert all_ == [("rule-1", "ENABLED"), ("rule-2", "DRAFT")], all_
drafts = [x["AssignmentName"] for x in qs.list_iam_policy_assignments(AssignmentStatus="DRAFT", **A)["IAMPolicyAssignments"]]
assert drafts == ["rule-2"], drafts
assert qs.delete_iam_policy_assignment(AssignmentName="rule-1", **A)["AssignmentName"] == "rule-1"
expect_error("ResourceNotFoundException", qs.describe_iam_policy_assignment, AssignmentName="rule-1", **A)
print("boto3 flows and IAM policy assignments: ok")
