// Drives flows and IAM policy assignments through the JavaScript SDK v3.
// Usage: node flows.mjs ENDPOINT. Exits non-zero on the first deviation.
import assert from "node:assert/strict";
import {
  QuickSightClient, RegisterUserCommand, CreateGroupCommand, CreateGroupMembershipCommand,
  CreateFlowCommand, UpdateFlowPermissionsCommand, GetFlowPermissionsCommand, DescribeFlowCommand,
  CreateIAMPolicyAssignmentCommand, DescribeIAMPolicyAssignmentCommand, UpdateIAMPolicyAssignmentCommand,
  ListIAMPolicyAssignmentsCommand, ListIAMPolicyAssignmentsForUserCommand, DeleteIAMPolicyAssignmentCommand,
  CreateAnalysisCommand, ListUsersCommand, TagResourceCommand, UntagResourceCommand,
  InvalidParameterValueException, ResourceNotFoundException, AccessDeniedException,
} from "@aws-sdk/client-quicksight";

const qs = new QuickSightClient({
  endpoint: process.argv[2], region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const ACCT = "111122223333";
const A = { AwsAccountId: ACCT, Namespace: "default" };
const ARN = `arn:aws:quicksight:us-east-1:${ACCT}:`;
const OWNER = ["quicksight:PublishFlow", "quicksight:GetFlow", "quicksight:UpdateFlowPermissions",
  "quicksight:GetFlowSession", "quicksight:StartFlowSession", "quicksight:StopFlowSession",
  "quicksight:UpdateFlowSession", "quicksight:UnpublishFlow", "quicksight:GetFlowStages",
  "quicksight:DeleteFlow", "quicksight:DescribeFlowPermissions", "quicksight:UpdateFlow",
  "quicksight:CreatePresignedUrl"].sort();
const VIEWER = ["quicksight:GetFlow", "quicksight:UpdateFlowSession", "quicksight:StartFlowSession",
  "quicksight:StopFlowSession", "quicksight:GetFlowSession", "quicksight:CreatePresignedUrl",
  "quicksight:GetFlowStages"].sort();
const perms = (out) => Object.fromEntries(out.Permissions.map((p) => [p.Principal, [...p.Actions].sort()]));
const rejects = async (promise, type, name) => {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, name);
    if (type) assert.ok(e instanceof type, `${name} is not typed`);
    return e;
  }
  assert.fail(`succeeded; want ${name}`);
};

for (const u of ["alice", "bob", "carol"]) {
  const out = await qs.send(new RegisterUserCommand({ ...A, IdentityType: "QUICKSIGHT", Email: `${u}@example.com`, UserRole: "READER", UserName: u }));
  assert.equal(out.Status, 201); // as AWS answers (docs/behaviour.md)
}
assert.equal((await qs.send(new CreateGroupCommand({ ...A, GroupName: "team" }))).Status, 201);
await qs.send(new CreateGroupMembershipCommand({ ...A, GroupName: "team", MemberName: "carol" }));
// A rule of the model broken: ValidationException, untyped (the model does
// not declare it) but named.
const invalid = await rejects(qs.send(new CreateGroupCommand({ ...A, GroupName: "bad\tname" })), null, "ValidationException");
assert.match(invalid.message, /at 'groupName' failed to satisfy constraint/);
const alice = ARN + "user/default/alice", bob = ARN + "user/default/bob", ns = ARN + "namespace/default";

const flow = await qs.send(new CreateFlowCommand({ AwsAccountId: ACCT, Name: "Onboarding",
  FlowDefinition: { Steps: [{ Name: "one" }] }, Permissions: [{ Principal: alice, Actions: OWNER }] }));
const FlowId = flow.FlowId;
assert.equal(flow.Arn, ARN + "flow/" + FlowId);
const described = await qs.send(new DescribeFlowCommand({ AwsAccountId: ACCT, FlowId, PublishState: "DRAFT" }));
assert.deepEqual(described.Flow.FlowDefinition, { Steps: [{ Name: "one" }] });
let up = await qs.send(new UpdateFlowPermissionsCommand({ AwsAccountId: ACCT, FlowId,
  GrantPermissions: [{ Principal: bob, Actions: OWNER }, { Principal: ns, Actions: VIEWER }] }));
assert.deepEqual(perms(up), { [alice]: OWNER, [bob]: OWNER, [ns]: VIEWER });
await qs.send(new UpdateFlowPermissionsCommand({ AwsAccountId: ACCT, FlowId,
  RevokePermissions: [{ Principal: bob, Actions: ["quicksight:DeleteFlow"] }] }));
const want = { [alice]: OWNER, [bob]: OWNER.filter((a) => a !== "quicksight:DeleteFlow"), [ns]: VIEWER };
assert.deepEqual(perms(await qs.send(new GetFlowPermissionsCommand({ AwsAccountId: ACCT, FlowId }))), want);
await rejects(qs.send(new UpdateFlowPermissionsCommand({ AwsAccountId: ACCT, FlowId,
  GrantPermissions: [{ Principal: ns, Actions: ["quicksight:UpdateFlow"] }] })), InvalidParameterValueException, "InvalidParameterValueException");
assert.deepEqual(perms(await qs.send(new GetFlowPermissionsCommand({ AwsAccountId: ACCT, FlowId }))), want);
// GetFlowPermissions declares no ResourceNotFoundException; its name says it all the same.
await rejects(qs.send(new GetFlowPermissionsCommand({ AwsAccountId: ACCT, FlowId: "00000000-0000-4000-8000-000000000000" })), null, "ResourceNotFoundException");

const policy = `arn:aws:iam::${ACCT}:policy/QuickSightData`;
const created = await qs.send(new CreateIAMPolicyAssignmentCommand({ ...A, AssignmentName: "rule-1", AssignmentStatus: "ENABLED",
  PolicyArn: policy, Identities: { user: ["alice"], group: ["team"] } }));
const d = (await qs.send(new DescribeIAMPolicyAssignmentCommand({ ...A, AssignmentName: "rule-1" }))).IAMPolicyAssignment;
assert.equal(d.AssignmentId, created.AssignmentId);
assert.deepEqual(d.Identities, { user: ["alice"], group: ["team"] });
let u = await qs.send(new UpdateIAMPolicyAssignmentCommand({ ...A, AssignmentName: "rule-1", AssignmentStatus: "DISABLED" }));
assert.equal(u.AssignmentStatus, "DISABLED");
assert.deepEqual(u.Identities, { user: ["alice"], group: ["team"] });
assert.deepEqual((await qs.send(new ListIAMPolicyAssignmentsForUserCommand({ ...A, UserName: "carol" }))).ActiveAssignments, []);
u = await qs.send(new UpdateIAMPolicyAssignmentCommand({ ...A, AssignmentName: "rule-1", AssignmentStatus: "ENABLED", Identities: { group: ["team"] } }));
assert.deepEqual(u.Identities, { group: ["team"] });
assert.deepEqual((await qs.send(new ListIAMPolicyAssignmentsForUserCommand({ ...A, UserName: "carol" }))).ActiveAssignments,
  [{ AssignmentName: "rule-1", PolicyArn: policy }]);
await qs.send(new CreateIAMPolicyAssignmentCommand({ ...A, AssignmentName: "rule-2", AssignmentStatus: "DRAFT" }));
const names = (out) => out.IAMPolicyAssignments.map((a) => `${a.AssignmentName}=${a.AssignmentStatus}`);
assert.deepEqual(names(await qs.send(new ListIAMPolicyAssignmentsCommand(A))), ["rule-1=ENABLED", "rule-2=DRAFT"]);
assert.deepEqual(names(await qs.send(new ListIAMPolicyAssignmentsCommand({ ...A, AssignmentStatus: "DRAFT" }))), ["rule-2=DRAFT"]);
await qs.send(new DeleteIAMPolicyAssignmentCommand({ ...A, AssignmentName: "rule-1" }));
await rejects(qs.send(new DescribeIAMPolicyAssignmentCommand({ ...A, AssignmentName: "rule-1" })), ResourceNotFoundException, "ResourceNotFoundException");
const analysis = await qs.send(new CreateAnalysisCommand({ AwsAccountId: ACCT, AnalysisId: "a1", Name: "A1",
  Definition: { DataSetIdentifierDeclarations: [] } }));
assert.equal(analysis.Status, 202);
const tagged = await qs.send(new TagResourceCommand({ ResourceArn: analysis.Arn, Tags: [{ Key: "k", Value: "v" }] }));
assert.equal(tagged.Status, 202);
const untagged = await qs.send(new UntagResourceCommand({ ResourceArn: analysis.Arn, TagKeys: ["k"] }));
assert.equal(untagged.$metadata.httpStatusCode, 204);

// Users and groups are managed in the account's identity region only.
const elsewhere = new QuickSightClient({
  endpoint: process.argv[2], region: "eu-west-1", maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const denied = await rejects(elsewhere.send(new ListUsersCommand(A)), AccessDeniedException, "AccessDeniedException");
assert.equal(denied.$metadata.httpStatusCode, 401);
assert.equal(denied.message, "Operation is being called from endpoint eu-west-1, but your identity region is us-east-1. Please use the us-east-1 endpoint.");
console.log("JavaScript SDK flows and IAM policy assignments: ok");
