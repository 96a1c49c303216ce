// Drives a qslocal started with --auth sigv4 (the credentials of
// e2e/auth_test.go) through the JavaScript SDK v3: the right secret works;
// a wrong secret, an unknown key and another account's resource get AWS's
// codes, with HTTP 403. Usage: node auth.mjs ENDPOINT.
import assert from "node:assert/strict";
import {
  QuickSightClient, RegisterUserCommand, DescribeUserCommand, ListUsersCommand, AccessDeniedException,
} from "@aws-sdk/client-quicksight";

const client = (accessKeyId, secretAccessKey, sessionToken) => new QuickSightClient({
  endpoint: process.argv[2], region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId, secretAccessKey, sessionToken },
});
const A = { AwsAccountId: "111122223333", Namespace: "default" };
const rejects = async (promise, name, message) => {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, 403);
    if (message) assert.equal(e.message, message);
    return e;
  }
  assert.fail(`succeeded; want ${name}`);
};

await client("AKIDADMIN", "admin/secret").send(new RegisterUserCommand({
  ...A, IdentityType: "QUICKSIGHT", Email: "j@example.com", UserRole: "READER", UserName: "j s+1",
}));
for (const qs of [client("AKIDALICE", "alice/secret"), client("ASIATEMP", "temp/secret", "FwoGZXIvYXdzEXAMPLE")]) {
  const out = await qs.send(new DescribeUserCommand({ ...A, UserName: "j s+1" }));
  assert.equal(out.User.UserName, "j s+1");
  await qs.send(new ListUsersCommand({ ...A, MaxResults: 1 }));
}
// The SDK signs a path with its dot segments resolved.
try {
  await client("AKIDALICE", "alice/secret").send(new DescribeUserCommand({ ...A, UserName: ".." }));
  assert.fail("a user named '..' was found");
} catch (e) {
  assert.equal(e.name, "ResourceNotFoundException");
}
await rejects(client("AKIDALICE", "wrong/secret").send(new ListUsersCommand(A)), "InvalidSignatureException",
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
await rejects(client("AKIDNOBODY", "x").send(new ListUsersCommand(A)), "UnrecognizedClientException",
  "The security token included in the request is invalid.");
const denied = await rejects(client("AKIDOTHER", "other/secret").send(new DescribeUserCommand({ ...A, UserName: "j s+1" })),
  "AccessDeniedException");
assert.ok(denied instanceof AccessDeniedException, "AccessDeniedException is not typed");
console.log("JavaScript SDK signed run passed");
