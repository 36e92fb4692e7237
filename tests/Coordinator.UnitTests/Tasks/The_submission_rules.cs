using System.Text.Json;
using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Resources;
using Coordinator.Tasks.Intake;

namespace Coordinator.UnitTests.Tasks;

/// <summary>What the intake refuses in a submission, with the reason it gives (the HTTP API and the broker's intake alike).</summary>
public sealed class The_submission_rules
{
    sealed class NoOffers : IAgentOffers
    {
        public IReadOnlyList<AgentOffer> Offers => [];
    }

    static readonly TaskRules Rules = new(new CoordinatorOptions { MaxPayloadDepth = 4 }, new ResourceLimitsOptions(),
        new AgentRegistry(new HeartbeatBook(TimeProvider.System)), new NoOffers(), TimeProvider.System);

    static SubmitTask Task(string type = "echo", string payload = "{}", params string[] capabilities) => new()
    {
        TaskType = type,
        Payload = JsonDocument.Parse(payload).RootElement.Clone(),
        RequiredCapabilities = capabilities,
    };

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"a":{"b":{"c":[1]}}}""")]
    [InlineData("[[[[]]]]")]
    [InlineData("\"just a string\"")]
    public void A_payload_within_the_depth_is_taken(string payload) => Assert.Null(Rules.Validate(Task(payload: payload)));

    [Theory]
    [InlineData("[[[[[]]]]]")]
    [InlineData("""{"a":{"b":{"c":{"d":{"e":1}}}}}""")]
    [InlineData("""{"wide":[1,2,3],"deep":[[[[[0]]]]]}""")]
    public void A_payload_nested_deeper_is_refused_naming_the_limit(string payload) =>
        Assert.Equal("payload is nested deeper than 4 levels (Coordinator:MaxPayloadDepth)", Rules.Validate(Task(payload: payload)));

    [Theory]
    [InlineData("ec\uFFFDho")] // what bytes that were not UTF-8 become
    [InlineData("echo\u0000")]
    [InlineData("\u001b[31mecho")]
    public void A_task_type_that_was_not_text_is_refused(string type) =>
        Assert.Equal("taskType contains a control character or bytes that were not UTF-8", Rules.Validate(Task(type)));

    [Fact]
    public void A_capability_that_was_not_text_or_is_too_long_is_refused()
    {
        Assert.StartsWith("requiredCapabilities contains an entry longer than 128", Rules.Validate(Task(capabilities: "gp\uFFFDu")));
        Assert.StartsWith("requiredCapabilities contains an entry longer than 128", Rules.Validate(Task(capabilities: new string('x', 129))));
        Assert.Null(Rules.Validate(Task(capabilities: "gpu")));
    }
}
