using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Regressions;

/// <summary>The rare stalled hello under load (ARCHITECTURE.md, "The stall"): what broke, one test each.</summary>
public sealed class StallRegressionTests
{
    /// <summary>
    /// A register queued behind password hashing was answered <c>hello_timeout</c> although the client had said hello
    /// in time; the deadline now covers only the client's part.
    /// </summary>
    [Fact]
    public async Task A_register_waiting_for_its_password_hash_is_not_timed_out()
    {
        // About three seconds of PBKDF2 here (more under load), three times the hello deadline; the deadline is still long
        // enough for the server to read the frame on a loaded machine.
        await using var server = await TestServer.StartAsync(("HelloTimeout", "00:00:01"), ("PasswordIterations", "5000000"));
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync(new { type = "register", user = "slowhash", password = ProtocolSteps.Password });
        var answer = await client.ReadAsync();
        Assert.True(answer.Type() == "welcome", answer.ToJsonString());
    }
}
