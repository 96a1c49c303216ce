"""Drives the asset families through boto3: a dashboard made from a
template made from an analysis, shared through a folder with a group.

Usage: boto3_dashboards.py ENDPOINT. Exits non-zero with a message on the
first deviation. Run with AWS_DATA_PATH naming the repository's model
folder (internal/apigen/model).
"""
import sys

import boto3
import botocore

endpoint = sys.argv[1]
qs = boto3.client("quicksight", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test",
                  config=botocore.config.Config(retries={"max_attempts": 1}))
ACCT = "111122223333"
A = dict(AwsAccountId=ACCT)
NS = dict(AwsAccountId=ACCT, Namespace="default")
ARN = "arn:aws:quicksight:us-east-1:" + ACCT + ":"


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


for u, role in [("alice", "AUTHOR"), ("bob", "READER")]:
    qs.register_user(IdentityType="QUICKSIGHT", Email=u + "@example.com", UserRole=role, UserName=u, **NS)
qs.create_group(GroupName="team", **NS)
qs.create_group_membership(GroupName="team", MemberName="bob", **NS)
alice, bob, team = ARN + "user/default/alice", ARN + "user/default/bob", ARN + "group/default/team"

# The data: a data source and a data set on it.
src = qs.create_data_source(DataSourceId="athena", Name="Athena", Type="ATHENA",
                            DataSourceParameters={"AthenaParameters": {"WorkGroup": "primary"}}, **A)
assert src["Status"] == 202 and src["CreationStatus"] == "CREATION_SUCCESSFUL", src
ds = qs.create_data_set(DataSetId="orders", Name="Orders", ImportMode="DIRECT_QUERY", PhysicalTableMap={
    "t": {"RelationalTable": {"DataSourceArn": src["Arn"], "Name": "orders",
                              "InputColumns": [{"Name": "id", "Type": "INTEGER"}]}}}, **A)
assert ds["Status"] == 201, ds

# An analysis on it, a template from the analysis, a dashboard from the
# template.
an = qs.create_analysis(AnalysisId="sales", Name="Sales", Definition={
    "DataSetIdentifierDeclarations": [{"Identifier": "orders", "DataSetArn": ds["Arn"]}],
    "Sheets": [{"SheetId": "s1", "Name": "Overview"}]},
    Permissions=[{"Principal": alice, "Actions": ["quicksight:DescribeAnalysis", "quicksight:UpdateAnalysisPermissions"]}], **A)
assert an["Status"] == 202, an
tpl = qs.create_template(TemplateId="sales-tpl", Name="Sales template", SourceEntity={"SourceAnalysis": {
    "Arn": an["Arn"], "DataSetReferences": [{"DataSetPlaceholder": "orders", "DataSetArn": ds["Arn"]}]}}, **A)
assert tpl["VersionArn"] == ARN + "template/sales-tpl/version/1", tpl
d = qs.create_dashboard(DashboardId="sales-dash", Name="Sales dashboard", SourceEntity={"SourceTemplate": {
    "Arn": tpl["Arn"], "DataSetReferences": [{"DataSetPlaceholder": "orders", "DataSetArn": ds["Arn"]}]}},
    Permissions=[{"Principal": alice, "Actions": ["quicksight:DescribeDashboard", "quicksight:UpdateDashboardPermissions"]}],
    Tags=[{"Key": "team", "Value": "bi"}], **A)
assert d["Status"] == 202 and d["VersionArn"] == ARN + "dashboard/sales-dash/version/1", d
got = qs.describe_dashboard(DashboardId="sales-dash", **A)["Dashboard"]
assert got["Version"]["SourceEntityArn"] == tpl["Arn"] and got["Version"]["DataSetArns"] == [ds["Arn"]], got
assert got["Version"]["Sheets"] == [{"SheetId": "s1", "Name": "Overview"}], got
definition = qs.describe_dashboard_definition(DashboardId="sales-dash", **A)["Definition"]
assert definition["DataSetIdentifierDeclarations"] == [{"Identifier": "orders", "DataSetArn": ds["Arn"]}], definition

# Shared through a folder: the group may view the parent folder, the
# dashboard sits in its subfolder.
parent = qs.create_folder(FolderId="bi", Name="BI", FolderType="SHARED",
                          Permissions=[{"Principal": team, "Actions": ["quicksight:DescribeFolder"]}], **A)
sub = qs.create_folder(FolderId="bi-sales", Name="Sales", ParentFolderArn=parent["Arn"], **A)
m = qs.create_folder_membership(FolderId="bi-sales", MemberId="sales-dash", MemberType="DASHBOARD", **A)
assert m["Status"] == 200 and m["FolderMember"] == {"MemberId": "sales-dash", "MemberType": "DASHBOARD"}, m
resolved = qs.describe_folder_resolved_permissions(FolderId="bi-sales", **A)
assert perms(resolved) == {team: ["quicksight:DescribeFolder"]}, resolved
assert qs.list_folders_for_resource(ResourceArn=d["Arn"], **A)["Folders"] == [sub["Arn"]]

# bob reaches the dashboard only through the group's folder.
assert perms(qs.describe_dashboard_permissions(DashboardId="sales-dash", **A)) == {
    alice: ["quicksight:DescribeDashboard", "quicksight:UpdateDashboardPermissions"]}


def search(name, value):
    out = qs.search_dashboards(Filters=[{"Name": name, "Operator": "StringEquals", "Value": value}], **A)
    return [s["DashboardId"] for s in out["DashboardSummaryList"]]


assert search("QUICKSIGHT_VIEWER_OR_OWNER", bob) == ["sales-dash"], search("QUICKSIGHT_VIEWER_OR_OWNER", bob)
assert search("DIRECT_QUICKSIGHT_VIEWER_OR_OWNER", bob) == []
assert search("QUICKSIGHT_OWNER", bob) == []
assert search("QUICKSIGHT_OWNER", alice) == ["sales-dash"]

# Taking it out of the folder takes bob's access away.
qs.delete_folder_membership(FolderId="bi-sales", MemberId="sales-dash", MemberType="DASHBOARD", **A)
assert search("QUICKSIGHT_VIEWER_OR_OWNER", bob) == []

# Typed errors through boto3.
expect_error("ResourceNotFoundException", qs.describe_dashboard, DashboardId="nope", **A)
expect_error("InvalidParameterValueException", qs.update_dashboard_permissions, DashboardId="sales-dash",
             GrantPermissions=[{"Principal": bob, "Actions": ["quicksight:DescribeAnalysis"]}], **A)
expect_error("ConflictException", qs.delete_dashboard, DashboardId="sales-dash", VersionNumber=1, **A)
print("boto3 dashboards: ok")
