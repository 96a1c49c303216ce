"""Drives qslocal through boto3: users, groups, memberships, tags, namespaces,
analyses and their permissions, self-upgrade requests.

Usage: boto3_identity.py ENDPOINT. Exits non-zero with a message on the
first deviation.
"""
import json
import sys
import urllib.request

import boto3
import botocore

endpoint = sys.argv[1]
def client(region):
    return boto3.client("quicksight", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=botocore.config.Config(retries={"max_attempts": 1}))


# us-east-1 is the account's identity region (the server's --region).
qs = client("us-east-1")
A = dict(AwsAccountId="111122223333", Namespace="default")
NAME = "a/b@c+d=e f"


def expect_error(code, call, **kw):
    try:
        call(**kw)
    except botocore.exceptions.ClientError as e:
        got = e.response["Error"]["Code"]
        assert got == code, "%s: got %s, want %s" % (call.__name__, got, code)
        return e.response
    raise AssertionError("%s succeeded, want %s" % (call.__name__, code))


registered = qs.register_user(IdentityType="QUICKSIGHT", Email="x@example.com", UserRole="READER", UserName=NAME,
                              Tags=[{"Key": "team", "Value": "blue"}], **A)
assert registered["Status"] == 201, registered
u = registered["User"]
assert u["UserName"] == NAME and u["Arn"].endswith(":user/default/" + NAME), u
assert qs.describe_user(UserName=NAME, **A)["User"]["PrincipalId"] == u["PrincipalId"]

created = qs.create_group(GroupName="analysts", Description="d", **A)
assert created["Status"] == 201 and created["ResponseMetadata"]["HTTPStatusCode"] == 201, created
g = created["Group"]
assert g["Arn"].endswith(":group/default/analysts"), g
m = qs.create_group_membership(GroupName="analysts", MemberName=NAME, **A)["GroupMember"]
assert m["MemberName"] == NAME, m
members = [x["MemberName"] for x in qs.list_group_memberships(GroupName="analysts", **A)["GroupMemberList"]]
assert members == [NAME], members
groups = [x["GroupName"] for x in qs.list_user_groups(UserName=NAME, **A)["GroupList"]]
assert groups == ["analysts"], groups
users = [x["UserName"] for x in qs.list_users(**A)["UserList"]]
assert NAME in users, users

tags = qs.list_tags_for_resource(ResourceArn=u["Arn"])["Tags"]
assert tags == [{"Key": "team", "Value": "blue"}], tags
# The statuses AWS answers with: boto3 shows them as Status.
tagged = qs.tag_resource(ResourceArn=u["Arn"], Tags=[{"Key": "env", "Value": "dev"}])
assert tagged["Status"] == 202 and tagged["ResponseMetadata"]["HTTPStatusCode"] == 202, tagged
untagged = qs.untag_resource(ResourceArn=u["Arn"], TagKeys=["team"])
assert untagged["Status"] == 204, untagged
tags = qs.list_tags_for_resource(ResourceArn=u["Arn"])["Tags"]
assert tags == [{"Key": "env", "Value": "dev"}], tags

r = expect_error("ResourceNotFoundException", qs.describe_group_membership, GroupName="analysts", MemberName="nobody", **A)
expect_error("ResourceExistsException", qs.create_group, GroupName="analysts", **A)
# A rule of the model broken: AWS's ValidationException, which boto3 reports
# by its code though the model does not declare it.
r = expect_error("ValidationException", qs.update_user, UserName=NAME, Email="x@example.com", Role="SUPERUSER", **A)
assert "at 'role' failed to satisfy constraint" in r["Error"]["Message"], r

ns = qs.create_namespace(AwsAccountId="111122223333", Namespace="sales", IdentityStore="QUICKSIGHT")
assert ns["Name"] == "sales" and ns["Status"] == 200, ns
names = [n["Name"] for n in qs.list_namespaces(AwsAccountId="111122223333")["Namespaces"]]
assert names == ["default", "sales"], names
qs.delete_namespace(AwsAccountId="111122223333", Namespace="sales")
expect_error("ResourceNotFoundException", qs.describe_namespace, AwsAccountId="111122223333", Namespace="sales")

qs.delete_user(UserName=NAME, **A)
expect_error("ResourceNotFoundException", qs.describe_user, UserName=NAME, **A)
assert qs.list_group_memberships(GroupName="analysts", **A)["GroupMemberList"] == []
# Analyses and permissions: users and groups come back in the identity region.
acct = "111122223333"
group_arn = "arn:aws:quicksight:us-east-1:%s:group/default/analysts" % acct
# The data set an analysis names must exist.
src = qs.create_data_source(AwsAccountId=acct, DataSourceId="src", Name="src", Type="ATHENA",
                            DataSourceParameters={"AthenaParameters": {"WorkGroup": "primary"}})
dset = qs.create_data_set(AwsAccountId=acct, DataSetId="d", Name="d", ImportMode="DIRECT_QUERY",
                          PhysicalTableMap={"t": {"RelationalTable": {"DataSourceArn": src["Arn"], "Name": "t",
                                                                      "InputColumns": [{"Name": "c", "Type": "STRING"}]}}})
expect_error("InvalidParameterValueException", qs.create_analysis, AwsAccountId=acct, AnalysisId="sales-1", Name="Sales",
             Definition={"DataSetIdentifierDeclarations": [{"Identifier": "d", "DataSetArn": dset["Arn"] + "-gone"}]})
a = qs.create_analysis(AwsAccountId=acct, AnalysisId="sales-1", Name="Sales",
                       Definition={"DataSetIdentifierDeclarations": [{"Identifier": "d", "DataSetArn": dset["Arn"]}]},
                       Permissions=[{"Principal": group_arn, "Actions": ["quicksight:DescribeAnalysis"]}])
assert a["Status"] == 202 and a["ResponseMetadata"]["HTTPStatusCode"] == 202, a
assert a["Arn"].endswith(":analysis/sales-1"), a
p = qs.update_analysis_permissions(AwsAccountId=acct, AnalysisId="sales-1",
                                   GrantPermissions=[{"Principal": group_arn, "Actions": ["quicksight:QueryAnalysis"]}])["Permissions"]
assert p == [{"Principal": group_arn, "Actions": ["quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"]}], p
expect_error("InvalidParameterValueException", qs.update_analysis_permissions, AwsAccountId=acct, AnalysisId="sales-1",
             GrantPermissions=[{"Principal": group_arn, "Actions": ["quicksight:Nope"]}])
d = qs.delete_analysis(AwsAccountId=acct, AnalysisId="sales-1")
assert qs.describe_analysis(AwsAccountId=acct, AnalysisId="sales-1")["Analysis"]["Status"] == "DELETED", d
qs.restore_analysis(AwsAccountId=acct, AnalysisId="sales-1")
summaries = qs.list_analyses(AwsAccountId=acct)["AnalysisSummaryList"]
assert [x["AnalysisId"] for x in summaries] == ["sales-1"] and summaries[0]["Status"] != "DELETED", summaries

# Self-upgrade: filed at qslocal's own path, approved through boto3.
qs.register_user(IdentityType="QUICKSIGHT", Email="r@example.com", UserRole="READER", UserName="reader", **A)
req = urllib.request.Request(endpoint + "/_qslocal/accounts/%s/namespaces/default/self-upgrade-requests" % acct,
                             data=json.dumps({"UserName": "reader", "RequestedRole": "AUTHOR"}).encode(), method="POST")
filed = json.load(urllib.request.urlopen(req))["SelfUpgradeRequestDetail"]
assert filed["RequestStatus"] == "PENDING", filed
done = qs.update_self_upgrade(UpgradeRequestId=filed["UpgradeRequestId"], Action="APPROVE", **A)["SelfUpgradeRequestDetail"]
assert done["RequestStatus"] == "APPROVED" and done["lastUpdateAttemptTime"] >= done["CreationTime"], done
assert qs.describe_user(UserName="reader", **A)["User"]["Role"] == "AUTHOR"
expect_error("PreconditionNotMetException", qs.update_self_upgrade, UpgradeRequestId=filed["UpgradeRequestId"], Action="DENY", **A)
listed = qs.list_self_upgrades(**A)["SelfUpgradeRequestDetails"]
assert [x["UpgradeRequestId"] for x in listed] == [filed["UpgradeRequestId"]], listed
qs.update_self_upgrade_configuration(SelfUpgradeStatus="AUTO_APPROVAL", **A)
conf = qs.describe_self_upgrade_configuration(**A)["SelfUpgradeConfiguration"]
assert conf == {"SelfUpgradeStatus": "AUTO_APPROVAL"}, conf
# User and group management from another region than the identity region.
elsewhere = client("eu-west-1")
for call, kw in [(elsewhere.list_users, {}), (elsewhere.describe_group, {"GroupName": "analysts"})]:
    e = expect_error("AccessDeniedException", call, **kw, **A)
    assert e["ResponseMetadata"]["HTTPStatusCode"] == 401, e
    assert e["Error"]["Message"] == ("Operation is being called from endpoint eu-west-1, but your identity region "
                                     "is us-east-1. Please use the us-east-1 endpoint."), e
# Namespaces answer from any region.
assert elsewhere.list_namespaces(AwsAccountId=acct)["Namespaces"][0]["CapacityRegion"] == "us-east-1"
print("boto3: ok")
