using Microsoft.Extensions.Options;

namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>An agent must offer something: <c>Agent:Capabilities</c>, or, when that is not set, the task types of its handlers.</summary>
internal sealed class AgentCapabilitiesValidator(TaskHandlers handlers) : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options) =>
        options.Capabilities is null && handlers.TaskTypes.Count == 0
            ? ValidateOptionsResult.Fail(
                $"{AgentOptions.Section}:{nameof(AgentOptions.Capabilities)}: not set, and no task handler is registered: register one with "
                + "services.AddTaskHandler<THandler>(\"task-type\"), or set the capabilities this agent offers")
            : ValidateOptionsResult.Success;
}
